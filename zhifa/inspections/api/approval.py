"""Submitting, approving, rejecting, revising and cancelling cases; batches; the approval form."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from zhifa.core import params
from zhifa.core.access import requires
from zhifa.inspections import services
from zhifa.inspections.api._common import (
    _STEP_RESPONSES,
    _cases,
    _document_ref,
    _name,
    _run,
    _step,
    _user,
    router,
)
from zhifa.inspections.api.schemas import (
    BatchIn,
    BatchOut,
    FieldErrors,
    Message,
    NoticeBatchIn,
    NoticeBatchOut,
    OpinionIn,
    ReasonIn,
)
from zhifa.inspections.models import InspectionCase
from zhifa.org.models import User


def _listed_cases(user: User, ids: list[int]) -> list[InspectionCase] | Status[Any]:
    """The cases named in a request body, in the order given; a 404 naming those not found."""
    wanted = list(dict.fromkeys(ids))
    found = _cases(user).in_bulk(wanted)
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        return Status(
            404,
            {"detail": f"没有找到编号为 {'、'.join(map(str, missing))} 的检查案件，或您无权查看。"},
        )
    return [found[pk] for pk in wanted]


@router.post("/cases/{case_id}/submit", response=_STEP_RESPONSES, summary="提请审批")
@requires("case.edit", InspectionCase, kwarg="case_id")
def submit_case(request: HttpRequest, case_id: int) -> Status[Any]:
    return _step(request, case_id, lambda c, u: services.submit_case(c, actor=u))


@router.post(
    "/cases/{case_id}/approve",
    response=_STEP_RESPONSES,
    summary="批准检查（执法机关负责人，且不是申请人）；免于预告的类型同时批准免于预告理由",
)
@requires("case.approve", InspectionCase, kwarg="case_id")
def approve_case(request: HttpRequest, case_id: int, payload: OpinionIn) -> Status[Any]:
    return _step(
        request, case_id, lambda c, u: services.approve_case(c, actor=u, opinion=payload.opinion)
    )


@router.post("/cases/{case_id}/reject", response=_STEP_RESPONSES, summary="不予批准（须写明理由）")
@requires("case.reject", InspectionCase, kwarg="case_id")
def reject_case(request: HttpRequest, case_id: int, payload: ReasonIn) -> Status[Any]:
    return _step(
        request, case_id, lambda c, u: services.reject_case(c, actor=u, reason=payload.reason)
    )


@router.post(
    "/cases/{case_id}/revise", response=_STEP_RESPONSES, summary="未获批准的案件退回草稿修改"
)
@requires("case.edit", InspectionCase, kwarg="case_id")
def revise_case(request: HttpRequest, case_id: int) -> Status[Any]:
    return _step(request, case_id, lambda c, u: services.revise_case(c, actor=u))


@router.post("/cases/{case_id}/cancel", response=_STEP_RESPONSES, summary="撤销案件")
@requires("case.edit", InspectionCase, kwarg="case_id")
def cancel_case(request: HttpRequest, case_id: int, payload: ReasonIn) -> Status[Any]:
    return _step(
        request, case_id, lambda c, u: services.cancel_case(c, actor=u, reason=payload.reason)
    )


@router.post(
    "/batches",
    response={201: BatchOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="批量审批（全部批准或全部不批准），附批量审批清单",
)
@requires("case.approve_batch")
def approve_batch(request: HttpRequest, payload: BatchIn) -> Status[Any]:
    user = _user(request)
    listed = _listed_cases(user, params.ids(payload.cases, name="cases"))
    if isinstance(listed, Status):
        return listed
    return _run(
        lambda: services.approve_batch(
            listed, actor=user, title=payload.title, opinion=payload.opinion
        ),
        lambda batch: Status(
            201,
            {
                "id": batch.pk,
                "title": batch.title,
                "organisation_id": batch.organisation_id,
                "approved_by": _name(batch.approved_by),
                "approved_at": batch.approved_at,
                "opinion": batch.opinion,
                "cases": list(_cases(user).filter(approval_batch=batch).order_by("pk")),
                "list_document": _document_ref(batch.list_document, "approval")
                if batch.list_document
                else None,
            },
        ),
    )


@router.post(
    "/notices/batch",
    response={201: NoticeBatchOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="批量发出预告通知书（后台签发，逐件核对是否逾期）",
)
@requires("case.edit")
def issue_notices_in_batch(request: HttpRequest, payload: NoticeBatchIn) -> Status[Any]:
    user = _user(request)
    listed = _listed_cases(user, params.ids(payload.cases, name="cases"))
    if isinstance(listed, Status):
        return listed
    return _run(
        lambda: services.issue_notices_in_batch(listed, actor=user, title=payload.title),
        lambda batch: Status(
            201,
            {"id": batch.pk, "title": batch.title, "total": batch.total, "status": batch.status},
        ),
    )


@router.post(
    "/cases/{case_id}/approval-form",
    response=_STEP_RESPONSES,
    summary="生成行政检查审批表（单独审批的案件）",
)
@requires("case.edit", InspectionCase, kwarg="case_id")
def issue_approval_form(request: HttpRequest, case_id: int) -> Status[Any]:
    return _step(request, case_id, lambda c, u: services.issue_approval_form(c, actor=u))
