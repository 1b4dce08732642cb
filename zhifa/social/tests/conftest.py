from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

import zhifa_testing as testing
from zhifa.inspections import services as inspections
from zhifa.inspections.models import InspectionKind
from zhifa.inspections.tests.conftest import items, officer_one, officer_two, second_inspector
from zhifa.org.models import Role
from zhifa.social import services
from zhifa.social.models import Category

__all__ = ["items", "officer_one", "officer_two", "second_inspector"]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INSPECTION_DAY = dt.date(2026, 3, 16)


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def approved_case(
    inspector, approver, health_agency, zhoushan_enterprise, items, officer_one, officer_two
):
    with at(dt.date(2026, 3, 2)):
        case = inspections.create_case(
            organisation=health_agency,
            enterprise=zhoushan_enterprise,
            kind=InspectionKind.PLANNED,
            items=items,
            officers=[officer_one, officer_two],
            inspection_date=INSPECTION_DAY,
            actor=inspector,
        )
        inspections.submit_case(case, actor=inspector)
        inspections.approve_case(case, actor=approver, opinion="同意按计划检查。")
    return case


@pytest.fixture
def registry(supervisor, justice_bureau, social_supervisor, zhoushan):
    """The 舟山 bureau's registry: the persona 陈代表 (人大代表) and two more."""
    lawyer = testing.user(
        "lawyer_lin", role=Role.SOCIAL_SUPERVISOR, region=zhoushan, display_name="林律师"
    )
    member = testing.user(
        "member_xu", role=Role.SOCIAL_SUPERVISOR, region=zhoushan, display_name="徐委员"
    )
    with at(dt.date(2026, 3, 2), 9):
        return [
            services.register_supervisor(
                actor=supervisor,
                user=social_supervisor,
                bureau=justice_bureau,
                category=Category.NPC_DEPUTY,
                category_note="舟山市人大代表",
                phone="13800000001",
            ),
            services.register_supervisor(
                actor=supervisor, user=lawyer, bureau=justice_bureau, category=Category.LAWYER
            ),
            services.register_supervisor(
                actor=supervisor,
                user=member,
                bureau=justice_bureau,
                category=Category.CPPCC_MEMBER,
            ),
        ]
