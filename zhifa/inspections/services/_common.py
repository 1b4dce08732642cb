"""Helpers shared by every stage of a case: the locked state transition, the audited step, text."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhifa.audit.services import record_change, snapshot
from zhifa.core import timefmt
from zhifa.documents import services as documents
from zhifa.documents.models import Document
from zhifa.inspections import rules
from zhifa.inspections.models import (
    TRANSITIONS,
    CaseDocument,
    CaseOfficer,
    CaseStatus,
    InspectionCase,
)
from zhifa.org.models import Officer

logger = logging.getLogger("zhifa.inspections.services")

MIN_OFFICERS = 2
PUBLISH_WITHIN_WORKING_DAYS = 20
# The refusals of the capability table (zhifa.inspections.rules), kept here for their callers.
WRITE_DENIED = rules.WRITE_DENIED
APPROVE_DENIED = rules.APPROVE_DENIED
OTHER_ORG = rules.OTHER_ORG


# --- State ------------------------------------------------------------------------------------


def _sources_of(target: str) -> str:
    return "、".join(
        f"“{CaseStatus(s).label}”" for s, targets in TRANSITIONS.items() if target in targets
    )


def _transition(case: InspectionCase, target: str, *, doing: str) -> None:
    if not case.can_become(target):
        raise ValidationError(
            f"案件 {case.reference} 当前状态为“{CaseStatus(case.status).label}”，不能{doing}"
            f"（只有状态为{_sources_of(target)}的案件可以{doing}）。"
        )
    case.status = target


def _locked(case: InspectionCase) -> InspectionCase:
    return InspectionCase.objects.select_for_update().get(pk=case.pk)


def _refresh(stale: InspectionCase, current: InspectionCase) -> None:
    for model_field in current._meta.concrete_fields:
        setattr(stale, model_field.attname, getattr(current, model_field.attname))


@dataclass
class _Step:
    case: InspectionCase
    before: dict[str, Any]
    summary: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@contextmanager
def _step(case: InspectionCase, *, actor: Any, action: str) -> Iterator[_Step]:
    """One audited change of a case: the body changes ``step.case`` (locked) and sets
    ``step.summary``; the case is saved and the audit record written last, in one transaction,
    and the caller's instance is refreshed. An exception in the body changes nothing."""
    with transaction.atomic():
        current = _locked(case)
        step = _Step(current, case_snapshot(current))
        yield step
        current.save()
        record_change(
            actor=actor,
            action=action,
            obj=current,
            before=step.before,
            after={**case_snapshot(current), **step.extra},
            summary=step.summary,
        )
    _refresh(case, current)


def _text(value: Any, *, label: str, required: bool = False, limit: int = 2000) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({label: [f"请填写{label}。"]})
    if len(text) > limit:
        raise ValidationError({label: [f"{label}不能超过 {limit} 个字符（现为 {len(text)} 个）。"]})
    return text


def _today() -> dt.date:
    return timefmt.today()


def _name(user: Any) -> str:
    # Summaries and 文书 are read by people: the name, never the login name.
    return str(user.person_name)


def _set_officers(case: InspectionCase, officers: Sequence[Officer]) -> None:
    case.assignments.all().delete()
    CaseOfficer.objects.bulk_create(
        [CaseOfficer(case=case, officer=o, position=n) for n, o in enumerate(officers, start=1)]
    )


def case_snapshot(case: InspectionCase) -> dict[str, Any]:
    data = snapshot(case)
    data["items"] = sorted(case.items.values_list("code", flat=True))
    data["officers"] = list(
        case.assignments.order_by("position").values_list("officer__cert_no", flat=True)
    )
    return data


def _issue(
    case: InspectionCase,
    *,
    kind: str,
    actor: Any,
    context: Mapping[str, Any],
    step: str,
    to_enterprise: bool = True,
    corrects: Document | None = None,
) -> Document:
    draft = documents.create_draft(
        kind=kind,
        organisation=case.organisation,
        actor=actor,
        recipient_enterprise=case.enterprise if to_enterprise else None,
        recipient_organisation=None if to_enterprise else case.organisation,
        context=context,
        corrects=corrects,
    )
    documents.issue_document(draft, actor=actor)
    draft.refresh_from_db()
    return draft


def _link(case: InspectionCase, document: Document, step: str) -> None:
    CaseDocument.objects.create(case=case, document=document, step=step)
