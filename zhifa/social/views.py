"""Pages: the bureau's registry, draws, problems and 履职记录; the social supervisor's phone pages
(his assignments, answer, check-in, report)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.access import requires
from zhifa.core.exports import local_time, xlsx_response
from zhifa.core.viewhelpers import add_service_errors, posted, request_user, stored_file
from zhifa.inspections import services as inspection_services
from zhifa.inspections.models import InspectionCase
from zhifa.social import forms, selectors, services
from zhifa.social.models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    ProblemStatus,
    Report,
    ReportPhoto,
    SocialSupervisor,
)
from zhifa.supervision.sources import draft_url

NO_BUREAU = "您的账号不隶属执法监督机关，不能登记社会监督员。"


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


def _form_messages(request: HttpRequest, form: Any) -> None:
    """A small form posted from a detail page: its errors go back as messages."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for text in errors:
            messages.error(request, f"{label}：{text}" if label else str(text))


# --- The bureau: registry ----------------------------------------------------------------------


@login_required
@requires("social.manage")
@require_GET
def supervisor_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    rows = selectors.supervisors(user)
    query = (request.GET.get("q") or "").strip()
    if query:
        rows = rows.filter(
            Q(user__display_name__icontains=query)
            | Q(code__icontains=query)
            | Q(category_note__icontains=query)
        )
    page = _page(request, rows)
    return render(
        request,
        "social/supervisor_list.html",
        {"page": page, "total": page.paginator.count, "q": query, "today": timezone.localdate()},
    )


@login_required
@requires("social.manage")
@require_http_methods(["GET", "POST"])
def supervisor_register(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    bureau = selectors.bureau_of(user)
    if bureau is None:
        return render(
            request, "social/message.html", {"title": "登记社会监督员", "text": NO_BUREAU}
        )
    form = forms.RegisterForm(posted(request), bureau=bureau)
    if request.method == "POST" and form.is_valid():
        try:
            supervisor = services.register_supervisor(
                actor=user,
                user=form.cleaned_data["user"],
                bureau=bureau,
                category=form.cleaned_data["category"],
                category_note=form.cleaned_data["category_note"],
                phone=form.cleaned_data["phone"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已登记社会监督员 {supervisor.name}。")
            return redirect("social:supervisor_detail", supervisor.pk)
    return render(request, "social/supervisor_register.html", {"form": form, "bureau": bureau})


@login_required
@requires("social.manage", SocialSupervisor)
@require_GET
def supervisor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    supervisor = selectors.supervisors(user).get(pk=pk)
    record = selectors.service_records(user, only=supervisor)[0]
    return render(
        request,
        "social/supervisor_detail.html",
        {
            "supervisor": supervisor,
            "record": record,
            "counted": selectors.COUNTED,
            "conflicts": supervisor.conflicts.select_related("enterprise", "organisation"),
            "availability_form": forms.AvailabilityForm(
                initial={
                    "paused": "1" if supervisor.is_paused else "0",
                    "until": supervisor.paused_until,
                    "reason": supervisor.pause_reason,
                }
            ),
            "conflict_form": forms.ConflictForm(supervisor=supervisor),
        },
    )


@login_required
@requires("social.manage", SocialSupervisor)
@require_POST
def supervisor_availability(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    supervisor = selectors.supervisors(user).get(pk=pk)
    form = forms.AvailabilityForm(request.POST)
    if form.is_valid():
        try:
            services.set_availability(
                supervisor,
                actor=user,
                paused=form.cleaned_data["paused"],
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for text in _errors(error):
                messages.error(request, text)
        else:
            messages.success(request, f"已更新 {supervisor.name} 的可安排状态。")
    else:
        _form_messages(request, form)
    return redirect("social:supervisor_detail", supervisor.pk)


@login_required
@requires("social.manage", SocialSupervisor)
@require_POST
def conflict_declare(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    supervisor = selectors.supervisors(user).get(pk=pk)
    form = forms.ConflictForm(request.POST, supervisor=supervisor)
    if form.is_valid():
        try:
            services.declare_conflict(
                supervisor,
                actor=user,
                reason=form.cleaned_data["reason"],
                enterprise=form.cleaned_data["enterprise_uscc"],
                organisation=form.cleaned_data["organisation"],
            )
        except ValidationError as error:
            for text in _errors(error):
                messages.error(request, text)
        else:
            messages.success(request, "已记录回避申报，今后抽取时跳过。")
    else:
        _form_messages(request, form)
    return redirect("social:supervisor_detail", supervisor.pk)


@login_required
@requires("social.manage", Conflict)
@require_POST
def conflict_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    conflict = Conflict.objects.restrict(user).select_related("supervisor").get(pk=pk)
    try:
        services.withdraw_conflict(conflict, actor=user)
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
    else:
        messages.success(request, "已撤回回避申报。")
    return redirect("social:supervisor_detail", conflict.supervisor_id)


# --- The bureau: draws -------------------------------------------------------------------------


@login_required
@requires("social.draw")
@require_GET
def draw_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "social/draw_list.html",
        {
            "cases": selectors.drawable_cases(user, timezone.localdate())[:50],
            "page": _page(request, selectors.bureau_assignments(user)),
        },
    )


@login_required
@requires("social.draw", InspectionCase)
@require_POST
def draw_for_case(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = InspectionCase.objects.restrict(user).get(pk=pk)
    # Optional public random values (e.g. a lottery's numbers), one per line or separated by ；
    sources = [v for v in re.split(r"[;；\r\n]+", request.POST.get("sources", "")) if v.strip()]
    try:
        assignment = services.draw_social_supervisor(case, actor=user, sources=sources)
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
        return redirect("social:draw_list")
    messages.success(
        request,
        f"已为检查 {case.reference} 抽中社会监督员 {assignment.supervisor.name}，待其答复。",
    )
    return redirect("social:assignment_detail", assignment.pk)


# --- Assignments (both sides) -------------------------------------------------------------------


def _assignment(user: Any, pk: int) -> Assignment:
    found: Assignment = (
        Assignment.objects.restrict(user)
        .select_related(
            "case__enterprise", "case__organisation", "supervisor__user", "supervisor__region"
        )
        .get(pk=pk)
    )
    return found


@login_required
@requires("social.view", Assignment)
@require_GET
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    assignment = _assignment(user, pk)
    mine = assignment.supervisor.user_id == user.pk
    case = assignment.case
    first, last = inspection_services.checkin_days(case)
    today = timezone.localdate()
    report = Report.objects.filter(assignment=assignment).first()
    return render(
        request,
        "social/assignment_detail.html",
        {
            "assignment": assignment,
            "case": case,
            "mine": mine,
            "report": report,
            "skipped": services.skipped_of(assignment),
            "record": services.draw_record_of(assignment),
            "verified": services.verify_assignment(assignment),
            "can_answer": mine and assignment.status == AssignmentStatus.OFFERED,
            "can_check_in": mine
            and assignment.status == AssignmentStatus.ACCEPTED
            and assignment.checked_in_at is None,
            "check_in_today": first <= today <= last,
            "checkin_days": (first, last),
            "can_report": mine and assignment.checked_in_at is not None and report is None,
            "decline_form": forms.DeclineForm(),
        },
    )


@login_required
@requires("social.view", Assignment)
@require_GET
def assignment_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The draw's record as stored: with it alone (and ``zhifa.draws.rfc3797``) anyone re-runs
    the draw — the pool's SM3, the key string, every step and why a pick was skipped."""
    assignment = _assignment(request_user(request), pk)
    response = HttpResponse(
        assignment.record_json.encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"伴随监督抽取记录-{assignment.case.reference}-{assignment.attempt}.json"
    )
    return response


@login_required
@requires("social.respond", Assignment)
@require_POST
def assignment_accept(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    assignment = _assignment(user, pk)
    try:
        services.accept_assignment(assignment, actor=user)
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
    else:
        messages.success(request, f"已接受伴随监督检查 {assignment.case.reference}。")
    return redirect("social:assignment_detail", assignment.pk)


@login_required
@requires("social.respond", Assignment)
@require_http_methods(["GET", "POST"])
def assignment_decline(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    assignment = _assignment(user, pk)
    form = forms.DeclineForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_assignment(assignment, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已谢绝伴随监督检查 {assignment.case.reference}。")
            return redirect("social:mine")
    return render(
        request, "social/assignment_decline.html", {"assignment": assignment, "form": form}
    )


@login_required
@requires("social.respond", Assignment)
@require_POST
def assignment_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    assignment = _assignment(user, pk)
    try:
        location = inspection_services.clean_location(
            request.POST.get("latitude"),
            request.POST.get("longitude"),
            request.POST.get("accuracy"),
        )
        services.check_in(assignment, actor=user, location=location)
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
    else:
        messages.success(request, "已到场签到。")
    return redirect("social:assignment_detail", assignment.pk)


@login_required
@requires("social.respond", Assignment)
@require_http_methods(["GET", "POST"])
def assignment_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    assignment = _assignment(user, pk)
    points = services.report_points(assignment.case)
    data = posted(request)
    form = forms.ReportForm(data, request.FILES if data is not None else None, points=points)
    if request.method == "POST" and form.is_valid():
        answers = [
            services.PointAnswer(
                breached=form.cleaned_data[f"point_{n}"] == "breached",
                note=form.cleaned_data[f"note_{n}"],
            )
            for n in range(1, len(points) + 1)
        ]
        try:
            report = services.file_report(
                assignment,
                actor=user,
                points=answers,
                credentials=form.cleaned_data["credentials"],
                attitude=form.cleaned_data["attitude"],
                notes=form.cleaned_data["notes"],
                photos=form.cleaned_data["photos"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = (
                "已提交反馈，您反映的问题已送交执法监督机关处理。"
                if report.problem_status == ProblemStatus.PENDING
                else "已提交反馈。"
            )
            messages.success(request, done)
            return redirect("social:assignment_detail", assignment.pk)
    return render(
        request,
        "social/assignment_report.html",
        {"assignment": assignment, "case": assignment.case, "form": form},
    )


# --- The social supervisor's own pages ----------------------------------------------------------


@login_required
@requires("social.mine")
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    profile = selectors.profile_of(user)
    records = selectors.service_records(user, only=profile) if profile else []
    return render(
        request,
        "social/mine.html",
        {
            "profile": profile,
            "assignments": selectors.my_assignments(user),
            "record": records[0] if records else None,
            "counted": selectors.COUNTED,
            "today": timezone.localdate(),
        },
    )


# --- Problems ---------------------------------------------------------------------------------


@login_required
@requires("social.problems")
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    rows = selectors.problems(user)
    status = request.GET.get("status") or ""
    if status in ProblemStatus.values:
        rows = rows.filter(problem_status=status)
    page = _page(request, rows)
    return render(
        request,
        "social/problem_list.html",
        {
            "page": page,
            "total": page.paginator.count,
            "status": status,
            "statuses": [s for s in ProblemStatus if s != ProblemStatus.NO_PROBLEM],
            "pending": selectors.problems_count(user),
        },
    )


@login_required
@requires("social.view", Report)
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    report = (
        Report.objects.restrict(user)
        .select_related(
            "assignment__case__enterprise",
            "assignment__case__organisation",
            "assignment__supervisor",
        )
        .get(pk=pk)
    )
    bureau = access.can(user, "social.problems", report)
    return render(
        request,
        "social/report_detail.html",
        {
            "report": report,
            "case": report.case,
            "points": report.points.all(),
            "photos": report.photos.all(),
            "bureau": bureau,
            "pending": bureau and report.problem_status == ProblemStatus.PENDING,
            # The supervision drafting page (built by the letters part) prefills from this
            # source: zhifa.supervision.sources, registered in SocialConfig.ready().
            "document_url": draft_url("social_report", report.pk),
            "clear_form": forms.ClearForm(),
        },
    )


@login_required
@requires("social.problems", Report)
@require_POST
def report_clear(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    report = Report.objects.restrict(user).get(pk=pk)
    form = forms.ClearForm(request.POST)
    if form.is_valid():
        try:
            services.clear_problem(report, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for text in _errors(error):
                messages.error(request, text)
        else:
            messages.success(request, "已标记为核实无问题。")
    else:
        _form_messages(request, form)
    return redirect("social:report_detail", report.pk)


@login_required
@requires("social.view", ReportPhoto)
@require_GET
def photo_download(request: HttpRequest, pk: int) -> FileResponse:
    photo = ReportPhoto.objects.restrict(request_user(request)).get(pk=pk)
    name = photo.file.name.rsplit("/", 1)[-1]
    return stored_file(photo.file.name, name)


# --- 履职记录 -------------------------------------------------------------------------------------


@login_required
@requires("social.manage")
@require_GET
def record_table(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    year = _year(request)
    records = selectors.service_records(user)
    return render(
        request,
        "social/record_table.html",
        {
            "rows": [(r, r.counts_in(year)) for r in records],
            "counted": selectors.COUNTED,
            "year": year,
        },
    )


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@login_required
@requires("social.manage")
@require_GET
def record_export(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    headers = [
        "监督员编号",
        "姓名",
        "类别",
        "检查编号",
        "检查日期",
        "被检查企业",
        "执法机关",
        "状态",
        "答复时间",
        "到场签到时间",
        "提交反馈",
        "反映问题",
    ]

    def rows() -> Any:
        for record in selectors.service_records(user):
            supervisor = record.supervisor
            for a in record.assignments:
                report = getattr(a, "report", None) if hasattr(a, "report") else None
                yield [
                    supervisor.code,
                    supervisor.name,
                    supervisor.category_text,
                    a.case.reference,
                    a.case.inspection_date,
                    a.case.enterprise.name,
                    a.case.organisation.name,
                    a.get_status_display(),
                    local_time(a.responded_at),
                    local_time(a.checked_in_at),
                    "是" if report else "否",
                    report.get_problem_status_display() if report else "",
                ]

    return xlsx_response("社会监督员履职记录", headers, rows())
