"""Dates and times as a person reads them: always Beijing time (Asia/Shanghai).

The database stores instants in UTC; every page, 文书, SMS, e-mail, spreadsheet cell, public
record and display text formats them through this module, so that a 13:37 visit never prints as
"5时37分" and a 07:30 morning never prints yesterday's date.

The zone is named explicitly rather than taken from Django's "current" time zone, which a request
or a thread may have changed. Naive datetimes are refused: their instant is unknown, so any
conversion would be a guess. A ``datetime.date`` or a wall-clock ``datetime.time`` (a 检查时间
entered as "9:00") is already Beijing's and is printed as it is.

This module sits at the bottom of the house: it imports nothing from the zhifa apps.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone reached a formatter."""


def beijing(moment: dt.datetime) -> dt.datetime:
    """The same instant on Beijing's clock."""
    if not isinstance(moment, dt.datetime):
        raise TypeError(f"beijing() 需要 datetime，收到的是 {type(moment).__name__}。")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveDatetimeError(
            f"时间 {moment.isoformat()} 没有时区，无法换算为北京时间；"
            "请使用带时区的时间（django.utils.timezone.now() 或 tzinfo=SHANGHAI）。"
        )
    return moment.astimezone(SHANGHAI)


def beijing_date(moment: dt.datetime) -> dt.date:
    """The Beijing calendar day of an instant (``moment.date()`` would give the UTC day)."""
    return beijing(moment).date()


def now() -> dt.datetime:
    """Now, on Beijing's clock."""
    return dt.datetime.now(SHANGHAI)


def today() -> dt.date:
    """Today in Beijing."""
    return now().date()


def day_of(value: dt.date | dt.datetime) -> dt.date:
    """A date as it is; an instant as its Beijing day."""
    if isinstance(value, dt.datetime):
        return beijing_date(value)
    return value


def wall_date(value: dt.datetime) -> dt.date:
    """The day of a wall-clock reading with no zone (a spreadsheet cell's date, as openpyxl gives
    it); an aware instant is read on Beijing's clock."""
    if value.tzinfo is None or value.utcoffset() is None:
        return dt.date(value.year, value.month, value.day)
    return beijing_date(value)


def _clock(value: dt.datetime | dt.time) -> dt.time:
    if isinstance(value, dt.datetime):
        return beijing(value).time()
    if value.tzinfo is not None:
        raise NaiveDatetimeError(
            f"钟点 {value.isoformat()} 带有时区，无法单独换算；请传入完整的日期时间。"
        )
    return value


# --- Numeric forms: 2026-12-04 07:30 --------------------------------------------------------


def fmt_date(value: dt.date | dt.datetime | None, *, empty: str = "") -> str:
    """2026-12-04"""
    if value is None:
        return empty
    day = day_of(value)
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def fmt_compact_date(value: dt.date | dt.datetime) -> str:
    """20261204 (file names)."""
    return fmt_date(value).replace("-", "")


def fmt_time(value: dt.datetime | dt.time, *, seconds: bool = False) -> str:
    """07:30 (07:30:05 with ``seconds``)."""
    clock = _clock(value)
    text = f"{clock.hour:02d}:{clock.minute:02d}"
    return f"{text}:{clock.second:02d}" if seconds else text


def fmt_datetime(value: dt.datetime | None, *, seconds: bool = False, empty: str = "") -> str:
    """2026-12-04 07:30 (2026-12-04 07:30:05 with ``seconds``)."""
    if value is None:
        return empty
    return f"{fmt_date(value)} {fmt_time(value, seconds=seconds)}"


def fmt_span(start: dt.datetime, end: dt.datetime) -> str:
    """2026-12-07 14:30–15:30; the end's date is repeated when it falls on another day."""
    if beijing_date(start) == beijing_date(end):
        return f"{fmt_datetime(start)}–{fmt_time(end)}"
    return f"{fmt_datetime(start)}–{fmt_datetime(end)}"


def fmt_stamp(value: dt.datetime) -> str:
    """20261204073005123456: a sortable Beijing timestamp for object labels."""
    moment = beijing(value)
    return f"{fmt_compact_date(moment)}{fmt_time(moment, seconds=True).replace(':', '')}" + (
        f"{moment.microsecond:06d}"
    )


def iso_beijing(value: dt.datetime | None) -> str | None:
    """2026-12-04T07:30:00+08:00: machine-readable, and the clock a reader of the JSON expects."""
    if value is None:
        return None
    return beijing(value).isoformat()


# --- Chinese forms of official documents: 2026年12月4日7时30分 -------------------------------


def chinese_date(value: dt.date | dt.datetime) -> str:
    """2026年12月4日 (GB/T 9704: Arabic numerals, no leading zeros)."""
    day = day_of(value)
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_clock(value: dt.datetime | dt.time) -> str:
    """7时30分 (9时05分; a whole hour keeps its 00分)."""
    clock = _clock(value)
    return f"{clock.hour}时{clock.minute:02d}分"


def chinese_datetime(value: dt.datetime) -> str:
    """2026年12月4日7时30分"""
    return f"{chinese_date(value)}{chinese_clock(value)}"


def chinese_span(start: dt.datetime, end: dt.datetime) -> str:
    """2026年12月4日7时30分至8时05分; the end's date is repeated when it falls on another day."""
    if beijing_date(start) == beijing_date(end):
        return f"{chinese_datetime(start)}至{chinese_clock(end)}"
    return f"{chinese_datetime(start)}至{chinese_datetime(end)}"


def chinese_appointment(day: dt.date, clock: dt.time) -> str:
    """2026年12月8日上午9时 / 下午2时30分: a planned day and wall-clock time, as notices say it."""
    wall = _clock(clock)
    part = "上午" if wall.hour < 12 else "下午"
    shown = wall.hour if wall.hour <= 12 else wall.hour - 12
    minute = f"{wall.minute}分" if wall.minute else ""
    return f"{chinese_date(day)}{part}{shown}时{minute}"
