"""Drafts (草稿): a document is created and edited here before it carries a 文号."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.documents.models import (
    Document,
    DocumentKind,
    DocumentStatus,
)
from zhifa.documents.services._common import (
    NOTHING_CHANGED,
    _clean_context,
    _clean_text,
    _label,
    _locked_document,
    _refresh_document,
    _require_author,
)
from zhifa.documents.services.numbering import NumberingError, resolve_kind
from zhifa.org.models import Organisation
from zhifa.registry.models import Enterprise


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
    _require_author(actor, organisation, "document.draft")
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
    _require_author(actor, document, "document.draft")
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
