"""监督文书办理: the letters a supervising bureau (司法局/司法所) sends to an enforcing agency.

- ``LetterType`` is configuration: what each kind of supervision document is for, what it cites,
  whether and by when the agency must answer, the 复查 window and the escalation steps. A national
  default row (region empty) is seeded; a region's row of the same document kind overrides it, so a
  province can rename a kind or set its own deadlines, each with the source of its figure.
- ``SupervisionLetter`` follows one document from 拟稿 through 审核, 签发 (文号 by the documents
  engine), delivery to the agency's inbox, 签收, the agency's 整改（执行）情况报告 and the bureau's
  verification, with 退回重报 and 复查 on the way. The 文书 itself is a ``documents.Document``.
- ``LetterReply`` (with ``ReplyEvidence``) is one report of the agency; ``Summons`` a 约谈 record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhifa.core.access import RestrictedManager, RestrictedQuerySet
from zhifa.documents.models import Document, DocumentKind
from zhifa.inspections.models import InspectionCase
from zhifa.org.models import Organisation, Region
from zhifa.org.roles import Role


class LetterType(models.Model):
    """One kind of supervision document as a region uses it (national default when no region)."""

    region = models.ForeignKey(
        Region,
        verbose_name="适用区划",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="留空为全国默认；某区划的同一文书种类配置优先于默认配置。",
    )
    kind = models.ForeignKey(
        DocumentKind, verbose_name="文书种类", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("显示名称", max_length=64)
    purpose = models.TextField("用途")
    legal_basis = models.TextField("法律依据", help_text="引用的条文，须为已核实的文本。")
    needs_reply = models.BooleanField("需要书面回复", default=True)
    reply_working_days = models.PositiveSmallIntegerField(
        "默认回复期限（工作日）", null=True, blank=True
    )
    deadline_source = models.TextField(
        "期限来源",
        blank=True,
        help_text="说明期限数字的出处，如“参照《山东省行政执法监督条例》第二十八条”。",
    )
    review_window_working_days = models.PositiveSmallIntegerField(
        "申请复查期限（工作日）", null=True, blank=True, help_text="留空表示不可申请复查。"
    )
    review_decision_working_days = models.PositiveSmallIntegerField(
        "复查决定期限（工作日）", null=True, blank=True
    )
    review_source = models.TextField("复查期限来源", blank=True)
    remind_after_working_days = models.PositiveSmallIntegerField(
        "逾期后拟制提示函（工作日）",
        null=True,
        blank=True,
        help_text="回复逾期满该工作日数后为监督人员拟制提示函草稿；留空不提示。",
    )
    urge_after_working_days = models.PositiveSmallIntegerField(
        "仍逾期拟制督办函（工作日）",
        null=True,
        blank=True,
        help_text="逾期满该工作日数仍未回复的，拟制督办函草稿；留空不督办。",
    )
    escalation_source = models.TextField("催办规则说明", blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    objects = models.Manager()
    access_unrestricted = "监督文书种类是公开的配置目录，不含个案信息。"

    class Meta:
        verbose_name = "监督文书种类"
        verbose_name_plural = "监督文书种类"
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind"], name="supervision_lettertype_region_kind"
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(region__isnull=True),
                name="supervision_lettertype_national_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "region": self.region_id,
            "kind": self.kind_id,
            "name": self.name,
            "needs_reply": self.needs_reply,
            "reply_working_days": self.reply_working_days,
            "review_window_working_days": self.review_window_working_days,
            "review_decision_working_days": self.review_decision_working_days,
            "remind_after_working_days": self.remind_after_working_days,
            "urge_after_working_days": self.urge_after_working_days,
            "is_active": self.is_active,
        }


class SupervisionMethod(models.TextChoices):
    ROUTINE = "routine", "日常监督"
    FOCUSED = "focused", "重点监督"
    SPECIAL = "special", "专项监督"


class LetterStatus(models.TextChoices):
    DRAFT = "draft", "拟稿"
    SUBMITTED = "submitted", "待审核"
    REVIEWED = "reviewed", "待签发"
    ISSUED = "issued", "已签发"
    RECEIVED = "received", "已签收"
    REPLIED = "replied", "已回复"
    RETURNED = "returned", "退回重报"
    CLOSED = "closed", "已办结"


TRANSITIONS: dict[str, tuple[str, ...]] = {
    LetterStatus.DRAFT: (LetterStatus.SUBMITTED,),
    # 审核 may send the draft back to its drafter.
    LetterStatus.SUBMITTED: (LetterStatus.REVIEWED, LetterStatus.DRAFT),
    LetterStatus.REVIEWED: (LetterStatus.ISSUED, LetterStatus.DRAFT),
    LetterStatus.ISSUED: (LetterStatus.RECEIVED,),
    # A letter that needs no reply is closed by the bureau once signed for.
    LetterStatus.RECEIVED: (LetterStatus.REPLIED, LetterStatus.CLOSED),
    LetterStatus.REPLIED: (LetterStatus.CLOSED, LetterStatus.RETURNED),
    LetterStatus.RETURNED: (LetterStatus.REPLIED,),
    LetterStatus.CLOSED: (),
}
# The agency has the letter and may be waiting to answer it.
AWAITING_REPLY = (LetterStatus.ISSUED, LetterStatus.RECEIVED, LetterStatus.RETURNED)
# States the addressee sees: everything from issue on (a draft is the bureau's own work).
VISIBLE_TO_ADDRESSEE = (
    LetterStatus.ISSUED,
    LetterStatus.RECEIVED,
    LetterStatus.REPLIED,
    LetterStatus.RETURNED,
    LetterStatus.CLOSED,
)


class ReviewStatus(models.TextChoices):
    NONE = "", "未申请"
    APPLIED = "applied", "已申请复查"
    UPHELD = "upheld", "复查维持"
    CHANGED = "changed", "复查变更"
    REVOKED = "revoked", "复查撤销"


class EscalationStep(models.TextChoices):
    REMIND = "remind", "提示函"
    URGE = "urge", "督办函"


class LetterQuerySet(RestrictedQuerySet):
    """What the data scope shows, less the bureau's unissued drafts for anyone who is not a
    supervisor: to the addressee a draft does not exist yet (404, not 403)."""

    status_path = "status"

    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        rows = super().restrict(user, action)
        if user is None or not user.is_authenticated or user.is_admin:
            return rows
        if user.organisations_as(*Role.supervising_roles()):
            return rows
        return rows.filter(**{f"{self.status_path}__in": VISIBLE_TO_ADDRESSEE})


class SupervisionLetter(models.Model):
    bureau = models.ForeignKey(
        Organisation, verbose_name="监督机关", on_delete=models.PROTECT, related_name="+"
    )
    letter_type = models.ForeignKey(
        LetterType, verbose_name="文书种类", on_delete=models.PROTECT, related_name="letters"
    )
    document = models.OneToOneField(
        Document, verbose_name="文书", on_delete=models.PROTECT, related_name="supervision_letter"
    )
    addressee = models.ForeignKey(
        Organisation,
        verbose_name="被监督单位",
        on_delete=models.PROTECT,
        related_name="supervision_letters",
    )
    case = models.ForeignKey(
        InspectionCase,
        verbose_name="涉及的检查案件",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_code = models.CharField("来源", max_length=32, blank=True)
    source_pk = models.PositiveBigIntegerField("来源对象", null=True, blank=True)
    source_label = models.CharField("来源说明", max_length=200, blank=True)
    method = models.CharField(
        "监督方式",
        max_length=16,
        choices=SupervisionMethod.choices,
        default=SupervisionMethod.ROUTINE,
    )
    reply_working_days = models.PositiveSmallIntegerField(
        "回复期限（工作日）", null=True, blank=True
    )
    reply_due = models.DateField("回复截止日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=LetterStatus.choices, default=LetterStatus.DRAFT
    )
    # The overdue letter this one reminds or urges (提示函/督办函), once per step.
    escalates = models.ForeignKey(
        "self",
        verbose_name="催办的监督文书",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
    )
    escalation_step = models.CharField(
        "催办步骤", max_length=8, choices=EscalationStep.choices, blank=True
    )

    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="拟稿人", on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField("拟稿时间", default=timezone.now)
    submitted_at = models.DateTimeField("送审时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_opinion = models.CharField("审核意见", max_length=500, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)
    received_at = models.DateTimeField("签收时间", null=True, blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办结人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closing_note = models.TextField("核查意见", blank=True)
    return_reason = models.TextField("退回理由", blank=True)

    review_status = models.CharField(
        "复查", max_length=16, choices=ReviewStatus.choices, blank=True, default=ReviewStatus.NONE
    )
    review_due = models.DateField("申请复查截止日期", null=True, blank=True)
    review_reasons = models.TextField("复查理由", blank=True)
    review_applied_at = models.DateTimeField("申请复查时间", null=True, blank=True)
    review_applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_decision_due = models.DateField("复查决定截止日期", null=True, blank=True)
    review_decision = models.TextField("复查决定", blank=True)
    review_decided_at = models.DateTimeField("复查决定时间", null=True, blank=True)
    review_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复查决定人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A 决定书 that orders correction or revocation shows on the case it concerns.
    orders_correction = models.BooleanField("责令纠正或撤销", default=False)

    objects = models.Manager.from_queryset(LetterQuerySet)()
    access_not_found = "没有找到该监督文书，或您无权查看。"
    # The addressee's users see it (the rule hides drafts); supervisors by the addressee's region.
    scope_org_path = "addressee"

    class Meta:
        verbose_name = "监督文书办理"
        verbose_name_plural = "监督文书办理"
        ordering = ["-drafted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["escalates", "escalation_step"],
                condition=Q(escalates__isnull=False),
                name="supervision_letter_escalation_once",
            ),
        ]
        indexes = [
            models.Index(fields=["bureau", "status"], name="sup_letter_bureau_status"),
            models.Index(fields=["addressee", "status"], name="sup_letter_addr_status"),
        ]

    def __str__(self) -> str:
        return f"{self.letter_type.name}（{self.addressee.name}）"

    @property
    def label(self) -> str:
        number = self.document.number_text if self.document_id else ""
        return f"{self.letter_type.name}{f' {number}' if number else ''}（{self.addressee.name}）"

    def can_become(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]

    def is_overdue(self, today: dt.date) -> bool:
        return (
            self.status in AWAITING_REPLY
            and self.letter_type.needs_reply
            and self.reply_due is not None
            and today > self.reply_due
        )

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "bureau": self.bureau_id,
            "letter_type": self.letter_type_id,
            "document": self.document_id,
            "addressee": self.addressee_id,
            "case": self.case_id,
            "source": f"{self.source_code}:{self.source_pk}" if self.source_code else "",
            "method": self.method,
            "reply_working_days": self.reply_working_days,
            "reply_due": self.reply_due.isoformat() if self.reply_due else None,
            "status": self.status,
            "review_status": self.review_status,
            "escalates": self.escalates_id,
            "escalation_step": self.escalation_step,
            "orders_correction": self.orders_correction,
            "return_reason": self.return_reason,
            "closing_note": self.closing_note,
        }


class LetterReply(models.Model):
    """One 整改（执行）情况报告 of the agency; a returned letter gets another."""

    letter = models.ForeignKey(
        SupervisionLetter, verbose_name="监督文书", on_delete=models.CASCADE, related_name="replies"
    )
    text = models.TextField("整改（执行）情况")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报告人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("报告时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "letter__addressee"

    class Meta:
        verbose_name = "整改（执行）情况报告"
        verbose_name_plural = "整改（执行）情况报告"
        ordering = ["letter_id", "submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.letter} 回复"


def _evidence_upload_to(instance: ReplyEvidence, filename: str) -> str:
    return f"supervision/{instance.reply.letter_id}/{filename}"


class ReplyEvidence(models.Model):
    reply = models.ForeignKey(
        LetterReply, verbose_name="回复", on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField("佐证材料", upload_to=_evidence_upload_to)
    name = models.CharField("文件名", max_length=200)
    sm3 = models.CharField("SM3", max_length=64)

    objects = RestrictedManager()
    access_not_found = "没有找到该佐证材料，或您无权查看。"
    scope_org_path = "reply__letter__addressee"

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["reply_id", "pk"]

    def __str__(self) -> str:
        return self.name


class Summons(models.Model):
    """约谈: the bureau summons the agency's head about an overdue or serious matter."""

    letter = models.ForeignKey(
        SupervisionLetter,
        verbose_name="监督文书",
        on_delete=models.CASCADE,
        related_name="summonses",
    )
    held_on = models.DateField("约谈日期")
    place = models.CharField("约谈地点", max_length=200)
    attendees = models.TextField("参加人员")
    outcome = models.TextField("约谈结果")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "letter__addressee"

    class Meta:
        verbose_name = "约谈记录"
        verbose_name_plural = "约谈记录"
        ordering = ["letter_id", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.letter} 约谈 {self.held_on}"
