"""One 责令改正 case of a 检查 built through the services, for the tests of the enterprise's side of
the loop (zhifa.inspections.tests.test_loop and test_loop_browser): drafted on 2 March 2026 with two
officers, approved and its notice issued; both officers check in on the inspection day, Monday
16 March, one item is found compliant and one a problem, and the case is decided 责令改正 within
10 working days (by 30 March)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from typing import Any

import time_machine

from zhifa.inspections import services
from zhifa.inspections.models import CaseOutcome, FindingResult, InspectionCase, InspectionKind
from zhifa.org.models import Organisation, Role, User
from zhifa.registry.models import Enterprise
from zhifa_testing import officer, user

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DRAFT_DAY = dt.date(2026, 3, 2)
INSPECTION_DAY = dt.date(2026, 3, 16)
# 10 working days from Monday 2026-03-16.
RECTIFY_DEADLINE = dt.date(2026, 3, 30)
# What the loop's tests upload as photos and attachments: the signatures the upload checks read.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def at(day: dt.date, hour: int = 10, *, tick: bool = False) -> Any:
    """The clock at ``hour`` o'clock Beijing time on ``day``."""
    moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=tick)


def notified_case(
    *,
    inspector: User,
    approver: User,
    organisation: Organisation,
    enterprise: Enterprise,
    items: Sequence[Any],
) -> InspectionCase:
    """A planned case of ``items`` at ``enterprise``, approved and its notice issued, with
    ``inspector`` (王检查) and a second officer (周执法, user inspector2)."""
    officers = [
        officer("王检查", organisation=organisation, user=inspector),
        officer(
            "周执法",
            organisation=organisation,
            user=user(
                "inspector2", role=Role.INSPECTOR, organisation=organisation, display_name="周执法"
            ),
        ),
    ]
    with at(DRAFT_DAY):
        case = services.create_case(
            organisation=organisation,
            enterprise=enterprise,
            kind=InspectionKind.PLANNED,
            items=list(items),
            officers=officers,
            inspection_date=INSPECTION_DAY,
            actor=inspector,
        )
        services.submit_case(case, actor=inspector)
        services.approve_case(case, actor=approver, opinion="同意。")
        services.issue_notice(case, actor=inspector)
    case.refresh_from_db()
    return case


def check_in_all(case: InspectionCase) -> None:
    """Every officer of the case checks in at 9 on the inspection day."""
    with at(INSPECTION_DAY, 9):
        for assignment in case.assignments.select_related("officer__user"):
            services.check_in(case, actor=assignment.officer.user, code=case.checkin_code)
    case.refresh_from_db()


def rectifying_case(
    *,
    inspector: User,
    approver: User,
    organisation: Organisation,
    enterprise: Enterprise,
    items: Sequence[Any],
) -> InspectionCase:
    """The notified case after its visit: the first item compliant, the second a problem (2名服务员
    健康合格证明已过期), decided 责令改正 within 10 working days."""
    case = notified_case(
        inspector=inspector,
        approver=approver,
        organisation=organisation,
        enterprise=enterprise,
        items=items,
    )
    check_in_all(case)
    with at(INSPECTION_DAY, 10):
        services.record_finding(case, actor=inspector, item=items[0], result="compliant")
        services.record_finding(
            case,
            actor=inspector,
            item=items[1],
            result=FindingResult.PROBLEM,
            description="2名服务员健康合格证明已过期。",
        )
        services.finish_site_record(
            case, actor=inspector, present_person="陈经理（店长）", party_opinion="无异议。"
        )
        services.decide_case(
            case,
            actor=inspector,
            outcome=CaseOutcome.RECTIFY,
            decisions={
                2: {
                    "chosen": "none",
                    "harm_level": "minor",
                    "corrected_on_site": True,
                    "violated_provision": "《公共场所卫生管理条例》第七条",
                    "penalty_provision": "《公共场所卫生管理条例》第十四条",
                }
            },
            rectify_working_days=10,
        )
    case.refresh_from_db()
    return case
