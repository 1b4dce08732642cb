"""Document kinds and their numbers (文号): ``舟卫执预〔2026〕12号``.

A number is reserved in its own committed transaction, then used by the document that carries
it or voided with a reason. Numbers are never handed out twice: a number whose document was
rolled back stays on record as voided, so every gap in a sequence is explained.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhifa.core.access import RestrictedManager, RestrictedQuerySet, signed_in
from zhifa.documents.rules import recipient_organisations
from zhifa.org.roles import Role


class DocumentKind(models.Model):
    """A kind of 文书, e.g. 行政执法检查预告通知书 (执预). Configuration, editable in admin."""

    code = models.SlugField(
        "代码", max_length=64, unique=True, help_text="程序引用的英文代码，上线后请勿修改。"
    )
    name = models.CharField("文书名称", max_length=64, unique=True)
    abbreviation = models.CharField(
        "文书代字", max_length=16, help_text="文号中机关代字之后的文书代字，如“执预”。"
    )
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    access_unrestricted = "文书种类是全平台共用的目录。"

    class Meta:
        verbose_name = "文书种类"
        verbose_name_plural = "文书种类"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.abbreviation}）"


class NumberingRule(models.Model):
    """Overrides the designator (机关代字+文书代字) one organisation uses for one kind."""

    organisation = models.ForeignKey(
        "org.Organisation",
        verbose_name="机构",
        on_delete=models.CASCADE,
        related_name="numbering_rules",
    )
    kind = models.ForeignKey(
        DocumentKind, verbose_name="文书种类", on_delete=models.CASCADE, related_name="rules"
    )
    designator = models.CharField(
        "文号代字",
        max_length=32,
        help_text="完整的代字，替代“机关代字+文书代字”，如“舟卫健执预”。",
    )

    objects = RestrictedManager()
    scope_org_path = "organisation"

    class Meta:
        verbose_name = "文号规则"
        verbose_name_plural = "文号规则"
        ordering = ["organisation_id", "kind__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="documents_rule_unique_org_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.kind.name}：{self.designator}"


class NumberSequence(models.Model):
    """The last number issued per organisation, kind and year; locked while a number is taken."""

    organisation = models.ForeignKey(
        "org.Organisation",
        verbose_name="机构",
        on_delete=models.PROTECT,
        related_name="number_sequences",
    )
    kind = models.ForeignKey(
        DocumentKind, verbose_name="文书种类", on_delete=models.PROTECT, related_name="sequences"
    )
    year = models.PositiveSmallIntegerField("年度")
    last_number = models.PositiveIntegerField("已用至", default=0)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "organisation"

    class Meta:
        verbose_name = "文号序列"
        verbose_name_plural = "文号序列"
        ordering = ["organisation_id", "kind__sort_order", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "year"], name="documents_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.kind.name} · {self.year}：{self.last_number}"


class NumberStatus(models.TextChoices):
    RESERVED = "reserved", "已预留"
    USED = "used", "已使用"
    VOIDED = "voided", "已作废"


class DocumentNumber(models.Model):
    """One issued number and what became of it."""

    # Allowed transitions; anything else is refused with a clear error.
    TRANSITIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        NumberStatus.RESERVED: (NumberStatus.USED, NumberStatus.VOIDED),
        NumberStatus.USED: (NumberStatus.VOIDED,),
        NumberStatus.VOIDED: (),
    }

    organisation = models.ForeignKey(
        "org.Organisation",
        verbose_name="机构",
        on_delete=models.PROTECT,
        related_name="document_numbers",
    )
    kind = models.ForeignKey(
        DocumentKind, verbose_name="文书种类", on_delete=models.PROTECT, related_name="numbers"
    )
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveIntegerField("序号")
    text = models.CharField("文号", max_length=64, db_index=True)
    status = models.CharField(
        "状态", max_length=16, choices=NumberStatus.choices, default=NumberStatus.RESERVED
    )
    reserved_at = models.DateTimeField("预留时间", default=timezone.now)
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="预留人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    void_reason = models.TextField("作废原因", blank=True)
    object_type = models.CharField("使用文书类型", max_length=100, blank=True)
    object_id = models.CharField("使用文书标识", max_length=64, blank=True)

    objects = RestrictedManager()
    scope_org_path = "organisation"

    class Meta:
        verbose_name = "文号"
        verbose_name_plural = "文号"
        ordering = ["organisation_id", "kind__sort_order", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "year", "number"],
                name="documents_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="documents_number_org_status"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def used_by_label(self) -> str:
        """The document that carries this number, e.g. “行政检查通知书 #12”."""
        if not self.object_type:
            return ""
        try:
            model = apps.get_model(self.object_type)
        except (LookupError, ValueError):
            return f"{self.object_type} #{self.object_id}"
        return f"{model._meta.verbose_name} #{self.object_id}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[NumberStatus(self.status)]

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation_id,
            "kind": self.kind_id,
            "year": self.year,
            "number": self.number,
            "text": self.text,
            "status": self.status,
            "reserved_by": self.reserved_by_id,
            "used_at": self.used_at,
            "voided_at": self.voided_at,
            "void_reason": self.void_reason,
            "object_type": self.object_type,
            "object_id": self.object_id,
        }


# --- 五个严禁 / 八个不得 ------------------------------------------------------------------------


class ProhibitionsVersion(models.Model):
    """One version of the 涉企行政检查 “五个严禁”“八个不得” printed on the back of inspection
    documents, with where its text comes from. Administrators add a new version when the
    official text changes; documents issued earlier keep the text they were issued with."""

    label = models.CharField("版本名称", max_length=100, unique=True)
    effective_from = models.DateField("施行日期", help_text="自该日起签发的检查类文书使用此版本。")
    sections = models.JSONField(
        "条文",
        help_text='按条列出，如 [{"title": "严禁逐利检查", "items": ["不得……", "不得……"]}]。',
    )
    source_document = models.CharField("来源文件", max_length=200)
    source_issuer = models.CharField("发文机关", max_length=100, blank=True)
    source_date = models.DateField("发文日期", null=True, blank=True)
    source_url = models.URLField("来源网址", max_length=500, blank=True)
    source_note = models.TextField(
        "来源说明", blank=True, help_text="例如：据新闻报道转述，待与正式文本核对。"
    )
    is_paraphrase = models.BooleanField("转述文本", default=False)
    created_at = models.DateTimeField("录入时间", default=timezone.now)

    access_unrestricted = "入企检查“十不准”是公开的规定。"

    class Meta:
        verbose_name = "五个严禁·八个不得版本"
        verbose_name_plural = "五个严禁·八个不得版本"
        ordering = ["-effective_from", "-pk"]

    def __str__(self) -> str:
        return f"{self.label}（{self.effective_from:%Y-%m-%d} 起）"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        problems = sections_problems(self.sections)
        if problems:
            raise ValidationError({"sections": problems})


def sections_problems(sections: Any) -> list[str]:
    """Chinese descriptions of what is wrong with a ``sections`` value; empty when it is fine."""
    if not isinstance(sections, list) or not sections:
        return ["条文应为非空列表，每条包含 title（严禁事项）和 items（不得事项列表）。"]
    problems: list[str] = []
    for index, section in enumerate(sections, start=1):
        if not isinstance(section, dict):
            problems.append(f"第 {index} 条应为对象，含 title 和 items。")
            continue
        title = section.get("title")
        items = section.get("items")
        if not isinstance(title, str) or not title.strip():
            problems.append(f"第 {index} 条缺少标题（title），如“严禁逐利检查”。")
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            problems.append(f"第 {index} 条的 items 应为非空文字组成的列表。")
    return problems


# --- Documents (文书) --------------------------------------------------------------------------

# Kinds that carry the 五个严禁/八个不得 on their back page.
INSPECTION_KIND_CODES = frozenset(
    {
        "inspection_approval",
        "batch_approval_list",
        "inspection_preview_notice",
        "inspection_notice",
        "oral_notice_record",
        "onsite_inspection_record",
        "rectification_order",
        "review_opinion",
        "no_penalty_decision",
        "delivery_receipt",
    }
)


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已签发"
    DELIVERED = "delivered", "已送达"
    ARCHIVED = "archived", "已归档"


def _document_upload_to(instance: Document, filename: str) -> str:
    return f"documents/{timezone.localdate():%Y/%m}/{filename}"


def _receipt_upload_to(instance: Delivery, filename: str) -> str:
    return f"documents/receipts/{timezone.localdate():%Y/%m}/{filename}"


def received_condition() -> Q:
    """Documents a recipient reads: delivered ones, and issued ones sent to the portal and
    awaiting receipt."""
    return Q(status__in=(DocumentStatus.DELIVERED, DocumentStatus.ARCHIVED)) | Q(
        status=DocumentStatus.ISSUED, deliveries__method=DeliveryMethod.PORTAL
    )


class DocumentQuerySet(RestrictedQuerySet):
    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        """The documents ``user`` may open: the issuing side as every model's rows; an
        enterprise user, and the users of a recipient organisation, only what was sent to them
        (a draft or an undelivered document is not theirs to read yet)."""
        seen = super().restrict(user, action)
        if not signed_in(user) or user.is_admin:
            return seen
        if user.has_role(Role.ENTERPRISE):
            seen = seen.filter(received_condition())
        organisations = recipient_organisations(user)
        if not organisations:
            return seen.distinct()
        received = self.filter(recipient_organisation_id__in=organisations).filter(
            received_condition()
        )
        return self.filter(Q(pk__in=seen.values("pk")) | Q(pk__in=received.values("pk"))).distinct()


class Document(models.Model):
    """One 文书: a draft while it is prepared, frozen once issued (number, files, SM3 hashes)."""

    TRANSITIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        DocumentStatus.DRAFT: (DocumentStatus.ISSUED,),
        DocumentStatus.ISSUED: (DocumentStatus.DELIVERED,),
        DocumentStatus.DELIVERED: (DocumentStatus.ARCHIVED,),
        DocumentStatus.ARCHIVED: (),
    }

    kind = models.ForeignKey(
        DocumentKind, verbose_name="文书种类", on_delete=models.PROTECT, related_name="documents"
    )
    organisation = models.ForeignKey(
        "org.Organisation",
        verbose_name="制发机关",
        on_delete=models.PROTECT,
        related_name="documents",
    )
    region = models.ForeignKey(
        "org.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    recipient_enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="受送达企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    recipient_organisation = models.ForeignKey(
        "org.Organisation",
        verbose_name="受送达机关",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_documents",
    )
    recipient_name = models.CharField("受送达人", max_length=200)
    title = models.CharField("标题", max_length=200)
    context = models.JSONField("内容", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    number = models.OneToOneField(
        DocumentNumber,
        verbose_name="文号",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document",
    )
    verification_code = models.CharField(
        "核验码", max_length=16, unique=True, null=True, blank=True
    )
    docx_file = models.FileField("DOCX 文件", upload_to=_document_upload_to, blank=True)
    pdf_file = models.FileField("PDF 文件", upload_to=_document_upload_to, blank=True)
    docx_sm3 = models.CharField("DOCX 的 SM3", max_length=64, blank=True)
    pdf_sm3 = models.CharField("PDF 的 SM3", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="拟稿人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("拟稿时间", default=timezone.now)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField("签发时间", null=True, blank=True)
    issue_date = models.DateField("成文日期", null=True, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name="更正的文书",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    voided_by = models.ForeignKey(
        "self",
        verbose_name="作废依据（更正文书）",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    void_reason = models.TextField("作废原因", blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="归档人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    archive_reference = models.CharField("档号/存放位置", max_length=100, blank=True)

    objects = models.Manager.from_queryset(DocumentQuerySet)()
    scope_org_path = "organisation"
    scope_enterprise_path = "recipient_enterprise"

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="documents_doc_org_status"),
            models.Index(fields=["region", "status"], name="documents_doc_region_status"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.number_text or '草稿'}）"

    @property
    def number_text(self) -> str:
        number = self.number if self.number_id else None
        return number.text if number is not None else ""

    @property
    def is_voided(self) -> bool:
        return self.voided_by_id is not None

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[DocumentStatus(self.status)]

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "kind": self.kind_id,
            "organisation": self.organisation_id,
            "region": self.region_id,
            "recipient_enterprise": self.recipient_enterprise_id,
            "recipient_organisation": self.recipient_organisation_id,
            "recipient_name": self.recipient_name,
            "title": self.title,
            "context": self.context,
            "status": self.status,
            "number": self.number_text,
            "verification_code": self.verification_code,
            "docx_file": self.docx_file.name,
            "pdf_file": self.pdf_file.name,
            "docx_sm3": self.docx_sm3,
            "pdf_sm3": self.pdf_sm3,
            "issued_by": self.issued_by_id,
            "issued_at": self.issued_at,
            "issue_date": self.issue_date,
            "delivered_at": self.delivered_at,
            "corrects": self.corrects_id,
            "voided_by": self.voided_by_id,
            "voided_at": self.voided_at,
            "void_reason": self.void_reason,
            "archived_by": self.archived_by_id,
            "archived_at": self.archived_at,
            "archive_reference": self.archive_reference,
        }


class DeliveryMethod(models.TextChoices):
    PORTAL = "portal", "平台送达"
    EMAIL = "email", "电子邮件送达"
    SMS = "sms", "短信送达"
    PAPER = "paper", "纸质送达"


class SendStatus(models.TextChoices):
    """Whether the e-mail or SMS of a delivery went out. It is sent only after the delivery is
    committed, so a rolled-back delivery never leaves a message behind."""

    NONE = "none", "无需发送"
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Delivery(models.Model):
    """One 送达 of an issued document. A portal delivery waits for the recipient to confirm
    receipt; e-mail and SMS count as delivered once the message has been sent (after commit);
    paper counts as delivered when recorded."""

    SEND_TRANSITIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        SendStatus.NONE: (),
        SendStatus.PENDING: (SendStatus.SENT, SendStatus.FAILED),
        SendStatus.SENT: (),
        SendStatus.FAILED: (),
    }

    document = models.ForeignKey(
        Document, verbose_name="文书", on_delete=models.PROTECT, related_name="deliveries"
    )
    method = models.CharField("送达方式", max_length=16, choices=DeliveryMethod.choices)
    address = models.CharField("送达地址", max_length=200, blank=True, help_text="邮箱或手机号")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="送达人", on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField("送达时间", default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("签收时间", null=True, blank=True)
    receipt_sm3 = models.CharField(
        "签收回执 SM3", max_length=64, blank=True, help_text="签收人、时间与文书 PDF 哈希的 SM3。"
    )
    receipt_file = models.FileField("送达回证扫描件", upload_to=_receipt_upload_to, blank=True)
    receipt_file_sm3 = models.CharField("扫描件 SM3", max_length=64, blank=True)
    note = models.TextField("备注", blank=True)
    send_status = models.CharField(
        "发送状态", max_length=16, choices=SendStatus.choices, default=SendStatus.NONE
    )
    send_error = models.TextField("发送失败原因", blank=True)
    send_finished_at = models.DateTimeField("发送完成时间", null=True, blank=True)

    objects = RestrictedManager()
    scope_org_path = "document__organisation"
    scope_enterprise_path = "document__recipient_enterprise"

    class Meta:
        verbose_name = "送达记录"
        verbose_name_plural = "送达记录"
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.document} · {self.get_method_display()}"

    @property
    def is_pending(self) -> bool:
        return self.method == DeliveryMethod.PORTAL and self.confirmed_at is None

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "document": self.document_id,
            "method": self.method,
            "address": self.address,
            "sent_by": self.sent_by_id,
            "sent_at": self.sent_at,
            "confirmed_by": self.confirmed_by_id,
            "confirmed_at": self.confirmed_at,
            "receipt_sm3": self.receipt_sm3,
            "receipt_file": self.receipt_file.name,
            "receipt_file_sm3": self.receipt_file_sm3,
            "note": self.note,
            "send_status": self.send_status,
            "send_error": self.send_error,
            "send_finished_at": self.send_finished_at,
        }

    @property
    def send_outcome(self) -> str:
        """How the message went, to follow the method in a sentence: ，已发送 / ，发送失败（…）."""
        if self.send_status == SendStatus.SENT:
            return "，已发送"
        if self.send_status == SendStatus.FAILED:
            return f"，发送失败（{self.send_error}），文书仍为已签发，请改用其他方式或重新送达"
        if self.send_status == SendStatus.PENDING:
            return "，待发送"
        return ""

    def can_send_become(self, target: str) -> bool:
        return target in self.SEND_TRANSITIONS.get(self.send_status, ())


# --- Batches (批量签发) -------------------------------------------------------------------------


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    FINISHED = "finished", "已完成"
    FINISHED_WITH_ERRORS = "finished_with_errors", "已完成（部分失败）"


class BatchItemStatus(models.TextChoices):
    PENDING = "pending", "待办理"
    DONE = "done", "已签发"
    FAILED = "failed", "失败"


class DocumentBatch(models.Model):
    """Many drafts issued by one background task. Each document is issued in its own
    transaction, so one failure loses nothing else and is reported by name."""

    TRANSITIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        BatchStatus.QUEUED: (BatchStatus.RUNNING,),
        # A running batch whose worker was interrupted is resumed: running → running.
        BatchStatus.RUNNING: (
            BatchStatus.RUNNING,
            BatchStatus.FINISHED,
            BatchStatus.FINISHED_WITH_ERRORS,
        ),
        BatchStatus.FINISHED: (),
        BatchStatus.FINISHED_WITH_ERRORS: (),
    }

    organisation = models.ForeignKey(
        "org.Organisation",
        verbose_name="制发机关",
        on_delete=models.PROTECT,
        related_name="document_batches",
    )
    kind = models.ForeignKey(
        DocumentKind,
        verbose_name="文书种类",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="batches",
        help_text="批内文书均为同一种类时填写；种类不一时为空。",
    )
    title = models.CharField("批次名称", max_length=200)
    issue_date = models.DateField("成文日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=24, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField("文书总数", default=0)
    done = models.PositiveIntegerField("已签发", default=0)
    failed = models.PositiveIntegerField("失败", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近进展时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    # Set only by code: the dotted path of a function called with each document once it is
    # issued (e.g. the inspection case that the notice belongs to is then recorded as notified).
    follow_up = models.CharField("签发后续办理", max_length=200, blank=True, editable=False)

    objects = RestrictedManager()
    scope_org_path = "organisation"

    class Meta:
        verbose_name = "批量签发批次"
        verbose_name_plural = "批量签发批次"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"], name="documents_batch_status"),
            models.Index(fields=["organisation", "created_at"], name="documents_batch_org"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.done + self.failed}/{self.total}）"

    @property
    def is_finished(self) -> bool:
        return self.status in (BatchStatus.FINISHED, BatchStatus.FINISHED_WITH_ERRORS)

    @property
    def processed(self) -> int:
        return self.done + self.failed

    @property
    def percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 100

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[BatchStatus(self.status)]

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation_id,
            "kind": self.kind_id,
            "title": self.title,
            "issue_date": self.issue_date,
            "status": self.status,
            "total": self.total,
            "done": self.done,
            "failed": self.failed,
            "created_by": self.created_by_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "attempts": self.attempts,
        }


class DocumentBatchItem(models.Model):
    """One document of a batch and what became of it; a failure keeps its Chinese reason."""

    TRANSITIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        BatchItemStatus.PENDING: (BatchItemStatus.DONE, BatchItemStatus.FAILED),
        BatchItemStatus.DONE: (),
        BatchItemStatus.FAILED: (),
    }

    batch = models.ForeignKey(
        DocumentBatch, verbose_name="批次", on_delete=models.CASCADE, related_name="items"
    )
    document = models.ForeignKey(
        Document, verbose_name="文书", on_delete=models.PROTECT, related_name="batch_items"
    )
    position = models.PositiveIntegerField("序号")
    status = models.CharField(
        "状态", max_length=16, choices=BatchItemStatus.choices, default=BatchItemStatus.PENDING
    )
    error = models.TextField("失败原因", blank=True)
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = RestrictedManager()
    scope_org_path = "batch__organisation"

    class Meta:
        verbose_name = "批量签发明细"
        verbose_name_plural = "批量签发明细"
        ordering = ["batch_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "document"], name="documents_batch_item_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} · {self.position}：{self.get_status_display()}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[BatchItemStatus(self.status)]

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "batch": self.batch_id,
            "document": self.document_id,
            "position": self.position,
            "status": self.status,
            "error": self.error,
            "finished_at": self.finished_at,
        }
