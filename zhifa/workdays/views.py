from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from zhifa.workdays import selectors
from zhifa.workdays.forms import AddForm, NoticeForm
from zhifa.workdays.models import WEEKDAY_NAMES, HolidayYear


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
    if holiday_year is None:
        year_error = str(selectors.YearNotLoaded(year))
    else:
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
        "can_edit": bool(request.user.is_staff and getattr(request.user, "is_admin", False)),
    }
    return render(request, "workdays/calendar.html", context)
