"""The 节假日安排 pages: list, entry with preview, four-eyes review, package differences."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from zhifa.audit.models import AuditRecord
from zhifa.workdays import package, rules, selectors, services
from zhifa.workdays.models import ArrangementStatus, HolidayArrangement, HolidayYear
from zhifa.workdays.tests.conftest import FAR_YEAR, FAR_YEAR_JSON, far_year_data, sample_2026

pytestmark = pytest.mark.django_db

LIST = reverse("workdays:year_list")
NEW = reverse("workdays:year_new")
FAR = reverse("workdays:year_detail", args=[FAR_YEAR])


def form_data(raw: dict[str, Any] = FAR_YEAR_JSON, action: str = "preview") -> dict[str, str]:
    data = {
        "action": action,
        "year": str(raw["year"]),
        "notice_number": raw["notice_number"],
        "notice_date": raw["notice_date"],
        "notice_url": raw["notice_url"],
        "h-count": str(len(raw["holidays"]) + 2),
        "m-count": str(len(raw["makeup_workdays"]) + 2),
    }
    for n, h in enumerate(raw["holidays"]):
        data |= {f"h-{n}-name": h["name"], f"h-{n}-first": h["first"], f"h-{n}-last": h["last"]}
    for n, m in enumerate(raw["makeup_workdays"]):
        data |= {f"m-{n}-date": m["date"], f"m-{n}-name": m["name"]}
    return data


def kinds(months) -> dict[dt.date, str]:
    return {
        info.date: info.kind for month in months for week in month.weeks for info in week if info
    }


@pytest.mark.parametrize("persona", ["inspector", "approver", "supervisor", "enterprise"])
def test_only_administrators_see_the_pages(client_for, persona, request, admin_user):
    arrangement = services.enter_arrangement(sample_2026(), actor=admin_user)
    client = client_for(request.getfixturevalue(persona))
    audit_before = AuditRecord.objects.count()
    for url in (LIST, NEW, reverse("workdays:year_detail", args=[2026])):
        response = client.get(url)
        assert response.status_code == 403
        assert rules.ADMIN_ONLY in response.content.decode()
    response = client.post(
        reverse("workdays:arrangement_confirm", args=[arrangement.pk]), {"checked": "on"}
    )
    assert response.status_code == 403
    assert client.post(NEW, form_data(action="save")).status_code == 403
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.PENDING
    assert AuditRecord.objects.count() == audit_before


def test_anonymous_visitors_are_sent_to_log_in(client_for):
    response = client_for(None).get(LIST)
    assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={LIST}")


def test_the_list_warns_from_1_november_when_next_year_is_missing(client_for, admin_user):
    with time_machine.travel(dt.datetime(2098, 11, 2, 9, tzinfo=dt.UTC)):
        response = client_for(admin_user).get(LIST)
    assert response.status_code == 200
    rows = {row.year: row.status_label for row in response.context["rows"]}
    assert rows[2099] == "未载入"
    assert rows[2098] == "未载入"
    assert rows[2026] == "已确认"
    assert len(rows) == len(package.package_years()) + 2
    assert response.context["warning"].startswith("2099 年的节假日安排尚未载入：")
    assert 'data-testid="next-year-warning"' in response.content.decode()

    with time_machine.travel(dt.datetime(2098, 10, 31, 9, tzinfo=dt.UTC)):
        response = client_for(admin_user).get(LIST)
    assert response.context["warning"] == ""


def test_the_admin_home_links_the_pages_and_repeats_the_warning(client_for, admin_user):
    with time_machine.travel(dt.datetime(2098, 11, 2, 9, tzinfo=dt.UTC)):
        html = client_for(admin_user).get(reverse("home")).content.decode()
    assert f'<a class="tile" href="{LIST}" data-testid="tile-holidays">' in html
    assert "2099 年的节假日安排尚未载入：" in html


def test_problems_are_listed_by_row_and_nothing_is_saved(client_for, admin_user, today_in_2098):
    data = form_data()
    data["m-0-date"] = "2099-01-05"
    data["h-1-first"] = "2099-01-21"
    response = client_for(admin_user).post(NEW, data)
    assert response.status_code == 200
    assert [str(p) for p in response.context["problems"]] == [
        "调休上班第 1 行 日期：2099-01-05 是周一，本来就是工作日，不能登记为调休上班日："
        "调休上班日只能是周六或周日。",
        "放假安排：2099-01-20（周二，农历除夕）是法定节假日春节，但不在任何一项放假安排内："
        "按《全国年节及纪念日放假办法》（2024年11月10日国务院令第795号修订，2025年1月1日起施行），"
        "春节放假 4 天（农历除夕、农历正月初一、农历正月初二、农历正月初三）。"
        "请核对通知，把它纳入春节的放假日期。",
    ]
    html = response.content.decode()
    assert 'value="2099-01-21"' in html  # what was typed stays in the form
    assert HolidayArrangement.objects.filter(year=FAR_YEAR).exists() is False


def test_a_checked_entry_is_previewed_as_a_calendar_before_saving(
    client_for, admin_user, today_in_2098
):
    response = client_for(admin_user).post(NEW, form_data())
    assert response.status_code == 200
    assert response.templates[0].name == "workdays/year_preview.html"
    days = kinds(response.context["months"])
    assert len(response.context["months"]) == 12
    assert days[dt.date(2099, 1, 20)] == "holiday"
    assert days[dt.date(2099, 1, 31)] == "makeup_workday"
    assert days[dt.date(2099, 2, 2)] == "workday"
    assert (response.context["holiday_days"], response.context["makeup_days"]) == (30, 5)
    html = response.content.decode()
    assert 'data-date="2099-01-20" data-kind="holiday">20<small>休</small>' in html
    assert 'data-date="2099-01-31" data-kind="makeup_workday">31<small>班</small>' in html
    assert (
        '<button type="submit" name="action" value="save" class="primary">保存待复核</button>'
        in html
    )
    # Previewing writes nothing.
    assert HolidayArrangement.objects.filter(year=FAR_YEAR).exists() is False


def test_saving_enters_the_year_awaiting_review(client_for, admin_user, today_in_2098):
    response = client_for(admin_user).post(NEW, form_data(action="save"))
    assert (response.status_code, response["Location"]) == (302, FAR)
    arrangement = HolidayArrangement.objects.get(year=FAR_YEAR)
    assert (arrangement.status, arrangement.entered_by) == (ArrangementStatus.PENDING, admin_user)
    assert arrangement.holidays == FAR_YEAR_JSON["holidays"]
    assert selectors.is_year_loaded(FAR_YEAR) is False
    assert AuditRecord.objects.order_by("-seq").first().action == "workdays.arrangement.enter"


def test_the_admin_who_entered_is_refused_on_confirming_and_nothing_changes(
    client_for, admin_user, today_in_2098
):
    arrangement = services.enter_arrangement(far_year_data(), actor=admin_user)
    client = client_for(admin_user)
    page = client.get(FAR)
    assert page.context["own_entry"] is True
    assert 'data-testid="confirm-form"' not in page.content.decode()
    audit_before = AuditRecord.objects.count()

    response = client.post(
        reverse("workdays:arrangement_confirm", args=[arrangement.pk]), {"checked": "on"}
    )

    assert response.status_code == 403
    assert response.context["error"] == (
        "复核须由录入人以外的另一名系统管理员进行：这份 2099 年节假日安排是您录入的，"
        "请另一名系统管理员核对通知原文后确认。"
    )
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.PENDING
    assert selectors.is_year_loaded(FAR_YEAR) is False
    assert AuditRecord.objects.count() == audit_before


def test_a_second_admin_sees_the_same_calendar_and_confirms(
    client_for, admin_user, other_admin, today_in_2098
):
    arrangement = services.enter_arrangement(far_year_data(), actor=admin_user)
    client = client_for(other_admin)
    page = client.get(FAR)
    assert page.status_code == 200
    assert kinds(page.context["pending"]["months"])[dt.date(2099, 1, 31)] == "makeup_workday"
    assert 'data-testid="confirm-form"' in page.content.decode()

    unchecked = client.post(reverse("workdays:arrangement_confirm", args=[arrangement.pk]), {})
    assert unchecked.status_code == 400
    assert unchecked.context["confirm_form"].errors["checked"] == [
        "请先对照通知原文逐日核对放假和调休上班日期，并勾选确认。"
    ]
    assert selectors.is_year_loaded(FAR_YEAR) is False

    response = client.post(
        reverse("workdays:arrangement_confirm", args=[arrangement.pk]), {"checked": "on"}
    )
    assert (response.status_code, response["Location"]) == (302, FAR)
    assert selectors.is_year_loaded(FAR_YEAR) is True
    page = client.get(FAR)
    assert page.context["current"]["record"] == arrangement
    assert page.context["pending"] is None
    assert "复核确认 2099 年节假日安排（国办发明电〔2098〕9号）" in page.content.decode()


def test_a_second_admin_returns_an_entry_with_a_reason(
    client_for, admin_user, other_admin, today_in_2098
):
    arrangement = services.enter_arrangement(far_year_data(), actor=admin_user)
    url = reverse("workdays:arrangement_return", args=[arrangement.pk])
    client = client_for(other_admin)
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "端午节应放假 3 天"})
    assert response.status_code == 302
    arrangement.refresh_from_db()
    assert (arrangement.status, arrangement.return_reason) == (
        ArrangementStatus.RETURNED,
        "端午节应放假 3 天",
    )
    page = client.get(FAR)
    assert "端午节应放假 3 天" in page.content.decode()
    # Re-entering starts from the returned entry.
    again = client_for(admin_user).get(NEW, {"year": FAR_YEAR, "from": arrangement.pk})
    assert again.context["form"].holidays[1] == ("春节", "2099-01-20", "2099-01-27")


def test_package_differences_are_shown_and_resolved_on_the_year_page(
    client_for, admin_user, other_admin
):
    services.delete_holiday_year(HolidayYear.objects.get(year=2026), actor=admin_user)
    data = sample_2026()
    data = dataclasses.replace(
        data,
        makeup_workdays=[m for m in data.makeup_workdays if m.date != dt.date(2026, 2, 28)],
    )
    entered = services.enter_arrangement(data, actor=admin_user)
    services.confirm_arrangement(entered, actor=other_admin)
    client = client_for(admin_user)
    url = reverse("workdays:year_detail", args=[2026])

    page = client.get(url)
    assert page.context["differences"] == [
        "2026-02-28（周六）：手工录入为周末休息日，数据包为调休上班日（春节）"
    ]
    assert 'data-testid="differences"' in page.content.decode()
    resolve = reverse("workdays:arrangement_resolve", args=[entered.pk])
    unchecked = client.post(resolve, {"keep": "library"})
    assert unchecked.status_code == 400
    assert selectors.is_workday(dt.date(2026, 2, 28)) is False

    response = client.post(resolve, {"keep": "library", "checked": "on"})

    assert response.status_code == 302
    assert selectors.is_workday(dt.date(2026, 2, 28)) is True
    page = client.get(url)
    assert page.context["current"]["record"].source == "library"
    assert 'data-testid="differences"' not in page.content.decode()
