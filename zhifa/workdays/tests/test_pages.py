from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.audit.models import AuditRecord
from zhifa.workdays import package, services
from zhifa.workdays.models import HolidayYear

URL = reverse("workdays:calendar")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client_for):
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=" + URL


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["inspector", "supervisor", "enterprise", "outsider"])
def test_every_signed_in_role_sees_the_holiday_table(client_for, persona, request):
    response = client_for(request.getfixturevalue(persona)).get(URL, {"year": 2026, "month": 2})
    assert response.status_code == 200
    html = response.content.decode()
    assert "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）" in html
    assert [e.date.isoformat() for e in response.context["entries"]][:4] == [
        "2026-01-01",
        "2026-01-02",
        "2026-01-03",
        "2026-01-04",
    ]
    assert len(response.context["entries"]) == 39
    assert [y.year for y in response.context["years"]] == package.package_years()[::-1]
    assert reverse("workdays:year_list") not in html


@pytest.mark.django_db
def test_the_month_grid_marks_the_make_up_saturday_and_festival_days(client_for, inspector):
    response = client_for(inspector).get(URL, {"year": 2026, "month": 2})
    days = {
        info.date.day: info.kind
        for week in response.context["weeks"]
        for info in week
        if info is not None
    }
    assert len(days) == 28
    assert days[14] == "makeup_workday"
    assert [days[d] for d in range(15, 24)] == ["holiday"] * 9
    assert days[13] == "workday"
    assert days[7] == "weekend"


@pytest.mark.django_db
def test_admins_get_a_link_to_the_years_page(client_for, admin_user):
    html = client_for(admin_user).get(URL).content.decode()
    assert f'href="{reverse("workdays:year_list")}">节假日安排：录入与复核</a>' in html


@pytest.mark.django_db
def test_an_unloaded_year_says_what_to_do(client_for, inspector):
    response = client_for(inspector).get(URL, {"year": 2099})
    assert response.status_code == 200
    assert response.context["year_error"].startswith("2099 年的节假日安排尚未载入")
    assert "国务院办公厅关于2099年部分节假日安排的通知" in response.content.decode()
    assert response.context["weeks"] == []


@pytest.mark.django_db
def test_the_notice_calculator_answers_on_the_full_page_without_javascript(client_for, inspector):
    response = client_for(inspector).get(URL, {"calc": "notice", "inspection_date": "2025-10-09"})
    assert response.status_code == 200
    assert response.templates[0].name == "workdays/calendar.html"
    html = response.content.decode()
    assert '<strong data-testid="latest-notice-date">2025-09-25</strong>' in html
    assert "检查日前第 5 个工作日" in html


@pytest.mark.django_db
def test_the_notice_calculator_answers_htmx_with_a_fragment(client_for, inspector):
    response = client_for(inspector).get(
        URL,
        {"calc": "notice", "inspection_date": "2025-10-09", "days": "3"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["workdays/_calc_result.html"]
    html = response.content.decode()
    assert "<html" not in html
    assert '<strong data-testid="latest-notice-date">2025-09-28</strong>' in html
    assert "2025-10-09（周四）的《行政检查预告通知书》最晚应于" in html
    assert "2025-09-28</strong>（周日，国庆节调休上班日）发出：检查日前第 3 个工作日" in html


@pytest.mark.django_db
def test_the_notice_default_follows_the_users_region(client_for, inspector, zhoushan):
    zhoushan.notice_working_days = 3
    zhoushan.save()
    response = client_for(inspector).get(
        URL, {"calc": "notice", "inspection_date": "2025-10-09"}, headers={"HX-Request": "true"}
    )
    assert response.context["result"]["days"] == 3
    assert (
        '<strong data-testid="latest-notice-date">2025-09-28</strong>' in response.content.decode()
    )


@pytest.mark.django_db
def test_the_add_calculator_counts_back_for_negative_numbers(client_for, enterprise):
    response = client_for(enterprise).get(
        URL, {"calc": "add", "start": "2026-02-24", "n": "-1"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert '<strong data-testid="add-date">2026-02-14</strong>' in html
    assert "之前第 1 个工作日是" in html


@pytest.mark.django_db
def test_the_calculator_names_a_bad_field(client_for, inspector):
    response = client_for(inspector).get(
        URL, {"calc": "add", "start": "2026-02-30", "n": "x"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "起算日期：起算日期不是有效日期，请按 YYYY-MM-DD 填写，例如 2025-09-30。" in html
    assert "工作日数：工作日数须为整数，例如 3 或 -3。" in html


@pytest.mark.django_db
def test_the_calculator_refuses_an_unloaded_year(client_for, inspector):
    response = client_for(inspector).get(
        URL, {"calc": "notice", "inspection_date": "2099-03-10"}, headers={"HX-Request": "true"}
    )
    assert "2099 年的节假日安排尚未载入" in response.content.decode()
    assert "latest-notice-date" not in response.content.decode()


@pytest.mark.django_db
def test_the_year_page_shows_its_history(client_for, admin_user, inspector):
    services.delete_holiday_year(HolidayYear.objects.get(year=2026), actor=admin_user)
    services.load_year_from_package(2026, actor=admin_user)
    html = client_for(inspector).get(URL, {"year": 2026}).content.decode()
    record = AuditRecord.objects.get(action="workdays.year.load")
    assert record.summary in html
