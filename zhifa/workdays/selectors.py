"""Working-day arithmetic over the loaded holiday arrangements.

Definitions (all dates are calendar dates, no time of day):

- ``is_workday(d)``: Monday–Friday not listed as a 法定节假日, or a Saturday/Sunday listed as a
  调休上班日.
- ``add_workdays(d, n)``: for ``n > 0`` the n-th working day after ``d``; for ``n < 0`` the
  |n|-th working day before ``d``; ``d`` itself is never counted. ``add_workdays(d, 0)`` is ``d``
  itself, whether or not ``d`` is a working day (its year must still be loaded).
- ``latest_notice_date(inspection_date, days)``: ``add_workdays(inspection_date, -days)`` — the
  ``days``-th working day counted back from the inspection date, the inspection day not counted.
- ``working_days_between(a, b)``: for ``b >= a`` the number of working days in (a, b]; for
  ``b < a`` minus the number of working days in [b, a). So ``add_workdays(a,
  working_days_between(a, b)) == b`` whenever ``b`` is a working day.

Every year touched must be loaded, otherwise ``YearNotLoaded`` is raised; there is no fallback to
plain weekday logic. A year is loaded when its ``HolidayYear`` points at a confirmed arrangement
(``is_year_loaded``): a hand-entered arrangement waiting for its second administrator does not
count, whatever days it has.

Caching: each year's days are cached per process together with the year's ``revision`` token.
Every call first reads the (tiny) table of loaded years and their tokens in one query, so a change
made by another process, or rolled back, is seen at once; the holiday rows themselves are read
again only when a year's token changed. Batch callers can take one ``work_calendar()`` and reuse
it to skip even that query.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext

from zhifa.workdays.models import (
    ArrangementStatus,
    DifferencesStatus,
    Holiday,
    HolidayArrangement,
    HolidayKind,
    HolidayYear,
)


class YearNotLoaded(ValueError):
    """A date falls in a year whose State Council holiday arrangement has not been loaded."""

    def __init__(self, year: int, *, empty: bool = False, pending: bool = False) -> None:
        self.year = year
        self.empty = empty
        self.pending = pending
        if empty:
            message = gettext(
                "%(year)s 年的节假日安排已确认，但其中没有任何法定节假日，无法计算工作日。"
                "请系统管理员在“工作日 → 节假日安排”中按国务院办公厅关于%(year)s年部分节假日安排"
                "的通知重新录入放假和调休上班日期。"
            ) % {"year": year}
        elif pending:
            message = gettext(
                "%(year)s 年的节假日安排尚未载入，无法计算工作日：已录入的安排还在等待另一名"
                "系统管理员复核确认。请系统管理员在“工作日 → 节假日安排”中核对通知原文后确认，"
                "再试。"
            ) % {"year": year}
        else:
            message = gettext(
                "%(year)s 年的节假日安排尚未载入，无法计算工作日。请系统管理员在“工作日 → "
                "节假日安排”中按国务院办公厅关于%(year)s年部分节假日安排的通知录入并经另一名"
                "系统管理员复核（或运行 zhifa workdays load --year %(year)s 从 chinesecalendar "
                "载入）后再试。"
            ) % {"year": year}
        super().__init__(message)


def parse_date(text: str, *, field: str = "日期") -> dt.date:
    """An ISO date (YYYY-MM-DD) from user input; a Chinese ValueError naming ``field`` otherwise."""
    value = (text or "").strip()
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            gettext("%(field)s“%(value)s”不是有效日期，请按 YYYY-MM-DD 填写，例如 2026-02-14。")
            % {"field": field, "value": value}
        ) from None


@dataclass(frozen=True)
class YearArrangement:
    year: int
    holidays: dict[dt.date, str]
    makeup_workdays: dict[dt.date, str]

    def is_workday(self, day: dt.date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_workday: bool
    kind: str  # "holiday", "makeup_workday", "weekend" or "workday"
    name: str  # the festival for holidays and make-up days, else ""

    @property
    def kind_label(self) -> str:
        return {
            "holiday": str(HolidayKind.HOLIDAY.label),
            "makeup_workday": str(HolidayKind.MAKEUP_WORKDAY.label),
            "weekend": gettext("周末休息日"),
            "workday": gettext("工作日"),
        }[self.kind]


def _describe(arrangement: YearArrangement, day: dt.date) -> DayInfo:
    if day in arrangement.makeup_workdays:
        return DayInfo(day, True, "makeup_workday", arrangement.makeup_workdays[day])
    if day in arrangement.holidays:
        return DayInfo(day, False, "holiday", arrangement.holidays[day])
    if day.weekday() >= 5:
        return DayInfo(day, False, "weekend", "")
    return DayInfo(day, True, "workday", "")


_cache: dict[int, tuple[str, YearArrangement]] = {}
_cache_lock = threading.Lock()


def invalidate(year: int | None = None) -> None:
    """Drop the cached days of ``year`` (all years when None). Services call this on change."""
    with _cache_lock:
        if year is None:
            _cache.clear()
        else:
            _cache.pop(year, None)


def _load_arrangement(year: int) -> YearArrangement:
    holidays: dict[dt.date, str] = {}
    makeup: dict[dt.date, str] = {}
    for day, kind, name in Holiday.objects.filter(year__year=year).values_list(
        "date", "kind", "name"
    ):
        if kind == HolidayKind.MAKEUP_WORKDAY:
            makeup[day] = name
        else:
            holidays[day] = name
    if not holidays:
        raise YearNotLoaded(year, empty=True)
    return YearArrangement(year=year, holidays=holidays, makeup_workdays=makeup)


class WorkCalendar:
    """The loaded years as of one moment; cheap to create, reusable for batch arithmetic."""

    def __init__(self, revisions: dict[int, str]) -> None:
        self.revisions = revisions

    @property
    def years(self) -> list[int]:
        return sorted(self.revisions)

    def arrangement(self, year: int) -> YearArrangement:
        revision = self.revisions.get(year)
        if revision is None:
            pending = HolidayArrangement.objects.filter(
                year=year, status=ArrangementStatus.PENDING
            ).exists()
            raise YearNotLoaded(year, pending=pending)
        cached = _cache.get(year)
        if cached is not None and cached[0] == revision:
            return cached[1]
        arrangement = _load_arrangement(year)
        with _cache_lock:
            _cache[year] = (revision, arrangement)
        return arrangement

    def is_workday(self, day: dt.date) -> bool:
        return self.arrangement(day.year).is_workday(day)

    def describe(self, day: dt.date) -> DayInfo:
        return _describe(self.arrangement(day.year), day)

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        self.arrangement(day.year)
        step = dt.timedelta(days=1 if n > 0 else -1)
        remaining = abs(n)
        current = day
        while remaining:
            current += step
            if self.is_workday(current):
                remaining -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        self.arrangement(start.year)
        self.arrangement(end.year)
        if end >= start:
            first, last, sign = start + dt.timedelta(days=1), end, 1
        else:
            first, last, sign = end, start - dt.timedelta(days=1), -1
        count = 0
        current = first
        while current <= last:
            if self.is_workday(current):
                count += 1
            current += dt.timedelta(days=1)
        return sign * count


def _loaded() -> models.QuerySet[HolidayYear]:
    return HolidayYear.objects.filter(arrangement__status=ArrangementStatus.CONFIRMED)


def work_calendar() -> WorkCalendar:
    """The loaded years and their revision tokens, read in one query."""
    return WorkCalendar(dict(_loaded().values_list("year", "revision")))


def is_year_loaded(year: int) -> bool:
    """Whether working days can be counted in ``year``: the one answer to “is year Y loaded”.

    True only when the year has a confirmed arrangement (from the package, or entered by hand and
    confirmed by a second administrator); a year waiting for review is not loaded.
    """
    return _loaded().filter(year=year).exists()


def is_workday(day: dt.date) -> bool:
    return work_calendar().is_workday(day)


def describe_day(day: dt.date) -> DayInfo:
    return work_calendar().describe(day)


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day`` (before it for negative n); ``n == 0`` → ``day``."""
    return work_calendar().add_workdays(day, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return work_calendar().working_days_between(start, end)


def notice_working_days(region: Any = None) -> int:
    """The required advance-notice working days for ``region`` (an org.Region) or the default."""
    if region is not None:
        return int(region.effective_notice_working_days())
    return int(settings.ZHIFA_NOTICE_WORKING_DAYS)


def latest_notice_date(
    inspection_date: dt.date, days: int | None = None, region: Any = None
) -> dt.date:
    """The latest date a 检查预告通知书 may be issued for an inspection on ``inspection_date``.

    It is the ``days``-th working day counted back from the inspection date, the inspection day
    itself not counted; ``days`` defaults to the region's setting, else
    ``settings.ZHIFA_NOTICE_WORKING_DAYS`` (5). E.g. 2025-10-09 → 2025-09-25.
    """
    if days is None:
        days = notice_working_days(region)
    if days < 0:
        raise ValueError(
            gettext("提前工作日数不能为负数（收到 %(days)s），请填写 0 或正整数。") % {"days": days}
        )
    return add_workdays(inspection_date, -days)


def loaded_years() -> list[HolidayYear]:
    return list(_loaded().select_related("loaded_by", "arrangement").order_by("-year"))


def next_year_warning(today: dt.date) -> str:
    """The warning administrators see from 1 November while next year is not loaded, else "".

    The State Council publishes the next year's arrangement in October or November; from
    1 November deadlines counted in working days start to reach into the next year.
    """
    if today.month < 11 or is_year_loaded(today.year + 1):
        return ""
    nxt = today.year + 1
    pending = HolidayArrangement.objects.filter(year=nxt, status=ArrangementStatus.PENDING).exists()
    if pending:
        return gettext(
            "%(year)s 年的节假日安排已录入，尚待另一名系统管理员复核确认；确认前，凡计算到"
            "%(year)s 年的工作日期限都无法办理。"
        ) % {"year": nxt}
    return gettext(
        "%(year)s 年的节假日安排尚未载入：国务院办公厅发布%(year)s年部分节假日安排的通知后，"
        "请尽快按通知录入并由另一名系统管理员复核；未载入前，凡计算到%(year)s 年的工作日期限"
        "（如检查预告、整改期限）都无法办理。"
    ) % {"year": nxt}


@dataclass(frozen=True)
class YearOverview:
    """One row of the years page: a year, its state, and the arrangements that concern it."""

    year: int
    status: str  # "confirmed", "pending" or "missing"
    current: HolidayArrangement | None
    pending: HolidayArrangement | None
    in_package: bool

    @property
    def status_label(self) -> str:
        return {
            "confirmed": gettext("已确认"),
            "pending": gettext("待复核"),
            "missing": gettext("未载入"),
        }[self.status]

    @property
    def differences_open(self) -> bool:
        return bool(
            self.current is not None and self.current.differences_status == DifferencesStatus.OPEN
        )


def year_overview(today: dt.date, package_years: list[int]) -> list[YearOverview]:
    """Every year with an arrangement, plus this year and the next, newest first."""
    current = {
        y.year: y.arrangement
        for y in HolidayYear.objects.select_related(
            "arrangement", "arrangement__entered_by", "arrangement__confirmed_by"
        ).filter(arrangement__status=ArrangementStatus.CONFIRMED)
    }
    pending = {
        a.year: a
        for a in HolidayArrangement.objects.select_related("entered_by").filter(
            status=ArrangementStatus.PENDING
        )
    }
    years = set(current) | set(pending) | {today.year, today.year + 1}
    rows = []
    for year in sorted(years, reverse=True):
        arrangement = current.get(year)
        status = "confirmed" if arrangement else ("pending" if year in pending else "missing")
        rows.append(
            YearOverview(year, status, arrangement, pending.get(year), year in package_years)
        )
    return rows


@dataclass(frozen=True)
class Month:
    number: int
    weeks: list[list[DayInfo | None]]


def calendar_months(year: int, days: dict[dt.date, tuple[str, str]]) -> list[Month]:
    """The twelve months of ``year`` as week rows, each day described as ``days`` would make it.

    For previews of arrangements that are not (yet) loaded: nothing is read from the table.
    """
    arrangement = YearArrangement(
        year=year,
        holidays={d: n for d, (k, n) in days.items() if k == HolidayKind.HOLIDAY},
        makeup_workdays={d: n for d, (k, n) in days.items() if k == HolidayKind.MAKEUP_WORKDAY},
    )
    months = []
    for number in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, number):
            weeks.append(
                [_describe(arrangement, day) if day.month == number else None for day in week]
            )
        months.append(Month(number, weeks))
    return months
