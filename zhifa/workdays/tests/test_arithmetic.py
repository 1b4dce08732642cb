from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from zhifa.workdays import package, selectors, services
from zhifa.workdays.models import (
    ArrangementStatus,
    Holiday,
    HolidayArrangement,
    HolidayKind,
    HolidayYear,
)
from zhifa.workdays.selectors import (
    YearNotLoaded,
    add_workdays,
    describe_day,
    is_workday,
    latest_notice_date,
    working_days_between,
)

D = dt.date


@pytest.mark.django_db
def test_every_year_of_the_package_is_prefilled_and_confirmed_by_the_migrations():
    # Whatever chinesecalendar release is installed: the migrations load exactly what it has.
    years = package.package_years()
    assert list(HolidayYear.objects.order_by("year").values_list("year", flat=True)) == years
    assert Holiday.objects.count() == sum(len(package.package_days(y)) for y in years)
    assert [selectors.is_year_loaded(y) for y in years] == [True] * len(years)
    arrangements = HolidayArrangement.objects.filter(status=ArrangementStatus.CONFIRMED)
    assert arrangements.count() == len(years)
    assert set(arrangements.values_list("source", "library_version")) == {
        ("library", package.package_label())
    }


@pytest.mark.django_db
def test_2025_and_2026_name_their_state_council_notices():
    label = package.package_label()
    assert HolidayYear.objects.get(year=2025).source == (
        f"国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）；数据取自 {label}"
    )
    assert HolidayYear.objects.get(year=2026).source == (
        f"国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）；数据取自 {label}"
    )
    assert HolidayYear.objects.get(year=2024).source == label
    arrangement = HolidayYear.objects.get(year=2026).arrangement
    assert (arrangement.notice_number, arrangement.notice_date) == (
        "国办发明电〔2025〕7号",
        D(2025, 11, 4),
    )


@pytest.mark.django_db
def test_2026_spring_festival_matches_the_notice():
    spring = Holiday.objects.filter(year__year=2026, name="春节").order_by("date")
    assert [(h.date, h.kind) for h in spring] == [
        (D(2026, 2, 14), HolidayKind.MAKEUP_WORKDAY),
        *[(D(2026, 2, day), HolidayKind.HOLIDAY) for day in range(15, 24)],
        (D(2026, 2, 28), HolidayKind.MAKEUP_WORKDAY),
    ]


@pytest.mark.django_db
def test_a_make_up_saturday_is_a_workday_and_a_festival_monday_is_not():
    assert is_workday(D(2026, 2, 14)) is True
    assert is_workday(D(2026, 2, 16)) is False
    assert is_workday(D(2026, 2, 13)) is True  # an ordinary Friday
    assert is_workday(D(2026, 3, 7)) is False  # an ordinary Saturday


@pytest.mark.django_db
def test_describe_day_names_the_kind_and_festival():
    assert describe_day(D(2025, 10, 6)) == selectors.DayInfo(
        D(2025, 10, 6), False, "holiday", "中秋节"
    )
    assert describe_day(D(2025, 9, 28)) == selectors.DayInfo(
        D(2025, 9, 28), True, "makeup_workday", "国庆节"
    )
    assert describe_day(D(2025, 9, 27)).kind == "weekend"
    assert describe_day(D(2025, 9, 26)).kind_label == "工作日"


@pytest.mark.django_db
def test_latest_notice_for_an_inspection_after_national_day_2025_is_25_september():
    # Counting back from 2025-10-09: 9-30, 9-29, 9-28 (make-up Sunday), 9-26, 9-25.
    assert latest_notice_date(D(2025, 10, 9)) == D(2025, 9, 25)
    assert latest_notice_date(D(2025, 10, 9), days=3) == D(2025, 9, 28)
    assert latest_notice_date(D(2025, 10, 9), days=0) == D(2025, 10, 9)


@pytest.mark.django_db
def test_latest_notice_takes_the_regions_setting_then_its_parents(zhoushan):
    assert latest_notice_date(D(2025, 10, 9), region=zhoushan) == D(2025, 9, 25)
    zhoushan.parent.notice_working_days = 3
    zhoushan.parent.save()
    assert latest_notice_date(D(2025, 10, 9), region=zhoushan) == D(2025, 9, 28)
    zhoushan.notice_working_days = 7
    zhoushan.save()
    assert latest_notice_date(D(2025, 10, 9), region=zhoushan) == D(2025, 9, 23)
    assert latest_notice_date(D(2025, 10, 9), days=1, region=zhoushan) == D(2025, 9, 30)


@pytest.mark.django_db
@override_settings(ZHIFA_NOTICE_WORKING_DAYS=2)
def test_latest_notice_default_comes_from_settings():
    assert latest_notice_date(D(2025, 10, 9)) == D(2025, 9, 29)


@pytest.mark.django_db
def test_latest_notice_refuses_negative_days():
    with pytest.raises(ValueError, match="提前工作日数不能为负数"):
        latest_notice_date(D(2025, 10, 9), days=-1)


@pytest.mark.django_db
def test_add_workdays_counts_forward_and_back_without_the_start_day():
    assert add_workdays(D(2025, 9, 30), 3) == D(2025, 10, 11)  # 10-09, 10-10, 10-11 (make-up)
    assert add_workdays(D(2025, 10, 9), -5) == D(2025, 9, 25)
    assert add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_workdays(D(2026, 2, 14), 1) == D(2026, 2, 24)


@pytest.mark.django_db
def test_adding_zero_workdays_gives_the_same_date_even_on_a_holiday():
    assert add_workdays(D(2026, 2, 16), 0) == D(2026, 2, 16)
    assert add_workdays(D(2026, 2, 13), 0) == D(2026, 2, 13)


@pytest.mark.django_db
def test_add_workdays_crosses_new_year_between_loaded_years():
    # 2025-12-31 (Wed) + 1 → 2026-01-01..03 off, 01-04 make-up Sunday.
    assert add_workdays(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert add_workdays(D(2026, 1, 4), -1) == D(2025, 12, 31)


@pytest.mark.django_db
def test_working_days_between_inverts_add_workdays():
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 11)) == 3
    assert working_days_between(D(2025, 10, 9), D(2025, 9, 25)) == -5
    assert working_days_between(D(2025, 10, 9), D(2025, 10, 9)) == 0
    assert working_days_between(D(2025, 10, 1), D(2025, 10, 8)) == 0
    for start, end in [(D(2025, 9, 1), D(2025, 11, 3)), (D(2026, 3, 2), D(2026, 1, 5))]:
        assert add_workdays(start, working_days_between(start, end)) == end


@pytest.mark.django_db
def test_an_unloaded_year_is_an_error_never_a_weekday_guess():
    with pytest.raises(YearNotLoaded) as excinfo:
        is_workday(D(2099, 3, 3))
    assert excinfo.value.year == 2099
    assert str(excinfo.value) == (
        "2099 年的节假日安排尚未载入，无法计算工作日。请系统管理员在“工作日 → 节假日安排”中"
        "按国务院办公厅关于2099年部分节假日安排的通知录入并经另一名系统管理员复核（或运行 "
        "zhifa workdays load --year 2099 从 chinesecalendar 载入）后再试。"
    )
    assert selectors.is_year_loaded(2099) is False
    assert isinstance(excinfo.value, ValueError)


@pytest.mark.django_db
def test_deleting_a_loaded_year_makes_its_dates_an_error(admin_user):
    assert is_workday(D(2025, 3, 3)) is True  # cached now
    services.delete_holiday_year(HolidayYear.objects.get(year=2025), actor=admin_user)
    for call in (
        lambda: is_workday(D(2025, 3, 3)),
        lambda: add_workdays(D(2025, 3, 3), 0),
        lambda: latest_notice_date(D(2025, 3, 10)),
        lambda: working_days_between(D(2025, 3, 3), D(2025, 3, 10)),
    ):
        with pytest.raises(YearNotLoaded, match="2025 年的节假日安排尚未载入"):
            call()


@pytest.mark.django_db
def test_arithmetic_running_into_an_unloaded_year_raises(admin_user):
    services.delete_holiday_year(HolidayYear.objects.get(year=2026), actor=admin_user)
    with pytest.raises(YearNotLoaded, match="2026 年"):
        add_workdays(D(2025, 12, 30), 2)
    with pytest.raises(YearNotLoaded, match="2026 年"):
        latest_notice_date(D(2026, 1, 5))
    with pytest.raises(YearNotLoaded, match="2026 年"):
        working_days_between(D(2025, 12, 1), D(2026, 1, 5))
    assert add_workdays(D(2025, 12, 30), 1) == D(2025, 12, 31)
    with pytest.raises(YearNotLoaded, match="2003 年"):
        add_workdays(D(2004, 1, 2), -2)


@pytest.mark.django_db
def test_a_change_by_another_process_is_seen_through_the_revision_token(admin_user):
    assert is_workday(D(2026, 2, 14)) is True
    # Another process changes the table and the year's token; this process' cache is stale.
    Holiday.objects.filter(date=D(2026, 2, 14)).delete()
    HolidayYear.objects.filter(year=2026).update(revision="another-process")
    assert is_workday(D(2026, 2, 14)) is False


@pytest.mark.django_db
def test_one_calculation_reads_only_the_year_tokens_once_cached(django_assert_num_queries):
    selectors.invalidate()
    assert latest_notice_date(D(2025, 10, 9)) == D(2025, 9, 25)
    with django_assert_num_queries(1):
        assert latest_notice_date(D(2025, 10, 9)) == D(2025, 9, 25)
    calendar = selectors.work_calendar()
    with django_assert_num_queries(0):
        assert calendar.add_workdays(D(2025, 9, 30), 3) == D(2025, 10, 11)


def test_parse_date_names_the_field_and_the_format():
    assert selectors.parse_date(" 2026-02-14 ") == D(2026, 2, 14)
    for bad in ("2026-2-14", "2026-02-30", "", "明天"):
        with pytest.raises(ValueError, match="请按 YYYY-MM-DD 填写"):
            selectors.parse_date(bad, field="检查日期")
    with pytest.raises(ValueError) as excinfo:
        selectors.parse_date("2026-02-30", field="检查日期")
    assert str(excinfo.value) == (
        "检查日期“2026-02-30”不是有效日期，请按 YYYY-MM-DD 填写，例如 2026-02-14。"
    )
