"""Working-day arithmetic for machine clients, under /api/workdays/ (session or token auth).

Bad dates, bad numbers and years whose holiday arrangement is not loaded answer 400 with a
Chinese ``detail``; there is no weekday fallback.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from zhifa.core.access import requires
from zhifa.workdays import selectors

router = Router(tags=["工作日"])


class DayOut(Schema):
    date: dt.date
    is_workday: bool
    kind: str
    kind_label: str
    name: str


class AddOut(Schema):
    date: dt.date
    n: int
    result: dt.date


class NoticeOut(Schema):
    inspection_date: dt.date
    days: int
    latest_notice_date: dt.date


def _date(text: str, field: str) -> dt.date:
    try:
        return selectors.parse_date(text, field=field)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None


def _int(text: str, field: str, low: int, high: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise HttpError(400, f"{field}“{text}”不是整数，请填写整数，例如 3 或 -3。") from None
    if not low <= value <= high:
        raise HttpError(400, f"{field} 须在 {low} 到 {high} 之间（收到 {value}）。")
    return value


@router.get("/is-workday", response=DayOut, summary="某日是否工作日")
@requires("signed_in")
def is_workday(request: HttpRequest, date: str) -> DayOut:
    """``date`` (YYYY-MM-DD): whether it is a working day, and why (节假日、调休上班日、周末)."""
    day = _date(date, "日期 date")
    try:
        info = selectors.describe_day(day)
    except selectors.YearNotLoaded as exc:
        raise HttpError(400, str(exc)) from None
    return DayOut(
        date=info.date,
        is_workday=info.is_workday,
        kind=info.kind,
        kind_label=info.kind_label,
        name=info.name,
    )


@router.get("/add", response=AddOut, summary="某日之后（之前）第 N 个工作日")
@requires("signed_in")
def add(request: HttpRequest, date: str, n: str) -> AddOut:
    """The ``n``-th working day after ``date`` (before it when negative); the date itself is not
    counted, and ``n=0`` gives the date itself."""
    day = _date(date, "起算日期 date")
    count = _int(n, "工作日数 n", -1000, 1000)
    try:
        result = selectors.add_workdays(day, count)
    except selectors.YearNotLoaded as exc:
        raise HttpError(400, str(exc)) from None
    return AddOut(date=day, n=count, result=result)


@router.get("/latest-notice", response=NoticeOut, summary="检查预告通知书最晚发出日期")
@requires("signed_in")
def latest_notice(request: HttpRequest, date: str, days: str | None = None) -> NoticeOut:
    """The ``days``-th working day counted back from the inspection ``date``, the inspection day
    not counted; ``days`` defaults to the caller's region setting, else the national 5."""
    day = _date(date, "检查日期 date")
    region = getattr(getattr(request.user, "organisation", None), "region", None)
    count = (
        selectors.notice_working_days(region)
        if days is None or not days.strip()
        else _int(days, "提前工作日数 days", 0, 250)
    )
    try:
        result = selectors.latest_notice_date(day, days=count)
    except selectors.YearNotLoaded as exc:
        raise HttpError(400, str(exc)) from None
    return NoticeOut(inspection_date=day, days=count, latest_notice_date=result)
