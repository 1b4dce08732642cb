"""When each step of the demo's history happens, counted back from the moment it is loaded.

The demo is a history that could have happened, ending before the moment it is loaded:

- the organisations, officers and enterprises are entered on the first working day of the year,
  and the year's plans are approved and published that morning, their two tasks per field in the
  quarter the demo is loaded in;
- a draw of that quarter is announced two working days before ``day`` (the last working day that
  has ended), its random sources are dated after the announcement and before the draw, and it is
  drawn on ``day``; a second draw is announced on ``day`` with sources still to come;
- the drawn enterprises become cases, the persona enterprise is notified of a special inspection
  and an emergency inspection is carried out, and the guidance list and the three lists are
  published, all on ``day``.

Each step runs through the real services with the process clock set to its moment
(``DemoClock``), so every stored time and audit record is what the service itself wrote, and the
audit chain is written in time order. Steps that would need the working days of a year whose
holiday arrangement is not loaded are left out (``None`` here), never guessed.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import time_machine
from django.conf import settings
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.workdays.selectors import WorkCalendar, YearNotLoaded, work_calendar

# How far back the last finished working day is looked for (the 2027 holidays may be missing
# for a whole year after they are published).
LOOKBACK_DAYS = 800
# A working day is over for the demo at 18:00 Beijing time.
DAY_ENDS_HOUR = 18
PERSONA_NOTICE_WORKING_DAYS = 8
SLOT_WORKING_DAYS = (2, 3, 4)
DRAW_NOTICE_WORKING_DAYS = 2
# Declared inspection periods begin a week after the sources' date.
INSPECTION_LEAD = dt.timedelta(days=7)


class DemoCalendarError(RuntimeError):
    """No loaded holiday arrangement lets the demo place its history; the message says why."""


@dataclass(frozen=True)
class DrawMoments:
    announce_at: dt.datetime
    reveal_date: dt.date
    drawn_at: dt.datetime | None
    inspection_start: dt.date
    inspection_end: dt.date

    @property
    def source_date(self) -> dt.date:
        """The date every random source of the draw is published."""
        return self.reveal_date


@dataclass(frozen=True)
class DemoTimeline:
    now: dt.datetime
    year: int
    quarter: int
    first_day: dt.date
    day: dt.date
    drawn: DrawMoments | None
    announced: DrawMoments | None
    persona_inspection: dt.date | None
    slot_days: tuple[dt.date, ...]
    emergency: bool

    @property
    def quarter_end(self) -> dt.date:
        return quarter_bounds(self.year, self.quarter)[1]

    @property
    def base_at(self) -> dt.datetime:
        return beijing(self.first_day, 8, 30)

    @property
    def plans_at(self) -> dt.datetime:
        return beijing(self.first_day, 10, 0)

    def on_day(self, hour: int, minute: int = 0) -> dt.datetime:
        """A moment of ``day``, the last finished working day."""
        return beijing(self.day, hour, minute)


def beijing(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    last_month = quarter * 3
    last = month_calendar.monthrange(year, last_month)[1]
    return dt.date(year, last_month - 2, 1), dt.date(year, last_month, last)


def _is_workday(calendar: WorkCalendar, day: dt.date) -> bool | None:
    """Whether ``day`` is a working day; None when its year is not loaded."""
    try:
        return calendar.is_workday(day)
    except YearNotLoaded:
        return None


def _add(calendar: WorkCalendar, day: dt.date, n: int) -> dt.date | None:
    try:
        return calendar.add_workdays(day, n)
    except YearNotLoaded:
        return None


def _first_workday_from(calendar: WorkCalendar, day: dt.date) -> dt.date | None:
    for offset in range(31):
        candidate = day + dt.timedelta(days=offset)
        found = _is_workday(calendar, candidate)
        if found is None:
            return None
        if found:
            return candidate
    return None


def last_finished_workday(now: dt.datetime, calendar: WorkCalendar) -> dt.date:
    """The latest working day of a loaded year whose working hours ended before ``now``."""
    today = timezone.localdate(now)
    for back in range(LOOKBACK_DAYS):
        day = today - dt.timedelta(days=back)
        if _is_workday(calendar, day) and beijing(day, DAY_ENDS_HOUR) <= now:
            return day
    raise DemoCalendarError(
        f"{today:%Y-%m-%d}之前两年的节假日安排均未载入，演示数据无法按工作日安排；"
        "请先运行 zhifa workdays load。"
    )


def timeline_for(now: dt.datetime, calendar: WorkCalendar | None = None) -> DemoTimeline:
    """The demo's history for a load at ``now``."""
    calendar = calendar or work_calendar()
    day = last_finished_workday(now, calendar)
    year, quarter = day.year, quarter_of(day)
    first_day = _first_workday_from(calendar, dt.date(year, 1, 1))
    if first_day is None:
        raise DemoCalendarError(f"{year}年一月没有工作日，请核对该年的节假日安排。")
    quarter_start, quarter_end = quarter_bounds(year, quarter)
    today = timezone.localdate(now)

    drawn: DrawMoments | None = None
    quarter_first = _first_workday_from(calendar, quarter_start) or quarter_start
    back = _add(calendar, day, -DRAW_NOTICE_WORKING_DAYS) or quarter_first
    announce_day = max(back, quarter_first, first_day)
    if announce_day < day:
        # Sources are dated after the announcement and, where a day lies between, before the
        # day of the draw.
        before = day - dt.timedelta(days=1)
        reveal = before if before > announce_day else day
        drawn = DrawMoments(
            # The plans are published at 10:00 on the first working day; later the same day at
            # the earliest.
            announce_at=beijing(announce_day, 15, 0),
            reveal_date=reveal,
            drawn_at=beijing(day, 9, 30),
            inspection_start=min(reveal + INSPECTION_LEAD, quarter_end),
            inspection_end=quarter_end,
        )

    announced: DrawMoments | None = None
    # Announced after the plans are published (10:00 on the first working day).
    candidates: tuple[dt.date | None, ...] = ()
    if day != first_day:
        candidates = (_add(calendar, today, 2), today + dt.timedelta(days=1))
    for candidate in candidates:
        if candidate is not None and today < candidate <= quarter_end:
            announced = DrawMoments(
                announce_at=beijing(day, 9, 45),
                reveal_date=candidate,
                drawn_at=None,
                inspection_start=min(candidate + INSPECTION_LEAD, quarter_end),
                inspection_end=quarter_end,
            )
            break

    persona = _add(calendar, day, PERSONA_NOTICE_WORKING_DAYS)
    slots = tuple(d for n in SLOT_WORKING_DAYS if (d := _add(calendar, day, n)) is not None)
    makeup_days = int(settings.ZHIFA_ORAL_NOTICE_MAKEUP_WORKING_DAYS)
    return DemoTimeline(
        now=now,
        year=year,
        quarter=quarter,
        first_day=first_day,
        day=day,
        drawn=drawn,
        announced=announced,
        persona_inspection=persona,
        slot_days=slots if persona is not None else (),
        emergency=_add(calendar, day, makeup_days) is not None,
    )


class DemoClock:
    """Sets the process clock to each step's moment while the step runs.

    Time runs on from there (``tick``), and a step never starts before anything already in the
    audit chain, so the chain stays in time order even when the demo is loaded into a database
    that has later records (the step then happens just after them, and the services judge it
    as of then)."""

    def __init__(self) -> None:
        self.floor: dt.datetime | None = (
            AuditRecord.objects.order_by("-seq").values_list("at", flat=True).first()
        )

    @contextmanager
    def at(self, moment: dt.datetime) -> Iterator[dt.datetime]:
        start = moment
        if self.floor is not None and start <= self.floor:
            start = self.floor + dt.timedelta(milliseconds=1)
        with time_machine.travel(start, tick=True):
            try:
                yield start
            finally:
                self.floor = max(self.floor or start, timezone.now())
