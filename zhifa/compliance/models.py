"""合规指导清单 and 企业自查.

A guidance list is published by a region's body (e.g. 舟山市司法局 for 舟山市) in versions: a
draft is edited, then published, and publishing supersedes the publisher's previous published
version. Published versions are public and never edited again; a correction is a new version.

An enterprise checks itself against the list (自查): a checklist built from its industry or from
the inspection items of an advance notice, each item answered 符合 / 不符合 / 不适用, and gaps
marked corrected with evidence. The inspection case reads those corrections to know that a
violation was corrected before the inspection (行政处罚法第三十三条).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhifa.core import access, timefmt
from zhifa.core.access import RestrictedManager, RestrictedQuerySet
from zhifa.org.models import EnforcementField, Region
from zhifa.registry.models import Enterprise
from zhifa.versioned.models import PUBLIC_STATUSES, PublishedVersion


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已公布"
    SUPERSEDED = "superseded", "已被新版本替代"


class _DraftsForCuratorsQuerySet(RestrictedQuerySet):
    """What the data scope shows, less the drafts for anyone who may not curate: a draft is a
    curator's work in progress, so to everyone else it does not exist yet (404, not 403)."""

    status_path = "status"

    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        rows = super().restrict(user, action)
        if access.can(user, "guidance.curate"):
            return rows
        return rows.filter(**{f"{self.status_path}__in": PUBLIC_STATUSES})


class _ItemsForCuratorsQuerySet(_DraftsForCuratorsQuerySet):
    status_path = "version__status"


class GuidanceVersion(PublishedVersion):
    """One version of a region's 合规指导清单, e.g. “舟山市 2025版”: drafted, published and
    superseded as every published versioned list (``zhifa.versioned``)."""

    region = models.ForeignKey(
        Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="guidance_versions"
    )
    publisher = models.CharField(
        "发布机关",
        max_length=100,
        help_text="如 舟山市司法局；同一区划同一发布机关公布新版本时，旧版本自动替代。",
    )
    label = models.CharField("版本", max_length=32, help_text="如 2025版")
    title = models.CharField("清单名称", max_length=200)
    source_note = models.TextField("来源说明", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    # created_by/at, published_by/at, superseded_at: zhifa.versioned.models.PublishedVersion

    objects = models.Manager.from_queryset(_DraftsForCuratorsQuerySet)()
    scope_region_path = "region"
    DRAFT_ONLY = "（只有草稿可以修改；已公布的清单如需更正，请编制新版本）。"

    class Meta:
        verbose_name = "合规指导清单版本"
        verbose_name_plural = "合规指导清单版本"
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "publisher", "label"], name="compliance_version_label_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.label}）"

    def describe(self) -> str:
        return f"清单“{self.title}（{self.label}）”"


class GuidanceItem(models.Model):
    """One entry of a guidance list: what is often done wrong, the law, the consequence, and
    what to do instead."""

    version = models.ForeignKey(
        GuidanceVersion, verbose_name="清单版本", on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField("条目编码", max_length=32)
    field = models.ForeignKey(
        EnforcementField, verbose_name="执法领域", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("合规事项", max_length=200)
    violations = models.TextField("常见违法行为")
    legal_basis_law = models.CharField("法律依据", max_length=200)
    legal_basis_article = models.CharField("条款", max_length=100)
    legal_basis_text = models.TextField("条文内容（摘要）", blank=True)
    liability = models.TextField("责任后果")
    advice = models.TextField("合规建议")
    industries = models.JSONField(
        "适用行业", default=list, blank=True, help_text="空表示适用于所有行业。"
    )
    inspection_item_codes = models.JSONField(
        "对应检查事项编码", default=list, blank=True, help_text="检查事项清单中的事项编码。"
    )
    position = models.PositiveIntegerField("排序", default=0)

    objects = models.Manager.from_queryset(_ItemsForCuratorsQuerySet)()
    scope_region_path = "version__region"

    class Meta:
        verbose_name = "合规指导条目"
        verbose_name_plural = "合规指导条目"
        ordering = ["version_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="compliance_item_code_unique_in_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def legal_basis(self) -> str:
        return f"{self.legal_basis_law}{self.legal_basis_article}"


class SelfCheckStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "填写中"
    COMPLETED = "completed", "已完成"


class SelfCheckBasis(models.TextChoices):
    INDUSTRY = "industry", "按行业"
    ITEMS = "items", "按检查事项"


class SelfCheck(models.Model):
    """An enterprise's self-check against one published guidance version."""

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        SelfCheckStatus.IN_PROGRESS: {SelfCheckStatus.COMPLETED},
        SelfCheckStatus.COMPLETED: set(),
    }

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="self_checks"
    )
    version = models.ForeignKey(
        GuidanceVersion, verbose_name="合规指导清单", on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField("生成方式", max_length=16, choices=SelfCheckBasis.choices)
    industry = models.CharField("行业", max_length=64, blank=True)
    inspection_item_codes = models.JSONField("检查事项编码", default=list, blank=True)
    notice = models.ForeignKey(
        "documents.Document",
        verbose_name="检查预告通知书",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        "状态",
        max_length=16,
        choices=SelfCheckStatus.choices,
        default=SelfCheckStatus.IN_PROGRESS,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填写人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = RestrictedManager()
    scope_enterprise_path = "enterprise"

    class Meta:
        verbose_name = "企业自查"
        verbose_name_plural = "企业自查"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.enterprise} 自查（{timefmt.fmt_date(self.created_at)}）"


class Answer(models.TextChoices):
    PENDING = "", "未填写"
    COMPLIES = "complies", "符合"
    VIOLATES = "violates", "不符合"
    NOT_APPLICABLE = "na", "不适用"


def evidence_path(instance: SelfCheckAnswer, filename: str) -> str:
    return f"compliance/evidence/{instance.self_check_id}/{filename}"


class SelfCheckAnswer(models.Model):
    """One line of a self-check: the answer, and for a gap its correction with evidence."""

    self_check = models.ForeignKey(
        SelfCheck, verbose_name="自查", on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        GuidanceItem, verbose_name="合规指导条目", on_delete=models.PROTECT, related_name="+"
    )
    answer = models.CharField(
        "自查结论", max_length=16, choices=Answer.choices, default=Answer.PENDING, blank=True
    )
    note = models.TextField("说明", blank=True)
    answered_at = models.DateTimeField("填写时间", null=True, blank=True)
    corrected_on = models.DateField("整改完成日期", null=True, blank=True)
    correction_note = models.TextField("整改说明", blank=True)
    evidence = models.FileField("整改证明材料", upload_to=evidence_path, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="整改登记人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    corrected_at = models.DateTimeField("整改登记时间", null=True, blank=True)

    objects = RestrictedManager()
    scope_enterprise_path = "self_check__enterprise"

    class Meta:
        verbose_name = "自查条目"
        verbose_name_plural = "自查条目"
        ordering = ["self_check_id", "item__position", "item__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["self_check", "item"], name="compliance_answer_item_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}：{self.get_answer_display()}"

    @property
    def is_gap(self) -> bool:
        return self.answer == Answer.VIOLATES

    @property
    def is_corrected(self) -> bool:
        return self.corrected_on is not None
