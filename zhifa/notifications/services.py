"""Messages: written with the change that causes them, sent by SMS or e-mail only after it commits.

``notify`` is called by the services of the apps above (one call per event, inside their
transaction). It writes one row per recipient; the SMS and e-mail a recipient chose
(``NotificationPreference``) are sent from ``transaction.on_commit``, so a rolled-back change
sends nothing, and the outcome of each channel is written back on the row (已发送, or 发送失败
with the reason). Only the mobile and e-mail the user registered are used.

Writing a message is a consequence of an audited change and is not audited again; a user's
choice of channels is (``set_preference``). Reading is the reader's own business.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.core.sms import get_sms_backend
from zhifa.notifications.models import Kind, Notification, NotificationPreference, SendStatus

logger = logging.getLogger(__name__)

SMS_SIGNATURE = "【涉企执法】"


# --- Where a user can be reached -------------------------------------------------------------


def registered_mobile(user: Any) -> str:
    """The mobile the user registered: his account's, else his officer record's."""
    mobile = str(getattr(user, "mobile", "") or "").strip()
    if mobile:
        return mobile
    try:
        officer = user.officer
    except (AttributeError, ObjectDoesNotExist):
        return ""
    return str(getattr(officer, "mobile", "") or "").strip()


def registered_email(user: Any) -> str:
    return str(getattr(user, "email", "") or "").strip()


def masked_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) >= 7 else ("已登记" if mobile else "")


def masked_email(email: str) -> str:
    name, at, domain = email.partition("@")
    if not at:
        return "已登记" if email else ""
    return f"{name[:1]}***@{domain}"


def preference_of(user: Any) -> NotificationPreference:
    """The user's choice, unsaved and in-app only when he never chose."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


# --- Writing ---------------------------------------------------------------------------------


def _status(chosen: bool, address: str) -> str:
    if not chosen:
        return SendStatus.NOT_CHOSEN
    return SendStatus.PENDING if address else SendStatus.NO_ADDRESS


def notify(
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    *,
    actor: Any = None,
    dedup_key: str = "",
) -> list[Notification]:
    """One message to each of ``recipients`` (each once, active users only, never to the actor
    about his own act). With ``dedup_key``, a recipient who already has a message of that key
    gets none. SMS and e-mail go out after the caller's transaction commits."""
    if kind not in Kind.values:
        raise ValueError(f"未知的消息类别：{kind}")
    actor_pk = getattr(actor, "pk", None)
    people: dict[int, Any] = {}
    for user in recipients:
        if user is None or not user.is_active or user.pk == actor_pk:
            continue
        people.setdefault(user.pk, user)
    if not people:
        return []
    made: list[Notification] = []
    with transaction.atomic():
        preferences = {
            p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=people)
        }
        taken: set[int] = set()
        if dedup_key:
            taken = set(
                Notification.objects.filter(
                    recipient_id__in=people, dedup_key=dedup_key
                ).values_list("recipient_id", flat=True)
            )
        for pk, user in sorted(people.items()):
            if pk in taken:
                continue
            chosen = preferences.get(pk)
            made.append(
                Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    url=url[:300],
                    dedup_key=dedup_key,
                    sms_status=_status(bool(chosen and chosen.by_sms), registered_mobile(user)),
                    email_status=_status(bool(chosen and chosen.by_email), registered_email(user)),
                )
            )
        pending = [
            n.pk
            for n in made
            if SendStatus.PENDING in (n.sms_status, n.email_status)  # type: ignore[comparison-overlap]
        ]
        if pending:
            transaction.on_commit(lambda: send_pending(pending), robust=True)
    return made


# --- Sending, after commit --------------------------------------------------------------------


def _link(notification: Notification) -> str:
    if not notification.url:
        return ""
    return settings.ZHIFA_PUBLIC_BASE_URL.rstrip("/") + notification.url


def sms_text(notification: Notification) -> str:
    text = f"{SMS_SIGNATURE}{notification.title}"
    if notification.body:
        text += f"：{notification.body}"
    link = _link(notification)
    return f"{text} {link}" if link else text


def _send_sms(notification: Notification) -> None:
    mobile = registered_mobile(notification.recipient)
    get_sms_backend().send(mobile, sms_text(notification))


def _send_email(notification: Notification) -> None:
    link = _link(notification)
    body = notification.body + (f"\n\n查看：{link}" if link else "")
    send_mail(
        subject=notification.title,
        message=body,
        from_email=None,
        recipient_list=[registered_email(notification.recipient)],
        fail_silently=False,
    )


def _error(exc: Exception) -> str:
    return (f"{type(exc).__name__}：{exc}" if str(exc) else type(exc).__name__)[:500]


def send_pending(pks: Iterable[int]) -> None:
    """Send the SMS and e-mail still pending on the messages ``pks`` and record each outcome.
    Each channel is claimed before sending, so two workers never send the same message twice."""
    for pk in pks:
        for status_field, error_field, send in (
            ("sms_status", "sms_error", _send_sms),
            ("email_status", "email_error", _send_email),
        ):
            claimed = Notification.objects.filter(
                pk=pk, **{status_field: SendStatus.PENDING}
            ).update(**{status_field: SendStatus.SENT})
            if not claimed:
                continue
            notification = Notification.objects.select_related("recipient").get(pk=pk)
            try:
                send(notification)
            except Exception as exc:
                logger.exception(
                    "消息 %s 的%s发送失败", pk, "短信" if send is _send_sms else "邮件"
                )
                Notification.objects.filter(pk=pk).update(
                    **{status_field: SendStatus.FAILED, error_field: _error(exc)}
                )


# --- Reading ----------------------------------------------------------------------------------


def unread_count(user: Any) -> int:
    return Notification.objects.restrict(user).filter(read_at__isnull=True).count()


def mark_read(notification: Notification, *, actor: Any) -> Notification:
    if notification.recipient_id != getattr(actor, "pk", None):
        raise ValidationError("只能标记发给您本人的消息。")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(*, actor: Any) -> int:
    return (
        Notification.objects.restrict(actor)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )


# --- Choosing channels ------------------------------------------------------------------------


def set_preference(
    user: Any, *, by_sms: bool, by_email: bool, actor: Any
) -> NotificationPreference:
    """The user's own choice of channels; a channel needs the mobile or e-mail he registered."""
    if getattr(actor, "pk", None) != user.pk:
        raise ValidationError("只能修改您本人的消息接收设置。")
    errors: dict[str, list[str]] = {}
    if by_sms and not registered_mobile(user):
        errors["by_sms"] = ["同时发送短信：您尚未登记手机号，请先登记手机号再选择短信。"]
    if by_email and not registered_email(user):
        errors["by_email"] = ["同时发送电子邮件：您尚未登记电子邮箱，请先登记邮箱再选择邮件。"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
        before = snapshot(current, exclude=("updated_at",))
        current.by_sms, current.by_email = by_sms, by_email
        current.updated_at = timezone.now()
        current.save()
        record_change(
            actor=actor,
            action="notifications.preference.update",
            obj=current,
            before=before,
            after=snapshot(current, exclude=("updated_at",)),
            summary="修改消息接收设置：短信"
            + ("开启" if by_sms else "关闭")
            + "，电子邮件"
            + ("开启" if by_email else "关闭"),
        )
    return current
