"""Entering a year by hand, four eyes, and the comparison with the chinesecalendar package."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from chinese_calendar import constants
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from zhifa.audit.models import AuditRecord
from zhifa.workdays import package, selectors, services
from zhifa.workdays.models import (
    ArrangementStatus,
    DifferencesStatus,
    Holiday,
    HolidayArrangement,
    HolidayYear,
)
from zhifa.workdays.selectors import YearNotLoaded, is_workday
from zhifa.workdays.tests.conftest import FAR_YEAR, far_year_data, sample_2026

D = dt.date

pytestmark = pytest.mark.django_db


def without_2026(admin_user) -> None:
    services.delete_holiday_year(HolidayYear.objects.get(year=2026), actor=admin_user)


def test_an_entered_year_is_not_loaded_until_a_second_admin_confirms_it(
    today_in_2098, admin_user, other_admin
):
    arrangement = services.enter_arrangement(far_year_data(), actor=admin_user)

    assert arrangement.status == ArrangementStatus.PENDING
    assert selectors.is_year_loaded(FAR_YEAR) is False
    assert HolidayYear.objects.filter(year=FAR_YEAR).exists() is False
    with pytest.raises(YearNotLoaded) as excinfo:
        is_workday(D(2099, 3, 3))
    assert excinfo.value.pending is True
    assert str(excinfo.value) == (
        "2099 年的节假日安排尚未载入，无法计算工作日：已录入的安排还在等待另一名系统管理员复核"
        "确认。请系统管理员在“工作日 → 节假日安排”中核对通知原文后确认，再试。"
    )
    record = AuditRecord.objects.order_by("-seq").first()
    assert (record.action, record.actor, record.summary) == (
        "workdays.arrangement.enter",
        admin_user,
        "录入 2099 年节假日安排（国办发明电〔2098〕9号）：放假 30 天、调休上班 5 天，"
        "待另一名系统管理员复核",
    )

    services.confirm_arrangement(arrangement, actor=other_admin)

    arrangement.refresh_from_db()
    assert (arrangement.status, arrangement.confirmed_by) == (
        ArrangementStatus.CONFIRMED,
        other_admin,
    )
    assert selectors.is_year_loaded(FAR_YEAR) is True
    assert HolidayYear.objects.get(year=FAR_YEAR).days.count() == 35
    assert is_workday(D(2099, 1, 20)) is False
    assert is_workday(D(2099, 1, 31)) is True
    assert is_workday(D(2099, 2, 2)) is True
    record = AuditRecord.objects.order_by("-seq").first()
    assert (record.action, record.actor, record.summary) == (
        "workdays.arrangement.confirm",
        other_admin,
        "复核确认 2099 年节假日安排（国办发明电〔2098〕9号），自此按其计算工作日："
        "新增 35 个日期、修改 0 个、删除 0 个",
    )
    assert len(record.after["year_days"]) == 35


def test_the_admin_who_entered_a_year_cannot_confirm_it_and_nothing_changes(
    today_in_2098, admin_user
):
    arrangement = services.enter_arrangement(far_year_data(), actor=admin_user)
    audit_before = AuditRecord.objects.count()

    with pytest.raises(PermissionDenied) as excinfo:
        services.confirm_arrangement(arrangement, actor=admin_user)

    assert str(excinfo.value) == (
        "复核须由录入人以外的另一名系统管理员进行：这份 2099 年节假日安排是您录入的，"
        "请另一名系统管理员核对通知原文后确认。"
    )
    arrangement.refresh_from_db()
    assert (arrangement.status, arrangement.confirmed_by) == (ArrangementStatus.PENDING, None)
    assert selectors.is_year_loaded(FAR_YEAR) is False
    assert AuditRecord.objects.count() == audit_before


def test_only_administrators_enter_or_confirm(today_in_2098, admin_user, approver):
    with pytest.raises(PermissionDenied):
        services.enter_arrangement(far_year_data(), actor=approver)
    arrangement = services.enter_arrangement(far_year_data(), actor=admin_user)
    with pytest.raises(PermissionDenied):
        services.confirm_arrangement(arrangement, actor=approver)
    assert HolidayArrangement.objects.filter(year=FAR_YEAR).count() == 1
    assert selectors.is_year_loaded(FAR_YEAR) is False


def test_an_entry_with_problems_is_refused_and_nothing_is_written(today_in_2098, admin_user):
    data = far_year_data(makeup_workdays=[{"date": "2099-02-04", "name": "春节"}])
    audit_before = AuditRecord.objects.count()
    with pytest.raises(services.ArrangementInvalid) as excinfo:
        services.enter_arrangement(data, actor=admin_user)
    assert excinfo.value.messages == [
        "调休上班日第 1 项 日期：2099-02-04 是周三，本来就是工作日，不能登记为调休上班日："
        "调休上班日只能是周六或周日。"
    ]
    assert HolidayArrangement.objects.filter(year=FAR_YEAR).exists() is False
    assert AuditRecord.objects.count() == audit_before


def test_a_second_entry_waits_until_the_first_is_reviewed(today_in_2098, admin_user, other_admin):
    first = services.enter_arrangement(far_year_data(), actor=admin_user)
    with pytest.raises(ValidationError) as excinfo:
        services.enter_arrangement(far_year_data(), actor=other_admin)
    assert excinfo.value.messages == [
        "2099 年已有一份待复核的节假日安排（admin 于 2098-11-20 18:00 录入）：请先由另一名"
        "系统管理员复核确认或退回，再录入新的一份。"
    ]

    services.return_arrangement(first, actor=other_admin, reason="春节应自1月19日起放假")
    first.refresh_from_db()
    assert (first.status, first.returned_by, first.return_reason) == (
        ArrangementStatus.RETURNED,
        other_admin,
        "春节应自1月19日起放假",
    )
    assert selectors.is_year_loaded(FAR_YEAR) is False
    record = AuditRecord.objects.order_by("-seq").first()
    assert (record.action, record.summary) == (
        "workdays.arrangement.return",
        "退回 2099 年节假日安排：春节应自1月19日起放假",
    )
    second = services.enter_arrangement(far_year_data(), actor=other_admin)
    assert second.status == ArrangementStatus.PENDING


def test_a_return_needs_a_reason(today_in_2098, admin_user, other_admin):
    arrangement = services.enter_arrangement(far_year_data(), actor=admin_user)
    with pytest.raises(ValidationError) as excinfo:
        services.return_arrangement(arrangement, actor=other_admin, reason="  ")
    assert excinfo.value.message_dict == {
        "reason": ["请写明退回理由，例如哪一天与通知原文不符，便于录入人改正。"]
    }
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.PENDING


def test_a_confirmed_year_cannot_be_confirmed_again(today_in_2098, admin_user, other_admin):
    arrangement = services.enter_arrangement(far_year_data(), actor=admin_user)
    services.confirm_arrangement(arrangement, actor=other_admin)
    with pytest.raises(ValidationError) as excinfo:
        services.confirm_arrangement(arrangement, actor=other_admin)
    assert excinfo.value.messages == ["这份 2099 年节假日安排当前状态为“已确认”，不能复核确认。"]


def test_a_confirmed_correction_replaces_the_days_and_is_seen_at_once(
    today_in_2098, admin_user, other_admin
):
    first = services.enter_arrangement(far_year_data(), actor=admin_user)
    services.confirm_arrangement(first, actor=other_admin)
    assert is_workday(D(2099, 1, 31)) is True  # cached now
    data = far_year_data()
    data = dataclasses.replace(
        data, makeup_workdays=[m for m in data.makeup_workdays if m.date != D(2099, 1, 31)]
    )
    correction = services.enter_arrangement(data, actor=other_admin)

    # Until the correction is confirmed the year keeps its arrangement in force.
    assert is_workday(D(2099, 1, 31)) is True
    services.confirm_arrangement(correction, actor=admin_user)

    assert is_workday(D(2099, 1, 31)) is False
    first.refresh_from_db()
    assert first.status == ArrangementStatus.SUPERSEDED
    assert HolidayYear.objects.get(year=FAR_YEAR).arrangement == correction
    assert AuditRecord.objects.order_by("-seq").first().summary == (
        "复核确认 2099 年节假日安排（国办发明电〔2098〕9号），自此按其计算工作日："
        "新增 0 个日期、修改 0 个、删除 1 个"
    )


def test_a_year_half_entered_in_the_old_admin_is_not_loaded_after_the_migration(
    admin_user, other_admin
):
    # What migration 0004 makes of a year someone typed into the admin: a pending entry.
    migration = __import__(
        "zhifa.workdays.migrations.0004_confirm_existing_years", fromlist=["confirm_existing"]
    )
    holiday_year = HolidayYear.objects.create(
        year=2098, source="国务院办公厅通知", loaded_by=admin_user
    )
    Holiday.objects.create(date=D(2098, 1, 1), year=holiday_year, kind="holiday", name="元旦")
    migration.confirm_existing(apps, None)

    pending = HolidayArrangement.objects.get(year=2098)
    assert (pending.status, pending.source, pending.entered_by) == (
        ArrangementStatus.PENDING,
        "manual",
        admin_user,
    )
    assert pending.holidays == [{"name": "元旦", "first": "2098-01-01", "last": "2098-01-01"}]
    assert selectors.is_year_loaded(2098) is False
    with pytest.raises(YearNotLoaded, match="等待另一名系统管理员复核确认"):
        is_workday(D(2098, 3, 3))
    # The second administrator cannot confirm a half-entered year: the check names the gaps.
    with pytest.raises(services.ArrangementInvalid) as excinfo:
        services.confirm_arrangement(pending, actor=other_admin)
    # 3 notice fields, then 12 of the 13 statutory days (元旦 is in).
    assert len(excinfo.value.problems) == 15
    assert selectors.is_year_loaded(2098) is False


def test_the_library_load_compares_a_hand_entered_year_instead_of_overwriting_it(
    admin_user, other_admin
):
    without_2026(admin_user)
    data = sample_2026()
    data = dataclasses.replace(
        data, makeup_workdays=[m for m in data.makeup_workdays if m.date != D(2026, 2, 28)]
    )
    entered = services.enter_arrangement(data, actor=admin_user)
    services.confirm_arrangement(entered, actor=other_admin)
    entered.refresh_from_db()
    # The package has 2026: the confirmation already compared it.
    assert entered.differences_status == DifferencesStatus.OPEN
    assert entered.differences == [
        {
            "date": "2026-02-28",
            "manual_kind": "weekend",
            "manual_name": "",
            "library_kind": "makeup_workday",
            "library_name": "春节",
        }
    ]
    audit_before = AuditRecord.objects.count()

    result = services.load_year_from_package(2026, actor=None, via="命令行")

    assert result.compared is True
    assert result.describe() == (
        f"2026 年：现行安排为按通知手工录入，未用 {package.package_label()} 覆盖；"
        "比对发现 1 处不一致，请系统管理员在“工作日 → 节假日安排”中核对通知后决定保留手工录入"
        "或改用数据包：\n  2026-02-28（周六）：手工录入为周末休息日，数据包为调休上班日（春节）"
    )
    assert is_workday(D(2026, 2, 28)) is False
    assert HolidayYear.objects.get(year=2026).arrangement == entered
    # Nothing new to record: the same comparison was kept at confirmation.
    assert AuditRecord.objects.count() == audit_before


def test_keeping_the_manual_entry_settles_the_differences(admin_user, other_admin):
    without_2026(admin_user)
    data = sample_2026()
    data = dataclasses.replace(
        data, makeup_workdays=[m for m in data.makeup_workdays if m.date != D(2026, 2, 28)]
    )
    entered = services.enter_arrangement(data, actor=admin_user)
    services.confirm_arrangement(entered, actor=other_admin)

    services.resolve_differences(entered, keep="manual", actor=admin_user)

    entered.refresh_from_db()
    assert (entered.differences_status, entered.differences_resolved_by) == (
        DifferencesStatus.KEPT_MANUAL,
        admin_user,
    )
    assert is_workday(D(2026, 2, 28)) is False
    record = AuditRecord.objects.order_by("-seq").first()
    assert (record.action, record.summary) == (
        "workdays.arrangement.resolve",
        f"保留手工录入的 2026 年节假日安排，不采用 {package.package_label()}（1 处不一致）",
    )
    with pytest.raises(ValidationError, match="没有待处理的数据包差异"):
        services.resolve_differences(entered, keep="library", actor=admin_user)


def test_taking_the_library_replaces_the_manual_entry(admin_user, other_admin):
    without_2026(admin_user)
    data = sample_2026()
    data = dataclasses.replace(
        data, makeup_workdays=[m for m in data.makeup_workdays if m.date != D(2026, 2, 28)]
    )
    entered = services.enter_arrangement(data, actor=admin_user)
    services.confirm_arrangement(entered, actor=other_admin)

    services.resolve_differences(entered, keep="library", actor=admin_user)

    entered.refresh_from_db()
    assert entered.status == ArrangementStatus.SUPERSEDED
    current = HolidayYear.objects.get(year=2026).arrangement
    assert (current.source, current.library_version, current.confirmed_by) == (
        "library",
        package.package_label(),
        admin_user,
    )
    assert is_workday(D(2026, 2, 28)) is True
    assert AuditRecord.objects.order_by("-seq").first().summary == (
        f"2026 年改用 {package.package_label()} 的节假日安排，手工录入的安排失效（1 处不一致）"
    )


def test_a_hand_entry_that_agrees_with_the_package_is_marked_so(admin_user, other_admin):
    without_2026(admin_user)
    entered = services.enter_arrangement(sample_2026(), actor=admin_user)
    services.confirm_arrangement(entered, actor=other_admin)
    entered.refresh_from_db()
    assert (entered.differences_status, entered.differences) == (DifferencesStatus.AGREES, [])
    assert services.load_year_from_package(2026, actor=None).describe() == (
        f"2026 年：现行安排为按通知手工录入，未用 {package.package_label()} 覆盖；"
        "比对结果：与数据包一致"
    )


def test_a_package_release_that_adds_a_hand_entered_year_is_compared(
    today_in_2098, admin_user, other_admin, monkeypatch
):
    entered = services.enter_arrangement(far_year_data(), actor=admin_user)
    services.confirm_arrangement(entered, actor=other_admin)
    # A later chinesecalendar release brings 2099, with one day that differs from the entry.
    holidays = dict(constants.holidays)
    workdays = dict(constants.workdays)
    for day in far_year_data().holidays:
        for d in day.days():
            holidays[d] = "Spring Festival"
    for m in far_year_data().makeup_workdays:
        workdays[m.date] = "Spring Festival"
    del workdays[D(2099, 10, 10)]
    monkeypatch.setattr(constants, "holidays", holidays)
    monkeypatch.setattr(constants, "workdays", workdays)

    result = services.load_year_from_package(FAR_YEAR, actor=None)

    assert [services.describe_difference(d) for d in result.differences] == [
        "2099-10-10（周六）：手工录入为调休上班日（国庆节），数据包为周末休息日"
    ]
    entered.refresh_from_db()
    assert entered.differences_status == DifferencesStatus.OPEN
    assert is_workday(D(2099, 10, 10)) is True
    record = AuditRecord.objects.order_by("-seq").first()
    assert record.action == "workdays.arrangement.compare"
    assert record.after["differences"] == entered.differences
