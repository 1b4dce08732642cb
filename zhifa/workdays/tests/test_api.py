from __future__ import annotations

import pytest

from zhifa.org.services import create_api_token
from zhifa.workdays import services
from zhifa.workdays.models import HolidayYear


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/workdays/is-workday?date=2026-02-14", "/api/workdays/add?date=2025-09-30&n=3"]
)
def test_anonymous_callers_get_401(client_for, path):
    assert client_for(None).get(path).status_code == 401


@pytest.mark.django_db
def test_is_workday_for_a_make_up_saturday(client_for, outsider):
    response = client_for(outsider).get("/api/workdays/is-workday", {"date": "2026-02-14"})
    assert response.status_code == 200
    assert response.json() == {
        "date": "2026-02-14",
        "is_workday": True,
        "kind": "makeup_workday",
        "kind_label": "调休上班日",
        "name": "春节",
    }


@pytest.mark.django_db
def test_is_workday_for_a_festival_monday_with_a_token(client, inspector):
    _, key = create_api_token(user=inspector, name="测试", actor=inspector)
    response = client.get(
        "/api/workdays/is-workday",
        {"date": "2026-02-16"},
        headers={"Authorization": "Bearer " + key},
    )
    assert response.status_code == 200
    assert response.json()["is_workday"] is False
    assert response.json()["kind"] == "holiday"


@pytest.mark.django_db
def test_add_counts_forward_and_back(client_for, enterprise):
    client = client_for(enterprise)
    assert client.get("/api/workdays/add", {"date": "2025-09-30", "n": "3"}).json() == {
        "date": "2025-09-30",
        "n": 3,
        "result": "2025-10-11",
    }
    response = client.get("/api/workdays/add", {"date": "2025-10-09", "n": "-5"})
    assert response.json()["result"] == "2025-09-25"


@pytest.mark.django_db
def test_latest_notice_defaults_to_five_working_days(client_for, admin_user):
    response = client_for(admin_user).get("/api/workdays/latest-notice", {"date": "2025-10-09"})
    assert response.json() == {
        "inspection_date": "2025-10-09",
        "days": 5,
        "latest_notice_date": "2025-09-25",
    }


@pytest.mark.django_db
def test_latest_notice_takes_days_and_the_callers_region(client_for, inspector, zhoushan):
    client = client_for(inspector)
    response = client.get("/api/workdays/latest-notice", {"date": "2025-10-09", "days": "3"})
    assert response.json()["latest_notice_date"] == "2025-09-28"
    zhoushan.notice_working_days = 7
    zhoushan.save()
    response = client.get("/api/workdays/latest-notice", {"date": "2025-10-09"})
    assert response.json()["days"] == 7
    assert response.json()["latest_notice_date"] == "2025-09-23"


@pytest.mark.django_db
def test_an_unknown_year_is_a_400_with_a_chinese_message(client_for, inspector):
    response = client_for(inspector).get("/api/workdays/latest-notice", {"date": "2099-03-10"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "2099 年的节假日安排尚未载入，无法计算工作日。请系统管理员在“工作日 → 节假日安排”中"
    )


@pytest.mark.django_db
def test_a_deleted_year_is_a_400_not_a_weekday_guess(client_for, inspector, admin_user):
    services.delete_holiday_year(HolidayYear.objects.get(year=2025), actor=admin_user)
    response = client_for(inspector).get("/api/workdays/is-workday", {"date": "2025-03-03"})
    assert response.status_code == 400
    assert "2025 年的节假日安排尚未载入" in response.json()["detail"]


@pytest.mark.django_db
def test_bad_input_is_a_400_naming_the_parameter(client_for, inspector):
    client = client_for(inspector)
    response = client.get("/api/workdays/is-workday", {"date": "2026-02-30"})
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "日期 date“2026-02-30”不是有效日期，请按 YYYY-MM-DD 填写，例如 2026-02-14。"},
    )
    response = client.get("/api/workdays/add", {"date": "2025-09-30", "n": "x"})
    assert (response.status_code, response.json()["detail"]) == (
        400,
        "工作日数 n“x”不是整数，请填写整数，例如 3 或 -3。",
    )
    response = client.get("/api/workdays/latest-notice", {"date": "2025-10-09", "days": "-1"})
    assert (response.status_code, response.json()["detail"]) == (
        400,
        "提前工作日数 days 须在 0 到 250 之间（收到 -1）。",
    )
