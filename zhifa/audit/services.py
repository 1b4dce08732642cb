"""Writing and verifying the audit chain. Every service function that changes state calls
``record_change`` inside its own transaction, so the change and its record commit together."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
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
    region: str | None = None,
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
    # Hashed only when present, so records written before regions were kept still verify.
    if region:
        body["region"] = region
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
        region=record.region_id,
    )
    return sm3_hex(prev_hash.encode() + payload)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite runs with transaction_mode=IMMEDIATE: the open transaction already holds the
    # database's single write lock, so no second writer can append between read and insert.


def actor_label_for(actor: Any) -> str:
    """The actor as the record keeps him: name, organisation and role, as at the time of the
    change. Not the login name: records are read on pages and in exports."""
    if actor is None:
        return "系统"
    label = getattr(actor, "person_label", None) or str(actor)
    return str(label)[:150]


def _follow(obj: Any, path: str) -> Any:
    for part in path.split("__") if path else []:
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def region_code_of(obj: models.Model) -> str | None:
    """The region code an object's audit records are filed under, following the same paths the
    scoping helper uses: the owning organisation's region, else the object's own region."""
    model = type(obj)
    try:
        org_path: str | None = getattr(model, "scope_org_path", None)
        if org_path is not None:
            organisation = _follow(obj, org_path)
            code = getattr(organisation, "region_id", None)
            return str(code) if code else None
        region_path: str | None = getattr(model, "scope_region_path", None)
        if region_path:
            head, _, last = region_path.rpartition("__")
            holder = _follow(obj, head)
            code = getattr(holder, f"{last}_id", None) if holder is not None else None
            return str(code) if code else None
    except ObjectDoesNotExist:
        return None
    return None


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
    region: str | None = None,
) -> AuditRecord:
    """Append one record to the chain. Must run inside the caller's transaction.

    On PostgreSQL appends are serialised by a transaction-scoped advisory lock held until
    commit, so call this as the last step of the transaction, after any ``select_for_update``:
    a transaction that holds the chain lock and then waits for a row lock can deadlock with one
    that holds that row and waits for the chain.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("record_change 必须在事务中调用，使变更与审计记录一同提交。")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if region is None:
            region = region_code_of(obj)
    if not object_type or object_id is None:
        raise ValueError("审计记录需要对象类型和对象标识。")
    if len(action) > 64 or len(object_type) > 100 or len(str(object_id)) > 64:
        raise ValueError("审计记录的操作（≤64 字符）、对象类型（≤100）或对象标识（≤64）过长。")
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
        region_id=region or None,
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
    # PostgreSQL reads through a server-side cursor, which needs a transaction; on SQLite one
    # SELECT already reads a consistent snapshot, and an IMMEDIATE transaction would hold the
    # write lock for the whole walk.
    guard: AbstractContextManager[Any] = (
        transaction.atomic() if connection.vendor != "sqlite" else nullcontext()
    )
    with guard:
        return _walk_chain()


def _walk_chain() -> ChainReport:
    prev_hash = GENESIS_HASH
    count = 0
    for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=2000):
        if record.prev_hash != prev_hash:
            return ChainReport(
                False, count, record.seq, "前一记录摘要不符：记录被删除、插入或调换了顺序"
            )
        if record.hash != compute_hash(prev_hash, record):
            return ChainReport(False, count, record.seq, "内容摘要不符：记录内容被改动")
        prev_hash = record.hash
        count += 1
    return ChainReport(True, count)


def save_with_audit(obj: models.Model, *, actor: Any, summary: str = "") -> models.Model:
    """Save a reference or configuration object edited in admin, recording before and after.

    For objects that have no business service of their own (document kinds, numbering rules…);
    business objects change through their own verb-named services instead.
    """
    label = obj._meta.label_lower
    with transaction.atomic():
        previous = None
        if not obj._state.adding and obj.pk is not None:
            previous = type(obj)._default_manager.filter(pk=obj.pk).first()
        before = snapshot(previous) if previous is not None else None
        obj.save()
        verb = "新增" if previous is None else "修改"
        record_change(
            actor=actor,
            action=f"{label}.{'create' if previous is None else 'change'}",
            obj=obj,
            before=before,
            after=snapshot(obj),
            summary=summary or f"{verb}{obj._meta.verbose_name}“{obj}”",
        )
    return obj


def delete_with_audit(obj: models.Model, *, actor: Any, summary: str = "") -> None:
    """Delete a reference or configuration object edited in admin, recording what it was."""
    label = obj._meta.label_lower
    with transaction.atomic():
        before = snapshot(obj)
        object_id = str(obj.pk)
        region = region_code_of(obj)
        description = f"删除{obj._meta.verbose_name}“{obj}”"
        obj.delete()
        record_change(
            actor=actor,
            action=f"{label}.delete",
            object_type=label,
            object_id=object_id,
            region=region,
            before=before,
            summary=summary or description,
        )
