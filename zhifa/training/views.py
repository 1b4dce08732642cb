"""Pages of training (事前筑基). Thin: scope, validate, call a service, render.

A supervising body records the sessions it organises and sees every session of its region; an
agency records its internal sessions and sees its officers' hours (培训学时). Rows come from
``restrict``; every page declares its capability (``@requires``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from zhifa.core import access
from zhifa.core.access import requires
from zhifa.core.exports import XLSX_TYPE, xlsx_response
from zhifa.core.timefmt import fmt_date
from zhifa.core.viewhelpers import add_service_errors, posted
from zhifa.core.viewhelpers import request_user as _user
from zhifa.org.models import Officer, Organisation, Region
from zhifa.org.scoping import get_visible_or_404, visible_to
from zhifa.training import importing, selectors, services
from zhifa.training.forms import (
    AttendanceImportForm,
    RequirementForm,
    ResultForm,
    SessionFilterForm,
    SessionForm,
    YearForm,
)
from zhifa.training.models import Attendance, TrainingRequirement, TrainingSession

REPORT_LIMIT = 1000


def _year(request: HttpRequest) -> tuple[YearForm, int]:
    form = YearForm(request.GET or None)
    year = timezone.localdate().year
    if form.is_bound and form.is_valid() and form.cleaned_data["year"]:
        year = form.cleaned_data["year"]
    return form, year


def _session(request: HttpRequest, pk: int) -> TrainingSession:
    return get_visible_or_404(
        _user(request), TrainingSession.objects.select_related("organiser", "region"), pk=pk
    )


# --- Sessions ----------------------------------------------------------------------------------


@login_required
@requires("training.view")
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SessionFilterForm(request.GET or None, years=selectors.session_years(user))
    q, year = "", None
    if form.is_bound and form.is_valid():
        q, year = form.cleaned_data["q"], form.cleaned_data["year"]
    sessions = selectors.sessions_for(user, q=q, year=year)
    page = Paginator(sessions, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/session_list.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "can_manage": access.can(user, "training.manage", user.organisation)
            if user.organisation
            else False,
            "export_query": request.GET.urlencode(),
        },
    )


SESSION_EXPORT_HEADERS = [
    "培训日期",
    "培训形式",
    "培训主题",
    "组织单位",
    "授课人",
    "培训地点",
    "学时",
    "参训人员",
    "执法证号",
    "所属机构",
    "认定学时",
    "考试成绩",
    "考试结果",
]


@login_required
@requires("training.view")
@require_GET
def session_export(request: HttpRequest) -> HttpResponse:
    """Sessions with their attendees: one row per attendee (a session without any: one row)."""
    user = _user(request)
    form = SessionFilterForm(request.GET or None, years=selectors.session_years(user))
    q, year = "", None
    if form.is_bound and form.is_valid():
        q, year = form.cleaned_data["q"], form.cleaned_data["year"]
    sessions = selectors.sessions_for(user, q=q, year=year).prefetch_related(
        "attendances__officer__organisation"
    )

    def rows() -> Iterator[Sequence[Any]]:
        for s in sessions:
            head = [
                fmt_date(s.date),
                s.get_form_display(),
                s.topic,
                s.organiser.name,
                s.trainer,
                s.place,
                s.hours,
            ]
            attendances = list(s.attendances.all())
            if not attendances:
                yield [*head, "", "", "", "", "", ""]
            for a in attendances:
                yield [
                    *head,
                    a.officer.name,
                    a.officer.cert_no,
                    a.officer.organisation.name,
                    a.hours,
                    "" if a.score is None else a.score,
                    a.result_label,
                ]

    return xlsx_response("培训记录", SESSION_EXPORT_HEADERS, rows())


@login_required
@requires("training.manage", own_organisation=True)
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organiser: Organisation = user.organisation  # type: ignore[assignment]
    form = SessionForm(posted(request))
    if form.is_bound and form.is_valid():
        try:
            session = services.create_session(
                actor=user, organiser=organiser, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已登记培训“{session.topic}”，请添加参训人员。")
            return redirect("training:attendee_add", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form, "organiser": organiser})


@login_required
@requires("training.view", TrainingSession)
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    session = _session(request, pk)
    attendances = session.attendances.select_related("officer__organisation").order_by(
        "officer__organisation__name", "officer__name"
    )
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "attendances": attendances,
            "can_manage": access.can(user, "training.manage", session),
        },
    )


# --- Attendees ---------------------------------------------------------------------------------


@login_required
@requires("training.manage", TrainingSession)
@require_http_methods(["GET", "POST"])
def attendee_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A searchable list of officers (by name or 执法证号) to tick; officers outside the
    organiser's scope are shown greyed and cannot be ticked."""
    user = _user(request)
    session = _session(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        ids = [v for v in request.POST.getlist("officers") if v.isdigit()]
        chosen = list(
            visible_to(user, Officer.objects.select_related("organisation__region")).filter(
                pk__in=ids
            )
        )
        try:
            added = services.add_attendees(session, actor=user, officers=chosen)
        except ValidationError as error:
            errors = [m for ms in error.message_dict.values() for m in ms]
        else:
            messages.success(request, f"已登记参训人员 {len(added)} 名。")
            return redirect("training:session_detail", pk=session.pk)
    q = request.GET.get("q", "")[:50]
    candidates = selectors.officer_candidates(user, session, q)
    template = (
        "training/_candidates.html"
        if request.headers.get("HX-Request") and request.method == "GET"
        else "training/attendee_add.html"
    )
    return render(
        request,
        template,
        {"session": session, "candidates": candidates, "q": q, "errors": errors},
    )


@login_required
@requires("training.manage", TrainingSession)
@require_http_methods(["GET", "POST"])
def attendee_import(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    session = _session(request, pk)
    form = AttendanceImportForm(posted(request), request.FILES or None)
    report = None
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        report = services.import_attendance(
            session, actor=user, file_name=upload.name, content=upload.read()
        )
        if report.ok:
            messages.success(
                request,
                f"已导入文件“{upload.name}”：新增 {report.created} 名、更新 {report.updated} 名。",
            )
            return redirect("training:session_detail", pk=session.pk)
    return render(
        request,
        "training/attendee_import.html",
        {
            "session": session,
            "form": form,
            "report": report,
            "shown_errors": report.errors[:REPORT_LIMIT] if report else [],
            "hidden_error_count": max(0, len(report.errors) - REPORT_LIMIT) if report else 0,
            "columns": importing.COLUMNS,
        },
    )


@login_required
@requires("training.view")
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(importing.template_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "参训人员导入模板.xlsx")
    return response


def _attendance(request: HttpRequest, pk: int) -> Attendance:
    return get_visible_or_404(
        _user(request),
        Attendance.objects.select_related("session__organiser", "officer__organisation"),
        pk=pk,
    )


@login_required
@requires("training.manage", Attendance)
@require_http_methods(["GET", "POST"])
def attendance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    attendance = _attendance(request, pk)
    initial = {
        "hours": attendance.hours,
        "score": "" if attendance.score is None else attendance.score,
    }
    form = ResultForm(posted(request), initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.record_result(
                attendance,
                actor=user,
                hours=form.cleaned_data["hours"],
                score=form.cleaned_data["score"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已保存{attendance.officer.name}的学时和成绩。")
            return redirect("training:session_detail", pk=attendance.session_id)
    return render(
        request, "training/attendance_form.html", {"form": form, "attendance": attendance}
    )


@login_required
@requires("training.manage", Attendance)
@require_http_methods(["GET", "POST"])
def attendance_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirmation first: removing an attendee takes his hours away."""
    user = _user(request)
    attendance = _attendance(request, pk)
    if request.method == "POST":
        session_pk = attendance.session_id
        services.remove_attendee(attendance, actor=user)
        messages.success(request, f"已将{attendance.officer.name}移出参训名单。")
        return redirect("training:session_detail", pk=session_pk)
    return render(request, "training/attendance_remove.html", {"attendance": attendance})


# --- Figures -----------------------------------------------------------------------------------


@login_required
@requires("training.view")
@require_GET
def agency_figures(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form, year = _year(request)
    figures = selectors.agency_figures(user, year)
    return render(
        request,
        "training/agency_figures.html",
        {
            "form": form,
            "year": year,
            "figures": figures,
            "totals": {
                "officers": sum(f.officers for f in figures),
                "person_times": sum(f.person_times for f in figures),
                "hours": sum((f.hours for f in figures), selectors.ZERO),
                "below": sum(f.below for f in figures),
            },
        },
    )


def _own_rows(request: HttpRequest, year: int, *, below_only: bool) -> list[selectors.OfficerHours]:
    organisation: Organisation = _user(request).organisation  # type: ignore[assignment]
    if below_only:
        return selectors.below_minimum(organisation, year)
    return selectors.hours_for_organisation(organisation, year)


@login_required
@requires("training.view", own_organisation=True)
@require_GET
def officer_hours(request: HttpRequest) -> HttpResponse:
    """培训学时: the hours of the officers the user's organisation looks after (an agency: its
    own), those below the yearly minimum marked."""
    form, year = _year(request)
    rows = _own_rows(request, year, below_only=False)
    organisation = _user(request).organisation
    assert organisation is not None
    return render(
        request,
        "training/officer_hours.html",
        {
            "form": form,
            "year": year,
            "rows": rows,
            "organisation": organisation,
            "requirement": selectors.requirement_for(organisation.region),
            "below_count": sum(1 for r in rows if r.below_minimum),
            "below_only": False,
        },
    )


@login_required
@requires("training.view", own_organisation=True)
@require_GET
def below_minimum(request: HttpRequest) -> HttpResponse:
    """The officers below the yearly minimum: for a bureau, those of its region's agencies."""
    form, year = _year(request)
    rows = _own_rows(request, year, below_only=True)
    organisation = _user(request).organisation
    assert organisation is not None
    return render(
        request,
        "training/officer_hours.html",
        {
            "form": form,
            "year": year,
            "rows": rows,
            "organisation": organisation,
            "requirement": selectors.requirement_for(organisation.region),
            "below_count": len(rows),
            "below_only": True,
        },
    )


@login_required
@requires("training.view", Officer)
@require_GET
def officer_record(request: HttpRequest, pk: int) -> HttpResponse:
    """One officer's training in a year, whoever organised it: the agency sees here the
    sessions of the bureau its officers attended."""
    user = _user(request)
    officer = get_visible_or_404(
        user, Officer.objects.select_related("organisation__region"), pk=pk
    )
    form, year = _year(request)
    attendances = (
        Attendance.objects.filter(officer=officer, session__date__year=year)
        .select_related("session__organiser")
        .order_by("session__date", "pk")
    )
    (row,) = selectors.officer_hours(Officer.objects.filter(pk=officer.pk), year)
    return render(
        request,
        "training/officer_record.html",
        {"officer": officer, "form": form, "year": year, "attendances": attendances, "row": row},
    )


HOURS_EXPORT_HEADERS = [
    "姓名",
    "执法证号",
    "所属机构",
    "年度",
    "参训人次",
    "培训学时",
    "年度最低学时",
    "差额学时",
    "是否达标",
    "学时要求依据",
]


@login_required
@requires("training.view")
@require_GET
def officer_hours_export(request: HttpRequest) -> HttpResponse:
    """Per-officer hours for the year, of every officer the user's figures cover."""
    user = _user(request)
    _, year = _year(request)

    def rows() -> Iterator[Sequence[Any]]:
        for agency in selectors.agency_figures(user, year):
            for r in selectors.hours_for_organisation(agency.organisation, year):
                yield [
                    r.officer.name,
                    r.officer.cert_no,
                    r.officer.organisation.name,
                    year,
                    r.person_times,
                    r.hours,
                    "未设置" if r.required is None else r.required,
                    r.shortfall,
                    "—" if r.required is None else ("未达标" if r.below_minimum else "达标"),
                    r.source,
                ]

    return xlsx_response(f"{year}年培训学时", HOURS_EXPORT_HEADERS, rows())


# --- The yearly minimum ------------------------------------------------------------------------


@login_required
@requires("training.view", write="training.configure")
@require_http_methods(["GET", "POST"])
def requirement_list(request: HttpRequest) -> HttpResponse:
    """The yearly minimums in force, each with its source; a supervisor sets one for a region
    inside his own, an administrator also the national default."""
    user = _user(request)
    initial = {"region": user.organisation.region_id} if user.organisation else {}
    form = RequirementForm(posted(request), initial=initial)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["region"].strip()
        region = Region.objects.filter(code=code).first() if code else None
        if code and region is None:
            form.add_error("region", f"行政区划代码“{code}”不存在，请核对（如 330900）。")
        else:
            try:
                found = services.set_requirement(
                    actor=user,
                    region=region,
                    yearly_hours=form.cleaned_data["yearly_hours"],
                    source=form.cleaned_data["source"],
                )
            except PermissionDenied as error:
                form.add_error("region", str(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已设置：{found}（依据：{found.source}）。")
                return redirect("training:requirement_list")
    return render(
        request,
        "training/requirement_list.html",
        {
            "requirements": TrainingRequirement.objects.select_related("region").order_by(
                "region_id"
            ),
            "form": form,
            "can_configure": access.can(user, "training.configure"),
        },
    )
