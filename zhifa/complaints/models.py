"""投诉与问题清单: what an enterprise says went wrong, from whichever channel, handled until 销号.

- ``Category`` is configuration: the four problem classes of the national 规范涉企行政执法专项行动
  in their official words (seeded, region empty), and the sub-categories a region adds under them.
  Its ``code`` is also the Open311 ``service_code``.
- ``DeadlineRule`` says within how many working days the agency answers, per region and category,
  each with the source of its figure; the most specific rule applies.
- ``Complaint`` is one item of the problem list (问题清单): intake from a channel, 分办 by the
  supervising bureau to the agency, the agency's answer with evidence, the bureau's 核实, the
  complainant's 评价, and 销号 — or 重新办理 when the complainant is not satisfied. Its timeline is
  ``ComplaintEvent``; files are ``ComplaintFile``; losses recovered for the enterprise are
  ``RecoveredLoss`` (Decimal 元).
- Who complained (name, phone, e-mail, account, enterprise, tracking code) is the supervising
  bureau's to know only: ``IDENTITY_FIELDS`` names those fields, and every page, API, export and
  document an agency reads leaves them out (``selectors.public_view``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhifa.core.access import RestrictedQuerySet
from zhifa.inspections.models import InspectionCase
from zhifa.org.models import Organisation, Region
from zhifa.org.roles import Role
from zhifa.registry.models import Enterprise


class Category(models.Model):
    """One problem class (no parent) or a region's sub-category under one."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name="所属问题类别",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    region = models.ForeignKey(
        Region,
        verbose_name="适用区划",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="留空为全国通用；某区划增设的子类只在该区划及其下级使用。",
    )
    description = models.TextField("说明", blank=True)
    source = models.TextField("出处", blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    objects = models.Manager()
    access_unrestricted = "问题类别是公开的配置目录，不含个案信息。"

    class Meta:
        verbose_name = "问题类别"
        verbose_name_plural = "问题类别"
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def top(self) -> Category:
        return self.parent if self.parent_id else self  # type: ignore[return-value]

    @property
    def full_name(self) -> str:
        return f"{self.parent.name} · {self.name}" if self.parent_id else self.name  # type: ignore[union-attr]

    def applies_in(self, region: Region | None) -> bool:
        if self.region_id is None:
            return True
        return region is not None and str(region.code).startswith(self.region.code_prefix)  # type: ignore[union-attr]


class DeadlineRule(models.Model):
    """Within how many working days the agency answers; the most specific rule applies (region
    and category, then region, then category, then the national default)."""

    region = models.ForeignKey(
        Region,
        verbose_name="适用区划",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.ForeignKey(
        Category,
        verbose_name="问题类别",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    answer_working_days = models.PositiveSmallIntegerField("答复期限（工作日）")
    source = models.TextField("期限来源", help_text="说明期限数字的出处。")
    remind_after_working_days = models.PositiveSmallIntegerField(
        "逾期后拟制提示函（工作日）",
        null=True,
        blank=True,
        default=1,
        help_text="答复逾期满该工作日数后为监督人员拟制提示函草稿；留空不提示。",
    )
    urge_after_working_days = models.PositiveSmallIntegerField(
        "仍逾期拟制督办函（工作日）",
        null=True,
        blank=True,
        default=6,
        help_text="逾期满该工作日数仍未答复的，拟制督办函草稿；留空不督办。",
    )

    objects = models.Manager()
    access_unrestricted = "办理期限是公开的配置，不含个案信息。"

    class Meta:
        verbose_name = "办理期限"
        verbose_name_plural = "办理期限"
        ordering = ["region_id", "category_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "category"], name="complaints_deadline_region_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer_working_days}个工作日"


class RoutingRule(models.Model):
    """自动分办: in a region, items of a category (or of every category) go straight to the
    agency they name — or to the agency the rule names — without waiting for the bureau."""

    region = models.ForeignKey(
        Region, verbose_name="适用区划", on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        Category,
        verbose_name="问题类别",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="留空适用于所有类别。",
    )
    agency = models.ForeignKey(
        Organisation,
        verbose_name="承办单位",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="留空则转交反映中所指的被反映单位。",
    )
    is_active = models.BooleanField("启用", default=True)

    objects = models.Manager()
    access_unrestricted = "分办规则是办理配置，不含个案信息。"

    class Meta:
        verbose_name = "自动分办规则"
        verbose_name_plural = "自动分办规则"
        ordering = ["region_id", "category_id", "pk"]

    def __str__(self) -> str:
        return f"{self.region.name} {self.category or '全部类别'}"


class Channel(models.TextChoices):
    PORTAL = "portal", "企业端"
    ANONYMOUS = "anonymous", "匿名投诉"
    CONTACT_POINT = "contact_point", "监督联系点"
    # What reached the bureau (司法局, 司法所) itself: a visit, a call, a letter.
    BUREAU = "bureau", "监督机关受理"
    HOTLINE = "hotline", "12345热线"
    OPEN311 = "open311", "开放接口（Open311）"
    OBJECTION = "objection", "检查异议"
    RATING = "rating", "检查差评"
    SOCIAL = "social", "社会监督员反映"


class Status(models.TextChoices):
    RECEIVED = "received", "待分办"
    ASSIGNED = "assigned", "办理中"
    ANSWERED = "answered", "待核实"
    VERIFIED = "verified", "待评价"
    CLOSED = "closed", "已销号"
    DECLINED = "declined", "不予受理"


TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.RECEIVED: (Status.ASSIGNED, Status.DECLINED),
    Status.ASSIGNED: (Status.ANSWERED,),
    # The bureau accepts the answer, or sends it back to be handled again (退回重办).
    Status.ANSWERED: (Status.VERIFIED, Status.ASSIGNED),
    # The complainant is satisfied (销号), or not (重新办理); the bureau closes an item whose
    # complainant cannot be reached or does not answer in time, saying so.
    Status.VERIFIED: (Status.CLOSED, Status.ASSIGNED),
    Status.CLOSED: (),
    Status.DECLINED: (),
}
OPEN_STATUSES = (Status.RECEIVED, Status.ASSIGNED, Status.ANSWERED, Status.VERIFIED)
# The agency complained about sees an item once it has been handed to it.
VISIBLE_TO_AGENCY = (Status.ASSIGNED, Status.ANSWERED, Status.VERIFIED, Status.CLOSED)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


# Fields that say who complained: the supervising bureau's to know, never the agency's.
IDENTITY_FIELDS = (
    "complainant_name",
    "complainant_phone",
    "complainant_email",
    "complainant_enterprise",
    "complainant_enterprise_name",
    "filed_by",
    "tracking_code",
    "hotline_caller",
)


class ComplaintQuerySet(RestrictedQuerySet):
    """Who sees an item:

    - a supervising body (司法局, 司法所, 联系点) sees the items of its region subtree, whichever
      agency they concern, from intake on;
    - an agency user sees the items handed to his organisation (not those still waiting for 分办);
    - an enterprise user sees the items it filed;
    - anyone else none (an anonymous complainant reads his item by its tracking code, not here).
    """

    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self.all()
        # A file, event or loss is seen with its item (``scope_complaint_path`` leads to it).
        to = getattr(self.model, "scope_complaint_path", "")
        condition = Q(pk__in=[])
        for role, organisation_id in user.grants():
            if role in Role.supervising_roles() and organisation_id:
                org = Organisation.objects.select_related("region").filter(pk=organisation_id)
                found = org.first()
                if found is not None:
                    condition |= Q(**{f"{to}region__code__startswith": found.region.code_prefix})
            elif role in Role.agency_roles() and organisation_id:
                condition |= Q(
                    **{f"{to}agency_id": organisation_id, f"{to}status__in": VISIBLE_TO_AGENCY}
                )
            elif role == Role.ENTERPRISE and user.enterprise_id:
                condition |= Q(**{f"{to}complainant_enterprise_id": user.enterprise_id})
        return self.filter(condition)


class Complaint(models.Model):
    number = models.CharField("问题编号", max_length=24, unique=True)
    # What an anonymous complainant keeps to follow and confirm his item; never shown to the
    # agency. Unguessable (secrets), 12 characters without look-alikes.
    tracking_code = models.CharField("查询码", max_length=16, unique=True)
    channel = models.CharField("来源渠道", max_length=16, choices=Channel.choices)
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        Category, verbose_name="问题类别", on_delete=models.PROTECT, related_name="complaints"
    )
    tags = models.JSONField("标签", default=list, blank=True)
    title = models.CharField("问题摘要", max_length=120)
    content = models.TextField("反映内容")
    agency = models.ForeignKey(
        Organisation,
        verbose_name="被反映单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    case = models.ForeignKey(
        InspectionCase,
        verbose_name="涉及的检查案件",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Where it came from inside the platform (an objection, a rating, a social report): the
    # source row, so the same source never becomes two items.
    source_code = models.CharField("来源对象类型", max_length=32, blank=True)
    source_pk = models.PositiveBigIntegerField("来源对象", null=True, blank=True)

    # Who complained: the bureau's to know only (IDENTITY_FIELDS).
    is_anonymous = models.BooleanField("匿名", default=False)
    complainant_name = models.CharField("反映人", max_length=64, blank=True)
    complainant_phone = models.CharField("联系电话", max_length=32, blank=True)
    complainant_email = models.EmailField("电子邮箱", blank=True)
    complainant_enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="反映企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    complainant_enterprise_name = models.CharField("反映企业名称", max_length=128, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The 联系点 that took it in, when one did.
    contact_point = models.ForeignKey(
        Organisation,
        verbose_name="受理联系点",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # 12345 work order (GB/T 33358-2016 工单): the hotline's own number and times.
    hotline = models.CharField("热线", max_length=40, blank=True)
    hotline_order_no = models.CharField("热线工单号", max_length=64, blank=True)
    hotline_caller = models.CharField("来电人", max_length=64, blank=True)
    hotline_received_at = models.DateTimeField("热线受理时间", null=True, blank=True)
    hotline_due = models.DateField("热线要求办结日期", null=True, blank=True)

    # Where it happened (Open311 address_string / lat / long); optional for every channel.
    address = models.CharField("发生地点", max_length=200, blank=True)
    lat = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    # Open311 ``token`` for a request posted through the Open311 interface (tokens/{token}).
    open311_token = models.CharField("Open311 令牌", max_length=40, blank=True)

    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField("受理时间", default=timezone.now)
    bureau = models.ForeignKey(
        Organisation,
        verbose_name="分办机关",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField("分办时间", null=True, blank=True)
    answer_working_days = models.PositiveSmallIntegerField(
        "答复期限（工作日）", null=True, blank=True
    )
    answer_due = models.DateField("答复截止日期", null=True, blank=True)
    deadline_source = models.CharField("期限来源", max_length=300, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answer = models.TextField("办理结果", blank=True)
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    verify_note = models.TextField("核实意见", blank=True)
    satisfaction = models.CharField("评价", max_length=16, choices=Satisfaction.choices, blank=True)
    satisfaction_at = models.DateTimeField("评价时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closing_note = models.TextField("销号说明", blank=True)
    decline_reason = models.TextField("不予受理理由", blank=True)
    reopen_count = models.PositiveSmallIntegerField("重新办理次数", default=0)
    last_activity_at = models.DateTimeField("最近办理时间", default=timezone.now)

    objects = models.Manager.from_queryset(ComplaintQuerySet)()
    access_not_found = "没有找到该问题，或您无权查看。"
    # Named for the platform's checks and the audit's region; ``ComplaintQuerySet`` decides.
    scope_org_path = "agency"
    scope_region_path = "region"

    class Meta:
        verbose_name = "问题清单"
        verbose_name_plural = "问题清单"
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["hotline", "hotline_order_no"],
                condition=~Q(hotline_order_no=""),
                name="complaints_hotline_order_once",
            ),
            models.UniqueConstraint(
                fields=["source_code", "source_pk"],
                condition=Q(source_pk__isnull=False),
                name="complaints_source_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "answer_due"], name="complaint_status_due"),
            models.Index(fields=["agency", "status"], name="complaint_agency_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def audit_snapshot(self) -> dict[str, Any]:
        # The audit list is read beyond the bureau: who complained stays out of it.
        from django.forms.models import model_to_dict

        data = model_to_dict(self, exclude=[*IDENTITY_FIELDS, "content"])
        data["has_identity"] = bool(self.complainant_name or self.complainant_phone)
        return data

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """The agency has not answered by its deadline (red on both sides)."""
        today = today or timezone.localdate()
        return (
            self.status == Status.ASSIGNED
            and self.answer_due is not None
            and self.answer_due < today
        )

    @property
    def recovered_total(self) -> Decimal:
        return sum((loss.amount for loss in self.losses.all()), Decimal("0.00"))


class EventKind(models.TextChoices):
    RECEIVED = "received", "受理"
    ASSIGNED = "assigned", "分办"
    DECLINED = "declined", "不予受理"
    ANSWERED = "answered", "办理答复"
    RETURNED = "returned", "退回重办"
    VERIFIED = "verified", "核实"
    RATED = "rated", "评价"
    REOPENED = "reopened", "重新办理"
    CLOSED = "closed", "销号"
    LOSS = "loss", "挽回损失"
    ESCALATED = "escalated", "催办"
    NOTE = "note", "办理记录"


class ComplaintEvent(models.Model):
    """One step of the item's timeline, as its readers see it. ``actor_label`` is the
    organisation's name (never a username); the complainant's own steps say 反映人."""

    complaint = models.ForeignKey(
        Complaint, verbose_name="问题", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("环节", max_length=16, choices=EventKind.choices)
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField("办理单位", max_length=128, blank=True)
    text = models.TextField("说明", blank=True)
    # Shown on the complainant's tracking page (an internal note of the bureau is not).
    public = models.BooleanField("反映人可见", default=True)

    objects = models.Manager.from_queryset(ComplaintQuerySet)()
    scope_complaint_path = "complaint__"
    scope_org_path = "complaint__agency"
    scope_region_path = "complaint__region"

    class Meta:
        verbose_name = "办理过程"
        verbose_name_plural = "办理过程"
        ordering = ["complaint_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class FileStage(models.TextChoices):
    INTAKE = "intake", "反映材料"
    ANSWER = "answer", "办理佐证"
    LOSS = "loss", "挽回损失佐证"


def _file_upload_to(instance: ComplaintFile, filename: str) -> str:
    return f"complaints/{timezone.localdate():%Y/%m}/{filename}"


class ComplaintFile(models.Model):
    complaint = models.ForeignKey(
        Complaint, verbose_name="问题", on_delete=models.CASCADE, related_name="files"
    )
    stage = models.CharField("材料类型", max_length=16, choices=FileStage.choices)
    file = models.FileField("文件", upload_to=_file_upload_to)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    sm3 = models.CharField("SM3", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = models.Manager.from_queryset(ComplaintQuerySet)()
    scope_complaint_path = "complaint__"
    scope_org_path = "complaint__agency"
    scope_region_path = "complaint__region"
    access_not_found = "没有找到该文件，或您无权查看。"

    class Meta:
        verbose_name = "问题材料"
        verbose_name_plural = "问题材料"
        ordering = ["complaint_id", "pk"]

    def __str__(self) -> str:
        return self.name


class RecoveredLoss(models.Model):
    """An economic loss recovered for the enterprise (退还罚没款、解除查封、撤销收费…), in 元."""

    complaint = models.ForeignKey(
        Complaint, verbose_name="问题", on_delete=models.CASCADE, related_name="losses"
    )
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    description = models.CharField("挽回方式", max_length=300)
    recovered_on = models.DateField("挽回日期")
    evidence = models.ForeignKey(
        ComplaintFile,
        verbose_name="佐证材料",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = models.Manager.from_queryset(ComplaintQuerySet)()
    scope_complaint_path = "complaint__"
    scope_org_path = "complaint__agency"
    scope_region_path = "complaint__region"

    class Meta:
        verbose_name = "挽回损失"
        verbose_name_plural = "挽回损失"
        ordering = ["complaint_id", "recovered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.amount}元"


class Hotline(models.Model):
    """A 12345 hotline platform that pushes work orders in and hears their status back."""

    code = models.SlugField("热线代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(
        Region,
        verbose_name="服务区划",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="只接受该区划及其下级的工单。",
    )
    callback_url = models.URLField("状态回传地址", max_length=400, blank=True)
    is_active = models.BooleanField("启用", default=True)

    objects = models.Manager()
    access_unrestricted = "热线对接配置仅在管理后台维护。"

    class Meta:
        verbose_name = "12345热线对接"
        verbose_name_plural = "12345热线对接"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class HotlineKey(models.Model):
    """One signing key of a hotline. Rotation adds a key and retires the old one after a grace
    period, so the hotline can switch without a moment of refused pushes."""

    hotline = models.ForeignKey(
        Hotline, verbose_name="热线", on_delete=models.CASCADE, related_name="keys"
    )
    key_id = models.CharField("密钥编号", max_length=32, unique=True)
    secret = models.CharField("密钥", max_length=128)
    created_at = models.DateTimeField("启用时间", default=timezone.now)
    retires_at = models.DateTimeField("停用时间", null=True, blank=True)

    objects = models.Manager()
    access_unrestricted = "热线密钥仅在管理后台维护。"

    class Meta:
        verbose_name = "热线签名密钥"
        verbose_name_plural = "热线签名密钥"
        ordering = ["hotline_id", "-created_at"]

    def __str__(self) -> str:
        return self.key_id

    def is_valid(self, at: dt.datetime | None = None) -> bool:
        return self.retires_at is None or (at or timezone.now()) < self.retires_at


class HotlineNonce(models.Model):
    """A signed request seen once: the same nonce again inside the replay window is refused."""

    hotline = models.ForeignKey(
        Hotline, verbose_name="热线", on_delete=models.CASCADE, related_name="+"
    )
    nonce = models.CharField("随机串", max_length=64)
    seen_at = models.DateTimeField("收到时间", default=timezone.now)

    objects = models.Manager()
    access_unrestricted = "签名随机串仅用于防重放，不含个案信息。"

    class Meta:
        verbose_name = "防重放记录"
        verbose_name_plural = "防重放记录"
        constraints = [
            models.UniqueConstraint(fields=["hotline", "nonce"], name="complaints_nonce_once")
        ]

    def __str__(self) -> str:
        return self.nonce


class CallbackStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    DELIVERED = "delivered", "已送达"
    DEAD = "dead", "发送失败（待人工处理）"


class StatusCallback(models.Model):
    """One status report owed to a hotline (outbox): written with the change it reports, sent
    after commit, retried with back-off, and set aside as a dead letter after the last try."""

    hotline = models.ForeignKey(
        Hotline, verbose_name="热线", on_delete=models.CASCADE, related_name="callbacks"
    )
    complaint = models.ForeignKey(
        Complaint, verbose_name="问题", on_delete=models.CASCADE, related_name="callbacks"
    )
    payload = models.JSONField("回传内容")
    status = models.CharField(
        "状态", max_length=16, choices=CallbackStatus.choices, default=CallbackStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    last_error = models.CharField("最近一次失败原因", max_length=500, blank=True)
    next_attempt_at = models.DateTimeField("下次尝试时间", default=timezone.now)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)

    objects = models.Manager()
    access_unrestricted = "状态回传仅系统管理员在管理后台和回传失败列表中查看。"

    class Meta:
        verbose_name = "状态回传"
        verbose_name_plural = "状态回传"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="complaint_cb_due"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.number} → {self.hotline.name}"


class Open311Key(models.Model):
    """An ``api_key`` for posting service requests through Open311; only its digest is kept."""

    name = models.CharField("使用方", max_length=100)
    key_digest = models.CharField("密钥摘要", max_length=64, unique=True)
    key_hint = models.CharField("密钥前缀", max_length=8)
    region = models.ForeignKey(
        Region,
        verbose_name="服务区划",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="经此密钥提交的请求归入该区划（jurisdiction_id 为其下级时归入下级）。",
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = models.Manager()
    access_unrestricted = "Open311 密钥仅在管理后台维护，只保存摘要。"

    class Meta:
        verbose_name = "Open311 接口密钥"
        verbose_name_plural = "Open311 接口密钥"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.key_hint}…）"
