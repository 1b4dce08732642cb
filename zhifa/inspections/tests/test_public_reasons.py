"""The public 扫码核验 page tells the enterprise that an officer may not inspect today, by
category only: a suspended officer's disciplinary reason is never published."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from zhifa.inspections import services
from zhifa.inspections.models import InspectionKind
from zhifa.org.models import CertificateStatus
from zhifa.org.services import change_certificate_status

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DISCIPLINARY = "涉嫌收受检查对象财物，停职接受调查"


def test_the_verify_page_says_suspended_without_the_reason(
    client,
    inspector,
    approver,
    health_agency,
    zhoushan_enterprise,
    items,
    officer_one,
    officer_two,
):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        case = services.create_case(
            organisation=health_agency,
            enterprise=zhoushan_enterprise,
            kind=InspectionKind.PLANNED,
            items=items,
            officers=[officer_one, officer_two],
            inspection_date=dt.date(2026, 3, 16),
            actor=inspector,
        )
        services.submit_case(case, actor=inspector)
        services.approve_case(case, actor=approver)
        change_certificate_status(
            officer_two, status=CertificateStatus.SUSPENDED, reason=DISCIPLINARY, actor=approver
        )
        page = client.get(reverse("inspections:verify", args=[case.verify_code]))
        api = client.get(f"/api/inspections/public/verify/{case.verify_code}")

    assert [row["problem"] for row in page.context["officers"]] == [None, "执法证暂扣"]
    assert "执法证暂扣" in page.content.decode()
    assert DISCIPLINARY not in page.content.decode()
    assert [o["valid_today"] for o in api.json()["officers"]] == [True, False]
    assert DISCIPLINARY not in api.content.decode()
