"""双随机 draws: enterprises and officers drawn by RFC 3797 from pools frozen and published first.

A draw is announced (pool frozen, its SM3 published, sources named, reveal date fixed), then
drawn (revealed values entered, selection run, public record frozen). Nothing about a draw
changes after it is drawn; its record lets anyone re-run it (``zhifa verify-draw``).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhifa.core.access import RestrictedManager
from zhifa.draws import rfc3797
from zhifa.org.models import Officer, Organisation, Region
from zhifa.plans.models import PlanStratum, PlanTask
from zhifa.registry.models import Enterprise


class DrawMode(models.TextChoices):
    PUBLIC = "public", "公开随机源"
    COMMIT = "commit", "承诺—揭示（服务器密钥）"


class DrawStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ANNOUNCED = "announced", "已公告"
    DRAWN = "drawn", "已抽取"
    CANCELLED = "cancelled", "已撤销"


class DrawTask(models.Model):
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        DrawStatus.DRAFT: {DrawStatus.ANNOUNCED, DrawStatus.CANCELLED},
        DrawStatus.ANNOUNCED: {DrawStatus.DRAWN, DrawStatus.CANCELLED},
        DrawStatus.DRAWN: set(),
        DrawStatus.CANCELLED: set(),
    }

    task = models.ForeignKey(
        PlanTask, verbose_name="计划任务", on_delete=models.PROTECT, related_name="draws"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="执法机关", on_delete=models.PROTECT, related_name="draws"
    )
    region = models.ForeignKey(
        Region, verbose_name="抽查范围", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("抽取任务名称", max_length=200)
    mode = models.CharField("随机方式", max_length=16, choices=DrawMode.choices)
    status = models.CharField(
        "状态", max_length=16, choices=DrawStatus.choices, default=DrawStatus.DRAFT
    )
    reveal_date = models.DateField("随机源公布日期", help_text="在此日期之前不得抽取。")
    inspection_start = models.DateField("检查开始日期", null=True, blank=True)
    inspection_end = models.DateField("检查结束日期", null=True, blank=True)

    pool_file = models.CharField("企业名录文件", max_length=255, blank=True)
    pool_sm3 = models.CharField("企业名录 SM3", max_length=64, blank=True)
    pool_size = models.PositiveIntegerField("企业名录户数", default=0)
    officer_pool_file = models.CharField("执法人员名录文件", max_length=255, blank=True)
    officer_pool_sm3 = models.CharField("执法人员名录 SM3", max_length=64, blank=True)
    officer_pool_size = models.PositiveIntegerField("执法人员名录人数", default=0)
    extraction_seconds = models.FloatField("名录提取耗时（秒）", null=True, blank=True)

    # Commit-reveal: the SM3 of the secret is published at announcement, the secret at the draw.
    commitment_sm3 = models.CharField("密钥承诺 SM3", max_length=64, blank=True)
    secret = models.CharField("服务器密钥", max_length=128, blank=True, editable=False)

    # Fixed when the draw is created, so a draw announced under one key-string scheme is drawn
    # and verified under it even if the platform has moved on (rfc3797.KEY_FORMAT).
    key_format = models.PositiveSmallIntegerField(
        "密钥串格式版本", default=rfc3797.KEY_FORMAT, editable=False
    )
    # The industries the pool was limited to, frozen at announcement ({"all": true} or
    # {"all": false, "codes": [...], "from": "items" | "task"}); see zhifa.plans.scope.
    industry_filter = models.JSONField("行业范围", null=True, blank=True, editable=False)
    key_string = models.TextField("密钥串", blank=True)
    # The exact bytes served as record.json (their SM3 is record_sm3). Text rather than a JSON
    # column: PostgreSQL would parse a provincial record's megabytes into jsonb on every save.
    record_json = models.TextField("公开记录（可供核验的抽取数据）", blank=True, editable=False)
    record_sm3 = models.CharField("公开记录 SM3", max_length=64, blank=True)
    selection_seconds = models.FloatField("抽取耗时（秒）", null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公告人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    announced_at = models.DateTimeField("公告时间", null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="抽取操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    cancel_reason = models.CharField("撤销理由", max_length=255, blank=True)

    objects = RestrictedManager()
    scope_org_path = "organisation"

    class Meta:
        verbose_name = "抽取任务"
        verbose_name_plural = "抽取任务"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def record(self) -> dict[str, Any] | None:
        """The public record, parsed; None until the draw is drawn."""
        if not self.record_json:
            return None
        cached = self.__dict__.get("_record_cache")
        if cached is None or cached[0] is not self.record_json:
            cached = (self.record_json, json.loads(self.record_json))
            self.__dict__["_record_cache"] = cached
        parsed: dict[str, Any] = cached[1]
        return parsed

    @property
    def key_text_end(self) -> str:
        """What ends a text part of this draw's key string: ``./`` (format 2), ``/`` (format 1)."""
        return rfc3797.canonical_source("A", self.key_format)[1:]

    @property
    def key_format_text(self) -> str:
        if self.key_format == 1:
            return "第 1 版（字母数字取值后接 /；平台改按 RFC 3797 原文之前公告的抽取）"
        return "第 2 版（RFC 3797 第 4 节原文：字母数字取值后接 ./）"

    @property
    def industry_filter_text(self) -> str:
        """The pool's industry filter in words, as frozen at announcement."""
        if self.industry_filter:
            return str(self.industry_filter.get("description", ""))
        if self.announced_at is None:
            return self.task.industry_scope.describe() + "（公告时确定）"
        return "未记录（本抽取公告于行业范围公开之前）"

    @property
    def is_public(self) -> bool:
        """Announced and drawn draws are public; a draw cancelled after its announcement stays
        public (with its cancellation), a draft or one cancelled before it never is."""
        return self.announced_at is not None and self.status != DrawStatus.DRAFT

    def audit_snapshot(self) -> dict[str, Any]:
        # The secret never enters the audit chain; the record enters by its SM3 only.
        return {
            "task": self.task_id,
            "organisation": self.organisation_id,
            "region": self.region_id,
            "title": self.title,
            "mode": self.mode,
            "status": self.status,
            "reveal_date": self.reveal_date,
            "inspection_start": self.inspection_start,
            "inspection_end": self.inspection_end,
            "pool_sm3": self.pool_sm3,
            "pool_size": self.pool_size,
            "officer_pool_sm3": self.officer_pool_sm3,
            "officer_pool_size": self.officer_pool_size,
            "commitment_sm3": self.commitment_sm3,
            "strata": [
                {"code": s.code, "pool_size": s.pool_size, "count": s.count}
                for s in self.strata.all()
            ]
            if self.pk
            else [],
            "sources": [
                {"name": s.name, "expected_on": s.expected_on, "value": s.value}
                for s in self.sources.all()
            ]
            if self.pk
            else [],
            "key_format": self.key_format,
            "industry_filter": self.industry_filter,
            "key_string": self.key_string,
            "record_sm3": self.record_sm3,
            "cancel_reason": self.cancel_reason,
        }


class DrawStratum(models.Model):
    """One stratum of a draw: its own sub-pool, count and RFC 3797 selection."""

    draw = models.ForeignKey(
        DrawTask, verbose_name="抽取任务", on_delete=models.CASCADE, related_name="strata"
    )
    plan_stratum = models.ForeignKey(
        PlanStratum,
        verbose_name="计划分层",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    code = models.CharField("分层代码", max_length=8)
    name = models.CharField("分层名称", max_length=64)
    credit_grade = models.CharField("信用风险分类", max_length=1, blank=True)
    pool_size = models.PositiveIntegerField("名录户数", default=0)
    pool_sm3 = models.CharField("分层名录 SM3", max_length=64, blank=True)
    count = models.PositiveIntegerField("抽取户数", default=0)
    requested_count = models.PositiveIntegerField(
        "指定抽取户数",
        null=True,
        blank=True,
        help_text="留空时按计划的抽查比例计算（向上取整）。",
    )

    objects = RestrictedManager()
    scope_org_path = "draw__organisation"

    class Meta:
        verbose_name = "抽取分层"
        verbose_name_plural = "抽取分层"
        ordering = ["draw_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "code"], name="draws_stratum_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}：{self.count}/{self.pool_size}"


class EntropySource(models.Model):
    """A public random source named at announcement and whose value is entered at the draw."""

    draw = models.ForeignKey(
        DrawTask, verbose_name="抽取任务", on_delete=models.CASCADE, related_name="sources"
    )
    position = models.PositiveSmallIntegerField("顺序")
    name = models.CharField(
        "随机源", max_length=200, help_text="如：中国福利彩票双色球第2026138期开奖号码。"
    )
    where = models.CharField("公布渠道", max_length=255, blank=True)
    expected_on = models.DateField("预计公布日期")
    value = models.CharField("公布取值", max_length=255, blank=True)
    canonical = models.CharField("规范化取值", max_length=255, blank=True)

    access_unrestricted = "随机数来源随抽取结果公示，任何人可核验（RFC 3797）。"

    class Meta:
        verbose_name = "随机源"
        verbose_name_plural = "随机源"
        ordering = ["draw_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "position"], name="draws_source_position"),
        ]

    def __str__(self) -> str:
        return self.name


class DrawResultStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "待审批"
    OFFICERS_SHORT = "officers_short", "执法人员不足"
    CONVERTED = "converted", "已转检查案件"


class DrawResult(models.Model):
    """An enterprise drawn, with the officers drawn for it: an inspection awaiting approval."""

    # Tens of thousands of rows per draw: the unique (draw, enterprise) index serves lookups
    # by draw, so the foreign key gets no index of its own to write.
    draw = models.ForeignKey(
        DrawTask,
        verbose_name="抽取任务",
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
    )
    stratum = models.ForeignKey(
        DrawStratum, verbose_name="分层", on_delete=models.CASCADE, related_name="results"
    )
    sequence = models.PositiveIntegerField("抽中顺序")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="draw_results"
    )
    # Copied so that the case can be distributed by region without a join.
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    officers = models.ManyToManyField(
        Officer, verbose_name="检查人员", through="OfficerAssignment", related_name="draw_results"
    )
    status = models.CharField(
        "状态",
        max_length=32,
        choices=DrawResultStatus.choices,
        default=DrawResultStatus.AWAITING_APPROVAL,
    )
    created_at = models.DateTimeField("生成时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "draw__organisation"
    scope_enterprise_path = "enterprise"

    class Meta:
        verbose_name = "抽取结果"
        verbose_name_plural = "抽取结果"
        ordering = ["draw_id", "stratum_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "enterprise"], name="draws_result_enterprise_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draw}：{self.enterprise}"


class OfficerAssignment(models.Model):
    # The unique (result, officer) index serves lookups by result.
    result = models.ForeignKey(
        DrawResult,
        verbose_name="抽取结果",
        on_delete=models.CASCADE,
        related_name="assignments",
        db_index=False,
    )
    officer = models.ForeignKey(
        Officer, verbose_name="执法人员", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField("顺序")

    objects = RestrictedManager()
    scope_org_path = "result__draw__organisation"

    class Meta:
        verbose_name = "检查人员分派"
        verbose_name_plural = "检查人员分派"
        ordering = ["result_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["result", "officer"], name="draws_officer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.result}：{self.officer}"


class OfficerConflict(models.Model):
    """A declared conflict of interest (回避, 行政处罚法第四十三条) with an enterprise."""

    officer = models.ForeignKey(
        Officer, verbose_name="执法人员", on_delete=models.CASCADE, related_name="conflicts"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="officer_conflicts"
    )
    reason = models.CharField("回避事由", max_length=255)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField("登记时间", default=timezone.now)
    is_active = models.BooleanField("有效", default=True)

    objects = RestrictedManager()
    scope_org_path = "officer__organisation"

    class Meta:
        verbose_name = "回避登记"
        verbose_name_plural = "回避登记"
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "enterprise"], name="draws_conflict_once"),
        ]

    def __str__(self) -> str:
        return f"{self.officer} 回避 {self.enterprise}"
