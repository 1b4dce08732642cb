"""扫码入企 check-in proves presence: only the code the enterprise shows works (the agency's
pages and output never carry it), only on the approved date or within the configured window,
and the time and the phone's location are recorded. A refused check-in changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from zhifa.audit.models import AuditRecord
from zhifa.inspections import services
from zhifa.inspections.models import CaseOfficer, CaseStatus, InspectionCase, InspectionKind

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INSPECTION_DAY = dt.date(2026, 3, 16)
EXEMPT_DAY = dt.date(2026, 12, 22)


def at(day: dt.date, hour: int = 9):
    moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def make_case(
    inspector, approver, health_agency, zhoushan_enterprise, items, officer_one, officer_two
):
    def _make(kind=InspectionKind.PLANNED, day=INSPECTION_DAY, **extra):
        with at(dt.date(2026, 3, 2), 10):
            case = services.create_case(
                organisation=health_agency,
                enterprise=zhoushan_enterprise,
                kind=kind,
                items=items,
                officers=[officer_one, officer_two],
                inspection_date=day,
                actor=inspector,
                **extra,
            )
            services.submit_case(case, actor=inspector)
            services.approve_case(case, actor=approver)
            if case.needs_notice:
                services.issue_notice(case, actor=inspector)
        case.refresh_from_db()
        return case

    return _make


@pytest.fixture
def notified_case(make_case):
    return make_case()


@pytest.fixture
def exempt_case(make_case):
    """A 举报投诉 case approved for 2026-12-22 (exempt from notice)."""
    return make_case(
        kind=InspectionKind.COMPLAINT,
        day=EXEMPT_DAY,
        exemption_reason="12345热线转办：顾客反映浴池水质浑浊。",
    )


def api_check_in(client_for, user, case, **body):
    return client_for(user).post(
        f"/api/inspections/cases/{case.pk}/check-in",
        data=json.dumps(body),
        content_type="application/json",
    )


def facts(case):
    current = InspectionCase.objects.get(pk=case.pk)
    return {
        "status": current.status,
        "started_at": current.started_at,
        "checked_in": list(
            CaseOfficer.objects.filter(case=case).values_list(
                "checked_in_at", "checkin_latitude", "checkin_longitude", "checkin_accuracy"
            )
        ),
        "audit": AuditRecord.objects.count(),
    }


# --- The code --------------------------------------------------------------------------------


def test_the_agency_never_reads_the_check_in_code(
    client_for, notified_case, inspector, approver, supervisor
):
    code = notified_case.checkin_code
    with at(dt.date(2026, 3, 3)):
        for user in (inspector, approver, supervisor):
            client = client_for(user)
            for response in (
                client.get(f"/api/inspections/cases/{notified_case.pk}"),
                client.get("/api/inspections/cases"),
                client.get(f"/api/inspections/cases/{notified_case.pk}/timeline"),
                client.get(reverse("inspections:case_detail", args=[notified_case.pk])),
                client.get(reverse("inspections:verify", args=[notified_case.verify_code])),
            ):
                assert response.status_code == 200
                assert code not in response.content.decode()

    assert code != notified_case.verify_code


def test_only_the_enterprise_reads_it(
    client_for, notified_case, enterprise, inspector, social_supervisor, supervisor
):
    with at(dt.date(2026, 3, 3)):
        services.assign_social_supervisor(
            notified_case, actor=supervisor, supervisor=social_supervisor
        )
        own = client_for(enterprise).get(f"/api/inspections/cases/{notified_case.pk}").json()
        page = client_for(enterprise).get(reverse("inspections:my_case", args=[notified_case.pk]))
        social = client_for(social_supervisor).get(f"/api/inspections/cases/{notified_case.pk}")

    assert own["checkin_code"] == notified_case.checkin_code
    assert social.json()["checkin_code"] is None
    assert notified_case.checkin_code not in social.content.decode()
    assert page.context["checkin_url"] == "http://testserver" + reverse(
        "inspections:checkin", args=[notified_case.checkin_code]
    )
    assert "<svg" in page.content.decode()


def test_the_public_verification_code_does_not_check_in(client_for, notified_case, inspector):
    before = facts(notified_case)
    with at(INSPECTION_DAY):
        api = api_check_in(client_for, inspector, notified_case, code=notified_case.verify_code)
        page = client_for(inspector).post(
            reverse("inspections:checkin", args=[notified_case.verify_code])
        )

    assert api.status_code == 400
    assert api.json()["errors"] == {
        "code": ["核验码与本次检查不符，请核对被检查企业出示或短信收到的入企核验码。"]
    }
    assert page.status_code == 404
    assert facts(notified_case) == before


# --- The day ---------------------------------------------------------------------------------


def test_an_exempt_case_cannot_go_on_site_before_its_approved_date(
    client_for, exempt_case, inspector
):
    before = facts(exempt_case)
    with at(dt.date(2026, 12, 3)):
        api = api_check_in(client_for, inspector, exempt_case, code=exempt_case.checkin_code)
        page = client_for(inspector).post(
            reverse("inspections:checkin", args=[exempt_case.checkin_code])
        )

    refusal = (
        "批准的检查日期为2026年12月22日，今天不能提前进入现场；"
        "确需提前检查的，请修改检查日期并重新报批。"
    )
    assert (api.status_code, api.json()["detail"]) == (400, refusal)
    assert (page.status_code, page.context["errors"]) == (200, [refusal])
    assert facts(exempt_case) == before


def test_a_noticed_case_is_refused_after_its_notified_date(client_for, notified_case, inspector):
    before = facts(notified_case)
    with at(INSPECTION_DAY + dt.timedelta(days=1)):
        api = api_check_in(client_for, inspector, notified_case, code=notified_case.checkin_code)
        page = client_for(inspector).post(
            reverse("inspections:checkin", args=[notified_case.checkin_code])
        )

    refusal = (
        "预告的检查日期为2026年3月16日，已过签到期限，不能再进入现场；"
        "仍需检查的，请修改检查日期并重新报批。"
    )
    assert (api.status_code, api.json()["detail"]) == (400, refusal)
    assert (page.status_code, page.context["errors"]) == (200, [refusal])
    assert facts(notified_case) == before


def test_a_configured_window_allows_the_days_after_the_date_and_no_more(
    settings, client_for, notified_case, inspector, second_inspector
):
    settings.ZHIFA_CHECKIN_WINDOW_DAYS = 2
    with at(INSPECTION_DAY + dt.timedelta(days=2)):
        within = api_check_in(client_for, inspector, notified_case, code=notified_case.checkin_code)
    before = facts(notified_case)
    with at(INSPECTION_DAY + dt.timedelta(days=3)):
        after = api_check_in(
            client_for, second_inspector, notified_case, code=notified_case.checkin_code
        )

    assert within.status_code == 200
    assert after.status_code == 400
    assert after.json()["detail"] == (
        "预告的检查日期为2026年3月16日至2026年3月18日，已过签到期限，不能再进入现场；"
        "仍需检查的，请修改检查日期并重新报批。"
    )
    assert facts(notified_case) == before


# --- What is recorded ------------------------------------------------------------------------


def test_the_time_and_the_phones_location_are_recorded(
    client_for, notified_case, inspector, second_inspector
):
    with at(INSPECTION_DAY, 9):
        api = api_check_in(
            client_for,
            inspector,
            notified_case,
            code=notified_case.checkin_code,
            latitude=29.985295,
            longitude=122.207216,
            accuracy=12.4,
        )
        client_for(second_inspector).post(
            reverse("inspections:checkin", args=[notified_case.checkin_code]),
            {"latitude": "29.985301", "longitude": "122.207199", "accuracy": "35"},
        )
        detail = client_for(inspector).get(f"/api/inspections/cases/{notified_case.pk}").json()
        page = client_for(inspector).get(
            reverse("inspections:case_detail", args=[notified_case.pk])
        )

    nine = dt.datetime(2026, 3, 16, 9, tzinfo=SHANGHAI)
    assert api.status_code == 200
    assert list(
        CaseOfficer.objects.filter(case=notified_case)
        .order_by("position")
        .values_list("checked_in_at", "checkin_latitude", "checkin_longitude", "checkin_accuracy")
    ) == [
        (nine, Decimal("29.985295"), Decimal("122.207216"), 12),
        (nine, Decimal("29.985301"), Decimal("122.207199"), 35),
    ]
    assert detail["status"] == "on_site"
    assert [o["checkin_location"] for o in detail["officers"]] == [
        {"latitude": 29.985295, "longitude": 122.207216, "accuracy": 12},
        {"latitude": 29.985301, "longitude": 122.207199, "accuracy": 35},
    ]
    assert "位置 29.985295, 122.207216（精度约 12 米）" in page.content.decode()
    record = AuditRecord.objects.filter(action="inspections.case.check_in").first()
    assert record.after["location"] == {
        "latitude": "29.985295",
        "longitude": "122.207216",
        "accuracy": 12,
    }


def test_a_check_in_without_a_location_records_the_time_only(client_for, notified_case, inspector):
    with at(INSPECTION_DAY, 9):
        response = client_for(inspector).post(
            reverse("inspections:checkin", args=[notified_case.checkin_code]),
            {"latitude": "", "longitude": "", "accuracy": ""},
        )

    assert response.status_code == 302
    assert list(
        CaseOfficer.objects.filter(case=notified_case, checked_in_at__isnull=False).values_list(
            "checkin_latitude", "checkin_longitude", "checkin_accuracy"
        )
    ) == [(None, None, None)]


def test_an_impossible_location_is_refused_and_changes_nothing(
    client_for, notified_case, inspector
):
    before = facts(notified_case)
    with at(INSPECTION_DAY, 9):
        response = api_check_in(
            client_for,
            inspector,
            notified_case,
            code=notified_case.checkin_code,
            latitude=129.98,
            longitude=122.2,
        )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "location": ["签到位置超出经纬度范围，请重新获取位置后签到，或不提供位置。"]
    }
    assert facts(notified_case) == before
    assert InspectionCase.objects.get(pk=notified_case.pk).status == CaseStatus.NOTIFIED
