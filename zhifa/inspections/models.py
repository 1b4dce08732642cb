"""The inspection case (涉企行政检查案件): one inspection of one enterprise, from approval to a
closed, published result.

A case moves through ``CaseStatus`` only by the verb functions in ``services.py``; every move is
in ``TRANSITIONS`` and writes an audit record. What was approved (enterprise, items, officers,
date) is frozen in ``approved_snapshot``: changing any of it sends the case back for approval.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhifa.core import timefmt
from zhifa.core.access import RestrictedManager, RestrictedQuerySet
from zhifa.documents.models import Document
from zhifa.draws.models import DrawResult
from zhifa.org.models import Officer, Organisation, Region, Role
from zhifa.plans.models import InspectionItem, PlanTask
from zhifa.registry.models import Enterprise


class InspectionKind(models.TextChoices):
    PLANNED = "planned", "计划检查（双随机）"
    SPECIAL = "special", "专项检查"
    JOINT = "joint", "联合检查"
    COMPLAINT = "complaint", "举报投诉核查"
    COVERT = "covert", "暗访暗查"
    UNANNOUNCED = "unannounced", "“四不两直”检查"
    SAFETY = "safety", "直接涉及人民群众生命财产安全的检查"

    @classmethod
    def exempt_from_notice(cls) -> frozenset[str]:
        """Kinds inspected without advance notice; each case records and approves the reason."""
        return frozenset({cls.COMPLAINT, cls.COVERT, cls.UNANNOUNCED, cls.SAFETY})


class CaseStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审批"
    REJECTED = "rejected", "未获批准"
    APPROVED = "approved", "已批准"
    NOTIFIED = "notified", "已预告"
    ON_SITE = "on_site", "现场检查中"
    INSPECTED = "inspected", "待作出处理"
    RECTIFYING = "rectifying", "整改中"
    CLOSED = "closed", "已办结"
    CANCELLED = "cancelled", "已撤销"


TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.DRAFT: frozenset({CaseStatus.SUBMITTED, CaseStatus.ON_SITE, CaseStatus.CANCELLED}),
    # Back to draft: withdrawn to be merged into a joint visit before anyone approved it.
    CaseStatus.SUBMITTED: frozenset(
        {CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.DRAFT, CaseStatus.CANCELLED}
    ),
    CaseStatus.REJECTED: frozenset({CaseStatus.DRAFT, CaseStatus.CANCELLED}),
    CaseStatus.APPROVED: frozenset(
        {CaseStatus.NOTIFIED, CaseStatus.ON_SITE, CaseStatus.SUBMITTED, CaseStatus.CANCELLED}
    ),
    CaseStatus.NOTIFIED: frozenset(
        {CaseStatus.ON_SITE, CaseStatus.SUBMITTED, CaseStatus.CANCELLED}
    ),
    CaseStatus.ON_SITE: frozenset({CaseStatus.INSPECTED}),
    CaseStatus.INSPECTED: frozenset({CaseStatus.RECTIFYING, CaseStatus.CLOSED}),
    CaseStatus.RECTIFYING: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
    CaseStatus.CANCELLED: frozenset(),
}


class CaseOutcome(models.TextChoices):
    NO_PROBLEM = "no_problem", "未发现问题"
    NO_PENALTY = "no_penalty", "不予行政处罚"
    RECTIFY = "rectify", "责令改正"
    FILED = "filed", "立案查处（移交）"


class ApprovalBatch(models.Model):
    """批量审批: many high-frequency cases approved in one decision, with the list attached."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="执法机关", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("批次名称", max_length=200)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审批人", on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("审批时间", default=timezone.now)
    opinion = models.CharField("审批意见", max_length=500, blank=True)
    list_document = models.ForeignKey(
        Document,
        verbose_name="批量审批清单",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RestrictedManager()
    scope_org_path = "organisation"

    class Meta:
        verbose_name = "批量审批"
        verbose_name_plural = "批量审批"
        ordering = ["-approved_at"]

    def __str__(self) -> str:
        return self.title


class JointVisit(models.Model):
    """综合查一次: the cases of several agencies on one enterprise, inspected in one visit."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="检查对象", on_delete=models.PROTECT, related_name="joint_visits"
    )
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField("检查日期")
    lead = models.ForeignKey(
        Organisation, verbose_name="牵头机关", on_delete=models.PROTECT, related_name="+"
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="统筹人", on_delete=models.PROTECT, related_name="+"
    )
    planned_at = models.DateTimeField("统筹时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "lead"
    scope_region_path = "region"
    scope_enterprise_path = "enterprise"

    class Meta:
        verbose_name = "联合检查"
        verbose_name_plural = "联合检查"
        ordering = ["day", "pk"]

    def __str__(self) -> str:
        return f"{self.day} {self.enterprise.name}（牵头：{self.lead.name}）"


# An enterprise learns of an inspection when it is notified or when officers arrive: before
# that, a covert or "四不两直" check (and its 扫码 code) must stay unknown to it.
DISCLOSED_TO_ENTERPRISE = models.Q(notified_at__isnull=False) | models.Q(started_at__isnull=False)


class CaseQuerySet(RestrictedQuerySet):
    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        """The cases ``user`` may see: the scoping helper's answer, narrowed for an enterprise
        to those disclosed to it; a social supervisor also sees the cases he accompanies."""
        qs = super().restrict(user, action)
        if user is None or not user.is_authenticated or not user.is_active or user.is_admin:
            return qs
        if user.is_enterprise_user:
            qs = qs.filter(DISCLOSED_TO_ENTERPRISE)
        if user.has_role(Role.SOCIAL_SUPERVISOR):
            qs = qs | self.filter(social_supervisor=user)
        return qs


CaseManager = models.Manager.from_queryset(CaseQuerySet)


class InspectionCase(models.Model):
    reference = models.CharField("案件编号", max_length=32, unique=True)
    verify_code = models.CharField(
        "扫码核验码", max_length=16, unique=True, help_text="企业扫码核验检查真伪用。"
    )
    # Shown only to the enterprise (its own pages): officers scanning it prove they stand at its
    # door. Never part of the agency's pages or API output, which is what makes it proof.
    checkin_code = models.CharField(
        "签到码",
        max_length=16,
        unique=True,
        editable=False,
        help_text="企业出示、执法人员扫码签到用，只向被检查企业显示。",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="执法机关", on_delete=models.PROTECT, related_name="cases"
    )
    # Copied from the enterprise so that cases can be scoped and distributed by region.
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="检查对象", on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField("检查类型", max_length=16, choices=InspectionKind.choices)
    title = models.CharField("检查名称", max_length=200)
    reason = models.TextField("检查事由", blank=True)
    items = models.ManyToManyField(
        InspectionItem, verbose_name="检查事项", related_name="cases", blank=True
    )
    officers = models.ManyToManyField(
        Officer, verbose_name="执法人员", through="CaseOfficer", related_name="cases"
    )
    inspection_date = models.DateField("检查日期")
    inspection_time = models.TimeField("检查时间", default=dt.time(9, 0))
    exemption_reason = models.TextField(
        "免于预告理由",
        blank=True,
        help_text="举报投诉、暗访暗查、“四不两直”和涉及生命财产安全的检查填写。",
    )
    is_emergency = models.BooleanField("紧急现场检查（口头通知）", default=False)
    draw_result = models.OneToOneField(
        DrawResult,
        verbose_name="来源抽取结果",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
    )
    plan_task = models.ForeignKey(
        PlanTask,
        verbose_name="来源计划任务",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    joint_visit = models.ForeignKey(
        JointVisit,
        verbose_name="联合检查",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    social_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="伴随监督员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accompanied_cases",
    )
    status = models.CharField(
        "状态", max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    submitted_at = models.DateTimeField("提请审批时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    approval_opinion = models.CharField("审批意见", max_length=500, blank=True)
    approval_batch = models.ForeignKey(
        ApprovalBatch,
        verbose_name="批量审批",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    approved_snapshot = models.JSONField("批准内容", default=dict, blank=True, editable=False)

    notice = models.ForeignKey(
        Document,
        verbose_name="预告通知书",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notified_at = models.DateTimeField("预告时间", null=True, blank=True)
    started_at = models.DateTimeField("进入现场时间", null=True, blank=True)
    inspected_at = models.DateTimeField("现场检查结束时间", null=True, blank=True)

    outcome = models.CharField("处理结果", max_length=16, choices=CaseOutcome.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="决定人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision_note = models.TextField("处理说明", blank=True)
    rectify_deadline = models.DateField("整改期限", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    publish_due = models.DateField("公示期限", null=True, blank=True)
    published_at = models.DateTimeField("公示时间", null=True, blank=True)
    result_summary = models.TextField("公示内容", blank=True)

    rating = models.PositiveSmallIntegerField("企业评价（1–5）", null=True, blank=True)
    rating_comment = models.CharField("评价意见", max_length=500, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    cancel_reason = models.CharField("撤销理由", max_length=255, blank=True)

    objects = CaseManager()
    access_not_found = "没有找到该检查案件，或您无权查看。"
    scope_org_path = "organisation"
    scope_region_path = "region"
    scope_enterprise_path = "enterprise"

    class Meta:
        verbose_name = "检查案件"
        verbose_name_plural = "检查案件"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["enterprise", "inspection_date"], name="insp_case_ent_date"),
            models.Index(fields=["organisation", "status"], name="insp_case_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.enterprise.name}"

    @property
    def needs_notice(self) -> bool:
        return self.kind not in InspectionKind.exempt_from_notice() and not self.is_emergency

    @property
    def is_exempt(self) -> bool:
        return self.kind in InspectionKind.exempt_from_notice()

    def can_become(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "organisation": self.organisation_id,
            "enterprise": self.enterprise_id,
            "kind": self.kind,
            "title": self.title,
            "reason": self.reason,
            "inspection_date": self.inspection_date.isoformat(),
            "inspection_time": self.inspection_time.isoformat(timespec="minutes"),
            "exemption_reason": self.exemption_reason,
            "is_emergency": self.is_emergency,
            "status": self.status,
            "approved_by": self.approved_by_id,
            "approval_batch": self.approval_batch_id,
            "notice": self.notice_id,
            "outcome": self.outcome,
            "rectify_deadline": (
                self.rectify_deadline.isoformat() if self.rectify_deadline else None
            ),
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "rating": self.rating,
        }


class CaseOfficer(models.Model):
    case = models.ForeignKey(
        InspectionCase, verbose_name="案件", on_delete=models.CASCADE, related_name="assignments"
    )
    officer = models.ForeignKey(
        Officer, verbose_name="执法人员", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField("顺序")
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    # Where the officer's phone said he was when he checked in, if it said (browser geolocation).
    checkin_latitude = models.DecimalField(
        "签到位置纬度", max_digits=9, decimal_places=6, null=True, blank=True
    )
    checkin_longitude = models.DecimalField(
        "签到位置经度", max_digits=9, decimal_places=6, null=True, blank=True
    )
    checkin_accuracy = models.PositiveIntegerField("签到位置精度（米）", null=True, blank=True)

    objects = RestrictedManager()
    scope_org_path = "case__organisation"
    scope_region_path = "case__region"

    class Meta:
        verbose_name = "检查人员"
        verbose_name_plural = "检查人员"
        ordering = ["case_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "officer"], name="insp_officer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}：{self.officer.name}"


# The steps a 文书 of a case comes from, as the case page names them.
CASE_DOCUMENT_STEPS = {
    "approval": "审批",
    "notice": "预告通知",
    "oral_notice": "口头通知",
    "site_record": "现场检查",
    "decision": "处理决定",
    "recheck": "整改复查",
}


class CaseDocument(models.Model):
    """A 文书 produced by a step of the case, in the order the steps produced them."""

    case = models.ForeignKey(
        InspectionCase, verbose_name="案件", on_delete=models.CASCADE, related_name="case_documents"
    )
    document = models.ForeignKey(
        Document, verbose_name="文书", on_delete=models.PROTECT, related_name="case_links"
    )
    step = models.CharField("环节", max_length=32)
    created_at = models.DateTimeField("生成时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "case__organisation"
    scope_enterprise_path = "case__enterprise"

    class Meta:
        verbose_name = "案件文书"
        verbose_name_plural = "案件文书"
        ordering = ["case_id", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case.reference}：{self.document}"

    @property
    def step_label(self) -> str:
        return CASE_DOCUMENT_STEPS.get(self.step, "其他环节")


class OralNotice(models.Model):
    """口头通知记录 of an emergency on-site inspection, and its written 补办 afterwards."""

    case = models.OneToOneField(
        InspectionCase, verbose_name="案件", on_delete=models.CASCADE, related_name="oral_notice"
    )
    told_at = models.DateTimeField("告知时间")
    place = models.CharField("告知地点", max_length=200)
    told_by = models.ForeignKey(
        Officer, verbose_name="告知人", on_delete=models.PROTECT, related_name="+"
    )
    told_to = models.CharField("被告知人（姓名、职务）", max_length=100)
    content = models.TextField("告知内容")
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报告的机关负责人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    head_notified_at = models.DateTimeField("报告时间")
    makeup_due = models.DateField("补办期限")
    makeup_done_at = models.DateTimeField("补办时间", null=True, blank=True)

    objects = RestrictedManager()
    scope_org_path = "case__organisation"
    scope_region_path = "case__region"

    class Meta:
        verbose_name = "口头通知"
        verbose_name_plural = "口头通知"

    def __str__(self) -> str:
        return f"{self.case.reference} 口头通知"

    def is_overdue(self, today: dt.date) -> bool:
        return self.makeup_done_at is None and today > self.makeup_due


class FindingResult(models.TextChoices):
    COMPLIANT = "compliant", "符合"
    PROBLEM = "problem", "发现问题"
    NOT_APPLICABLE = "na", "不适用"


class PenaltyChoice(models.TextChoices):
    NONE = "none", "不予处罚"
    LIGHTER = "lighter", "从轻处罚"
    MITIGATED = "mitigated", "减轻处罚"
    ORDINARY = "ordinary", "一般处罚"


class HarmLevel(models.TextChoices):
    NONE = "none", "无危害后果"
    MINOR = "minor", "轻微"
    GENERAL = "general", "一般"
    SERIOUS = "serious", "严重"


class CaseFinding(models.Model):
    """One line of the 现场检查笔录: an item of the checklist and what was found."""

    case = models.ForeignKey(
        InspectionCase, verbose_name="案件", on_delete=models.CASCADE, related_name="findings"
    )
    item = models.ForeignKey(
        InspectionItem,
        verbose_name="检查事项",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField("序号")
    result = models.CharField("检查结果", max_length=16, choices=FindingResult.choices)
    description = models.TextField("检查情况", blank=True)
    violation_code = models.CharField("违法行为编码", max_length=64, blank=True)
    harm_level = models.CharField("危害程度", max_length=16, choices=HarmLevel.choices, blank=True)
    first_violation = models.BooleanField("首次违法", null=True, blank=True)
    corrected_before = models.BooleanField("检查前已自行改正", default=False)
    corrected_on_site = models.BooleanField("当场改正", default=False)
    proposed = models.CharField(
        "系统建议", max_length=16, choices=PenaltyChoice.choices, blank=True
    )
    proposal_basis = models.TextField("建议依据", blank=True)
    chosen = models.CharField("处理决定", max_length=16, choices=PenaltyChoice.choices, blank=True)
    # The two are printed in different places of the 文书 ("违反了…的规定。依据…的规定，现责令…"),
    # so they are recorded apart, each as the officer confirmed it.
    violated_provision = models.CharField("违反的规定", max_length=300, blank=True)
    penalty_provision = models.CharField("处罚（责令改正）依据", max_length=300, blank=True)
    deviation_reason = models.TextField("未采纳建议的理由", blank=True)
    evaluation = models.JSONField(
        "裁量评估", default=dict, blank=True, help_text="作出决定时裁量清单引擎的完整答复。"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "case__organisation"
    scope_region_path = "case__region"
    scope_enterprise_path = "case__enterprise"

    class Meta:
        verbose_name = "检查记录"
        verbose_name_plural = "检查记录"
        ordering = ["case_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="insp_finding_position"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} 第{self.position}项"


def _evidence_upload_to(instance: FindingEvidence, filename: str) -> str:
    return f"inspections/{instance.finding.case_id}/{filename}"


class FindingEvidence(models.Model):
    finding = models.ForeignKey(
        CaseFinding, verbose_name="检查记录", on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField("证据文件", upload_to=_evidence_upload_to)
    sm3 = models.CharField("SM3", max_length=64)
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = RestrictedManager()
    access_not_found = "没有找到该证据文件，或您无权查看。"
    scope_org_path = "finding__case__organisation"
    scope_region_path = "finding__case__region"

    class Meta:
        verbose_name = "证据"
        verbose_name_plural = "证据"
        ordering = ["finding_id", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return str(self.file.name)


class Recheck(models.Model):
    """复查 after a 责令改正通知书."""

    case = models.ForeignKey(
        InspectionCase, verbose_name="案件", on_delete=models.CASCADE, related_name="rechecks"
    )
    rechecked_on = models.DateField("复查日期")
    passed = models.BooleanField("整改到位")
    note = models.TextField("复查情况")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "case__organisation"
    scope_region_path = "case__region"
    scope_enterprise_path = "case__enterprise"

    class Meta:
        verbose_name = "复查"
        verbose_name_plural = "复查"
        ordering = ["case_id", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.case.reference} 复查 {self.rechecked_on}"


def _rectification_upload_to(instance: RectificationPhoto, filename: str) -> str:
    return f"inspections/{instance.report.case_id}/rectification/{filename}"


class RectificationReport(models.Model):
    """整改报告: what the enterprise says it corrected after a 责令改正, with photos. One sent
    after the deadline is still taken, marked 逾期; the officer's 复查 reads it."""

    case = models.ForeignKey(
        InspectionCase,
        verbose_name="案件",
        on_delete=models.CASCADE,
        related_name="rectification_reports",
    )
    text = models.TextField("整改情况")
    deadline = models.DateField("整改期限", null=True, blank=True)
    is_late = models.BooleanField("逾期提交", default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)

    objects = RestrictedManager()
    access_not_found = "没有找到该整改报告，或您无权查看。"
    scope_org_path = "case__organisation"
    scope_region_path = "case__region"
    scope_enterprise_path = "case__enterprise"

    class Meta:
        verbose_name = "整改报告"
        verbose_name_plural = "整改报告"
        ordering = ["case_id", "submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case.reference} 整改报告"


class RectificationPhoto(models.Model):
    report = models.ForeignKey(
        RectificationReport,
        verbose_name="整改报告",
        on_delete=models.CASCADE,
        related_name="photos",
    )
    file = models.FileField("整改照片", upload_to=_rectification_upload_to)
    sm3 = models.CharField("SM3", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = RestrictedManager()
    access_not_found = "没有找到该整改照片，或您无权查看。"
    scope_org_path = "report__case__organisation"
    scope_region_path = "report__case__region"
    scope_enterprise_path = "report__case__enterprise"

    class Meta:
        verbose_name = "整改照片"
        verbose_name_plural = "整改照片"
        ordering = ["report_id", "pk"]

    def __str__(self) -> str:
        return str(self.file.name)


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "待处理"
    ANSWERED = "answered", "已答复"


class ObjectionCategory(models.TextChoices):
    PROCEDURE = "procedure", "检查程序不规范（未审批、未通知、执法人员不足或未出示证件等）"
    FACTS = "facts", "检查结果与事实不符、证据不足"
    BASIS = "basis", "适用依据错误或处理明显不当"
    FREQUENCY = "frequency", "重复检查、检查过多过频"
    CONDUCT = "conduct", "执法人员行为不当（吃拿卡要、粗暴执法等）"
    OTHER = "other", "其他"


class Objection(models.Model):
    """An enterprise's objection to an inspection; it goes to the supervising body, which answers
    by ``answer_due`` (working days from filing, ``ZHIFA_OBJECTION_ANSWER_WORKING_DAYS``)."""

    case = models.ForeignKey(
        InspectionCase, verbose_name="案件", on_delete=models.CASCADE, related_name="objections"
    )
    category = models.CharField(
        "异议类别",
        max_length=16,
        choices=ObjectionCategory.choices,
        default=ObjectionCategory.OTHER,
    )
    text = models.TextField("异议内容")
    # None while the holiday arrangement of the year it falls in is not loaded: the objection is
    # taken all the same, and the page says the deadline is not yet fixed.
    answer_due = models.DateField("答复期限", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提出时间", default=timezone.now)
    status = models.CharField(
        "状态", max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    objects = RestrictedManager()
    access_not_found = "没有找到该异议，或您无权查看。"
    scope_org_path = "case__organisation"
    scope_region_path = "case__region"
    scope_enterprise_path = "case__enterprise"

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.case.reference} 异议"

    def is_overdue(self, today: dt.date) -> bool:
        return (
            self.status == ObjectionStatus.OPEN
            and self.answer_due is not None
            and today > self.answer_due
        )


def _objection_upload_to(instance: ObjectionAttachment, filename: str) -> str:
    return f"inspections/{instance.objection.case_id}/objections/{filename}"


class ObjectionAttachment(models.Model):
    objection = models.ForeignKey(
        Objection, verbose_name="异议", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("附件", upload_to=_objection_upload_to)
    sm3 = models.CharField("SM3", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = RestrictedManager()
    access_not_found = "没有找到该异议附件，或您无权查看。"
    scope_org_path = "objection__case__organisation"
    scope_region_path = "objection__case__region"
    scope_enterprise_path = "objection__case__enterprise"

    class Meta:
        verbose_name = "异议附件"
        verbose_name_plural = "异议附件"
        ordering = ["objection_id", "pk"]

    def __str__(self) -> str:
        return str(self.file.name)

    @property
    def filename(self) -> str:
        return str(self.file.name).rsplit("/", 1)[-1]


class GuidanceSlot(models.Model):
    """A time an agency offers for 前置预约指导服务; one enterprise books it."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="执法机关", on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("方式/地点", max_length=200)
    officer = models.ForeignKey(
        Officer, verbose_name="指导人员", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发布时间", default=timezone.now)
    is_withdrawn = models.BooleanField("已撤回", default=False)

    objects = RestrictedManager()
    scope_org_path = "organisation"

    class Meta:
        verbose_name = "指导时段"
        verbose_name_plural = "指导时段"
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{timefmt.fmt_span(self.starts_at, self.ends_at)} {self.place}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    DONE = "done", "已指导"
    CANCELLED = "cancelled", "已取消"


class GuidanceBooking(models.Model):
    slot = models.ForeignKey(
        GuidanceSlot, verbose_name="时段", on_delete=models.PROTECT, related_name="bookings"
    )
    case = models.ForeignKey(
        InspectionCase, verbose_name="案件", on_delete=models.CASCADE, related_name="bookings"
    )
    topic = models.CharField("希望指导的问题", max_length=500, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="预约人", on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField("预约时间", default=timezone.now)
    guidance_note = models.TextField("指导情况", blank=True)
    done_at = models.DateTimeField("指导时间", null=True, blank=True)

    objects = RestrictedManager()
    access_not_found = "没有找到该指导预约，或您无权查看。"
    scope_org_path = "case__organisation"
    scope_enterprise_path = "case__enterprise"

    class Meta:
        verbose_name = "指导预约"
        verbose_name_plural = "指导预约"
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            # A slot is one enterprise's: a second active booking of it is refused.
            models.UniqueConstraint(
                fields=["slot"],
                condition=models.Q(status="booked") | models.Q(status="done"),
                name="insp_slot_booked_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} 预约 {self.slot}"
