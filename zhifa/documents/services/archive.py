"""After delivery: archiving (归档) an issued document, and verifying that a file is the one
issued."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.audit.sm3 import sm3_hex, sm3_of_chunks
from zhifa.documents.models import (
    Document,
    DocumentStatus,
)
from zhifa.documents.services._common import (
    _check_transition,
    _locked_document,
    _refresh_document,
    _require_author,
)


def archive_document(document: Document, *, actor: Any, reference: str = "") -> Document:
    _require_author(actor, document)
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
