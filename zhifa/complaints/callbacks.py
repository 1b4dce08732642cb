"""Status back to the 12345 hotline: an outbox (``StatusCallback``).

- ``record_status_change`` listens to every change of an item (``listeners``): for an item a
  hotline pushed in, when the hotline has a 状态回传地址, it writes the report in the same
  transaction as the change (nothing is reported that did not happen, nothing that happened is
  lost) and sends it after commit.
- ``deliver`` POSTs the JSON (``hotline.status_payload``), signed as the hotline signs to us, with
  a short timeout. A failure is kept with its reason in Chinese and retried after
  ``BACKOFF_MINUTES`` by ``zhifa complaints_callbacks`` (run it every minute from a timer); after
  the last attempt the row is a dead letter (``DEAD``) on the administrator's list
  (/hotline/callbacks/), where ``retry_now`` sends it again.
- Reports of one item go out in order: one is held while an older one of the same item still
  waits for its retry.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import ssl
import urllib.error
import urllib.request
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhifa.complaints import hotline as hotline_api
from zhifa.complaints.models import (
    CallbackStatus,
    Complaint,
    ComplaintEvent,
    EventKind,
    Hotline,
    StatusCallback,
)

# Minutes before the 2nd, 3rd, … attempt; after the last attempt fails the row is DEAD.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
TIMEOUT_SECONDS = 5
# A row being sent is not taken by another worker meanwhile.
CLAIM = dt.timedelta(seconds=TIMEOUT_SECONDS + 55)
# The changes a hotline hears of: its status (受理 is the push's own answer), not internal notes.
REPORTED = (
    EventKind.ASSIGNED,
    EventKind.DECLINED,
    EventKind.ANSWERED,
    EventKind.RETURNED,
    EventKind.VERIFIED,
    EventKind.RATED,
    EventKind.REOPENED,
    EventKind.CLOSED,
)


def record_status_change(complaint: Complaint, event: ComplaintEvent) -> None:
    """The listener: inside the change's transaction, the report owed to the hotline."""
    if not complaint.hotline or not complaint.hotline_order_no or event.kind not in REPORTED:
        return
    found = Hotline.objects.filter(code=complaint.hotline).first()
    if found is None or not found.callback_url:
        return
    callback = StatusCallback.objects.create(
        hotline=found,
        complaint=complaint,
        payload=hotline_api.status_payload(complaint, at=event.at),
        next_attempt_at=event.at,
        created_at=event.at,
    )
    transaction.on_commit(lambda: deliver_quietly(callback.pk))


def deliver_quietly(pk: int) -> None:
    """After commit: the change that caused the report is done whatever the hotline answers."""
    try:
        deliver(pk)
    except Exception:  # the row keeps its state; the timer tries again.
        import logging

        logging.getLogger(__name__).exception("状态回传 %s 发送出错", pk)


def _older_waiting(callback: StatusCallback) -> bool:
    return (
        StatusCallback.objects.filter(
            complaint_id=callback.complaint_id,
            hotline_id=callback.hotline_id,
            status=CallbackStatus.PENDING,
        )
        .filter(created_at__lte=callback.created_at, pk__lt=callback.pk)
        .exists()
    )


def deliver(pk: int, *, now: dt.datetime | None = None) -> StatusCallback | None:
    """One attempt at a pending report that is due; None when it is not (sent already, taken by
    another worker, not yet due, or held behind an older report of the same item).

    The row is claimed in a short transaction (its next attempt moved past the send), sent with
    no transaction open (a slow hotline holds no lock), and the outcome saved in another."""
    now = now or timezone.now()
    with transaction.atomic():
        callback = (
            StatusCallback.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=CallbackStatus.PENDING, next_attempt_at__lte=now)
            .select_related("hotline")
            .first()
        )
        if callback is None or _older_waiting(callback):
            return None
        callback.next_attempt_at = timezone.now() + CLAIM
        callback.save(update_fields=["next_attempt_at"])
    error = send(callback)
    with transaction.atomic():
        callback.attempts += 1
        if not error:
            callback.status = CallbackStatus.DELIVERED
            callback.delivered_at = timezone.now()
            callback.last_error = ""
        else:
            callback.last_error = error[:500]
            if callback.attempts >= MAX_ATTEMPTS:
                callback.status = CallbackStatus.DEAD
            else:
                wait = BACKOFF_MINUTES[callback.attempts - 1]
                callback.next_attempt_at = timezone.now() + dt.timedelta(minutes=wait)
        callback.save(
            update_fields=["status", "attempts", "last_error", "next_attempt_at", "delivered_at"]
        )
    return callback


def send(callback: StatusCallback) -> str:
    """POST the report, signed with the hotline's current key; the failure in Chinese, or ""."""
    target = callback.hotline
    key = hotline_api.current_key(target)
    if key is None:
        return f"{target.name}没有在用的签名密钥，无法签名发送（请用 zhifa hotline_key 生成）。"
    if not target.callback_url:
        return f"{target.name}未设置状态回传地址。"
    body = json.dumps(callback.payload, ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "zhifa-hotline-callback/1",
        **hotline_api.signed_headers(key.key_id, key.secret, body),
    }
    request = urllib.request.Request(target.callback_url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        return f"热线返回 HTTP {error.code}，未接收。"
    except TimeoutError:
        return f"热线在 {TIMEOUT_SECONDS} 秒内无应答（超时）。"
    except urllib.error.URLError as error:
        return unreachable(error.reason)
    except (OSError, ValueError) as error:
        return unreachable(error)
    if not 200 <= status < 300:
        return f"热线返回 HTTP {status}，未接收。"
    return ""


def unreachable(reason: Any) -> str:
    """Why the hotline could not be reached, in Chinese."""
    if isinstance(reason, TimeoutError):
        return f"热线在 {TIMEOUT_SECONDS} 秒内无应答（超时）。"
    if isinstance(reason, ConnectionRefusedError):
        return "热线状态回传地址拒绝连接（对方服务未启动或端口不对）。"
    if isinstance(reason, ConnectionResetError):
        return "与热线状态回传地址的连接被对方中断。"
    if isinstance(reason, socket.gaierror):
        return "无法解析热线状态回传地址的域名。"
    if isinstance(reason, ssl.SSLError):
        return "与热线状态回传地址的加密连接校验失败（证书无效或不匹配）。"
    if isinstance(reason, ValueError):
        return "热线状态回传地址格式不正确。"
    return f"无法连接热线状态回传地址（{type(reason).__name__}）。"


def deliver_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Every pending report that is due, oldest first (the timer's work)."""
    now = now or timezone.now()
    counts = {"delivered": 0, "failed": 0, "dead": 0, "held": 0}
    due = StatusCallback.objects.filter(
        status=CallbackStatus.PENDING, next_attempt_at__lte=now
    ).order_by("created_at", "pk")
    for pk in list(due.values_list("pk", flat=True)):
        done = deliver(pk, now=now)
        if done is None:
            counts["held"] += 1
        elif done.status == CallbackStatus.DELIVERED:
            counts["delivered"] += 1
        elif done.status == CallbackStatus.DEAD:
            counts["dead"] += 1
        else:
            counts["failed"] += 1
    return counts


def failed() -> Any:
    """The administrator's list: dead letters and reports waiting for a retry after a failure."""
    return (
        StatusCallback.objects.exclude(status=CallbackStatus.DELIVERED)
        .filter(attempts__gt=0)
        .select_related("hotline", "complaint")
        .order_by("-created_at", "-pk")
    )


def retry_now(callback: StatusCallback, *, actor: Any) -> StatusCallback:
    """The administrator sends a failed report again now (after the request's commit)."""
    from django.core.exceptions import ValidationError

    from zhifa.audit.services import record_change
    from zhifa.core import access

    access.require(actor, "complaints.callbacks", callback)
    with transaction.atomic():
        current = StatusCallback.objects.select_for_update().get(pk=callback.pk)
        if current.status == CallbackStatus.DELIVERED:
            raise ValidationError("该状态回传已送达，无需重新发送。")
        before = {"status": current.status, "attempts": current.attempts}
        current.status = CallbackStatus.PENDING
        current.next_attempt_at = timezone.now()
        current.save(update_fields=["status", "next_attempt_at"])
        record_change(
            actor=actor,
            action="complaints.callback.retry",
            obj=current,
            before=before,
            after={"status": current.status, "attempts": current.attempts},
            summary=f"重新发送问题 {current.complaint.number} 的12345状态回传",
            region=current.complaint.region_id,
        )
        transaction.on_commit(lambda: deliver_quietly(current.pk))
    current.refresh_from_db()
    return current
