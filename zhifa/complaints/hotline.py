"""The 12345 hotline linkage: signed work orders in, status out.

- A hotline platform (``Hotline``) pushes a work order (GB/T 33358-2016 工单: its own order number,
  the caller, what he asks, the category, where, the agency concerned, the deadline, when it was
  受理) to ``POST /hotline/<code>/v1/orders``; it becomes an item of the problem list through
  ``services.file_complaint`` (channel 12345热线). The same order number again changes nothing and
  answers the item already taken in (200, 201 for a new one).
- It reads an item's status with ``GET /hotline/<code>/v1/orders/<order_no>``, and hears every
  change through the status callback (``zhifa.complaints.callbacks``).
- Every request is signed with one of the hotline's keys (``HotlineKey``), HMAC-SHA256 over the
  timestamp, a nonce and the raw body (for a GET, its path), in the headers below. A timestamp more
  than ``REPLAY_WINDOW`` seconds off, or a nonce seen before, is refused; nonces are kept twice the
  window (a request older than that is refused by its timestamp alone) and then pruned.
- A refusal is JSON ``{"error": <stable code>, "message": <Chinese>, "field": <field or "">}``
  with its HTTP status, and leaves nothing stored: no item, no nonce, no audit record.

docs/hotline-12345.md is the hotline's side of this contract.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from zhifa.complaints.models import (
    Category,
    Channel,
    Complaint,
    Hotline,
    HotlineKey,
    HotlineNonce,
    Satisfaction,
    Status,
)
from zhifa.core import timefmt
from zhifa.core.textinput import problem
from zhifa.org.models import Organisation, OrganisationKind, Region

HEADER_KEY = "X-Zhifa-Key"
HEADER_TIMESTAMP = "X-Zhifa-Timestamp"
HEADER_NONCE = "X-Zhifa-Nonce"
HEADER_SIGNATURE = "X-Zhifa-Signature"
SIGNATURE_HEADERS = (HEADER_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE)

REPLAY_WINDOW = 300  # seconds either side of our clock
NONCE_KEPT = dt.timedelta(seconds=2 * REPLAY_WINDOW)
MAX_BODY = 64 * 1024
# A 受理时间 a little ahead of our clock is the hotline's clock, not a mistake.
CLOCK_SKEW = dt.timedelta(minutes=5)

_NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_ORDER_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_REGION_CODE = re.compile(r"^\d{6}(\d{3})?$")
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# GB/T 33358-2016: a work order is 受理, 办理, 回复 (the result back to the caller), 回访 (asked
# whether satisfied) and 办结. Our states in those words:
STAGES: dict[str, str] = {
    Status.RECEIVED: "受理",
    Status.ASSIGNED: "办理",
    Status.ANSWERED: "回复",
    Status.VERIFIED: "回访",
    Status.CLOSED: "办结",
    Status.DECLINED: "办结",
}

# The work order's fields, with the label a refusal names them by.
FIELDS: dict[str, str] = {
    "order_no": "工单编号（order_no）",
    "content": "诉求内容（content）",
    "title": "诉求摘要（title）",
    "category": "问题类别代码（category）",
    "region": "行政区划代码（region）",
    "agency": "被反映单位（agency）",
    "caller_name": "来电人姓名（caller_name）",
    "caller_phone": "来电号码（caller_phone）",
    "anonymous": "匿名（anonymous）",
    "due_date": "要求办结日期（due_date）",
    "received_at": "受理时间（received_at）",
}
REQUIRED = ("order_no", "content", "category", "region", "received_at")


@dataclass
class Refusal(Exception):
    """A request the hotline API refuses, as the JSON body it answers with."""

    status: int
    code: str
    message: str
    field: str = ""

    def body(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message, "field": self.field}


# --- Signatures ------------------------------------------------------------------------------


def signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """hex HMAC-SHA256(secret, timestamp + "\\n" + nonce + "\\n" + body)."""
    message = timestamp.encode("ascii") + b"\n" + nonce.encode("ascii") + b"\n" + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_headers(
    key_id: str, secret: str, body: bytes, *, timestamp: int | None = None, nonce: str = ""
) -> dict[str, str]:
    """The headers of a request signed with ``key_id``/``secret`` (ours to the hotline, and the
    tests' and the hotline's own to us)."""
    stamp = str(int(timestamp if timestamp is not None else timezone.now().timestamp()))
    nonce = nonce or secrets.token_hex(16)
    return {
        HEADER_KEY: key_id,
        HEADER_TIMESTAMP: stamp,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: signature(secret, stamp, nonce, body),
    }


def current_key(hotline: Hotline, at: dt.datetime | None = None) -> HotlineKey | None:
    """The key we sign with: the newest one still valid."""
    at = at or timezone.now()
    return (
        hotline.keys.filter(Q(retires_at__isnull=True) | Q(retires_at__gt=at))
        .order_by("-created_at", "-pk")
        .first()
    )


def new_key(hotline: Hotline, *, grace_hours: float = 24) -> tuple[HotlineKey, str]:
    """A new key for ``hotline``; every older key still valid retires ``grace_hours`` from now
    (the hotline switches in between). The secret is returned once, to be handed over."""
    if grace_hours < 0:
        raise ValidationError({"grace_hours": ["过渡期不能为负数。"]})
    now = timezone.now()
    retires = now + dt.timedelta(hours=grace_hours)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        older = hotline.keys.select_for_update().filter(
            Q(retires_at__isnull=True) | Q(retires_at__gt=retires)
        )
        older.update(retires_at=retires)
        key = HotlineKey.objects.create(
            hotline=hotline, key_id="hk_" + secrets.token_hex(12), secret=secret, created_at=now
        )
        from zhifa.audit.services import record_change

        record_change(
            actor=None,
            action="complaints.hotline.key",
            obj=hotline,
            after={"key_id": key.key_id, "older_retire_at": timefmt.iso_beijing(retires)},
            summary=f"{hotline.name}启用新签名密钥 {key.key_id}，旧密钥于"
            f"{timefmt.fmt_datetime(retires)}停用",
        )
    return key, secret


def _header(headers: Any, name: str) -> str:
    return str(headers.get(name) or "").strip()


def authenticate(hotline_code: str, headers: Any, signed: bytes) -> Hotline:
    """The hotline whose key signed ``signed``; refused (401, 404, 403) otherwise. The nonce is
    checked for replay by ``remember_nonce`` inside the transaction that acts on the request."""
    values = {name: _header(headers, name) for name in SIGNATURE_HEADERS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise Refusal(
            401,
            "missing_signature",
            f"请求缺少签名头 {'、'.join(missing)}：每个请求都须用热线密钥签名。",
        )
    if not _NONCE.match(values[HEADER_NONCE]):
        raise Refusal(
            401, "bad_nonce", "随机串（X-Zhifa-Nonce）应为 8 至 64 位字母、数字、“-”或“_”。"
        )
    hotline = Hotline.objects.filter(code=hotline_code).select_related("region").first()
    if hotline is None:
        raise Refusal(404, "unknown_hotline", f"没有代码为“{hotline_code[:40]}”的热线对接。")
    if not hotline.is_active:
        raise Refusal(403, "hotline_disabled", f"{hotline.name}的对接已停用，请联系平台管理员。")
    key = HotlineKey.objects.filter(key_id=values[HEADER_KEY][:32]).first()
    if key is None:
        raise Refusal(401, "unknown_key", "签名密钥编号（X-Zhifa-Key）不存在。")
    if key.hotline_id != hotline.pk:
        raise Refusal(401, "key_of_other_hotline", f"该签名密钥不属于{hotline.name}。")
    now = timezone.now()
    if not key.is_valid(now):
        raise Refusal(401, "key_retired", "该签名密钥已停用，请使用新密钥签名。")
    expected = signature(key.secret, values[HEADER_TIMESTAMP], values[HEADER_NONCE], signed)
    if not hmac.compare_digest(expected, values[HEADER_SIGNATURE].lower()):
        raise Refusal(401, "bad_signature", "签名（X-Zhifa-Signature）与请求内容不符。")
    try:
        stamp = int(values[HEADER_TIMESTAMP])
    except ValueError:
        raise Refusal(401, "bad_timestamp", "时间戳（X-Zhifa-Timestamp）应为 Unix 秒数。") from None
    if abs(now.timestamp() - stamp) > REPLAY_WINDOW:
        raise Refusal(
            401,
            "stale_timestamp",
            f"时间戳与平台时间相差超过 {REPLAY_WINDOW} 秒，请核对时钟后重新签名发送。",
        )
    return hotline


def remember_nonce(hotline: Hotline, headers: Any) -> None:
    """Inside the caller's transaction: the nonce is recorded, or refused as a replay (409)."""
    nonce = _header(headers, HEADER_NONCE)
    now = timezone.now()
    HotlineNonce.objects.filter(seen_at__lt=now - NONCE_KEPT).delete()
    try:
        with transaction.atomic():
            HotlineNonce.objects.create(hotline=hotline, nonce=nonce, seen_at=now)
    except IntegrityError:
        raise Refusal(
            409, "replayed_nonce", "该随机串（X-Zhifa-Nonce）已使用过：请求被重放，未予处理。"
        ) from None


def prune_nonces(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _ = HotlineNonce.objects.filter(seen_at__lt=now - NONCE_KEPT).delete()
    return deleted


# --- The work order --------------------------------------------------------------------------


@dataclass
class WorkOrder:
    order_no: str
    content: str
    title: str
    category: str
    region: Region
    agency: Organisation | None
    caller_name: str
    caller_phone: str
    anonymous: bool
    due_date: dt.date | None
    received_at: dt.datetime


def _bad(field: str, message: str, code: str = "invalid_field") -> Refusal:
    return Refusal(400, code, message, field)


def _string(data: dict[str, Any], field: str, *, limit: int) -> str:
    value = data.get(field)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _bad(field, f"{FIELDS[field]}应为字符串。")
    value = value.strip()
    if len(value) > limit:
        raise _bad(field, f"{FIELDS[field]}不能超过 {limit} 个字符，现有 {len(value)} 个。")
    multiline = field == "content"
    reason = problem(value, multiline=multiline) if value else ""
    if reason:
        raise _bad(field, f"{FIELDS[field]}{reason}")
    return value


def parse_order(hotline: Hotline, body: bytes) -> WorkOrder:
    """The work order in ``body``, every field checked; refused (400) by the field."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Refusal(400, "bad_json", "请求体应为 UTF-8 编码的 JSON 对象。") from None
    if not isinstance(data, dict):
        raise Refusal(400, "bad_json", "请求体应为 JSON 对象（{…}）。")
    missing = [f for f in REQUIRED if data.get(f) in (None, "")]
    if missing:
        raise Refusal(
            400,
            "missing_field",
            "工单缺少必填项：" + "、".join(FIELDS[f] for f in missing) + "。",
            missing[0],
        )
    order_no = _string(data, "order_no", limit=64)
    if not _ORDER_NO.match(order_no):
        raise _bad("order_no", f"{FIELDS['order_no']}只能由字母、数字、“.”“-”“_”组成，至多 64 位。")
    content = _string(data, "content", limit=4000)
    title = _string(data, "title", limit=120)
    category = _string(data, "category", limit=40)
    region = _region(hotline, _string(data, "region", limit=12))
    agency = _agency(_string(data, "agency", limit=128), region)
    caller_name = _string(data, "caller_name", limit=64)
    caller_phone = _string(data, "caller_phone", limit=32)
    if caller_phone and not all(ch.isdigit() or ch in "-+ " for ch in caller_phone):
        raise _bad("caller_phone", f"{FIELDS['caller_phone']}只能包含数字、空格、“-”和“+”。")
    anonymous = data.get("anonymous", False)
    if not isinstance(anonymous, bool):
        raise _bad("anonymous", f"{FIELDS['anonymous']}应为 true 或 false。")
    received_at = _moment(_string(data, "received_at", limit=40))
    due_date = _day(_string(data, "due_date", limit=10), received_at)
    if not Category.objects.filter(code=category).exists():
        # file_complaint refuses it too; said here first so the refusal has its own code.
        raise _bad(
            "category",
            f"未知的问题类别代码“{category}”，请使用平台公布的问题类别代码。",
            "unknown_category",
        )
    return WorkOrder(
        order_no=order_no,
        content=content,
        title=title,
        category=category,
        region=region,
        agency=agency,
        caller_name=caller_name,
        caller_phone=caller_phone,
        anonymous=anonymous,
        due_date=due_date,
        received_at=received_at,
    )


def _region(hotline: Hotline, code: str) -> Region:
    if not _REGION_CODE.match(code):
        raise _bad(
            "region", f"{FIELDS['region']}应为 6 位（或 9 位）GB/T 2260 代码。", "unknown_region"
        )
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise _bad("region", f"未知的行政区划代码“{code}”。", "unknown_region")
    if not str(region.code).startswith(hotline.region.code_prefix):
        raise _bad(
            "region",
            f"{region.name}（{region.code}）不在{hotline.name}的服务区划"
            f"{hotline.region.name}内，不能受理。",
            "region_outside_hotline",
        )
    return region


def _agency(value: str, region: Region) -> Organisation | None:
    """The agency named exactly (or by its 统一社会信用代码) in ``region`` or below."""
    if not value:
        return None
    rows = Organisation.objects.filter(
        region__code__startswith=region.code_prefix,
        kind__in=OrganisationKind.enforcing(),
        is_active=True,
    )
    found = list(rows.filter(uscc=value)[:2]) if _USCC.match(value) else []
    if not found:
        found = list(rows.filter(name=value)[:2])
    if not found:
        raise _bad(
            "agency",
            f"{region.name}没有名为“{value}”的行政执法机关，请核对全称（或统一社会信用代码）。",
            "unknown_agency",
        )
    if len(found) > 1:
        raise _bad(
            "agency",
            f"{region.name}有不止一个名为“{value}”的行政执法机关，请改用统一社会信用代码。",
            "ambiguous_agency",
        )
    return found[0]


def _moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _bad(
            "received_at",
            f"{FIELDS['received_at']}应为带时区的 ISO 8601 时间，如 2026-12-01T08:30:00+08:00。",
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _bad(
            "received_at",
            f"{FIELDS['received_at']}须带时区（如 +08:00），否则无法确定时刻。",
        )
    if moment > timezone.now() + CLOCK_SKEW:
        raise _bad("received_at", f"{FIELDS['received_at']}晚于当前时间。")
    return moment


def _day(value: str, received_at: dt.datetime) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise _bad("due_date", f"{FIELDS['due_date']}应为日期，如 2026-12-08。") from None
    if day < timefmt.beijing_date(received_at):
        raise _bad("due_date", f"{FIELDS['due_date']}早于受理时间。")
    return day


# --- Push and status -------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


def _differences(item: Complaint, order: WorkOrder) -> list[str]:
    """What a repeated push says otherwise than the item taken in (by the labels of FIELDS)."""
    differs = []
    if item.content != order.content:
        differs.append("content")
    if item.category.code != order.category:
        differs.append("category")
    if item.region_id != order.region.pk:
        differs.append("region")
    if item.hotline_due != order.due_date:
        differs.append("due_date")
    if item.hotline_received_at != order.received_at:
        differs.append("received_at")
    return differs


def _existing(hotline: Hotline, order: WorkOrder) -> Answer | None:
    item = (
        Complaint.objects.filter(hotline=hotline.code, hotline_order_no=order.order_no)
        .select_related("category")
        .first()
    )
    if item is None:
        return None
    differs = _differences(item, order)
    body = status_payload(item)
    if differs:
        body["result"] = "duplicate_differs"
        named = "、".join(FIELDS[f] for f in differs)
        body["message"] = (
            f"工单 {order.order_no} 已于{timefmt.fmt_datetime(item.received_at)}受理为问题"
            f" {item.number}；本次推送的{named}与已受理的不同，未作任何更改。"
            "如需补充，请另行来函或联系监督机关。"
        )
        body["differs"] = differs
    else:
        body["result"] = "duplicate"
        body["message"] = f"工单 {order.order_no} 已受理为问题 {item.number}，未重复登记。"
    return Answer(200, body)


def push_order(hotline_code: str, headers: Any, body: bytes) -> Answer:
    """A signed work order pushed in: the new item (201), or the one this order number already
    became (200, nothing changed). Refused with ``Refusal``; nothing is stored then."""
    if len(body) > MAX_BODY:
        raise too_large(len(body))
    hotline = authenticate(hotline_code, headers, body)
    order = parse_order(hotline, body)
    from zhifa.complaints import services

    try:
        with transaction.atomic():
            remember_nonce(hotline, headers)
            found = _existing(hotline, order)
            if found is not None:
                return found
            try:
                with transaction.atomic():
                    item = services.file_complaint(
                        channel=Channel.HOTLINE,
                        category=order.category,
                        content=order.content,
                        title=order.title,
                        region=order.region,
                        agency=order.agency,
                        is_anonymous=order.anonymous,
                        complainant_name=order.caller_name,
                        complainant_phone=order.caller_phone,
                        hotline=hotline.code,
                        hotline_order_no=order.order_no,
                        hotline_caller=order.caller_name,
                        hotline_received_at=order.received_at,
                        hotline_due=order.due_date,
                    )
            except IntegrityError:
                # The same order pushed twice at once: the other push stored it first.
                found = _existing(hotline, order)
                if found is None:
                    raise
                return found
    except ValidationError as error:
        raise _from_validation(error) from None
    answer = status_payload(item)
    answer["result"] = "created"
    answer["message"] = f"工单 {order.order_no} 已受理为问题 {item.number}。"
    return Answer(201, answer)


def order_status(hotline_code: str, order_no: str, headers: Any, path: str) -> Answer:
    """The status of the item an order became; the GET is signed over its path."""
    hotline = authenticate(hotline_code, headers, path.encode("utf-8"))
    with transaction.atomic():
        item = Complaint.objects.filter(hotline=hotline.code, hotline_order_no=order_no).first()
        if item is None:
            raise Refusal(
                404, "unknown_order", f"没有工单编号为“{order_no[:64]}”的问题。", "order_no"
            )
        remember_nonce(hotline, headers)
    return Answer(200, status_payload(item))


def too_large(length: int) -> Refusal:
    return Refusal(
        413,
        "body_too_large",
        f"请求体过大（{length} 字节），一个工单不能超过 {MAX_BODY // 1024} KB；附件请另行提交。",
    )


_FIELD_CODES = {
    "category": "unknown_category",
    "region": "unknown_region",
    "agency": "unknown_agency",
    "complainant_phone": "invalid_field",
}
_FIELD_NAMES = {
    "complainant_name": "caller_name",
    "hotline_caller": "caller_name",
    "complainant_phone": "caller_phone",
}


def _from_validation(error: ValidationError) -> Refusal:
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
        message = str(next(iter(errors[0])))
        name = _FIELD_NAMES.get(field, field)
        return Refusal(400, _FIELD_CODES.get(field, "invalid_field"), message, name)
    return Refusal(400, "not_accepted", "；".join(error.messages))


def status_payload(item: Complaint, at: dt.datetime | None = None) -> dict[str, Any]:
    """What the hotline hears of an item: these fields and no others (never who complained
    beyond what the hotline itself sent)."""
    answered = item.status in (Status.ANSWERED, Status.VERIFIED, Status.CLOSED)
    answer = item.answer if answered else ""
    if item.status == Status.DECLINED:
        answer = f"不予受理：{item.decline_reason}"
    return {
        "order_no": item.hotline_order_no,
        "number": item.number,
        "status": item.status,
        "status_label": Status(item.status).label,
        "stage": STAGES[item.status],
        "at": timefmt.iso_beijing(at or item.last_activity_at),
        "answer": answer or None,
        "satisfaction": item.satisfaction or None,
        "satisfaction_label": Satisfaction(item.satisfaction).label if item.satisfaction else None,
    }


PAYLOAD_KEYS = (
    "order_no",
    "number",
    "status",
    "status_label",
    "stage",
    "at",
    "answer",
    "satisfaction",
    "satisfaction_label",
)
