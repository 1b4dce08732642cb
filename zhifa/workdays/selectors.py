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

Every year touched must be loaded (have a ``HolidayYear``), otherwise ``YearNotLoaded`` is raised;
there is no fallback to plain weekday logic.

Caching: each year's days are cached per process together with the year's ``revision`` token.
Every call first reads the (tiny) table of loaded years and their tokens in one query, so a change
made by another process, or rolled back, is seen at once; the holiday rows themselves are read
again only when a year's token changed. Batch callers can take one ``work_calendar()`` and reuse
it to skip even that query.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from zhifa.workdays.models import Holiday, HolidayKind, HolidayYear


class YearNotLoaded(ValueError):
    """A date falls in a year whose State Council holiday arrangement has not been loaded."""

    def __init__(self, year: int, *, empty: bool = False) -> None:
        self.year = year
        self.empty = empty
        if empty:
            message = gettext(
                "%(year)s 年的节假日安排已登记，但还没有录入任何法定节假日，无法计算工作日。"
                "请系统管理员在“系统管理 → 工作日”中按国务院办公厅关于%(year)s年部分节假日安排"
                "的通知录入放假和调休上班日期。"
            ) % {"year": year}
        else:
            message = gettext(
                "%(year)s 年的节假日安排尚未载入，无法计算工作日。请系统管理员在“系统管理 → 工作日”"
                "中载入国务院办公厅关于%(year)s年部分节假日安排的通知（或运行 zhifa workdays load"
                " --year %(year)s）后再试。"
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
            raise YearNotLoaded(year)
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
        arrangement = self.arrangement(day.year)
        if day in arrangement.makeup_workdays:
            return DayInfo(day, True, "makeup_workday", arrangement.makeup_workdays[day])
        if day in arrangement.holidays:
            return DayInfo(day, False, "holiday", arrangement.holidays[day])
        if day.weekday() >= 5:
            return DayInfo(day, False, "weekend", "")
        return DayInfo(day, True, "workday", "")

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


def work_calendar() -> WorkCalendar:
    """The loaded years and their revision tokens, read in one query."""
    return WorkCalendar(dict(HolidayYear.objects.values_list("year", "revision")))


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
    return list(HolidayYear.objects.select_related("loaded_by").order_by("-year"))
