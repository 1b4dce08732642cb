"""Writing and verifying the audit chain. Every service function that changes state calls
``record_change`` inside its own transaction, so the change and its record commit together."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.audit.sm3 import sm3_hex

GENESIS_HASH = "0" * 64
# Arbitrary constant naming the one advisory lock that serialises appends on PostgreSQL.
_CHAIN_LOCK_KEY = 7_314_159_265


def to_jsonable(data: Any) -> Any:
    """The form in which data is both stored and hashed (dates, Decimals, UUIDs as text)."""
    if data is None:
        return None
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Concrete field values of ``obj`` (foreign keys as ids), for before/after records.

    A model may define ``audit_snapshot()`` to choose its own fields, e.g. to mask ID numbers.
    """
    custom = getattr(obj, "audit_snapshot", None)
    if callable(custom):
        return to_jsonable(custom())
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = field.value_from_object(obj)
    return to_jsonable(data)


def _canonical(
    *,
    at: dt.datetime,
    actor_label: str,
    action: str,
    summary: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
) -> bytes:
    body = {
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor_label,
        "action": action,
        "summary": summary,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def compute_hash(prev_hash: str, record: AuditRecord) -> str:
    payload = _canonical(
        at=record.at,
        actor_label=record.actor_label,
        action=record.action,
        summary=record.summary,
        object_type=record.object_type,
        object_id=record.object_id,
        before=record.before,
        after=record.after,
    )
    return sm3_hex(prev_hash.encode() + payload)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite runs with transaction_mode=IMMEDIATE: the open transaction already holds the
    # database's single write lock, so no second writer can append between read and insert.


def actor_label_for(actor: Any) -> str:
    if actor is None:
        return "系统"
    display = getattr(actor, "display_name", "") or ""
    username = getattr(actor, "username", "") or str(actor)
    return f"{display}（{username}）" if display else username


def record_change(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    before: Any = None,
    after: Any = None,
    summary: str = "",
) -> AuditRecord:
    """Append one record to the chain. Must run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_change 必须在事务中调用，使变更与审计记录一同提交。")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if not object_type or object_id is None:
        raise ValueError("审计记录需要对象类型和对象标识。")
    _lock_chain()
    last = AuditRecord.objects.order_by("-seq").values_list("hash", flat=True).first()
    prev_hash = last or GENESIS_HASH
    record = AuditRecord(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label_for(actor),
        action=action,
        summary=summary[:255],
        object_type=object_type,
        object_id=str(object_id),
        before=to_jsonable(before),
        after=to_jsonable(after),
        prev_hash=prev_hash,
    )
    record.hash = compute_hash(prev_hash, record)
    record.save()
    return record


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    broken_seq: int | None = None
    reason: str = ""


def verify_chain() -> ChainReport:
    """Walk the whole chain in order; the first record whose link or content fails is named."""
    prev_hash = GENESIS_HASH
    count = 0
    with transaction.atomic():
        for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=2000):
            if record.prev_hash != prev_hash:
                return ChainReport(
                    False, count, record.seq, "前一记录摘要不符：记录被删除、插入或调换了顺序"
                )
            expected = compute_hash(prev_hash, record)
            if record.hash != expected:
                return ChainReport(False, count, record.seq, "内容摘要不符：记录内容被改动")
            prev_hash = record.hash
            count += 1
    return ChainReport(True, count)
