"""``/api/training/``: sessions, their attendees, and the yearly figures (per officer, per
agency, below the minimum). The same services and capabilities as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhifa.core import params
from zhifa.core.access import requires
from zhifa.org.models import Officer, Organisation, User
from zhifa.org.scoping import get_visible_or_404, visible_to
from zhifa.training import selectors, services
from zhifa.training.models import Attendance, TrainingRequirement, TrainingSession

router = Router(tags=["执法培训（事前筑基）"])


class Message(Schema):
    detail: str


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(description="按字段列出的错误")


class SessionOut(Schema):
    id: int
    organiser_id: int
    organiser_name: str
    region: str = Field(description="所属区划代码")
    date: dt.date
    form: str = Field(
        description="case_analysis 案例分析、practice 实务指导、questions 现场答疑、exam 考试"
    )
    form_name: str
    topic: str
    trainer: str
    place: str
    hours: Decimal
    pass_score: Decimal | None = Field(description="合格分数线（仅考试）")

    @staticmethod
    def resolve_organiser_name(obj: TrainingSession) -> str:
        return obj.organiser.name

    @staticmethod
    def resolve_region(obj: TrainingSession) -> str:
        return obj.region_id

    @staticmethod
    def resolve_form_name(obj: TrainingSession) -> str:
        return obj.get_form_display()


class SessionIn(Schema):
    date: dt.date
    form: str = Field(description="case_analysis、practice、questions 或 exam")
    topic: str
    trainer: str
    place: str
    hours: str = Field(description="学时，最多一位小数，如 2.5")
    pass_score: str = Field("", description="合格分数线（仅考试；空为 60）")


class AttendanceOut(Schema):
    id: int
    officer_id: int
    officer_name: str
    cert_no: str
    organisation_name: str
    hours: Decimal
    score: Decimal | None
    passed: bool | None

    @staticmethod
    def resolve_officer_name(obj: Attendance) -> str:
        return obj.officer.name

    @staticmethod
    def resolve_cert_no(obj: Attendance) -> str:
        return obj.officer.cert_no

    @staticmethod
    def resolve_organisation_name(obj: Attendance) -> str:
        return obj.officer.organisation.name


class AttendeesIn(Schema):
    officer_ids: list[int] = Field(description="执法人员 id；全部可登记才登记，否则一人也不登记")


class OfficerHoursOut(Schema):
    officer_id: int
    officer_name: str
    cert_no: str
    organisation_name: str
    person_times: int = Field(description="参训人次")
    hours: Decimal
    required: Decimal | None = Field(description="年度最低学时；未设置为空")
    shortfall: Decimal = Field(description="差额学时")
    below_minimum: bool
    source: str = Field(description="学时要求的依据")


class AgencyFiguresOut(Schema):
    organisation_id: int
    organisation_name: str
    officers: int
    person_times: int
    hours: Decimal
    below: int = Field(description="学时未达标人数")
    required: Decimal | None


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _refused(error: ValidationError) -> Status[Any]:
    if hasattr(error, "error_dict"):
        errors = {
            ("non_field" if key == "__all__" else key): list(messages)
            for key, messages in error.message_dict.items()
        }
        detail = "；".join(m for messages in errors.values() for m in messages)
        return Status(400, {"detail": detail, "errors": errors})
    return Status(400, {"detail": "；".join(error.messages), "errors": {}})


def _hours(row: selectors.OfficerHours) -> dict[str, Any]:
    return {
        "officer_id": row.officer.pk,
        "officer_name": row.officer.name,
        "cert_no": row.officer.cert_no,
        "organisation_name": row.officer.organisation.name,
        "person_times": row.person_times,
        "hours": row.hours,
        "required": row.required,
        "shortfall": row.shortfall,
        "below_minimum": row.below_minimum,
        "source": row.source,
    }


def _year(year: int | None) -> int:
    checked = params.year(year)
    return checked if checked is not None else timezone.localdate().year


@router.get("/sessions", response=list[SessionOut], summary="培训记录（本人可见范围）")
@requires("training.view")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
def list_sessions(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="主题、授课人、地点或组织单位"),
    year: int | None = Query(None, description="培训日期所在年度"),
) -> QuerySet[TrainingSession]:
    return selectors.sessions_for(_user(request), q=q, year=params.year(year))


@router.post(
    "/sessions",
    response={201: SessionOut, 400: FieldErrors, 403: Message},
    summary="登记本机关组织的培训",
)
@requires("training.manage", own_organisation=True)
def create_session(request: HttpRequest, payload: SessionIn) -> Status[Any]:
    user = _user(request)
    organiser = cast(Organisation, user.organisation)
    try:
        session = services.create_session(actor=user, organiser=organiser, data=payload.dict())
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except ValidationError as error:
        return _refused(error)
    return Status(201, session)


@router.get(
    "/sessions/{session_id}/attendees",
    response=list[AttendanceOut],
    summary="一次培训的参训人员、学时和成绩",
)
@requires("training.view", TrainingSession, kwarg="session_id")
def list_attendees(request: HttpRequest, session_id: int) -> QuerySet[Attendance]:
    session = get_visible_or_404(_user(request), TrainingSession.objects.all(), pk=session_id)
    return session.attendances.select_related("officer__organisation").order_by("officer__name")


@router.post(
    "/sessions/{session_id}/attendees",
    response={201: list[AttendanceOut], 400: FieldErrors, 403: Message},
    summary="登记参训人员（全部可登记才登记）",
)
@requires("training.manage", TrainingSession, kwarg="session_id")
def add_attendees(request: HttpRequest, session_id: int, payload: AttendeesIn) -> Status[Any]:
    user = _user(request)
    session = get_visible_or_404(
        user, TrainingSession.objects.select_related("organiser__region"), pk=session_id
    )
    officers = {
        o.pk: o
        for o in visible_to(user, Officer.objects.select_related("organisation__region")).filter(
            pk__in=payload.officer_ids
        )
    }
    unknown = [str(pk) for pk in payload.officer_ids if pk not in officers]
    if unknown:
        return Status(
            400,
            {
                "detail": "未找到执法人员（或您无权查看）：" + "、".join(unknown),
                "errors": {"officer_ids": ["未找到执法人员：" + "、".join(unknown)]},
            },
        )
    try:
        added = services.add_attendees(session, actor=user, officers=list(officers.values()))
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except ValidationError as error:
        return _refused(error)
    return Status(201, added)


@router.get(
    "/officers",
    response=list[OfficerHoursOut],
    summary="本机关（监督机关：所辖各执法单位）执法人员的年度参训人次和学时",
)
@requires("training.view", own_organisation=True)
def officer_hours(request: HttpRequest, year: int | None = Query(None)) -> list[dict[str, Any]]:
    organisation = cast(Organisation, _user(request).organisation)
    return [_hours(r) for r in selectors.hours_for_organisation(organisation, _year(year))]


@router.get(
    "/below-minimum",
    response=list[OfficerHoursOut],
    summary="年度培训学时未达标的执法人员",
)
@requires("training.view", own_organisation=True)
def below_minimum(request: HttpRequest, year: int | None = Query(None)) -> list[dict[str, Any]]:
    organisation = cast(Organisation, _user(request).organisation)
    return [_hours(r) for r in selectors.below_minimum(organisation, _year(year))]


@router.get(
    "/agencies",
    response=list[AgencyFiguresOut],
    summary="各执法单位的年度参训人次、学时和未达标人数",
)
@requires("training.view")
def agency_figures(request: HttpRequest, year: int | None = Query(None)) -> list[dict[str, Any]]:
    return [
        {
            "organisation_id": f.organisation.pk,
            "organisation_name": f.organisation.name,
            "officers": f.officers,
            "person_times": f.person_times,
            "hours": f.hours,
            "below": f.below,
            "required": f.required,
        }
        for f in selectors.agency_figures(_user(request), _year(year))
    ]


class ResultIn(Schema):
    hours: str = Field(description="认定学时，最多一位小数")
    score: str = Field("", description="考试成绩 0–100（仅考试；非考试留空）")


@router.post(
    "/attendances/{attendance_id}/result",
    response={200: AttendanceOut, 400: FieldErrors, 403: Message},
    summary="登记一名参训人员的学时和考试成绩",
)
@requires("training.manage", Attendance, kwarg="attendance_id")
def record_result(request: HttpRequest, attendance_id: int, payload: ResultIn) -> Status[Any]:
    user = _user(request)
    attendance = get_visible_or_404(
        user,
        Attendance.objects.select_related("session__organiser", "officer__organisation"),
        pk=attendance_id,
    )
    try:
        services.record_result(attendance, actor=user, hours=payload.hours, score=payload.score)
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except ValidationError as error:
        return _refused(error)
    return Status(200, attendance)


class RequirementOut(Schema):
    region: str | None = Field(description="区划代码；空为全国默认值")
    region_name: str
    yearly_hours: Decimal
    source: str = Field(description="学时要求的依据")

    @staticmethod
    def resolve_region(obj: TrainingRequirement) -> str | None:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj: TrainingRequirement) -> str:
        return obj.region.full_name if obj.region is not None else "全国"


@router.get(
    "/requirements",
    response=list[RequirementOut],
    summary="各地年度最低培训学时及其依据",
)
@requires("training.view")
def list_requirements(request: HttpRequest) -> QuerySet[TrainingRequirement]:
    return TrainingRequirement.objects.select_related("region").order_by("region_id")
