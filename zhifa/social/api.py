"""``/api/social/``: every action of the social pages, for the bureau and the supervisor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from zhifa.core import timefmt
from zhifa.core.access import requires
from zhifa.inspections import services as inspection_services
from zhifa.inspections.models import InspectionCase
from zhifa.org.models import User
from zhifa.social import selectors, services
from zhifa.social.models import Assignment, Conflict, Report, SocialSupervisor
from zhifa.supervision.sources import draft_url

router = Router(tags=["社会监督员（伴随式监督）"])

REFUSED = 400


class Message(Schema):
    detail: str


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(description="按字段列出的错误")


class SupervisorOut(Schema):
    id: int
    code: str = Field(description="监督员编号（抽取名录所列）")
    name: str
    category: str
    region: str
    bureau: str
    phone: str
    available: bool
    paused_until: dt.date | None
    pause_reason: str


class SkippedOut(Schema):
    code: str
    name: str
    reason: str


class AssignmentOut(Schema):
    id: int
    case_id: int
    case_reference: str
    inspection_date: dt.date
    inspection_time: str
    enterprise: str
    place: str
    agency: str
    supervisor: str
    attempt: int
    status: str
    status_label: str
    decline_reason: str
    drawn_at: dt.datetime
    responded_at: dt.datetime | None
    checked_in_at: dt.datetime | None
    key_string: str
    pool_sm3: str
    skipped: list[SkippedOut]
    report_id: int | None


class PointOut(Schema):
    position: int
    section: str
    item: str


class PointIn(Schema):
    breached: bool = Field(description="该项是否有违反")
    note: str = Field("", description="说明；有违反时必填")


class ReportIn(Schema):
    points: list[PointIn] = Field(description="按 report-points 的顺序逐项填写")
    credentials: str = Field(
        description="执法证出示情况：all 全部出示 / some 部分出示 / none 未出示"
    )
    attitude: int = Field(description="执法态度 1–5 分")
    notes: str = ""


class ReportPointOut(Schema):
    position: int
    section: str
    item: str
    breached: bool
    note: str


class ReportOut(Schema):
    id: int
    assignment_id: int
    case_reference: str
    agency: str
    enterprise: str
    supervisor: str
    credentials: str
    attitude: int
    notes: str
    filed_at: dt.datetime
    problem_status: str
    problem_status_label: str
    resolution: str
    points: list[ReportPointOut]
    photos: list[str] = Field(description="照片的 SM3")
    document_url: str = Field(description="转为监督文书的起草页面地址")


class DeclineIn(Schema):
    reason: str


class CheckInIn(Schema):
    latitude: float | None = None
    longitude: float | None = None
    accuracy: float | None = None


class ReasonIn(Schema):
    reason: str


class RegisterIn(Schema):
    user_id: int = Field(description="社会监督员账号的用户 ID（角色须为社会监督员）")
    category: str = Field(description="类别代码：npc_deputy、cppcc_member、lawyer 等")
    category_note: str = ""
    phone: str = ""


class AvailabilityIn(Schema):
    paused: bool
    until: dt.date | None = None
    reason: str = ""


class ConflictIn(Schema):
    enterprise_id: int | None = None
    organisation_id: int | None = None
    reason: str


class ConflictOut(Schema):
    id: int
    target: str
    reason: str
    withdrawn: bool


RESPONSES: dict[int, Any] = {403: Message, 404: Message, 400: FieldErrors}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _refused(error: ValidationError) -> Status[Any]:
    if hasattr(error, "error_dict"):
        errors = {k: list(v) for k, v in error.message_dict.items()}
        detail = "；".join(m for messages in errors.values() for m in messages)
        return Status(REFUSED, {"detail": detail, "errors": errors})
    return Status(REFUSED, {"detail": "；".join(error.messages), "errors": {}})


def _run(action: Callable[[], Any], done: Callable[[Any], Any]) -> Status[Any]:
    try:
        result = action()
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except ValidationError as error:
        return _refused(error)
    return Status(200, done(result))


def _supervisor_out(s: SocialSupervisor) -> dict[str, Any]:
    return {
        "id": s.pk,
        "code": s.code,
        "name": s.name,
        "category": s.category_text,
        "region": s.region.name,
        "bureau": s.bureau.name,
        "phone": s.phone,
        "available": s.unavailable_reason(timezone.localdate()) is None,
        "paused_until": s.paused_until,
        "pause_reason": s.pause_reason,
    }


def _assignment_out(a: Assignment) -> dict[str, Any]:
    case = a.case
    report = Report.objects.filter(assignment=a).values_list("pk", flat=True).first()
    return {
        "id": a.pk,
        "case_id": case.pk,
        "case_reference": case.reference,
        "inspection_date": case.inspection_date,
        "inspection_time": timefmt.fmt_time(case.inspection_time),
        "enterprise": case.enterprise.name,
        "place": case.enterprise.address,
        "agency": case.organisation.name,
        "supervisor": a.supervisor.name,
        "attempt": a.attempt,
        "status": a.status,
        "status_label": a.get_status_display(),
        "decline_reason": a.decline_reason,
        "drawn_at": a.drawn_at,
        "responded_at": a.responded_at,
        "checked_in_at": a.checked_in_at,
        "key_string": a.key_string,
        "pool_sm3": a.pool_sm3,
        "skipped": [s.__dict__ for s in services.skipped_of(a)],
        "report_id": report,
    }


def _report_out(r: Report) -> dict[str, Any]:
    case = r.case
    return {
        "id": r.pk,
        "assignment_id": r.assignment_id,
        "case_reference": case.reference,
        "agency": case.organisation.name,
        "enterprise": case.enterprise.name,
        "supervisor": r.assignment.supervisor.name,
        "credentials": r.credentials,
        "attitude": r.attitude,
        "notes": r.notes,
        "filed_at": r.filed_at,
        "problem_status": r.problem_status,
        "problem_status_label": r.get_problem_status_display(),
        "resolution": r.resolution,
        "points": [
            {
                "position": p.position,
                "section": p.section,
                "item": p.item,
                "breached": p.breached,
                "note": p.note,
            }
            for p in r.points.all()
        ],
        "photos": list(r.photos.values_list("sm3", flat=True)),
        "document_url": draft_url("social_report", r.pk),
    }


def _assignment(request: HttpRequest, pk: int) -> Assignment:
    found: Assignment = (
        Assignment.objects.restrict(_user(request))
        .select_related("case__enterprise", "case__organisation", "supervisor__user")
        .get(pk=pk)
    )
    return found


def _report(request: HttpRequest, pk: int) -> Report:
    found: Report = Report.objects.restrict(_user(request)).get(pk=pk)
    return found


# --- Registry ---------------------------------------------------------------------------------


@router.get("/supervisors", response=list[SupervisorOut], summary="社会监督员名册（本地区）")
@requires("social.manage")
def list_supervisors(request: HttpRequest) -> list[dict[str, Any]]:
    return [_supervisor_out(s) for s in selectors.supervisors(_user(request))]


@router.post(
    "/supervisors",
    response={200: SupervisorOut, **RESPONSES},
    summary="登记社会监督员（由本人所在的执法监督机关管理）",
)
@requires("social.manage", own_organisation=True)
def register(request: HttpRequest, payload: RegisterIn) -> Status[Any]:
    user = _user(request)
    bureau = selectors.bureau_of(user)
    if bureau is None:
        return Status(403, {"detail": "您的账号不隶属执法监督机关，不能登记社会监督员。"})
    person = User.objects.filter(pk=payload.user_id, is_active=True).first()
    if person is None:
        return _refused(ValidationError({"user_id": ["没有找到该账号。"]}))
    return _run(
        lambda: services.register_supervisor(
            actor=user,
            user=person,
            bureau=bureau,
            category=payload.category,
            category_note=payload.category_note,
            phone=payload.phone,
        ),
        lambda s: _supervisor_out(s),
    )


@router.post(
    "/supervisors/{supervisor_id}/availability",
    response={200: SupervisorOut, **RESPONSES},
    summary="暂停或恢复社会监督员接受安排",
)
@requires("social.manage", SocialSupervisor, kwarg="supervisor_id")
def set_availability(
    request: HttpRequest, supervisor_id: int, payload: AvailabilityIn
) -> Status[Any]:
    supervisor = selectors.supervisors(_user(request)).get(pk=supervisor_id)
    return _run(
        lambda: services.set_availability(
            supervisor,
            actor=_user(request),
            paused=payload.paused,
            until=payload.until,
            reason=payload.reason,
        ),
        lambda s: _supervisor_out(selectors.supervisors(_user(request)).get(pk=s.pk)),
    )


@router.post(
    "/supervisors/{supervisor_id}/conflicts",
    response={200: ConflictOut, **RESPONSES},
    summary="记录回避申报（企业或执法机关二选一）",
)
@requires("social.manage", SocialSupervisor, kwarg="supervisor_id")
def declare_conflict(request: HttpRequest, supervisor_id: int, payload: ConflictIn) -> Status[Any]:
    from zhifa.org.models import Organisation
    from zhifa.registry.models import Enterprise

    supervisor = selectors.supervisors(_user(request)).get(pk=supervisor_id)
    enterprise = (
        Enterprise.objects.filter(pk=payload.enterprise_id).first()
        if payload.enterprise_id
        else None
    )
    organisation = (
        Organisation.objects.filter(pk=payload.organisation_id).first()
        if payload.organisation_id
        else None
    )
    if payload.enterprise_id and enterprise is None:
        return _refused(ValidationError({"enterprise_id": ["没有找到该企业。"]}))
    if payload.organisation_id and organisation is None:
        return _refused(ValidationError({"organisation_id": ["没有找到该执法机关。"]}))
    return _run(
        lambda: services.declare_conflict(
            supervisor,
            actor=_user(request),
            reason=payload.reason,
            enterprise=enterprise,
            organisation=organisation,
        ),
        lambda c: {
            "id": c.pk,
            "target": c.target,
            "reason": c.reason,
            "withdrawn": c.withdrawn_at is not None,
        },
    )


@router.post(
    "/conflicts/{conflict_id}/withdraw",
    response={200: ConflictOut, **RESPONSES},
    summary="撤回回避申报",
)
@requires("social.manage", Conflict, kwarg="conflict_id")
def withdraw_conflict(request: HttpRequest, conflict_id: int) -> Status[Any]:
    conflict = Conflict.objects.restrict(_user(request)).get(pk=conflict_id)
    return _run(
        lambda: services.withdraw_conflict(conflict, actor=_user(request)),
        lambda c: {"id": c.pk, "target": c.target, "reason": c.reason, "withdrawn": True},
    )


# --- Draws and assignments ----------------------------------------------------------------------


@router.post(
    "/cases/{case_id}/draw",
    response={200: AssignmentOut, **RESPONSES},
    summary="为已批准的检查抽取伴随监督的社会监督员（RFC 3797，跳过回避和暂停人员）",
)
@requires("social.draw", InspectionCase, kwarg="case_id")
def draw(request: HttpRequest, case_id: int) -> Status[Any]:
    case = InspectionCase.objects.restrict(_user(request)).get(pk=case_id)
    return _run(
        lambda: services.draw_social_supervisor(case, actor=_user(request)),
        lambda a: _assignment_out(_assignment(request, a.pk)),
    )


@router.get(
    "/assignments",
    response=list[AssignmentOut],
    summary="伴随监督安排（社会监督员：本人的；监督机关：本地区的）",
)
@requires("social.view")
def list_assignments(request: HttpRequest) -> list[dict[str, Any]]:
    return [_assignment_out(a) for a in selectors.bureau_assignments(_user(request))[:200]]


@router.get(
    "/assignments/{assignment_id}",
    response={200: AssignmentOut, 404: Message},
    summary="一项伴随监督安排，含抽取的密钥串和跳过人员",
)
@requires("social.view", Assignment, kwarg="assignment_id")
def get_assignment(request: HttpRequest, assignment_id: int) -> dict[str, Any]:
    return _assignment_out(_assignment(request, assignment_id))


@router.post(
    "/assignments/{assignment_id}/accept",
    response={200: AssignmentOut, **RESPONSES},
    summary="接受伴随监督（本人）",
)
@requires("social.respond", Assignment, kwarg="assignment_id")
def accept(request: HttpRequest, assignment_id: int) -> Status[Any]:
    assignment = _assignment(request, assignment_id)
    return _run(
        lambda: services.accept_assignment(assignment, actor=_user(request)),
        lambda a: _assignment_out(_assignment(request, a.pk)),
    )


@router.post(
    "/assignments/{assignment_id}/decline",
    response={200: AssignmentOut, **RESPONSES},
    summary="谢绝伴随监督并说明理由（本人）",
)
@requires("social.respond", Assignment, kwarg="assignment_id")
def decline(request: HttpRequest, assignment_id: int, payload: DeclineIn) -> Status[Any]:
    assignment = _assignment(request, assignment_id)
    return _run(
        lambda: services.decline_assignment(
            assignment, actor=_user(request), reason=payload.reason
        ),
        lambda a: _assignment_out(_assignment(request, a.pk)),
    )


@router.post(
    "/assignments/{assignment_id}/check-in",
    response={200: AssignmentOut, **RESPONSES},
    summary="到场签到（检查当日起；可附手机定位）",
)
@requires("social.respond", Assignment, kwarg="assignment_id")
def check_in(request: HttpRequest, assignment_id: int, payload: CheckInIn) -> Status[Any]:
    assignment = _assignment(request, assignment_id)
    return _run(
        lambda: services.check_in(
            assignment,
            actor=_user(request),
            location=inspection_services.clean_location(
                payload.latitude, payload.longitude, payload.accuracy
            ),
        ),
        lambda a: _assignment_out(_assignment(request, a.pk)),
    )


@router.get(
    "/assignments/{assignment_id}/report-points",
    response={200: list[PointOut], 403: Message, 404: Message},
    summary="反馈须逐项填写的五个严禁·八个不得（检查当日施行的版本）",
)
@requires("social.respond", Assignment, kwarg="assignment_id")
def report_points(request: HttpRequest, assignment_id: int) -> list[dict[str, Any]]:
    assignment = _assignment(request, assignment_id)
    return [
        {"position": n, "section": section, "item": item}
        for n, (section, item) in enumerate(services.report_points(assignment.case), start=1)
    ]


@router.post(
    "/assignments/{assignment_id}/report",
    response={200: ReportOut, **RESPONSES},
    summary="提交伴随监督反馈（照片另用 /reports/{id}/photos 上传）",
)
@requires("social.respond", Assignment, kwarg="assignment_id")
def file_report(request: HttpRequest, assignment_id: int, payload: ReportIn) -> Status[Any]:
    assignment = _assignment(request, assignment_id)
    return _run(
        lambda: services.file_report(
            assignment,
            actor=_user(request),
            points=[services.PointAnswer(breached=p.breached, note=p.note) for p in payload.points],
            credentials=payload.credentials,
            attitude=payload.attitude,
            notes=payload.notes,
        ),
        _report_out,
    )


# --- Reports and problems -----------------------------------------------------------------------


@router.get(
    "/reports/{report_id}",
    response={200: ReportOut, 404: Message},
    summary="一份伴随监督反馈",
)
@requires("social.view", Report, kwarg="report_id")
def get_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return _report_out(_report(request, report_id))


@router.post(
    "/reports/{report_id}/photos",
    response={200: ReportOut, **RESPONSES},
    summary="上传反馈的现场照片（multipart/form-data，photos 字段，可多个；JPG/PNG）",
)
@requires("social.respond", Report, kwarg="report_id")
def upload_photos(
    request: HttpRequest, report_id: int, photos: File[list[UploadedFile]]
) -> Status[Any]:
    report = _report(request, report_id)
    return _run(
        lambda: services.add_report_photos(report, actor=_user(request), photos=list(photos)),
        _report_out,
    )


@router.get(
    "/problems",
    response=list[ReportOut],
    summary="社会监督员反映的问题（本地区执法监督机关）",
)
@requires("social.problems")
def list_problems(request: HttpRequest) -> list[dict[str, Any]]:
    return [_report_out(r) for r in selectors.problems(_user(request))[:200]]


@router.post(
    "/reports/{report_id}/clear",
    response={200: ReportOut, **RESPONSES},
    summary="标记为核实无问题（须说明核实情况）",
)
@requires("social.problems", Report, kwarg="report_id")
def clear(request: HttpRequest, report_id: int, payload: ReasonIn) -> Status[Any]:
    report = _report(request, report_id)
    return _run(
        lambda: services.clear_problem(report, actor=_user(request), reason=payload.reason),
        _report_out,
    )
