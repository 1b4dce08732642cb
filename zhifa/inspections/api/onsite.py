"""On site: check-in, the social supervisor, findings and the site record."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Status
from ninja.files import UploadedFile

from zhifa.core.access import requires
from zhifa.inspections import services
from zhifa.inspections.api._common import (
    _STEP_RESPONSES,
    _case,
    _lookup_refused,
    _step,
    _user,
    router,
)
from zhifa.inspections.api.schemas import CheckInIn, FindingIn, FinishIn, SocialSupervisorIn
from zhifa.inspections.models import InspectionCase
from zhifa.org.models import Role, User

# --- On site ----------------------------------------------------------------------------------


@router.post(
    "/cases/{case_id}/check-in",
    response=_STEP_RESPONSES,
    summary="执法人员扫码签到；两名持有效执法证的执法人员签到后进入现场检查",
    description="只能用被检查企业出示的签到码，只能在批准（预告）的检查日期签到（或其后 "
    "ZHIFA_CHECKIN_WINDOW_DAYS 天内），提前或逾期一律拒绝；记录签到时间和手机提供的位置。",
)
@requires("case.checkin", InspectionCase, kwarg="case_id")
def check_in(request: HttpRequest, case_id: int, payload: CheckInIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.check_in(
            c,
            actor=u,
            code=payload.code,
            location=services.clean_location(payload.latitude, payload.longitude, payload.accuracy),
        ),
    )


@router.post(
    "/cases/{case_id}/social-supervisor",
    response=_STEP_RESPONSES,
    summary="安排（或取消）伴随检查的社会监督员",
)
@requires("case.assign_social_supervisor", InspectionCase, kwarg="case_id")
def assign_social_supervisor(
    request: HttpRequest, case_id: int, payload: SocialSupervisorIn
) -> Status[Any]:
    supervisor = None
    if payload.social_supervisor:
        supervisor = User.objects.filter(
            username=payload.social_supervisor.strip(), role=Role.SOCIAL_SUPERVISOR
        ).first()
        if supervisor is None:
            return _lookup_refused(
                {"social_supervisor": [f"没有用户名为 {payload.social_supervisor} 的社会监督员。"]}
            )
    return _step(
        request,
        case_id,
        lambda c, u: services.assign_social_supervisor(c, actor=u, supervisor=supervisor),
    )


@router.post(
    "/cases/{case_id}/findings",
    response=_STEP_RESPONSES,
    summary="逐项记录现场检查情况，可附证据照片或文件（multipart/form-data）",
    description="同一检查事项再次提交时替换原记录；证据文件以 files 字段上传，可多个，"
    "每个文件记录 SM3。",
)
@requires("case.record_onsite", InspectionCase, kwarg="case_id")
def record_finding(
    request: HttpRequest,
    case_id: int,
    payload: Form[FindingIn],
    files: File[list[UploadedFile] | None] = None,
) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    item = None
    if payload.item.strip():
        item = case.items.filter(code=payload.item.strip()).first()
        if item is None:
            return _lookup_refused(
                {"item": [f"本案件批准的检查事项中没有编码为“{payload.item}”的事项。"]}
            )
    return _step(
        request,
        case_id,
        lambda c, u: services.record_finding(
            c,
            actor=u,
            item=item,
            result=payload.result,
            description=payload.description,
            files=list(files or []),
        ),
    )


@router.post(
    "/cases/{case_id}/finish",
    response=_STEP_RESPONSES,
    summary="结束现场检查，出具现场检查笔录（每项检查事项都须已记录）",
)
@requires("case.record_onsite", InspectionCase, kwarg="case_id")
def finish_site_record(request: HttpRequest, case_id: int, payload: FinishIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.finish_site_record(
            c, actor=u, present_person=payload.present_person, party_opinion=payload.party_opinion
        ),
    )
