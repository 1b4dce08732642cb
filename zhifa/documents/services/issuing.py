"""Issuing (签发): a draft gets its 文号 and verification code, passes the font pre-check, is
rendered to PDF/Word and sealed with its SM3 digests, in one transaction; an issued document is
corrected by issuing its replacement and voiding it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot, to_jsonable
from zhifa.audit.sm3 import sm3_hex
from zhifa.documents import selectors
from zhifa.documents.models import (
    INSPECTION_KIND_CODES,
    Document,
    DocumentStatus,
)
from zhifa.documents.services._common import (
    STANDARD_KEYS,
    _check_not_voided,
    _check_transition,
    _label,
    _locked_document,
    _refresh_document,
    _require_author,
    new_verification_code,
    verification_url,
)
from zhifa.documents.services.drafting import create_draft
from zhifa.documents.services.numbering import (
    NumberingError,
    allocate_number,
    designator_for,
    format_number,
)


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

    _require_author(actor, document)
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
    _require_author(actor, old)
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
