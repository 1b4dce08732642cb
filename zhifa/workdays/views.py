from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from zhifa.core import access
from zhifa.core.access import requires
from zhifa.workdays import entry, package, selectors, services
from zhifa.workdays.forms import (
    AddForm,
    ArrangementEntry,
    ConfirmForm,
    NoticeForm,
    ResolveForm,
    ReturnForm,
)
from zhifa.workdays.models import (
    WEEKDAY_NAMES,
    ArrangementStatus,
    DifferencesStatus,
    HolidayArrangement,
    HolidayKind,
    HolidayYear,
)


def _int_param(params: QueryDict, name: str, low: int, high: int) -> int | None:
    try:
        value = int(params.get(name, ""))
    except ValueError:
        return None
    return value if low <= value <= high else None


def _user_region(user: Any) -> Any:
    organisation = getattr(user, "organisation", None)
    return organisation.region if organisation is not None else None


def _day_note(info: selectors.DayInfo) -> str:
    """ "（周日，国庆节调休上班日）", "（周四）": the weekday and, if any, the festival."""
    note = WEEKDAY_NAMES[info.date.weekday()]
    if info.kind in ("holiday", "makeup_workday"):
        note += f"，{info.name}{info.kind_label}"
    return f"（{note}）"


def _calculate(request: HttpRequest, calc: str) -> tuple[NoticeForm, AddForm, dict[str, Any]]:
    """The two calculator forms, bound when submitted, and the answer for the submitted one."""
    params = request.GET
    notice_form = NoticeForm(params if calc == "notice" else None)
    add_form = AddForm(params if calc == "add" else None)
    region = _user_region(request.user)
    result: dict[str, Any] = {"calc": calc}
    if calc == "notice" and notice_form.is_valid():
        day = notice_form.cleaned_data["inspection_date"]
        days = notice_form.cleaned_data["days"]
        if days is None:
            days = selectors.notice_working_days(region)
        try:
            calendar = selectors.work_calendar()
            latest = selectors.latest_notice_date(day, days=days)
            result.update(
                inspection=day,
                inspection_note=_day_note(calendar.describe(day)),
                days=days,
                latest=latest,
                latest_note=_day_note(calendar.describe(latest)),
                inspection_is_workday=calendar.is_workday(day),
            )
        except selectors.YearNotLoaded as exc:
            notice_form.add_error(None, str(exc))
    elif calc == "add" and add_form.is_valid():
        start, n = add_form.cleaned_data["start"], add_form.cleaned_data["n"]
        try:
            calendar = selectors.work_calendar()
            end = calendar.add_workdays(start, n)
            result.update(
                start=start,
                start_note=_day_note(calendar.describe(start)),
                n=n,
                abs_n=abs(n),
                end=end,
                end_note=_day_note(calendar.describe(end)),
            )
        except selectors.YearNotLoaded as exc:
            add_form.add_error(None, str(exc))
    return notice_form, add_form, result


def _month_grid(year: int, month: int) -> list[list[selectors.DayInfo | None]]:
    calendar = selectors.work_calendar()
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([calendar.describe(day) if day.month == month else None for day in week])
    return weeks


@login_required
@requires("signed_in")
def calendar(request: HttpRequest) -> HttpResponse:
    """The holiday table by year and month, with a working-day calculator (any signed-in user)."""
    calc = request.GET.get("calc", "")
    notice_form, add_form, result = _calculate(request, calc)
    if request.headers.get("HX-Request") and calc in ("notice", "add"):
        form = notice_form if calc == "notice" else add_form
        return render(request, "workdays/_calc_result.html", {"form": form, "result": result})

    years = selectors.loaded_years()
    loaded = {y.year: y for y in years}
    today = timezone.localdate()
    requested = _int_param(request.GET, "year", 1900, 2200)
    year = requested
    if year is None:
        year = today.year if today.year in loaded or not years else years[0].year
    holiday_year: HolidayYear | None = loaded.get(year)
    month = _int_param(request.GET, "month", 1, 12) or (today.month if year == today.year else 1)
    first = dt.date(year, month, 1)
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)

    year_error = ""
    weeks: list[list[selectors.DayInfo | None]] = []
    try:
        weeks = _month_grid(year, month)
    except selectors.YearNotLoaded as exc:
        year_error = str(exc)
    region = _user_region(request.user)
    context = {
        "years": years,
        "year": year,
        "month": month,
        "months": range(1, 13),
        "holiday_year": holiday_year,
        "entries": list(holiday_year.days.order_by("date")) if holiday_year else [],
        "weeks": weeks,
        "weekday_names": WEEKDAY_NAMES,
        "prev_month": prev_month,
        "next_month": next_month,
        "year_error": year_error,
        "notice_form": notice_form,
        "add_form": add_form,
        "result": result,
        "region": region,
        "default_days": selectors.notice_working_days(region),
        "today": today,
        "can_edit": access.can(request.user, "holidays.manage"),
    }
    return render(request, "workdays/calendar.html", context)


# ---- 节假日安排年度: entry, four-eyes review and package differences (administrators only) ----


def _day_counts(days: dict[dt.date, tuple[str, str]]) -> tuple[int, int]:
    holidays = sum(1 for kind, _ in days.values() if kind == HolidayKind.HOLIDAY)
    return holidays, len(days) - holidays


def _arrangement_view(arrangement: HolidayArrangement | None) -> dict[str, Any] | None:
    """What the pages show of one arrangement: its rows with day counts and its calendar."""
    if arrangement is None:
        return None
    data = entry.from_record(arrangement)
    days = entry.expand(data)
    holiday_days, makeup_days = _day_counts(days)
    return {
        "record": arrangement,
        "holidays": [(row, len(row.days())) for row in data.holidays],
        "makeup": data.makeup_workdays,
        "months": selectors.calendar_months(arrangement.year, days),
        "holiday_days": holiday_days,
        "makeup_days": makeup_days,
    }


@login_required
@requires("holidays.manage")
def year_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = selectors.year_overview(today, package.package_years())
    return render(
        request,
        "workdays/year_list.html",
        {
            "rows": rows,
            "warning": selectors.next_year_warning(today),
            "today": today,
            "package_label": package.package_label(),
        },
    )


def _entry_page(
    request: HttpRequest,
    form: ArrangementEntry,
    problems: list[entry.Problem] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "workdays/year_entry.html",
        {
            "form": form,
            "problems": problems or [],
            "holiday_rows": list(enumerate(form.holidays)),
            "makeup_rows": list(enumerate(form.makeup)),
        },
        status=status,
    )


@login_required
@requires("holidays.manage")
def year_new(request: HttpRequest) -> HttpResponse:
    """Enter a year from the notice → check → preview as a calendar → 保存待复核."""
    user = request.user
    if request.method != "POST":
        year = _int_param(request.GET, "year", 1999, 2100)
        source = request.GET.get("from", "")
        based_on = (
            HolidayArrangement.objects.filter(pk=int(source)).first() if source.isdigit() else None
        )
        if based_on is not None:
            return _entry_page(request, ArrangementEntry.from_data(entry.from_record(based_on)))
        return _entry_page(request, ArrangementEntry.blank(year))

    form = ArrangementEntry.from_post(request.POST)
    action = request.POST.get("action", "preview")
    if action == "more":
        return _entry_page(request, form.padded(more=3))
    if action == "edit":
        return _entry_page(request, form.padded())
    data, problems = form.to_data()
    problems = entry.check(data, problems)
    if problems:
        return _entry_page(request, form.padded(), problems)
    if action != "save":
        assert data.year is not None
        days = entry.expand(data)
        holiday_days, makeup_days = _day_counts(days)
        current = HolidayYear.objects.filter(year=data.year).select_related("arrangement").first()
        return render(
            request,
            "workdays/year_preview.html",
            {
                "form": form,
                "data": data,
                "holidays": [(row, len(row.days())) for row in data.holidays],
                "months": selectors.calendar_months(data.year, days),
                "holiday_days": holiday_days,
                "makeup_days": makeup_days,
                "replaces": current.arrangement if current else None,
                "holiday_rows": list(enumerate(form.holidays)),
                "makeup_rows": list(enumerate(form.makeup)),
            },
        )
    try:
        arrangement = services.enter_arrangement(data, actor=user)
    except services.ArrangementInvalid as error:
        return _entry_page(request, form.padded(), error.problems)
    except ValidationError as error:
        problems = [entry.Problem(gettext("年度"), message) for message in error.messages]
        return _entry_page(request, form.padded(), problems)
    messages.success(
        request,
        gettext(
            "已保存 %(year)s 年节假日安排，待复核：请另一名系统管理员对照通知原文复核确认，"
            "确认后才按其计算工作日。"
        )
        % {"year": arrangement.year},
    )
    return redirect("workdays:year_detail", year=arrangement.year)


def _year_page(
    request: HttpRequest,
    year: int,
    *,
    confirm_form: ConfirmForm | None = None,
    return_form: ReturnForm | None = None,
    resolve_form: ResolveForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    holiday_year = HolidayYear.objects.filter(
        year=year, arrangement__status=ArrangementStatus.CONFIRMED
    ).first()
    current = (
        HolidayArrangement.objects.select_related(
            "entered_by", "confirmed_by", "differences_resolved_by"
        )
        .filter(current_for__year=year)
        .first()
        if holiday_year is not None
        else None
    )
    pending = (
        HolidayArrangement.objects.select_related("entered_by")
        .filter(year=year, status=ArrangementStatus.PENDING)
        .first()
    )
    history = (
        HolidayArrangement.objects.filter(year=year)
        .exclude(pk__in=[a.pk for a in (current, pending) if a is not None])
        .select_related("entered_by", "confirmed_by", "returned_by")
    )
    differences = (
        [services.describe_difference(d) for d in current.differences]
        if current is not None
        else []
    )
    return render(
        request,
        "workdays/year_detail.html",
        {
            "year": year,
            "holiday_year": holiday_year,
            "current": _arrangement_view(current),
            "pending": _arrangement_view(pending),
            "own_entry": pending is not None and pending.entered_by_id == request.user.pk,
            "history": list(history),
            "differences": differences,
            "differences_open": current is not None
            and current.differences_status == DifferencesStatus.OPEN,
            "confirm_form": confirm_form or ConfirmForm(),
            "return_form": return_form or ReturnForm(),
            "resolve_form": resolve_form or ResolveForm(),
            "error": error,
            "in_package": year in package.package_years(),
            "package_label": package.package_label(),
            "warning": selectors.next_year_warning(timezone.localdate()),
        },
        status=status,
    )


@login_required
@requires("holidays.manage")
def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    if not 1999 <= year <= 2100:
        raise Http404
    return _year_page(request, year)


def _pending_or_404(pk: int) -> HolidayArrangement:
    return get_object_or_404(HolidayArrangement, pk=pk)


@login_required
@requires("holidays.manage", HolidayArrangement)
@require_POST
def arrangement_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    arrangement = _pending_or_404(pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _year_page(request, arrangement.year, confirm_form=form, status=400)
    try:
        services.confirm_arrangement(arrangement, actor=user)
    except PermissionDenied as error:
        return _year_page(request, arrangement.year, error=str(error), status=403)
    except ValidationError as error:
        return _year_page(request, arrangement.year, error="；".join(error.messages), status=400)
    messages.success(
        request,
        gettext("已复核确认 %(year)s 年节假日安排，自此按其计算 %(year)s 年的工作日。")
        % {"year": arrangement.year},
    )
    return redirect("workdays:year_detail", year=arrangement.year)


@login_required
@requires("holidays.manage", HolidayArrangement)
@require_POST
def arrangement_return(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    arrangement = _pending_or_404(pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _year_page(request, arrangement.year, return_form=form, status=400)
    try:
        services.return_arrangement(arrangement, actor=user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _year_page(request, arrangement.year, error="；".join(error.messages), status=400)
    messages.success(
        request,
        gettext("已退回 %(year)s 年节假日安排；该年度未载入，可据退回理由重新录入。")
        % {"year": arrangement.year},
    )
    return redirect("workdays:year_detail", year=arrangement.year)


@login_required
@requires("holidays.manage", HolidayArrangement)
@require_POST
def arrangement_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    arrangement = _pending_or_404(pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _year_page(request, arrangement.year, resolve_form=form, status=400)
    keep = form.cleaned_data["keep"]
    try:
        services.resolve_differences(arrangement, keep=keep, actor=user)
    except ValidationError as error:
        return _year_page(request, arrangement.year, error="；".join(error.messages), status=400)
    messages.success(
        request,
        (
            gettext("已决定保留手工录入的 %(year)s 年节假日安排。")
            if keep == "manual"
            else gettext("%(year)s 年已改用数据包的节假日安排。")
        )
        % {"year": arrangement.year},
    )
    return redirect("workdays:year_detail", year=arrangement.year)
