"""Social supervisors (社会监督员): the registry a supervising bureau keeps, the draws that assign
one to an inspection, his check-in on site and his structured report on the officers' conduct.

A social supervisor is always a user (role 社会监督员) so that he can answer and report himself.
He sees his own profile, assignments and reports; the supervising bureau sees those of its
region subtree (``zhifa.org.scoping``); the inspected agency sees none of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhifa.core.access import RestrictedQuerySet
from zhifa.documents.models import ProhibitionsVersion
from zhifa.inspections.models import InspectionCase
from zhifa.org.models import Organisation, Region
from zhifa.org.roles import Role
from zhifa.registry.models import Enterprise


class OwnRowsQuerySet(RestrictedQuerySet):
    """The rows a user may see: the supervising bureau's (the scoping helper's answer for a
    supervisor), and a social supervisor's own (``scope_own_path`` leads from the row to his
    user). The inspected agency sees none: what a social supervisor reports reaches it only
    through the bureau (a supervision document)."""

    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        qs = super().restrict(user, action)
        if user is None or not user.is_authenticated or not user.is_active or user.is_admin:
            return qs
        if not user.is_supervisor:
            qs = self.none()
        if user.has_role(Role.SOCIAL_SUPERVISOR):
            own_path = getattr(self.model, "scope_own_path", "")
            qs = qs | self.filter(**{own_path: user})
        return qs


OwnRowsManager = models.Manager.from_queryset(OwnRowsQuerySet)


class Category(models.TextChoices):
    NPC_DEPUTY = "npc_deputy", "人大代表"
    CPPCC_MEMBER = "cppcc_member", "政协委员"
    LAWYER = "lawyer", "律师"
    COMMUNITY_WORKER = "community_worker", "社区工作者"
    ENTERPRISE_REP = "enterprise_rep", "企业代表"
    INVITED = "invited", "特邀监督员"
    OTHER = "other", "其他"


class SocialSupervisor(models.Model):
    """The registry entry of one social supervisor, kept by the supervising bureau."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        on_delete=models.PROTECT,
        related_name="social_profile",
    )
    # The public number the draw pools list (never the username, which is internal).
    code = models.CharField("监督员编号", max_length=16, unique=True, editable=False)
    category = models.CharField("类别", max_length=32, choices=Category.choices)
    category_note = models.CharField(
        "类别说明", max_length=100, blank=True, help_text="如“舟山市人大代表”；类别为“其他”时必填。"
    )
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT)
    bureau = models.ForeignKey(
        Organisation,
        verbose_name="管理机关",
        on_delete=models.PROTECT,
        related_name="social_supervisors",
        help_text="负责该社会监督员的执法监督机关（司法局或司法所）。",
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    is_paused = models.BooleanField("暂停接受安排", default=False)
    paused_until = models.DateField("暂停至", null=True, blank=True)
    pause_reason = models.CharField("暂停原因", max_length=200, blank=True)
    is_active = models.BooleanField("在册", default=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = OwnRowsManager()
    scope_org_path = "bureau"
    scope_region_path = "region"
    scope_own_path = "user"
    access_not_found = "没有找到该社会监督员，或您无权查看。"

    class Meta:
        verbose_name = "社会监督员"
        verbose_name_plural = "社会监督员"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return str(self.user.person_name)

    @property
    def category_text(self) -> str:
        label = str(self.get_category_display())
        return f"{label}（{self.category_note}）" if self.category_note else label

    def unavailable_reason(self, on: dt.date) -> str | None:
        """Why he cannot be drawn for an inspection on ``on``, or None."""
        if not self.is_active:
            return "已不在册"
        if self.is_paused and (self.paused_until is None or on <= self.paused_until):
            until = f"至 {self.paused_until:%Y-%m-%d}" if self.paused_until else ""
            reason = f"：{self.pause_reason}" if self.pause_reason else ""
            return f"暂停接受安排{until}{reason}"
        return None


class Conflict(models.Model):
    """An enterprise or agency he must not accompany (利害关系), declared with its reason."""

    supervisor = models.ForeignKey(
        SocialSupervisor,
        verbose_name="社会监督员",
        on_delete=models.CASCADE,
        related_name="conflicts",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, null=True, blank=True
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="执法机关",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField("回避理由", max_length=200)
    declared_at = models.DateTimeField("申报时间", default=timezone.now)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    objects = OwnRowsManager()
    scope_org_path = "supervisor__bureau"
    scope_region_path = "supervisor__region"
    scope_own_path = "supervisor__user"

    class Meta:
        verbose_name = "回避申报"
        verbose_name_plural = "回避申报"
        ordering = ["supervisor_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=False) | models.Q(organisation__isnull=False),
                name="social_conflict_names_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.supervisor.name} 回避 {self.target}"

    @property
    def target(self) -> str:
        return self.enterprise.name if self.enterprise else self.organisation.name  # type: ignore[union-attr]


class AssignmentStatus(models.TextChoices):
    OFFERED = "offered", "待答复"
    ACCEPTED = "accepted", "已接受"
    DECLINED = "declined", "已谢绝"


class Assignment(models.Model):
    """One draw of a social supervisor for a case, and what he did with it.

    The draw is RFC 3797 (``zhifa.draws.rfc3797``) over the pool of the bureau's registered
    supervisors in 编号 order; ``record_json`` holds the key string, the pool and every step with
    the skipped and why, so anyone can re-run it (``services.verify_assignment``).
    """

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        AssignmentStatus.OFFERED: {AssignmentStatus.ACCEPTED, AssignmentStatus.DECLINED},
        AssignmentStatus.ACCEPTED: set(),
        AssignmentStatus.DECLINED: set(),
    }

    case = models.ForeignKey(
        InspectionCase,
        verbose_name="检查案件",
        on_delete=models.PROTECT,
        related_name="social_assignments",
    )
    supervisor = models.ForeignKey(
        SocialSupervisor,
        verbose_name="社会监督员",
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    attempt = models.PositiveSmallIntegerField("抽取轮次", default=1)
    status = models.CharField(
        "状态", max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.OFFERED
    )
    key_string = models.TextField("密钥串")
    pool_sm3 = models.CharField("名录 SM3", max_length=64)
    pool_size = models.PositiveIntegerField("名录人数")
    record_json = models.TextField("抽取记录（可供核验的数据）", editable=False)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="抽取人", on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField("抽取时间", default=timezone.now)
    responded_at = models.DateTimeField("答复时间", null=True, blank=True)
    decline_reason = models.CharField("谢绝理由", max_length=200, blank=True)
    checked_in_at = models.DateTimeField("到场签到时间", null=True, blank=True)
    checkin_latitude = models.DecimalField(
        "签到位置纬度", max_digits=9, decimal_places=6, null=True, blank=True
    )
    checkin_longitude = models.DecimalField(
        "签到位置经度", max_digits=9, decimal_places=6, null=True, blank=True
    )
    checkin_accuracy = models.PositiveIntegerField("签到位置精度（米）", null=True, blank=True)

    objects = OwnRowsManager()
    scope_org_path = "case__organisation"
    scope_region_path = "case__region"
    scope_own_path = "supervisor__user"
    access_not_found = "没有找到该伴随监督安排，或您无权查看。"

    class Meta:
        verbose_name = "伴随监督安排"
        verbose_name_plural = "伴随监督安排"
        ordering = ["-drawn_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "attempt"], name="social_assignment_attempt"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} 第{self.attempt}轮：{self.supervisor.name}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]


class CredentialShown(models.TextChoices):
    ALL = "all", "全部出示"
    SOME = "some", "部分出示"
    NONE = "none", "未出示"


ATTITUDE_LABELS = {1: "很差", 2: "较差", 3: "一般", 4: "较好", 5: "很好"}


class ProblemStatus(models.TextChoices):
    NO_PROBLEM = "no_problem", "未反映问题"
    PENDING = "pending", "待处理"
    DOCUMENTED = "documented", "已转监督文书"
    CLEARED = "cleared", "已核实无问题"


PROBLEM_TRANSITIONS: dict[str, set[str]] = {
    ProblemStatus.NO_PROBLEM: set(),
    ProblemStatus.PENDING: {ProblemStatus.DOCUMENTED, ProblemStatus.CLEARED},
    ProblemStatus.DOCUMENTED: set(),
    ProblemStatus.CLEARED: set(),
}


class Report(models.Model):
    """The social supervisor's structured feedback on the officers' conduct at one inspection."""

    assignment = models.OneToOneField(
        Assignment, verbose_name="伴随监督安排", on_delete=models.PROTECT, related_name="report"
    )
    prohibitions = models.ForeignKey(
        ProhibitionsVersion,
        verbose_name="对照的五个严禁·八个不得版本",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    credentials = models.CharField(
        "执法人员是否出示执法证", max_length=8, choices=CredentialShown.choices
    )
    attitude = models.PositiveSmallIntegerField("执法态度", choices=sorted(ATTITUDE_LABELS.items()))
    notes = models.TextField("其他情况", blank=True)
    filed_at = models.DateTimeField("提交时间", default=timezone.now)
    problem_status = models.CharField("问题处理状态", max_length=16, choices=ProblemStatus.choices)
    resolution = models.TextField("处理说明", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    objects = OwnRowsManager()
    scope_org_path = "assignment__case__organisation"
    scope_region_path = "assignment__case__region"
    scope_own_path = "assignment__supervisor__user"
    access_not_found = "没有找到该社会监督员反馈，或您无权查看。"

    class Meta:
        verbose_name = "社会监督员反馈"
        verbose_name_plural = "社会监督员反馈"
        ordering = ["-filed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.assignment.case.reference} 伴随监督反馈"

    @property
    def case(self) -> InspectionCase:
        return self.assignment.case

    @property
    def attitude_text(self) -> str:
        return f"{self.attitude} 分（{ATTITUDE_LABELS.get(self.attitude, '')}）"


class ReportPoint(models.Model):
    """One point of the 五个严禁/八个不得 as the version in force put it, and what he saw."""

    report = models.ForeignKey(
        Report, verbose_name="反馈", on_delete=models.CASCADE, related_name="points"
    )
    position = models.PositiveSmallIntegerField("序号")
    section = models.CharField("条目", max_length=100)
    item = models.TextField("内容")
    breached = models.BooleanField("有违反")
    note = models.CharField("说明", max_length=500, blank=True)

    objects = OwnRowsManager()
    scope_org_path = "report__assignment__case__organisation"
    scope_region_path = "report__assignment__case__region"
    scope_own_path = "report__assignment__supervisor__user"

    class Meta:
        verbose_name = "反馈逐项情况"
        verbose_name_plural = "反馈逐项情况"
        ordering = ["report_id", "position"]

    def __str__(self) -> str:
        return f"{self.section}：{'违反' if self.breached else '遵守'}"


def _photo_upload_to(instance: ReportPhoto, filename: str) -> str:
    return f"social/{timezone.localdate():%Y/%m}/{filename}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(
        Report, verbose_name="反馈", on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField("照片", upload_to=_photo_upload_to)
    sm3 = models.CharField("SM3", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = OwnRowsManager()
    scope_org_path = "report__assignment__case__organisation"
    scope_region_path = "report__assignment__case__region"
    scope_own_path = "report__assignment__supervisor__user"
    access_not_found = "没有找到该照片，或您无权查看。"

    class Meta:
        verbose_name = "反馈照片"
        verbose_name_plural = "反馈照片"
        ordering = ["report_id", "pk"]

    def __str__(self) -> str:
        return str(self.file.name)
