"""The message centre: one row per message and recipient, and each user's choice of channels.

A message is its recipient's alone: nobody else reads it, not even an administrator (it may
name a case he may not open). ``Notification.objects.restrict(user)`` is therefore his own rows,
whatever his roles.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhifa.core.access import RestrictedQuerySet


class Kind(models.TextChoices):
    APPROVAL_REQUESTED = "approval_requested", "待审批"
    NOTICE_TO_SIGN = "notice_to_sign", "预告通知待签收"
    DOCUMENT_RECEIVED = "document_received", "收到文书"
    BOOKING_MADE = "booking_made", "预约指导"
    BOOKING_CANCELLED = "booking_cancelled", "取消预约"
    OBJECTION_FILED = "objection_filed", "企业异议"
    OBJECTION_ANSWERED = "objection_answered", "异议已答复"
    DEADLINE_APPROACHING = "deadline_approaching", "期限将至"
    DEADLINE_OVERDUE = "deadline_overdue", "已逾期"
    COMPLAINT_ASSIGNED = "complaint_assigned", "分办问题"
    COMPLAINT_ANSWERED = "complaint_answered", "问题已答复"
    RECTIFICATION_REPORTED = "rectification_reported", "整改报告"


class SendStatus(models.TextChoices):
    NOT_CHOSEN = "", "不发送"
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    NO_ADDRESS = "no_address", "未登记"


class OwnQuerySet(RestrictedQuerySet):
    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(**{self.model.scope_own_path: user})


OwnManager = models.Manager.from_queryset(OwnQuerySet)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="收件人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("类别", max_length=32, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    # The same reminder once per item and day (``zhifa notify_deadlines``); empty for events.
    dedup_key = models.CharField("去重键", max_length=120, blank=True)
    sms_status = models.CharField(
        "短信", max_length=16, choices=SendStatus.choices, blank=True, default=""
    )
    sms_error = models.CharField("短信发送失败原因", max_length=500, blank=True)
    email_status = models.CharField(
        "邮件", max_length=16, choices=SendStatus.choices, blank=True, default=""
    )
    email_error = models.CharField("邮件发送失败原因", max_length=500, blank=True)

    objects = OwnManager()
    # Rows are the recipient's alone (``OwnQuerySet``); the organisation path is named for the
    # system check and is never used to widen what anyone sees.
    scope_org_path = "recipient__organisation"
    scope_own_path = "recipient"
    access_not_found = "没有找到该消息，或它不是发给您的。"

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"],
                condition=~Q(dedup_key=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """Whether a user also wants his messages by SMS and by e-mail (in-app always)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    by_sms = models.BooleanField("同时发送短信", default=False)
    by_email = models.BooleanField("同时发送电子邮件", default=False)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    objects = OwnManager()
    scope_org_path = "user__organisation"
    scope_own_path = "user"

    class Meta:
        verbose_name = "消息接收设置"
        verbose_name_plural = "消息接收设置"

    def __str__(self) -> str:
        return f"{self.user.person_name}的消息接收设置"
