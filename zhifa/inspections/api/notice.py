"""Advance notice (凡检查必通知), the oral notice of an emergency and its 补办."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from zhifa.core.access import requires
from zhifa.inspections import services
from zhifa.inspections.api._common import (
    _STEP_RESPONSES,
    _aware,
    _case,
    _lookup_refused,
    _step,
    _user,
    router,
)
from zhifa.inspections.api.schemas import OpinionIn, OralNoticeIn
from zhifa.inspections.models import InspectionCase
from zhifa.org.models import Officer, User

# --- Notice -----------------------------------------------------------------------------------


@router.post(
    "/cases/{case_id}/notice",
    response=_STEP_RESPONSES,
    summary="发出预告通知书并送达企业端（逾期的拒绝，并给出今天预告时最早的合法检查日期）",
)
@requires("case.edit", InspectionCase, kwarg="case_id")
def issue_notice(request: HttpRequest, case_id: int) -> Status[Any]:
    return _step(request, case_id, lambda c, u: services.issue_notice(c, actor=u))


@router.post(
    "/cases/{case_id}/notice/confirm",
    response=_STEP_RESPONSES,
    summary="企业签收预告通知书（被检查企业的用户）",
)
@requires("case.respond", InspectionCase, kwarg="case_id")
def confirm_notice(request: HttpRequest, case_id: int) -> Status[Any]:
    return _step(request, case_id, lambda c, u: services.confirm_notice(c, actor=u))


@router.post(
    "/cases/{case_id}/oral-notice",
    response=_STEP_RESPONSES,
    summary="紧急现场检查：记录口头通知并报告执法机关负责人，进入现场",
)
@requires("case.edit", InspectionCase, kwarg="case_id")
def record_oral_notice(request: HttpRequest, case_id: int, payload: OralNoticeIn) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    errors: dict[str, list[str]] = {}
    told_by = Officer.objects.filter(
        organisation_id=case.organisation_id, cert_no=payload.told_by.strip()
    ).first()
    if told_by is None:
        errors["told_by"] = [
            f"{case.organisation.name}没有执法证号为 {payload.told_by} 的执法人员。"
        ]
    head = User.objects.filter(
        organisation_id=case.organisation_id, username=payload.head.strip()
    ).first()
    if head is None:
        errors["head"] = [f"{case.organisation.name}没有用户名为 {payload.head} 的用户。"]
    if errors or told_by is None:
        return _lookup_refused(errors)
    return _step(
        request,
        case_id,
        lambda c, u: services.record_oral_notice(
            c,
            actor=u,
            told_at=_aware(payload.told_at),
            place=payload.place,
            told_by=told_by,
            told_to=payload.told_to,
            content=payload.content,
            head=head,
        ),
    )


@router.post(
    "/cases/{case_id}/makeup",
    response=_STEP_RESPONSES,
    summary="紧急检查补办审批手续（执法机关负责人），出具口头通知记录",
)
@requires("case.makeup", InspectionCase, kwarg="case_id")
def complete_makeup(request: HttpRequest, case_id: int, payload: OpinionIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.complete_makeup(c, actor=u, opinion=payload.opinion),
    )
