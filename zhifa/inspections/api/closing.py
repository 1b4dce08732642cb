"""After the decision: recheck, publication, rating and objections."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status
from ninja.errors import HttpError

from zhifa.core.access import requires
from zhifa.inspections import services
from zhifa.inspections.api._common import (
    _STEP_RESPONSES,
    _case,
    _objection,
    _run,
    _step,
    _user,
    router,
)
from zhifa.inspections.api.schemas import (
    AnswerIn,
    FieldErrors,
    Message,
    ObjectionIn,
    ObjectionOut,
    PublishIn,
    RateIn,
    RecheckIn,
)
from zhifa.inspections.models import InspectionCase, Objection
from zhifa.org.scoping import visible_to


@router.post(
    "/cases/{case_id}/recheck",
    response=_STEP_RESPONSES,
    summary="复查整改情况，出具复查意见书",
)
@requires("case.recheck", InspectionCase, kwarg="case_id")
def record_recheck(request: HttpRequest, case_id: int, payload: RecheckIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.record_recheck(
            c,
            actor=u,
            passed=payload.passed,
            note=payload.note,
            rechecked_on=payload.rechecked_on,
            file_case=payload.file_case,
        ),
    )


@router.post("/cases/{case_id}/publish", response=_STEP_RESPONSES, summary="公示检查结果")
@requires("case.edit", InspectionCase, kwarg="case_id")
def publish_result(request: HttpRequest, case_id: int, payload: PublishIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.publish_result(c, actor=u, summary=payload.summary),
    )


@router.post(
    "/cases/{case_id}/rate",
    response=_STEP_RESPONSES,
    summary="企业评价本次检查（1–5 星，一次）",
)
@requires("case.respond", InspectionCase, kwarg="case_id")
def rate_case(request: HttpRequest, case_id: int, payload: RateIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.rate_case(c, actor=u, rating=payload.rating, comment=payload.comment),
    )


@router.post(
    "/cases/{case_id}/objections",
    response={201: ObjectionOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="企业对检查提出异议（转执法监督机关）",
)
@requires("case.respond", InspectionCase, kwarg="case_id")
def object_to_case(request: HttpRequest, case_id: int, payload: ObjectionIn) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    return _run(
        lambda: services.object_to_case(
            case, actor=user, text=payload.text, category=payload.category
        ),
        lambda objection: Status(201, _objection(objection)),
    )


@router.post(
    "/objections/{objection_id}/answer",
    response={200: ObjectionOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="执法监督机关答复企业异议",
)
@requires("objection.answer", Objection, kwarg="objection_id")
def answer_objection(request: HttpRequest, objection_id: int, payload: AnswerIn) -> Status[Any]:
    user = _user(request)
    objection = (
        visible_to(user, Objection.objects.select_related("case")).filter(pk=objection_id).first()
    )
    if objection is None:
        raise HttpError(404, "没有找到该异议，或您无权查看。")
    return _run(
        lambda: services.answer_objection(objection, actor=user, answer=payload.answer),
        lambda answered: Status(200, _objection(answered)),
    )
