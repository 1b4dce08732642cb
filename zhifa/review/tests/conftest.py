from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest
from django.utils import timezone

import zhifa_testing as testing
from zhifa.inspections.models import CaseOfficer, CaseStatus, InspectionCase, InspectionKind
from zhifa.org.models import Role
from zhifa.review import services

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_standard.json"
_serial = itertools.count(1)


def closed_case(agency, enterprise, *, officers=2, closed_on=dt.date(2026, 9, 15), status=None):
    n = next(_serial)
    requester = testing.user(f"requester{n}", role=Role.INSPECTOR, organisation=agency)
    case = InspectionCase.objects.create(
        reference=f"{agency.doc_prefix}检〔2026〕{n}号",
        verify_code=f"V{n:07d}",
        checkin_code=f"C{n:07d}",
        organisation=agency,
        region=enterprise.region,
        enterprise=enterprise,
        kind=InspectionKind.SPECIAL,
        title="餐饮服务食品安全专项检查",
        inspection_date=closed_on - dt.timedelta(days=3),
        status=status or CaseStatus.CLOSED,
        requested_by=requester,
        closed_at=timezone.make_aware(dt.datetime.combine(closed_on, dt.time(10, 0))),
    )
    for position in range(1, officers + 1):
        officer = testing.officer(f"执法员{n}-{position}", organisation=agency)
        CaseOfficer.objects.create(case=case, officer=officer, position=position)
    return case


@pytest.fixture
def sample_data():
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def standard(supervisor, justice_bureau, sample_data):
    draft = services.import_standard(
        actor=supervisor, organisation=justice_bureau, data=sample_data
    )
    return services.publish_standard(draft, actor=supervisor)


@pytest.fixture
def case(health_agency, zhoushan_enterprise):
    return closed_case(health_agency, zhoushan_enterprise)


@pytest.fixture
def lone_officer_case(health_agency, zhoushan_enterprise):
    return closed_case(health_agency, zhoushan_enterprise, officers=1)
