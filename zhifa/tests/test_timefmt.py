"""zhifa.core.timefmt: every date and time a person reads, on Beijing's clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from zhifa.core import timefmt

UTC = dt.UTC
# 2026-12-03 23:30 UTC is 2026-12-04 07:30 in Beijing: the date differs.
MORNING = dt.datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
EVENING = dt.datetime(2026, 12, 4, 0, 5, 9, tzinfo=UTC)  # 08:05:09 Beijing


def test_an_instant_is_read_on_beijings_clock_whatever_zone_it_carries():
    in_new_york = MORNING.astimezone(zoneinfo.ZoneInfo("America/New_York"))

    assert timefmt.beijing(MORNING) == dt.datetime(2026, 12, 4, 7, 30, tzinfo=timefmt.SHANGHAI)
    assert timefmt.beijing(in_new_york).hour == 7
    assert timefmt.beijing_date(MORNING) == dt.date(2026, 12, 4)
    assert timefmt.beijing_date(in_new_york) == dt.date(2026, 12, 4)


def test_a_naive_datetime_is_refused_saying_why():
    with pytest.raises(timefmt.NaiveDatetimeError) as error:
        timefmt.fmt_datetime(dt.datetime(2026, 12, 4, 7, 30))

    assert str(error.value) == (
        "时间 2026-12-04T07:30:00 没有时区，无法换算为北京时间；"
        "请使用带时区的时间（django.utils.timezone.now() 或 tzinfo=SHANGHAI）。"
    )


def test_a_date_is_not_shifted():
    assert timefmt.fmt_date(dt.date(2026, 12, 3)) == "2026-12-03"
    assert timefmt.chinese_date(dt.date(2026, 12, 3)) == "2026年12月3日"
    assert timefmt.day_of(dt.date(2026, 12, 3)) == dt.date(2026, 12, 3)


def test_numeric_forms():
    assert timefmt.fmt_date(MORNING) == "2026-12-04"
    assert timefmt.fmt_compact_date(MORNING) == "20261204"
    assert timefmt.fmt_time(MORNING) == "07:30"
    assert timefmt.fmt_time(EVENING, seconds=True) == "08:05:09"
    assert timefmt.fmt_datetime(MORNING) == "2026-12-04 07:30"
    assert timefmt.fmt_datetime(EVENING, seconds=True) == "2026-12-04 08:05:09"
    assert timefmt.fmt_datetime(None) == ""
    assert timefmt.fmt_date(None, empty="—") == "—"
    assert timefmt.fmt_stamp(EVENING) == "20261204080509000000"
    assert timefmt.iso_beijing(MORNING) == "2026-12-04T07:30:00+08:00"
    assert timefmt.iso_beijing(None) is None


def test_spans_repeat_the_date_only_when_the_day_changes():
    assert timefmt.fmt_span(MORNING, EVENING) == "2026-12-04 07:30–08:05"
    assert timefmt.chinese_span(MORNING, EVENING) == "2026年12月4日7时30分至8时05分"
    late = dt.datetime(2026, 12, 4, 15, 40, tzinfo=UTC)  # 23:40 Beijing
    after_midnight = dt.datetime(2026, 12, 4, 16, 20, tzinfo=UTC)  # 00:20 the next day
    assert timefmt.fmt_span(late, after_midnight) == "2026-12-04 23:40–2026-12-05 00:20"
    assert timefmt.chinese_span(late, after_midnight) == (
        "2026年12月4日23时40分至2026年12月5日0时20分"
    )


def test_chinese_forms_of_official_documents():
    assert timefmt.chinese_datetime(MORNING) == "2026年12月4日7时30分"
    assert timefmt.chinese_datetime(dt.datetime(2026, 12, 4, 5, 37, tzinfo=UTC)) == (
        "2026年12月4日13时37分"
    )
    assert timefmt.chinese_clock(dt.time(9, 5)) == "9时05分"
    assert timefmt.chinese_appointment(dt.date(2026, 12, 8), dt.time(9, 0)) == (
        "2026年12月8日上午9时"
    )
    assert timefmt.chinese_appointment(dt.date(2026, 12, 8), dt.time(14, 30)) == (
        "2026年12月8日下午2时30分"
    )


def test_a_clock_time_with_a_zone_but_no_day_is_refused():
    with pytest.raises(timefmt.NaiveDatetimeError):
        timefmt.chinese_clock(dt.time(9, 0, tzinfo=UTC))


def test_today_and_now_are_beijings_even_when_the_current_zone_was_changed():
    with time_machine.travel(MORNING, tick=False), timezone.override("UTC"):
        assert timezone.localdate() == dt.date(2026, 12, 3)
        assert timefmt.today() == dt.date(2026, 12, 4)
        assert timefmt.now() == dt.datetime(2026, 12, 4, 7, 30, tzinfo=timefmt.SHANGHAI)
        assert timefmt.fmt_datetime(timezone.now()) == "2026-12-04 07:30"
