from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhifa.audit.models import AuditRecord
from zhifa.workdays.models import Holiday, HolidayKind, HolidayYear
from zhifa.workdays.selectors import is_workday


def holiday_url(holiday: Holiday) -> str:
    return reverse("admin:workdays_holiday_change", args=[holiday.pk])


@pytest.mark.django_db
def test_admin_lists_the_years_with_their_day_counts(client_for, admin_user):
    response = client_for(admin_user).get(reverse("admin:workdays_holidayyear_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 23
    year_2026 = response.context["cl"].queryset.get(year=2026)
    assert year_2026.day_total == 39


@pytest.mark.django_db
def test_editing_a_holiday_in_admin_is_audited_and_used_at_once(client_for, admin_user):
    holiday = Holiday.objects.get(date=dt.date(2026, 2, 21))  # a festival Saturday
    assert is_workday(holiday.date) is False
    audit_before = AuditRecord.objects.count()
    response = client_for(admin_user).post(
        holiday_url(holiday), {"date": "2026-02-21", "kind": "makeup_workday", "name": "春节"}
    )
    assert response.status_code == 302
    holiday.refresh_from_db()
    assert holiday.kind == HolidayKind.MAKEUP_WORKDAY
    assert AuditRecord.objects.count() == audit_before + 1
    record = AuditRecord.objects.order_by("-seq").first()
    assert (record.action, record.actor, record.object_id) == (
        "workdays.holiday.update",
        admin_user,
        str(holiday.pk),
    )
    assert record.before == {"date": "2026-02-21", "year": 2026, "kind": "holiday", "name": "春节"}
    assert record.after["kind"] == "makeup_workday"
    assert record.summary == "修改 2026-02-21 为调休上班日（春节）"
    assert is_workday(holiday.date) is True


@pytest.mark.django_db
def test_admin_refuses_a_make_up_workday_on_a_weekday_and_changes_nothing(client_for, admin_user):
    holiday = Holiday.objects.get(date=dt.date(2026, 2, 16))
    audit_before = AuditRecord.objects.count()
    response = client_for(admin_user).post(
        holiday_url(holiday), {"date": "2026-02-16", "kind": "makeup_workday", "name": "春节"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["kind"] == [
        "2026-02-16 是周一，本来就是工作日，不能登记为调休上班日：调休上班日只能是周六或周日。"
    ]
    holiday.refresh_from_db()
    assert holiday.kind == HolidayKind.HOLIDAY
    assert AuditRecord.objects.count() == audit_before


@pytest.mark.django_db
def test_admin_cannot_add_a_date_of_an_unregistered_year(client_for, admin_user):
    audit_before = AuditRecord.objects.count()
    response = client_for(admin_user).post(
        reverse("admin:workdays_holiday_add"),
        {"date": "2031-01-01", "kind": "holiday", "name": "元旦"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["date"] == [
        "2031 年的节假日安排尚未登记：请先在“节假日安排年度”中新建 2031 年度"
        "（填写国务院办公厅通知的名称和文号），再录入日期。"
    ]
    assert Holiday.objects.count() == 771
    assert AuditRecord.objects.count() == audit_before


@pytest.mark.django_db
def test_adding_a_holiday_in_admin_takes_the_year_from_the_date(client_for, admin_user):
    Holiday.objects.filter(date=dt.date(2026, 10, 7)).delete()
    response = client_for(admin_user).post(
        reverse("admin:workdays_holiday_add"),
        {"date": "2026-10-07", "kind": "holiday", "name": "国庆节"},
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(date=dt.date(2026, 10, 7))
    assert holiday.year.year == 2026
    record = AuditRecord.objects.order_by("-seq").first()
    assert (record.action, record.summary) == (
        "workdays.holiday.create",
        "新增 2026-10-07 法定节假日（国庆节）",
    )


@pytest.mark.django_db
def test_deleting_a_holiday_in_admin_is_audited(client_for, admin_user):
    holiday = Holiday.objects.get(date=dt.date(2025, 10, 8))
    pk = holiday.pk
    response = client_for(admin_user).post(
        reverse("admin:workdays_holiday_delete", args=[pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Holiday.objects.filter(pk=pk).exists()
    record = AuditRecord.objects.order_by("-seq").first()
    assert (record.action, record.object_id, record.summary) == (
        "workdays.holiday.delete",
        str(pk),
        "删除 2025-10-08 法定节假日（国庆节）",
    )
    assert is_workday(dt.date(2025, 10, 8)) is True


@pytest.mark.django_db
def test_registering_a_new_year_with_its_days_in_admin(client_for, admin_user):
    audit_before = AuditRecord.objects.count()
    data = {
        "year": "2031",
        "source": "国务院办公厅关于2031年部分节假日安排的通知（测试）",
        "days-TOTAL_FORMS": "2",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2031-01-01",
        "days-0-kind": "holiday",
        "days-0-name": "元旦",
        "days-1-date": "2031-01-04",
        "days-1-kind": "makeup_workday",
        "days-1-name": "元旦",
    }
    response = client_for(admin_user).post(reverse("admin:workdays_holidayyear_add"), data)
    assert response.status_code == 302
    holiday_year = HolidayYear.objects.get(year=2031)
    assert holiday_year.loaded_by == admin_user
    assert list(holiday_year.days.values_list("date", "kind")) == [
        (dt.date(2031, 1, 1), "holiday"),
        (dt.date(2031, 1, 4), "makeup_workday"),
    ]
    actions = list(
        AuditRecord.objects.filter(seq__gt=0).order_by("-seq")[:3].values_list("action", flat=True)
    )
    assert AuditRecord.objects.count() == audit_before + 3
    assert sorted(actions) == [
        "workdays.holiday.create",
        "workdays.holiday.create",
        "workdays.year.create",
    ]
    assert is_workday(dt.date(2031, 1, 1)) is False
    assert is_workday(dt.date(2031, 1, 4)) is True
    assert is_workday(dt.date(2031, 1, 2)) is True


@pytest.mark.django_db
def test_an_inline_day_outside_the_year_is_refused(client_for, admin_user):
    data = {
        "year": "2031",
        "source": "测试",
        "days-TOTAL_FORMS": "1",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2030-12-31",
        "days-0-kind": "holiday",
        "days-0-name": "元旦",
    }
    audit_before = AuditRecord.objects.count()
    response = client_for(admin_user).post(reverse("admin:workdays_holidayyear_add"), data)
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors == [
        {"date": ["日期 2030-12-31 不在所属年度 2031 年内：请改正日期，或选择 2030 年的安排。"]}
    ]
    assert not HolidayYear.objects.filter(year=2031).exists()
    assert AuditRecord.objects.count() == audit_before


@pytest.mark.django_db
def test_deleting_a_year_in_admin_is_audited_and_stops_arithmetic(client_for, admin_user):
    holiday_year = HolidayYear.objects.get(year=2025)
    response = client_for(admin_user).post(
        reverse("admin:workdays_holidayyear_delete", args=[holiday_year.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not HolidayYear.objects.filter(year=2025).exists()
    assert Holiday.objects.filter(date__year=2025).count() == 0
    record = AuditRecord.objects.order_by("-seq").first()
    assert record.action == "workdays.year.delete"
    assert record.summary == "删除 2025 年节假日安排及其 33 个日期"
    assert len(record.before["days"]) == 33


@pytest.mark.django_db
def test_the_reload_action_restores_the_package_data(client_for, admin_user):
    Holiday.objects.filter(date=dt.date(2026, 2, 14)).update(kind="holiday")
    holiday_year = HolidayYear.objects.get(year=2026)
    response = client_for(admin_user).post(
        reverse("admin:workdays_holidayyear_changelist"),
        {"action": "reload_from_package", "_selected_action": [holiday_year.pk]},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "2026 年：已更新，新增 0 个日期、修改 1 个、删除 0 个（国务院办公厅关于2026年部分节假日安排"
        "的通知（国办发明电〔2025〕7号）；数据取自 chinesecalendar 1.11.0）"
    ]
    assert Holiday.objects.get(date=dt.date(2026, 2, 14)).kind == "makeup_workday"
    record = AuditRecord.objects.order_by("-seq").first()
    assert (record.action, record.actor) == ("workdays.year.load", admin_user)
    assert record.before["days"]["2026-02-14"] == ["holiday", "春节"]
    assert record.after["days"]["2026-02-14"] == ["makeup_workday", "春节"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["inspector", "supervisor"])
def test_non_admins_cannot_edit_the_holiday_table_in_admin(client_for, persona, request):
    user = request.getfixturevalue(persona)
    user.is_staff = True
    user.save()
    holiday = Holiday.objects.get(date=dt.date(2026, 2, 16))
    audit_before = AuditRecord.objects.count()
    client = client_for(user)
    assert client.get(reverse("admin:workdays_holidayyear_changelist")).status_code == 302
    response = client.post(
        holiday_url(holiday), {"date": "2026-02-16", "kind": "holiday", "name": "改名"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    holiday.refresh_from_db()
    assert holiday.name == "春节"
    assert AuditRecord.objects.count() == audit_before


@pytest.mark.django_db
def test_the_year_change_page_shows_its_days_inline(client_for, admin_user):
    holiday_year = HolidayYear.objects.get(year=2026)
    client = client_for(admin_user)
    response = client.get(reverse("admin:workdays_holidayyear_change", args=[holiday_year.pk]))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.total_form_count() == 39
    assert client.get(reverse("admin:workdays_holiday_add")).status_code == 200
    assert client.get(reverse("admin:workdays_holiday_changelist")).status_code == 200
