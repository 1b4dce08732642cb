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
import json
import logging
import re
import secrets
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from zhifa.audit.services import record_change, snapshot, to_jsonable
from zhifa.audit.sm3 import sm3_hex, sm3_of_chunks
from zhifa.core import uploads
from zhifa.documents import selectors
from zhifa.documents.models import (
    INSPECTION_KIND_CODES,
    BatchItemStatus,
    BatchStatus,
    Delivery,
    DeliveryMethod,
    Document,
    DocumentBatch,
    DocumentBatchItem,
    DocumentKind,
    DocumentNumber,
    DocumentStatus,
    NumberingRule,
    NumberSequence,
    NumberStatus,
    SendStatus,
)
from zhifa.documents.sms import get_sms_backend
from zhifa.org.models import Organisation, Role
from zhifa.registry.models import Enterprise

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


# --- Documents (文书): draft → issued → delivered → archived ----------------------------------

# Keys the platform fills in at issue; the rest of a document's context is its kind's content.
STANDARD_KEYS = frozenset(
    {
        "issuer",
        "number",
        "title",
        "recipient",
        "date",
        "verification_code",
        "verification_url",
        "prohibitions",
    }
)
# Base32 without 0/O/1/I: 32 characters, so 10 of them carry 50 bits.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
AUTHOR_ROLES = (*Role.agency_roles(), Role.SUPERVISOR)
AUTHOR_DENIED = "制作、签发和送达文书仅限执法机关工作人员、执法监督人员和系统管理员办理。"
OTHER_ORGANISATION = "只能办理本机构制发的文书。"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def _require_author(actor: Any, organisation_id: int) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录。")
    if actor.is_admin:
        return
    if actor.role not in AUTHOR_ROLES:
        raise PermissionDenied(AUTHOR_DENIED)
    if actor.organisation_id != organisation_id:
        raise PermissionDenied(OTHER_ORGANISATION)


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verification_url(code: str) -> str:
    base = str(getattr(settings, "ZHIFA_PUBLIC_BASE_URL", "") or "http://127.0.0.1:8000")
    return base.rstrip("/") + reverse("documents:verify", args=[code])


def _label(document: Document) -> str:
    return (
        f"“{document.title}”（{document.number_text}）"
        if document.number_id
        else (f"“{document.title}”（草稿）")
    )


def _sources_of(target: str) -> str:
    sources = [
        f"“{DocumentStatus(s).label}”"
        for s, targets in Document.TRANSITIONS.items()
        if target in targets
    ]
    return "或".join(sources) or "（无）"


def _check_transition(document: Document, target: str, *, doing: str) -> None:
    if not document.can_become(target):
        state = DocumentStatus(document.status).label
        raise ValidationError(
            f"文书{_label(document)}当前为“{state}”，不能{doing}"
            f"（只有{_sources_of(target)}的文书可以{doing}）。"
        )


def _check_not_voided(document: Document, *, doing: str) -> None:
    if document.voided_by_id is not None:
        raise ValidationError(f"文书{_label(document)}已作废，不能{doing}。")


def _locked_document(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


def _clean_text(value: Any, *, label: str, required: bool, limit: int) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError(
            {"recipient_name" if label == "受送达人" else "title": [f"{label}：请填写{label}。"]}
        )
    if len(text) > limit:
        raise ValidationError(f"{label}不能超过 {limit} 字，现为 {len(text)} 字。")
    return text


def _clean_context(context: Any) -> dict[str, Any]:
    if context is None:
        return {}
    if not isinstance(context, Mapping):
        raise ValidationError({"context": ["文书内容应为键值对（JSON 对象）。"]})
    reserved = sorted(set(context) & STANDARD_KEYS)
    if reserved:
        raise ValidationError(
            {"context": [f"文书内容中的“{'、'.join(reserved)}”由平台在签发时填写，请删去。"]}
        )
    return dict(to_jsonable(dict(context)))


def create_draft(
    *,
    kind: DocumentKind | str,
    organisation: Organisation,
    actor: Any,
    recipient_enterprise: Enterprise | None = None,
    recipient_organisation: Organisation | None = None,
    recipient_name: str = "",
    title: str = "",
    context: Mapping[str, Any] | None = None,
    corrects: Document | None = None,
) -> Document:
    """A new draft 文书 of ``organisation``; the recipient name defaults to the enterprise's or
    the organisation's name, the title to the kind's name."""
    _require_author(actor, organisation.pk)
    try:
        kind = resolve_kind(kind)
    except NumberingError as error:
        raise ValidationError({"kind": [str(error)]}) from None
    if not recipient_name:
        if recipient_enterprise is not None:
            recipient_name = recipient_enterprise.name
        elif recipient_organisation is not None:
            recipient_name = recipient_organisation.name
    recipient_name = _clean_text(recipient_name, label="受送达人", required=True, limit=200)
    title = _clean_text(title or kind.name, label="标题", required=True, limit=200)
    cleaned = _clean_context(context)
    if recipient_enterprise is not None:
        region = recipient_enterprise.region
    elif recipient_organisation is not None:
        region = recipient_organisation.region
    else:
        region = organisation.region
    with transaction.atomic():
        now = timezone.now()
        document = Document.objects.create(
            kind=kind,
            organisation=organisation,
            region=region,
            recipient_enterprise=recipient_enterprise,
            recipient_organisation=recipient_organisation,
            recipient_name=recipient_name,
            title=title,
            context=cleaned,
            created_by=actor,
            created_at=now,
            updated_at=now,
            corrects=corrects,
        )
        record_change(
            actor=actor,
            action="documents.document.create",
            obj=document,
            after=snapshot(document),
            summary=(
                f"拟制文书草稿“{title}”（{kind.name}），受送达人 {recipient_name}"
                + (f"，更正 {corrects.number_text}" if corrects is not None else "")
            ),
        )
    return document


def update_draft(document: Document, *, data: Mapping[str, Any], actor: Any) -> Document:
    """Change a draft's recipient name, title or content (``context`` replaces the old one)."""
    _require_author(actor, document.organisation_id)
    with transaction.atomic():
        current = _locked_document(document)
        if current.status != DocumentStatus.DRAFT:
            state = DocumentStatus(current.status).label
            raise ValidationError(
                f"文书{_label(current)}当前为“{state}”，已签发的文书不能修改；如需更正，请制作更正文书。"
            )
        before = snapshot(current)
        if "recipient_name" in data:
            current.recipient_name = _clean_text(
                data["recipient_name"], label="受送达人", required=True, limit=200
            )
        if "title" in data:
            current.title = _clean_text(data["title"], label="标题", required=True, limit=200)
        if "context" in data:
            current.context = _clean_context(data["context"])
        after = snapshot(current)
        changed = [key for key in after if after[key] != before.get(key)]
        if not changed:
            raise ValidationError(NOTHING_CHANGED)
        current.updated_at = timezone.now()
        current.save()
        record_change(
            actor=actor,
            action="documents.document.update",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"修改文书草稿“{current.title}”",
        )
    _refresh_document(document, current)
    return current


NOTHING_CHANGED = "未作任何修改，无需保存。"


def _refresh_document(stale: Document, current: Document) -> None:
    for model_field in Document._meta.concrete_fields:
        setattr(stale, model_field.attname, getattr(current, model_field.attname))


def render_context(document: Document, *, number: str, code: str, date: dt.date) -> dict[str, Any]:
    """What the template is filled with: the kind's content plus the platform's keys."""
    context: dict[str, Any] = dict(document.context)
    context.update(
        {
            "issuer": document.organisation.name,
            "number": number,
            "title": document.title,
            "recipient": document.recipient_name,
            "date": date,
            "verification_code": code,
            "verification_url": verification_url(code),
            "prohibitions": (
                selectors.current_prohibitions(on=date)
                if document.kind.code in INSPECTION_KIND_CODES
                else []
            ),
        }
    )
    return context


def _refuse_unprintable(document: Document, context: Mapping[str, Any], *, year: int) -> None:
    """Refuse, before a number is reserved, a document the configured faces cannot print: it
    would be issued for good (文号, SM3, 核验码) with boxes in place of its characters."""
    from zhifa.documents.rendering import RenderError, missing_fonts, unprintable_in

    missing = missing_fonts()
    if missing:
        raise ValidationError(
            f"本机缺少文书字体，文书{_label(document)}现在不能签发：{'；'.join(missing)}。"
            "请系统管理员安装文书字体（见使用说明“文书字体”）后再签发；文书未编号，草稿保持不变。"
        )
    try:
        designator = designator_for(document.organisation, document.kind)
    except NumberingError:
        designator = ""  # reserve_number refuses with its own reason
    try:
        problems = unprintable_in(
            document.kind.code, context, extra={"文号": format_number(designator, year, 1)}
        )
    except RenderError:
        return  # no template for this kind: render() reports it
    if problems:
        raise ValidationError(
            f"文书{_label(document)}中有文书字体无法显示的字符，不能签发：{'；'.join(problems)}。"
            "请修改草稿改用常用字（或由系统管理员配置包含这些字符的字体）后再签发。"
        )


def issue_document(
    document: Document, *, actor: Any, issue_date: dt.date | None = None
) -> Document:
    """Number, render, hash and store a draft, all or nothing.

    The number is reserved in its own transaction (``allocate_number``); if rendering or
    storing fails, everything else rolls back, the stored files are removed and the number is
    recorded as voided with the reason. Issuing a correction voids the document it corrects.
    """
    from zhifa.documents.rendering import RenderError, context_problems, render

    _require_author(actor, document.organisation_id)
    current = Document.objects.select_related("kind", "organisation", "corrects").get(
        pk=document.pk
    )
    _check_transition(current, DocumentStatus.ISSUED, doing="签发")
    if current.corrects is not None:
        _check_not_voided(current.corrects, doing="再次更正")
    issue_date = issue_date or timezone.localdate()
    # An incomplete document is refused before a number is reserved for it.
    provisional = render_context(current, number="—", code="—", date=issue_date)
    try:
        problems = context_problems(current.kind.code, provisional)
    except RenderError:
        problems = []  # no template for this kind: render() reports it, the number is voided
    if problems:
        raise ValidationError(
            f"文书{_label(current)}的内容不完整，不能签发：{''.join(problems)}"
            "请先修改草稿补全内容。"
        )
    _refuse_unprintable(current, provisional, year=issue_date.year)
    stored: list[str] = []
    try:
        with allocate_number(
            organisation=current.organisation,
            kind=current.kind,
            year=issue_date.year,
            actor=actor,
            purpose=current,
        ) as allocation:
            locked = _locked_document(current)
            _check_transition(locked, DocumentStatus.ISSUED, doing="签发")
            before = snapshot(locked)
            code = new_verification_code()
            while Document.objects.filter(verification_code=code).exists():
                code = new_verification_code()
            context = render_context(current, number=allocation.text, code=code, date=issue_date)
            rendered = render(current.kind.code, context)
            folder = f"documents/{issue_date:%Y}"
            docx_name = default_storage.save(f"{folder}/{code}.docx", ContentFile(rendered.docx))
            stored.append(docx_name)
            pdf_name = default_storage.save(f"{folder}/{code}.pdf", ContentFile(rendered.pdf))
            stored.append(pdf_name)
            locked.number = allocation.number
            locked.verification_code = code
            locked.context = to_jsonable(context)
            locked.docx_file.name = docx_name
            locked.pdf_file.name = pdf_name
            locked.docx_sm3 = sm3_hex(rendered.docx)
            locked.pdf_sm3 = sm3_hex(rendered.pdf)
            locked.status = DocumentStatus.ISSUED
            locked.issued_by = actor
            locked.issued_at = timezone.now()
            locked.issue_date = issue_date
            locked.updated_at = locked.issued_at
            locked.save()
            allocation.attach(locked)
            if current.corrects is not None:
                _void_corrected(current.corrects, by=locked, actor=actor)
            record_change(
                actor=actor,
                action="documents.document.issue",
                obj=locked,
                before=before,
                after=snapshot(locked),
                summary=(
                    f"签发文书“{locked.title}”，文号 {allocation.text}，"
                    f"PDF SM3 {locked.pdf_sm3[:16]}…"
                ),
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    _refresh_document(document, locked)
    return locked


def _void_corrected(old: Document, *, by: Document, actor: Any) -> None:
    old = _locked_document(old)
    _check_not_voided(old, doing="再次更正")
    before = snapshot(old)
    old.voided_by = by
    old.voided_at = timezone.now()
    old.void_reason = f"已由更正文书 {by.number_text} 更正，本文书作废。"
    old.updated_at = old.voided_at
    old.save()
    record_change(
        actor=actor,
        action="documents.document.void",
        obj=old,
        before=before,
        after=snapshot(old),
        summary=f"文书 {old.number_text} 因更正作废，更正文书 {by.number_text}",
    )


def correct_document(old: Document, changes: Mapping[str, Any], actor: Any) -> Document:
    """A new draft that, once issued, voids ``old``; both are kept.

    ``changes`` may hold ``recipient_name``, ``title`` and ``context`` (merged into the old
    document's content).
    """
    _require_author(actor, old.organisation_id)
    old = Document.objects.select_related(
        "kind", "organisation", "recipient_enterprise", "recipient_organisation"
    ).get(pk=old.pk)
    if old.status == DocumentStatus.DRAFT:
        raise ValidationError(f"文书{_label(old)}尚未签发，可直接修改草稿，无需更正。")
    _check_not_voided(old, doing="更正")
    pending = old.corrections.filter(status=DocumentStatus.DRAFT).first()
    if pending is not None:
        raise ValidationError(
            f"文书{_label(old)}已有待签发的更正草稿（编号 {pending.pk}），请先签发或修改该草稿。"
        )
    unknown = sorted(set(changes) - {"recipient_name", "title", "context"})
    if unknown:
        raise ValidationError(f"更正内容中有无法识别的项：{'、'.join(unknown)}。")
    content = {k: v for k, v in old.context.items() if k not in STANDARD_KEYS}
    extra = changes.get("context") or {}
    if not isinstance(extra, Mapping):
        raise ValidationError({"context": ["更正的文书内容应为键值对（JSON 对象）。"]})
    content.update(extra)
    return create_draft(
        kind=old.kind,
        organisation=old.organisation,
        actor=actor,
        recipient_enterprise=old.recipient_enterprise,
        recipient_organisation=old.recipient_organisation,
        recipient_name=str(changes.get("recipient_name") or old.recipient_name),
        title=str(changes.get("title") or old.title),
        context=content,
        corrects=old,
    )


def _pdf_bytes(document: Document) -> bytes:
    with default_storage.open(document.pdf_file.name or "", "rb") as handle:
        data: bytes = handle.read()
    return data


def _default_address(document: Document, method: str) -> str:
    enterprise = document.recipient_enterprise
    if enterprise is None:
        return ""
    contact = enterprise.contacts.order_by("-is_primary", "pk").first()
    if contact is None:
        return ""
    return contact.email if method == DeliveryMethod.EMAIL else contact.mobile


def deliver_document(
    document: Document,
    *,
    method: str,
    actor: Any,
    address: str = "",
    scan: File[bytes] | None = None,
    note: str = "",
) -> Delivery:
    """送达 an issued document.

    - portal: the recipient sees it in its portal and confirms receipt (``confirm_receipt``);
      until then the document stays issued;
    - email: sent with the PDF attached through Django's mail backend;
    - sms: a message with the verification link through ``ZHIFA_SMS_BACKEND``;
    - paper: the scanned 送达回证 is stored with its SM3.

    An e-mail or SMS is sent only once this delivery has committed (``send_delivery`` from
    ``transaction.on_commit``): a rollback never leaves a sent message for an unrecorded
    delivery. Until the message is sent the delivery is 待发送 and the document stays issued; a
    failed send is recorded on the delivery (发送失败 and the reason) and the document stays
    issued, so the officer sees it and delivers again.
    """
    _require_author(actor, document.organisation_id)
    if method not in DeliveryMethod.values:
        raise ValidationError({"method": [f"送达方式“{method}”不正确，请从列表中选择。"]})
    label = DeliveryMethod(method).label
    note = (note or "").strip()
    stored: list[str] = []
    try:
        with transaction.atomic():
            current = _locked_document(document)
            _check_transition(current, DocumentStatus.DELIVERED, doing=label)
            _check_not_voided(current, doing=label)
            before = snapshot(current)
            delivery = Delivery(
                document=current, method=method, sent_by=actor, sent_at=timezone.now(), note=note
            )
            if method == DeliveryMethod.PORTAL:
                if (
                    current.recipient_enterprise_id is None
                    and not current.recipient_organisation_id
                ):
                    raise ValidationError(
                        {
                            "method": [
                                "受送达人不是平台上的企业或机关，不能平台送达，请选择其他送达方式。"
                            ]
                        }
                    )
                if current.deliveries.filter(
                    method=DeliveryMethod.PORTAL, confirmed_at__isnull=True
                ).exists():
                    raise ValidationError(
                        f"文书{_label(current)}已推送到受送达人的平台，正在等待签收，无需重复推送。"
                    )
            elif method == DeliveryMethod.EMAIL:
                address = (address or _default_address(current, method)).strip()
                try:
                    validate_email(address)
                except ValidationError:
                    raise ValidationError(
                        {"address": [f"电子邮箱“{address}”不正确，请填写受送达人的电子邮箱。"]}
                    ) from None
                delivery.address = address
                delivery.send_status = SendStatus.PENDING
            elif method == DeliveryMethod.SMS:
                address = (address or _default_address(current, method)).strip()
                if not MOBILE_RE.match(address):
                    raise ValidationError(
                        {"address": [f"手机号“{address}”不正确，请填写 11 位手机号码。"]}
                    )
                delivery.address = address
                delivery.send_status = SendStatus.PENDING
            else:
                if scan is None:
                    raise ValidationError(
                        {"scan": ["纸质送达须上传受送达人签收的送达回证扫描件。"]}
                    )
                try:
                    kind = uploads.check_upload(scan, types=uploads.RECEIPT, label="送达回证扫描件")
                except uploads.UploadError as error:
                    raise ValidationError({"scan": [str(error)]}) from None
                # Hashed before saving: the storage may move a spooled upload's file away.
                delivery.receipt_file_sm3 = sm3_of_chunks(uploads.chunks(scan))
                name = default_storage.save(
                    f"documents/receipts/{timezone.localdate():%Y}/"
                    f"{current.verification_code}{kind.extensions[0]}",
                    scan,
                )
                stored.append(name)
                delivery.receipt_file.name = name
            delivery.save()
            if method == DeliveryMethod.PAPER:
                current.status = DocumentStatus.DELIVERED
                current.delivered_at = delivery.sent_at
                current.updated_at = delivery.sent_at
                current.save()
            if delivery.send_status == SendStatus.PENDING:
                delivery_pk = delivery.pk
                transaction.on_commit(lambda: send_delivery(delivery_pk, actor=actor), robust=True)
            record_change(
                actor=actor,
                action=f"documents.document.deliver_{method}",
                obj=current,
                before=before,
                after={**snapshot(current), "delivery": snapshot(delivery)},
                summary=(
                    f"{label}文书 {current.number_text}"
                    + (f" 至 {delivery.address}" if delivery.address else "")
                    + ("，等待签收" if method == DeliveryMethod.PORTAL else "")
                    + ("，待发送" if delivery.send_status == SendStatus.PENDING else "")
                ),
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    # The message may have gone out already (no outer transaction): report what is recorded.
    delivery.refresh_from_db()
    current.refresh_from_db()
    _refresh_document(document, current)
    return delivery


def send_delivery(delivery: Delivery | int, *, actor: Any) -> Delivery:
    """Send the e-mail or SMS of a committed, pending delivery, then record the outcome.

    Runs after the delivery's transaction has committed. The sending is outside any transaction
    (a mail server is not rolled back); the outcome is written in a transaction of its own: sent
    → the document becomes delivered; failed → 发送失败 with the reason, the document stays
    issued. The error is recorded, not raised: the delivery itself did commit.
    """
    pk = delivery.pk if isinstance(delivery, Delivery) else int(delivery)
    found = Delivery.objects.select_related("document__organisation").get(pk=pk)
    if found.send_status != SendStatus.PENDING:
        raise ValidationError(
            f"送达记录（{found.get_method_display()} 至 {found.address}）当前为"
            f"“{found.get_send_status_display()}”，只有“待发送”的送达可以发送。"
        )
    error = ""
    try:
        if found.method == DeliveryMethod.EMAIL:
            _send_email(found.document, found.address)
        else:
            _send_sms(found.document, found.address)
    except Exception as exc:
        logger.exception("送达记录 %s 发送失败", pk)
        error = f"{type(exc).__name__}：{exc}" if str(exc) else type(exc).__name__
    return record_send_result(found, error=error, actor=actor)


def record_send_result(delivery: Delivery, *, error: str, actor: Any) -> Delivery:
    """Record that the message of ``delivery`` was sent (``error`` empty) or failed."""
    target = SendStatus.FAILED if error else SendStatus.SENT
    with transaction.atomic():
        document = _locked_document(delivery.document)
        current = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if not current.can_send_become(target):
            raise ValidationError(
                f"送达记录（{current.get_method_display()} 至 {current.address}）当前为"
                f"“{current.get_send_status_display()}”，不能改为“{SendStatus(target).label}”。"
            )
        before = {**snapshot(document), "delivery": snapshot(current)}
        now = timezone.now()
        current.send_status = target
        current.send_error = error[:2000]
        current.send_finished_at = now
        current.save(update_fields=["send_status", "send_error", "send_finished_at"])
        delivered = (
            target == SendStatus.SENT
            and document.can_become(DocumentStatus.DELIVERED)
            and document.voided_by_id is None
        )
        if delivered:
            document.status = DocumentStatus.DELIVERED
            document.delivered_at = now
            document.updated_at = now
            document.save()
        label = current.get_method_display()
        record_change(
            actor=actor,
            action=f"documents.document.{current.method}_{target}",
            obj=document,
            before=before,
            after={**snapshot(document), "delivery": snapshot(current)},
            summary=(
                f"{label}文书 {document.number_text} 至 {current.address}"
                + ("：已发送" if target == SendStatus.SENT else f"：发送失败（{error}）")
            )[:255],
        )
    delivery.send_status, delivery.send_error = current.send_status, current.send_error
    delivery.send_finished_at = current.send_finished_at
    return current


def _send_email(document: Document, address: str) -> None:
    url = verification_url(document.verification_code or "")
    message = EmailMessage(
        subject=f"{document.organisation.name}：{document.title}（{document.number_text}）",
        body=(
            f"{document.recipient_name}：\n\n"
            f"{document.organisation.name}向您送达《{document.title}》"
            f"（{document.number_text}），见附件 PDF。\n"
            f"核验码：{document.verification_code}\n核验网址：{url}\n"
        ),
        to=[address],
    )
    message.attach(f"{document.number_text}.pdf", _pdf_bytes(document), "application/pdf")
    message.send(fail_silently=False)


def sms_text(document: Document) -> str:
    return (
        f"【{document.organisation.name}】{document.recipient_name}：向您送达"
        f"《{document.title}》（{document.number_text}），"
        f"查看与核验：{verification_url(document.verification_code or '')}"
    )


def _send_sms(document: Document, mobile: str) -> None:
    get_sms_backend().send(mobile, sms_text(document))


def _receives(actor: Any, document: Document) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if document.recipient_enterprise_id is not None:
        return bool(
            actor.role == Role.ENTERPRISE
            and actor.enterprise_id == document.recipient_enterprise_id
        )
    return bool(
        document.recipient_organisation_id
        and actor.organisation_id == document.recipient_organisation_id
    )


def receipt_digest(delivery: Delivery) -> str:
    """SM3 of the receipt: document, PDF hash, who confirmed and when (canonical JSON)."""
    body = {
        "document": delivery.document.verification_code,
        "number": delivery.document.number_text,
        "pdf_sm3": delivery.document.pdf_sm3,
        "confirmed_by": getattr(delivery.confirmed_by, "username", ""),
        "confirmed_at": delivery.confirmed_at.isoformat() if delivery.confirmed_at else "",
    }
    return sm3_hex(json.dumps(body, ensure_ascii=False, sort_keys=True).encode())


def confirm_receipt(document: Document, *, actor: Any) -> Delivery:
    """The recipient confirms in its portal that it received the document (签收)."""
    if not _receives(actor, document):
        raise PermissionDenied("只有受送达的企业或机关的用户可以签收该文书。")
    with transaction.atomic():
        current = _locked_document(document)
        delivery = (
            Delivery.objects.select_for_update()
            .filter(document=current, method=DeliveryMethod.PORTAL, confirmed_at__isnull=True)
            .first()
        )
        if delivery is None:
            raise ValidationError(f"文书{_label(current)}没有待签收的平台送达，无需签收。")
        _check_transition(current, DocumentStatus.DELIVERED, doing="签收")
        before = snapshot(current)
        delivery.confirmed_by = actor
        delivery.confirmed_at = timezone.now()
        delivery.document = current
        delivery.receipt_sm3 = receipt_digest(delivery)
        delivery.save()
        current.status = DocumentStatus.DELIVERED
        current.delivered_at = delivery.confirmed_at
        current.updated_at = delivery.confirmed_at
        current.save()
        record_change(
            actor=actor,
            action="documents.document.confirm_receipt",
            obj=current,
            before=before,
            after={**snapshot(current), "delivery": snapshot(delivery)},
            summary=f"签收文书 {current.number_text}，回执 SM3 {delivery.receipt_sm3[:16]}…",
        )
    _refresh_document(document, current)
    return delivery


def archive_document(document: Document, *, actor: Any, reference: str = "") -> Document:
    _require_author(actor, document.organisation_id)
    reference = " ".join((reference or "").split())
    if len(reference) > 100:
        raise ValidationError(
            {"reference": [f"档号/存放位置不能超过 100 字，现为 {len(reference)} 字。"]}
        )
    with transaction.atomic():
        current = _locked_document(document)
        _check_transition(current, DocumentStatus.ARCHIVED, doing="归档")
        before = snapshot(current)
        current.status = DocumentStatus.ARCHIVED
        current.archived_by = actor
        current.archived_at = timezone.now()
        current.archive_reference = reference
        current.updated_at = current.archived_at
        current.save()
        record_change(
            actor=actor,
            action="documents.document.archive",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"归档文书 {current.number_text}"
            + (f"，档号 {reference}" if reference else ""),
        )
    _refresh_document(document, current)
    return current


def verify_file(document: Document, content: bytes | Iterable[bytes]) -> str | None:
    """Which issued file ``content`` is byte for byte (``"pdf"`` or ``"docx"``), else None;
    ``content`` may be the pieces of an upload (``uploads.chunks``), hashed as they come."""
    digest = sm3_hex(content) if isinstance(content, bytes) else sm3_of_chunks(content)
    if document.pdf_sm3 and digest == document.pdf_sm3:
        return "pdf"
    if document.docx_sm3 and digest == document.docx_sm3:
        return "docx"
    return None


# --- Batches (批量签发): a background task issuing many drafts, one transaction each ------------

BATCH_STALE_AFTER = dt.timedelta(minutes=10)


def _item_label(document: Document) -> str:
    """Names a document of a batch for people: recipient and kind, e.g.
    受送达人“舟山海鲜酒楼有限公司”的《行政执法检查预告通知书》（草稿编号 12）."""
    return (
        f"受送达人“{document.recipient_name}”的《{document.kind.name}》（草稿编号 {document.pk}）"
    )


def _reason(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        return "".join(error.messages)
    if isinstance(error, (NumberingError, PermissionDenied)):
        return str(error)
    return f"系统错误（{type(error).__name__}：{error}），请联系系统管理员。"


def issue_documents_in_batch(
    drafts: Iterable[Document | int],
    *,
    actor: Any,
    issue_date: dt.date | None = None,
    title: str = "",
    follow_up: str = "",
) -> DocumentBatch:
    """Queue a batch that issues ``drafts`` (documents of one organisation) in the background.

    ``follow_up`` names a function (dotted path) the worker calls with each document after
    issuing it, for the record the document belongs to; if it fails, the item is reported as
    failed with its reason, the document stays issued.

    Nothing is issued here: the batch and its items are saved, and once this transaction has
    committed the batch is handed to the worker (``enqueue_batch``). Each document is then issued
    by ``issue_document`` in its own transaction, so one failure loses nothing else.
    """

    ids: list[int] = []
    for draft in drafts:
        pk = draft.pk if isinstance(draft, Document) else int(draft)
        if pk not in ids:
            ids.append(pk)
    if not ids:
        raise ValidationError("请至少选择一份草稿文书再批量签发。")
    found = Document.objects.select_related("kind", "organisation", "number").in_bulk(ids)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError(f"未找到编号为 {'、'.join(map(str, missing))} 的文书。")
    documents = [found[pk] for pk in ids]
    organisations = {d.organisation_id for d in documents}
    if len(organisations) > 1:
        raise ValidationError("批量签发的文书须为同一机构制发，请按制发机关分别发起批量签发。")
    organisation = documents[0].organisation
    _require_author(actor, organisation.pk)
    for document in documents:
        if document.status != DocumentStatus.DRAFT:
            state = DocumentStatus(document.status).label
            raise ValidationError(
                f"{_item_label(document)}当前为“{state}”，只有草稿可以签发；请取消勾选后再试。"
            )
    kinds = {d.kind_id for d in documents}
    kind = documents[0].kind if len(kinds) == 1 else None
    title = _clean_text(title, label="批次名称", required=False, limit=200) or (
        f"批量签发{kind.name if kind else '文书'}（{len(documents)} 份）"
    )
    with transaction.atomic():
        # Simultaneous requests for the same drafts queue here (the drafts' rows are locked, in
        # one order, until commit; SQLite's writers queue at BEGIN IMMEDIATE), so the second
        # finds the first's batch only now, inside its transaction, and is refused.
        list(
            Document.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _refuse_drafts_already_queued(ids)
        now = timezone.now()
        batch = DocumentBatch.objects.create(
            organisation=organisation,
            kind=kind,
            title=title,
            issue_date=issue_date,
            total=len(documents),
            created_by=actor,
            created_at=now,
            follow_up=follow_up,
        )
        batch.items.bulk_create(
            [
                batch.items.model(batch=batch, document=document, position=position)
                for position, document in enumerate(documents, start=1)
            ]
        )
        batch_pk = batch.pk
        transaction.on_commit(lambda: enqueue_batch(batch_pk))
        record_change(
            actor=actor,
            action="documents.document_batch.create",
            obj=batch,
            after=snapshot(batch),
            summary=f"发起批量签发“{title}”，共 {len(documents)} 份文书",
        )
    return batch


def _refuse_drafts_already_queued(ids: list[int]) -> None:
    queued = (
        Document.objects.filter(
            pk__in=ids,
            batch_items__status=BatchItemStatus.PENDING,
            batch_items__batch__status__in=(BatchStatus.QUEUED, BatchStatus.RUNNING),
        )
        .select_related("kind")
        .order_by("pk")
        .first()
    )
    if queued is not None:
        raise ValidationError(
            f"{_item_label(queued)}已在另一批次中等待签发，请取消勾选或等该批次完成后再试。"
        )


def enqueue_batch(batch_id: int) -> None:
    """Hand a committed batch to the in-process worker: a daemon thread running ``run_batch``.

    If the process ends before the batch is finished, ``zhifa documents run-batches`` (run by a
    timer) resumes it. ``ZHIFA_DOCUMENT_BATCH_THREAD = False`` leaves every batch to that
    command.
    """
    import threading

    if not getattr(settings, "ZHIFA_DOCUMENT_BATCH_THREAD", True):
        return
    thread = threading.Thread(
        target=_run_in_thread, args=(batch_id,), name=f"document-batch-{batch_id}", daemon=True
    )
    thread.start()


def _run_in_thread(batch_id: int) -> None:
    from django.db import close_old_connections, connections

    close_old_connections()
    try:
        run_batch(batch_id)
    except Exception:
        logger.exception("批量签发批次 %s 中断，将由 zhifa documents run-batches 续办", batch_id)
    finally:
        connections.close_all()


def start_batch(
    batch_id: int, *, stale_after: dt.timedelta = BATCH_STALE_AFTER
) -> DocumentBatch | None:
    """Claim a batch for this worker: queued → running, or resume a running batch whose worker
    has given no sign of life for ``stale_after``. None when there is nothing to do (finished,
    or another worker is on it)."""

    with transaction.atomic():
        batch = DocumentBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.is_finished:
            return None
        now = timezone.now()
        resuming = batch.status == BatchStatus.RUNNING
        if resuming and batch.heartbeat_at is not None and batch.heartbeat_at > now - stale_after:
            return None
        if not batch.can_become(BatchStatus.RUNNING):
            raise ValidationError(
                f"批次“{batch.title}”当前为“{batch.get_status_display()}”，不能开始执行。"
            )
        before = snapshot(batch)
        batch.status = BatchStatus.RUNNING
        batch.started_at = batch.started_at or now
        batch.heartbeat_at = now
        batch.attempts += 1
        batch.save(update_fields=["status", "started_at", "heartbeat_at", "attempts"])
        record_change(
            actor=batch.created_by,
            action="documents.document_batch.start",
            obj=batch,
            before=before,
            after=snapshot(batch),
            summary=(
                f"{'续办' if resuming else '开始'}批量签发“{batch.title}”"
                f"（已办 {batch.processed}/{batch.total} 份）"
            ),
        )
    return batch


def record_batch_item(
    item: DocumentBatchItem, *, status: str, error: str = ""
) -> DocumentBatchItem:
    """Record what became of one document of a batch and update the batch's counts."""

    with transaction.atomic():
        current = DocumentBatchItem.objects.select_for_update().get(pk=item.pk)
        current.document = Document.objects.select_related("kind", "number").get(
            pk=current.document_id
        )
        if not current.can_become(status):
            raise ValidationError(
                f"批量签发明细 {_item_label(current.document)}当前为"
                f"“{current.get_status_display()}”，不能改为“{BatchItemStatus(status).label}”。"
            )
        batch = DocumentBatch.objects.select_for_update().get(pk=current.batch_id)
        before = snapshot(current)
        current.status = status
        current.error = error
        current.finished_at = timezone.now()
        current.save(update_fields=["status", "error", "finished_at"])
        counts = dict(batch.items.values_list("status").annotate(n=models.Count("pk")).order_by())
        batch.done = counts.get(BatchItemStatus.DONE, 0)
        batch.failed = counts.get(BatchItemStatus.FAILED, 0)
        batch.heartbeat_at = current.finished_at
        batch.save(update_fields=["done", "failed", "heartbeat_at"])
        document = current.document
        record_change(
            actor=batch.created_by,
            action="documents.document_batch.record_item",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=(
                f"批量签发“{batch.title}”第 {current.position} 份："
                + (
                    f"{_item_label(document)}已签发，文号 {document.number_text}"
                    if status == BatchItemStatus.DONE
                    else f"签发失败：{error}"
                )
            )[:255],
        )
    item.status, item.error, item.finished_at = current.status, current.error, current.finished_at
    return current


def finish_batch(batch: DocumentBatch) -> DocumentBatch:
    """running → finished, or finished_with_errors when any document failed."""

    with transaction.atomic():
        current = DocumentBatch.objects.select_for_update().get(pk=batch.pk)
        pending = current.items.filter(status=BatchItemStatus.PENDING).count()
        if pending:
            raise ValidationError(
                f"批次“{current.title}”还有 {pending} 份文书未办理，不能结束；"
                "请运行 zhifa documents run-batches 续办。"
            )
        target = BatchStatus.FINISHED_WITH_ERRORS if current.failed else BatchStatus.FINISHED
        if not current.can_become(target):
            raise ValidationError(
                f"批次“{current.title}”当前为“{current.get_status_display()}”，"
                f"不能改为“{BatchStatus(target).label}”。"
            )
        before = snapshot(current)
        current.status = target
        current.finished_at = timezone.now()
        current.heartbeat_at = current.finished_at
        current.save(update_fields=["status", "finished_at", "heartbeat_at"])
        record_change(
            actor=current.created_by,
            action="documents.document_batch.finish",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=(
                f"批量签发“{current.title}”完成：共 {current.total} 份，"
                f"签发 {current.done} 份，失败 {current.failed} 份"
            ),
        )
    return current


def run_batch(
    batch_id: int, *, stale_after: dt.timedelta = BATCH_STALE_AFTER
) -> DocumentBatch | None:
    """The worker: claim the batch, issue each pending document in its own transaction, record
    each outcome, finish. Idempotent: items already recorded are skipped, and a document found
    already issued (an earlier run stopped before recording it) counts as done, not again.
    Returns the finished batch, or None when there was nothing to do."""

    batch = start_batch(batch_id, stale_after=stale_after)
    if batch is None:
        return None
    actor = batch.created_by
    # Ids first: no cursor stays open across the transactions of the loop.
    pending_ids = list(
        batch.items.filter(status=BatchItemStatus.PENDING)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    if batch.attempts > 1:
        # Resuming: the worker before died, perhaps between reserving a 文号 for a draft and
        # using it. Its reservations are voided with the reason; the drafts take new numbers.
        void_abandoned_reservations(
            documents=batch.items.filter(
                pk__in=pending_ids, document__status=DocumentStatus.DRAFT
            ).values_list("document_id", flat=True),
            older_than=None,
            reason=(
                f"批量签发“{batch.title}”中断（执行进程终止），该文号已预留但未用于文书；"
                "续办时作废，文书另取新号。"
            ),
            actor=actor,
        )
    for item_id in pending_ids:
        item = (
            DocumentBatchItem.objects.select_related("document__kind")
            .filter(pk=item_id, status=BatchItemStatus.PENDING)
            .first()
        )
        if item is None:
            continue  # recorded meanwhile by another worker
        _run_item(item, actor=actor, issue_date=batch.issue_date, follow_up=batch.follow_up)
    if batch.items.filter(status=BatchItemStatus.PENDING).exists():
        return None  # another worker is still on some of them and will finish the batch
    try:
        return finish_batch(batch)
    except ValidationError:
        logger.info("批量签发批次 %s 已由另一执行者结束", batch_id)
        return None


def _run_item(
    item: DocumentBatchItem, *, actor: Any, issue_date: dt.date | None, follow_up: str = ""
) -> None:
    """Issue one document of a batch and record the outcome; a document found already issued
    (by an earlier, interrupted run) is recorded as done without issuing it again. The batch's
    follow-up runs for every issued document (it must be idempotent)."""
    document = item.document
    status: str = BatchItemStatus.DONE
    error_text = ""
    if document.status == DocumentStatus.DRAFT:
        try:
            issue_document(document, actor=actor, issue_date=issue_date)
        except Exception as error:
            document.refresh_from_db(fields=["status"])
            if document.status == DocumentStatus.DRAFT:
                if not isinstance(error, (ValidationError, NumberingError, PermissionDenied)):
                    logger.exception("批量签发：%s 签发失败", _item_label(document))
                status = BatchItemStatus.FAILED
                error_text = f"{_item_label(document)}签发失败：{_reason(error)}"
    if status == BatchItemStatus.DONE and follow_up:
        try:
            import_string(follow_up)(Document.objects.get(pk=document.pk), actor=actor)
        except Exception as error:
            if not isinstance(error, (ValidationError, PermissionDenied)):
                logger.exception("批量签发：%s 后续办理失败", _item_label(document))
            status = BatchItemStatus.FAILED
            error_text = f"{_item_label(document)}已签发，但后续办理失败：{_reason(error)}"
    try:
        record_batch_item(item, status=status, error=error_text)
    except ValidationError:
        logger.info("批量签发明细 %s 已由另一执行者记录", item.pk)


def run_batches(*, stale_after: dt.timedelta = BATCH_STALE_AFTER) -> list[DocumentBatch]:
    """Run every queued batch and resume every running one whose worker stopped (no progress
    for ``stale_after``): what ``zhifa documents run-batches`` does on a timer."""

    cutoff = timezone.now() - stale_after
    waiting = DocumentBatch.objects.filter(
        models.Q(status=BatchStatus.QUEUED)
        | models.Q(status=BatchStatus.RUNNING, heartbeat_at__lt=cutoff)
        | models.Q(status=BatchStatus.RUNNING, heartbeat_at__isnull=True)
    ).order_by("created_at", "pk")
    finished: list[DocumentBatch] = []
    for batch_id in list(waiting.values_list("pk", flat=True)):
        result = run_batch(batch_id, stale_after=stale_after)
        if result is not None:
            finished.append(result)
    return finished
