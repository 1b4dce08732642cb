"""The inspections router and the helpers its endpoints share: the caller, the case, refusals."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError

from zhifa.core import access
from zhifa.documents.models import Document, DocumentStatus
from zhifa.inspections import selectors, services
from zhifa.inspections.api.schemas import CaseView, FieldErrors, Message
from zhifa.inspections.models import (
    CaseDocument,
    FindingResult,
    InspectionCase,
    Objection,
    ObjectionStatus,
    OralNotice,
    RectificationReport,
)
from zhifa.org.models import Organisation, User
from zhifa.org.scoping import visible_to
from zhifa.workdays.selectors import YearNotLoaded

# A step the service refuses; 422 stays what django-ninja answers for a malformed request.
REFUSED = 400

router = Router(tags=["涉企行政检查"])

CASE_NOT_FOUND = "没有找到该检查案件，或您无权查看。"


# --- Helpers ----------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


# An enterprise learns of an inspection from its notice, or when the officers arrive (exempt
# kinds, emergencies): before that a planned 暗访暗查 or “四不两直” check must stay unknown to it.
def _cases(user: User) -> QuerySet[InspectionCase]:
    return selectors.cases_for(user)


def _case(user: User, case_id: int) -> InspectionCase:
    try:
        case = selectors.get_case_or_404(user, case_id)
    except Http404:
        raise HttpError(404, CASE_NOT_FOUND) from None
    return case


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.person_name)


# The services key some errors by the Chinese label of the field they check; the API names
# the request field instead, so that a client can put the message next to its input.
_FIELD_BY_LABEL = {
    "检查名称": "title",
    "检查事由": "reason",
    "免于预告理由": "exemption_reason",
    "审批意见": "opinion",
    "不予批准的理由": "reason",
    "撤销理由": "reason",
    "批次名称": "title",
    "告知地点": "place",
    "被告知人": "told_to",
    "告知内容": "content",
    "检查情况": "description",
    "在场人": "present_person",
    "当事人意见": "party_opinion",
    "处理说明": "note",
    "复查情况": "note",
    "公示内容": "summary",
    "评价意见": "comment",
    "异议内容": "text",
    "答复": "answer",
    "整改情况": "text",
    "方式/地点": "place",
    "希望指导的问题": "topic",
    "指导情况": "note",
}
_FINDING_LABEL = re.compile(r"^第(\d+)项")


def _field(key: str) -> str:
    if key == "__all__":
        return "non_field"
    if key in _FIELD_BY_LABEL:
        return _FIELD_BY_LABEL[key]
    position = _FINDING_LABEL.match(key)
    if position:
        return f"decisions.{position.group(1)}"
    if key.startswith("findings."):
        return "decisions." + key.removeprefix("findings.")
    return key


def _refused(error: ValidationError) -> Status[Any]:
    if hasattr(error, "error_dict"):
        errors: dict[str, list[str]] = {}
        for key, messages in error.message_dict.items():
            errors.setdefault(_field(key), []).extend(messages)
        detail = "；".join(m for messages in errors.values() for m in messages)
        return Status(REFUSED, {"detail": detail, "errors": errors})
    return Status(REFUSED, {"detail": "；".join(error.messages), "errors": {}})


def _run(action: Callable[[], Any], done: Callable[[Any], Status[Any]]) -> Status[Any]:
    try:
        result = action()
    except PermissionDenied as error:
        return Status(403, {"detail": str(error) or services.WRITE_DENIED})
    except ValidationError as error:
        return _refused(error)
    except YearNotLoaded as error:
        return Status(REFUSED, {"detail": str(error), "errors": {}})
    return done(result)


def _step(
    request: HttpRequest, case_id: int, action: Callable[[InspectionCase, User], Any]
) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    return _run(
        lambda: action(case, user),
        lambda _: Status(200, _case_payload(_case(user, case_id), user)),
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _document_ref(document: Document, step: str) -> dict[str, Any]:
    return {
        "id": document.pk,
        "step": step,
        "kind": document.kind.code,
        "kind_name": document.kind.name,
        "title": document.title,
        "number": document.number_text,
        "verification_code": document.verification_code,
        "status": document.status,
        "status_label": str(DocumentStatus(document.status).label),
        "issue_date": document.issue_date,
        "voided": document.is_voided,
    }


def _objection(objection: Objection) -> dict[str, Any]:
    return {
        "id": objection.pk,
        "case_id": objection.case_id,
        "case_reference": objection.case.reference,
        "category": objection.category,
        "category_label": objection.get_category_display(),
        "text": objection.text,
        "answer_due": objection.answer_due,
        "status": objection.status,
        "status_label": str(ObjectionStatus(objection.status).label),
        "submitted_at": objection.submitted_at,
        "answer": objection.answer,
        "answered_at": objection.answered_at,
        "attachments": [
            {
                "id": a.pk,
                "name": a.filename,
                "url": reverse("api:inspections_objection_attachment", args=[a.pk]),
            }
            for a in objection.attachments.all()
        ],
    }


def _rectification_report(report: RectificationReport) -> dict[str, Any]:
    # What the case page shows of a report, to the enterprise and the agency alike: who sent
    # it stays off the page (the enterprise sent it), so it stays out of the API.
    return {
        "id": report.pk,
        "text": report.text,
        "submitted_at": report.submitted_at,
        "is_late": report.is_late,
        "photos": [
            {
                "id": p.pk,
                "url": reverse("api:inspections_rectification_photo", args=[p.pk]),
            }
            for p in report.photos.all()
        ],
    }


def _external_payload(case: InspectionCase, user: User) -> dict[str, Any]:
    """The external cut of a case (``ExternalCaseOut``), built from the reader's own scope:
    documents through ``visible_to``, objections and bookings only for the enterprise."""
    links = (
        CaseDocument.objects.filter(case=case)
        .filter(document__in=visible_to(user, Document.objects.all()))
        .select_related("document__kind", "document__number")
    )
    own = access.can(user, "case.respond", case)
    decided = case.decided_at is not None
    return {
        **_case_fields(case),
        "audience": "external",
        "reason": selectors.external_reason(case),
        "verify_code": case.verify_code,
        "checkin_code": case.checkin_code if own else None,
        "items": [{"code": i.code, "name": i.name} for i in case.items.order_by("code")],
        "officers": _case_officers(case),
        "findings": [
            {
                "position": f.position,
                "item_code": f.item.code if f.item else "",
                "item_name": f.item.name if f.item else "其他情况",
                "result": f.result,
                "result_label": str(FindingResult(f.result).label),
                "description": f.description,
            }
            for f in (selectors.findings_of(case) if decided else [])
        ],
        "documents": [_document_ref(link.document, link.step) for link in links],
        "notified_at": case.notified_at,
        "started_at": case.started_at,
        "inspected_at": case.inspected_at,
        "decided_at": case.decided_at,
        "rectify_deadline": case.rectify_deadline,
        "rechecks": [
            {"rechecked_on": r.rechecked_on, "passed": r.passed} for r in case.rechecks.all()
        ],
        "closed_at": case.closed_at,
        "published_at": case.published_at,
        "result_summary": case.result_summary,
        "rating": case.rating,
        "rating_comment": case.rating_comment,
        "rated_at": case.rated_at,
        "objections": [
            _objection(o)
            for o in case.objections.prefetch_related("attachments").order_by("submitted_at", "pk")
        ]
        if own
        else [],
        "bookings": list(case.bookings.select_related("slot__officer", "case")) if own else [],
        "cancel_reason": case.cancel_reason,
    }


def _case_fields(case: InspectionCase) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "title": case.title,
        "kind": case.kind,
        "kind_label": case.get_kind_display(),
        "status": case.status,
        "status_label": case.get_status_display(),
        "organisation_id": case.organisation_id,
        "organisation_name": case.organisation.name,
        "enterprise_id": case.enterprise_id,
        "enterprise_name": case.enterprise.name,
        "enterprise_uscc": case.enterprise.uscc,
        "region_code": case.region_id,
        "inspection_date": case.inspection_date,
        "inspection_time": case.inspection_time,
        "is_emergency": case.is_emergency,
        "outcome": case.outcome,
        "outcome_label": case.get_outcome_display() if case.outcome else "",
    }


def _case_officers(case: InspectionCase, *, located: bool = False) -> list[dict[str, Any]]:
    rows = []
    for a in case.assignments.select_related("officer").order_by("position"):
        row: dict[str, Any] = {
            "position": a.position,
            "name": a.officer.name,
            "cert_no": a.officer.cert_no,
            "checked_in_at": a.checked_in_at,
        }
        if located:
            row["checkin_location"] = (
                None
                if a.checkin_latitude is None or a.checkin_longitude is None
                else {
                    "latitude": float(a.checkin_latitude),
                    "longitude": float(a.checkin_longitude),
                    "accuracy": a.checkin_accuracy,
                }
            )
        rows.append(row)
    return rows


def _case_payload(case: InspectionCase, user: User) -> dict[str, Any]:
    """The case as ``user`` may read it: the full record for the agencies and supervising
    bureaus, the external cut for the enterprise and a social supervisor."""
    if not access.can(user, "case.view_internal", case):
        return _external_payload(case, user)
    links = (
        CaseDocument.objects.filter(case=case)
        .filter(document__in=visible_to(user, Document.objects.all()))
        .select_related("document__kind", "document__number")
    )
    oral = OralNotice.objects.filter(case=case).select_related("told_by", "head").first()
    return {
        **_case_fields(case),
        "audience": "agency",
        "reason": case.reason,
        "exemption_reason": case.exemption_reason,
        "verify_code": case.verify_code,
        "items": [{"code": i.code, "name": i.name} for i in case.items.order_by("code")],
        "officers": _case_officers(case, located=True),
        "findings": [
            {
                "position": f.position,
                "item_code": f.item.code if f.item else "",
                "item_name": f.item.name if f.item else "其他情况",
                "result": f.result,
                "result_label": str(FindingResult(f.result).label),
                "description": f.description,
                "proposed": f.proposed,
                "chosen": f.chosen,
                "violation_code": f.violation_code,
                "violated_provision": f.violated_provision,
                "penalty_provision": f.penalty_provision,
                "legal_basis": f.penalty_provision,
                "deviation_reason": f.deviation_reason,
                "evidence": [
                    {
                        "id": e.pk,
                        "name": selectors.evidence_filename(e),
                        "sm3": e.sm3,
                        "uploaded_at": e.uploaded_at,
                    }
                    for e in f.evidence.all()
                ],
            }
            for f in selectors.findings_of(case)
        ],
        "documents": [_document_ref(link.document, link.step) for link in links],
        "requested_by": _name(case.requested_by),
        "submitted_at": case.submitted_at,
        "approved_by": _name(case.approved_by),
        "approved_at": case.approved_at,
        "approval_opinion": case.approval_opinion,
        "approval_batch_id": case.approval_batch_id,
        "notified_at": case.notified_at,
        "started_at": case.started_at,
        "inspected_at": case.inspected_at,
        "social_supervisor": _name(case.social_supervisor),
        "oral_notice": None
        if oral is None
        else {
            "told_at": oral.told_at,
            "place": oral.place,
            "told_by": f"{oral.told_by.name}（{oral.told_by.cert_no}）",
            "told_to": oral.told_to,
            "content": oral.content,
            "head": _name(oral.head),
            "makeup_due": oral.makeup_due,
            "makeup_done_at": oral.makeup_done_at,
        },
        "decided_at": case.decided_at,
        "decision_note": case.decision_note,
        "rectify_deadline": case.rectify_deadline,
        "rechecks": [
            {"rechecked_on": r.rechecked_on, "passed": r.passed, "note": r.note}
            for r in case.rechecks.all()
        ],
        "closed_at": case.closed_at,
        "publish_due": case.publish_due,
        "published_at": case.published_at,
        "result_summary": case.result_summary,
        "rating": case.rating,
        "rating_comment": case.rating_comment,
        "rated_at": case.rated_at,
        "objections": [
            _objection(o)
            for o in case.objections.prefetch_related("attachments").order_by("submitted_at", "pk")
        ],
        "bookings": list(case.bookings.select_related("slot__officer", "case")),
        "cancel_reason": case.cancel_reason,
    }


def _acting_organisation(
    user: User, requested: int | None, errors: dict[str, list[str]], *, action: str
) -> Organisation | None:
    """The organisation a new case or slot belongs to: the one named, else the user's own (an
    administrator has none and names one). Raises PermissionDenied unless ``action`` (a
    capability taking the organisation) allows it."""
    access.require(user, action)
    if requested is None:
        if user.organisation is None:
            if user.is_admin:
                errors["organisation"] = ["系统管理员办理时请填写执法机关编号（organisation）。"]
                return None
            raise PermissionDenied(services.WRITE_DENIED)
        organisation: Organisation | None = user.organisation
    else:
        organisation = Organisation.objects.filter(pk=requested).first()
        if organisation is None:
            if user.is_admin:
                errors["organisation"] = [f"没有编号为 {requested} 的执法机关。"]
                return None
            # Whether another organisation exists is not the caller's to learn.
            raise PermissionDenied(services.OTHER_ORG)
    access.require(user, action, organisation)
    return organisation


def _lookup_refused(errors: Mapping[str, list[str]]) -> Status[Any]:
    return _refused(ValidationError({k: list(v) for k, v in errors.items()}))


_STEP_RESPONSES: dict[int, Any] = {
    200: CaseView,
    403: Message,
    404: Message,
    400: FieldErrors,
}
