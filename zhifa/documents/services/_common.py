"""What the stages of a document's life share: who may author a document, its verification
code and address, the checks of a status transition and the cleaning of entered texts."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhifa.audit.services import to_jsonable
from zhifa.core import access
from zhifa.documents import rules
from zhifa.documents.models import (
    Document,
    DocumentStatus,
)

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
AUTHOR_ROLES = rules.AUTHOR_ROLES
AUTHOR_DENIED = rules.AUTHOR_DENIED
OTHER_ORGANISATION = rules.OTHER_ORGANISATION
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def _require_author(actor: Any, obj: Any, action: str = "document.issue") -> None:
    """Refuse unless ``actor`` may author or issue documents in the name of ``obj``'s
    organisation (``obj``: the document, batch or organisation itself)."""
    access.require(actor, action, obj)


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


NOTHING_CHANGED = "未作任何修改，无需保存。"


def _refresh_document(stale: Document, current: Document) -> None:
    for model_field in Document._meta.concrete_fields:
        setattr(stale, model_field.attname, getattr(current, model_field.attname))
