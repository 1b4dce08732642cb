"""The numbering service for 文号: reserve, use, void, and ``allocate_number`` tying a number to
the transaction of the document that carries it.

Typical use in another app's service::

    with allocate_number(organisation=case.organisation, kind="inspection_preview_notice",
                         year=2026, actor=actor) as allocation:
        notice = Notice.objects.create(case=case, number=allocation.text)
        allocation.attach(notice)
        record_change(actor=actor, action="notice.issue", obj=notice, ...)

The number is reserved and committed first, so no other request can ever receive it. If the body
raises, its transaction rolls back and the number is recorded as voided with the reason, so the
gap in the sequence is explained rather than silently reused.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.documents.models import (
    DocumentKind,
    DocumentNumber,
    NumberingRule,
    NumberSequence,
    NumberStatus,
)
from zhifa.org.models import Organisation

logger = logging.getLogger(__name__)


_VOID_REASON_PREFIX = "事务回滚，文号作废："


class NumberingError(ValueError):
    """A number cannot be issued or changed; ``str(error)`` is the Chinese reason."""


def format_number(designator: str, year: int, number: int) -> str:
    """``舟卫执预〔2026〕12号``: full year in 〔〕 (U+3014/U+3015), no leading zeros, no 第."""
    if number < 1:
        raise NumberingError("文号序号必须从 1 开始。")
    return f"{designator}\u3014{year}\u3015{number}号"


def resolve_kind(kind: DocumentKind | str) -> DocumentKind:
    """A DocumentKind, given itself or its code; a missing or disabled kind is a clear error."""
    if isinstance(kind, DocumentKind):
        found = kind
    else:
        found_or_none = DocumentKind.objects.filter(code=kind).first()
        if found_or_none is None:
            raise NumberingError(
                f"未配置代码为“{kind}”的文书种类，请系统管理员在“文书种类”中添加后再试。"
            )
        found = found_or_none
    if not found.is_active:
        raise NumberingError(
            f"文书种类“{found.name}”已停用，不能编号；请系统管理员在“文书种类”中启用。"
        )
    return found


def designator_for(organisation: Organisation, kind: DocumentKind) -> str:
    """The 代字 before 〔year〕: the organisation's rule for this kind, else 机关代字 + 文书代字."""
    rule = NumberingRule.objects.filter(organisation=organisation, kind=kind).first()
    if rule is not None and rule.designator.strip():
        return rule.designator.strip()
    prefix = organisation.doc_prefix.strip()
    if not prefix:
        raise NumberingError(
            f"机构“{organisation.name}”未设置机关代字，无法生成文号；"
            "请系统管理员在机构资料中填写“机关代字”（如“舟卫”）后再试。"
        )
    if not kind.abbreviation.strip():
        raise NumberingError(
            f"文书种类“{kind.name}”未设置文书代字，无法生成文号；"
            "请系统管理员在“文书种类”中填写文书代字。"
        )
    return prefix + kind.abbreviation.strip()


def _outer_transaction_open() -> bool:
    """True inside an atomic block opened by application code (a test case's wrapper aside)."""
    blocks = getattr(connection, "atomic_blocks", [])
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


def _sequence_for_update(organisation: Organisation, kind: DocumentKind, year: int) -> Any:
    """The sequence row, created if need be and locked (SELECT … FOR UPDATE) until commit.

    Two requests may both find no row and try to create it; the unique constraint lets one win
    and the other retries and reads the winner's row.
    """
    for attempt in range(3):
        try:
            with transaction.atomic():
                NumberSequence.objects.get_or_create(
                    organisation=organisation, kind=kind, year=year
                )
        except IntegrityError:
            if attempt == 2:
                raise
            continue
        break
    return NumberSequence.objects.select_for_update(no_key=True).get(
        organisation=organisation, kind=kind, year=year
    )


def reserve_number(
    *,
    organisation: Organisation,
    kind: DocumentKind | str,
    year: int | None = None,
    actor: Any,
    purpose: models.Model | None = None,
) -> DocumentNumber:
    """Take the next number of the sequence and commit it at once as reserved.

    Runs in its own transaction so the number is never given out twice, whatever becomes of the
    caller's work; it therefore refuses to run inside the caller's open transaction. ``purpose``
    names the document the number is reserved for, so that a reservation left behind by a
    process that died is found and voided (``void_abandoned_reservations``).
    """
    if _outer_transaction_open():
        raise NumberingError(
            "申请文号必须在独立事务中进行，不能在已开启的数据库事务中调用 reserve_number；"
            "请改用 allocate_number，或在事务之外先预留文号。"
        )
    kind = resolve_kind(kind)
    year = year or timezone.localdate().year
    if not 1900 <= year <= 9999:
        raise NumberingError(f"年度“{year}”不正确，请填写四位公历年份。")
    designator = designator_for(organisation, kind)
    with transaction.atomic():
        sequence = _sequence_for_update(organisation, kind, year)
        sequence.last_number += 1
        sequence.updated_at = timezone.now()
        sequence.save(update_fields=["last_number", "updated_at"])
        number = DocumentNumber.objects.create(
            organisation=organisation,
            kind=kind,
            year=year,
            number=sequence.last_number,
            text=format_number(designator, year, sequence.last_number),
            status=NumberStatus.RESERVED,
            reserved_by=actor if getattr(actor, "pk", None) else None,
            object_type=purpose._meta.label_lower if purpose is not None else "",
            object_id=str(purpose.pk) if purpose is not None else "",
        )
        record_change(
            actor=actor,
            action="document_number.reserve",
            obj=number,
            after=snapshot(number),
            summary=f"预留文号 {number.text}（{kind.name}）",
        )
    return number


def _locked(number: DocumentNumber) -> DocumentNumber:
    # Lock this row only: FOR UPDATE through a join would also lock the DocumentKind row, which
    # every insert of a number checks its foreign key against, and deadlock parallel requests.
    return DocumentNumber.objects.select_for_update(no_key=True).get(pk=number.pk)


def _refuse_transition(number: DocumentNumber, target: str) -> None:
    if not number.can_become(target):
        raise NumberingError(
            f"文号 {number.text} 当前为“{number.get_status_display()}”，"
            f"不能改为“{NumberStatus(target).label}”。"
        )


def use_number(number: DocumentNumber, *, obj: models.Model | None, actor: Any) -> DocumentNumber:
    """Mark a reserved number as used by ``obj``, the document that carries it."""
    if obj is not None and obj.pk is None:
        raise NumberingError(
            f"使用文号 {number.text} 的文书尚未保存，请先保存文书再登记文号的使用。"
        )
    with transaction.atomic():
        current = _locked(number)
        _refuse_transition(current, NumberStatus.USED)
        before = snapshot(current)
        current.status = NumberStatus.USED
        current.used_at = timezone.now()
        if obj is not None:
            current.object_type = obj._meta.label_lower
            current.object_id = str(obj.pk)
        current.save(update_fields=["status", "used_at", "object_type", "object_id"])
        record_change(
            actor=actor,
            action="document_number.use",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"使用文号 {current.text}",
        )
    _refresh(number, current)
    return current


def void_number(number: DocumentNumber, *, reason: str, actor: Any) -> DocumentNumber:
    """Void a reserved or used number; the reason is kept and the number is never reissued."""
    reason = (reason or "").strip()
    if not reason:
        raise NumberingError("作废文号必须填写作废原因。")
    with transaction.atomic():
        current = _locked(number)
        _refuse_transition(current, NumberStatus.VOIDED)
        before = snapshot(current)
        current.status = NumberStatus.VOIDED
        current.voided_at = timezone.now()
        current.void_reason = reason
        current.save(update_fields=["status", "voided_at", "void_reason"])
        record_change(
            actor=actor,
            action="document_number.void",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"作废文号 {current.text}：{reason}"[:255],
        )
    _refresh(number, current)
    return current


# A reservation is in flight for the seconds one document takes to issue; one older than this
# was left behind by a process that died between reserving and using it (kill -9, a crash).
RESERVATION_ABANDONED_AFTER = dt.timedelta(minutes=10)


def void_abandoned_reservations(
    *,
    documents: Iterable[int] | None = None,
    older_than: dt.timedelta | None = RESERVATION_ABANDONED_AFTER,
    reason: str = "",
    actor: Any = None,
) -> list[DocumentNumber]:
    """Void the numbers reserved and never used because the issuing process died, each with
    its reason in the 文号台账, so that the ledger has no gap that is not a recorded void.

    ``documents`` limits it to the reservations made for those drafts (a resumed batch: its
    worker is known dead, whatever the age); ``older_than`` to reservations older than that."""
    numbers = DocumentNumber.objects.filter(status=NumberStatus.RESERVED).select_related("kind")
    if documents is not None:
        ids = [str(pk) for pk in documents]
        numbers = numbers.filter(object_type="documents.document", object_id__in=ids)
    if older_than is not None:
        numbers = numbers.filter(reserved_at__lt=timezone.now() - older_than)
        if not reason:
            minutes = int(older_than.total_seconds() // 60)
            reason = (
                f"预留后超过 {minutes} 分钟未使用：签发过程中断（进程终止），自动作废；"
                "相关文书重新签发时另取新号。"
            )
    voided = []
    for number in list(numbers.order_by("pk")):
        try:
            voided.append(void_number(number, reason=reason, actor=actor))
        except NumberingError:
            continue  # used or voided meanwhile by the process that reserved it
    return voided


def _refresh(stale: DocumentNumber, current: DocumentNumber) -> None:
    """Bring the caller's instance up to date, so it need not reload."""
    for name in ("status", "used_at", "voided_at", "void_reason", "object_type", "object_id"):
        setattr(stale, name, getattr(current, name))


@dataclass
class NumberAllocation:
    """What ``allocate_number`` hands to its body: the reserved number and the document using it."""

    number: DocumentNumber
    obj: models.Model | None = field(default=None)

    @property
    def text(self) -> str:
        return self.number.text

    def attach(self, obj: models.Model) -> None:
        """Name the document that carries this number; recorded when the number is marked used."""
        self.obj = obj


@contextmanager
def allocate_number(
    *,
    organisation: Organisation,
    kind: DocumentKind | str,
    year: int | None = None,
    actor: Any,
    purpose: models.Model | None = None,
) -> Iterator[NumberAllocation]:
    """Reserve a number (committed), run the body in ``transaction.atomic()`` and mark the
    number used in that same transaction. If the body raises, its work rolls back, the number is
    recorded as voided in a transaction of its own, and the exception propagates. If the process
    dies instead, the reservation (for ``purpose``) is voided later by
    ``void_abandoned_reservations``."""
    number = reserve_number(
        organisation=organisation, kind=kind, year=year, actor=actor, purpose=purpose
    )
    allocation = NumberAllocation(number=number)
    try:
        with transaction.atomic():
            yield allocation
            use_number(number, obj=allocation.obj, actor=actor)
    except BaseException as exc:
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        try:
            void_number(number, reason=_VOID_REASON_PREFIX + detail, actor=actor)
        except Exception:
            # The original error matters more; the number stays "reserved" and visible.
            logger.exception("文号 %s 回滚后未能记为作废", number.text)
        raise
