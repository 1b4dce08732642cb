"""The demo cases follow from the demo draw and walk through the services as the personas, on the
last working day that ended before the demo is loaded."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from zhifa.core.demo_names import PERSONA_ENTERPRISE
from zhifa.documents.models import Document
from zhifa.draws.demo import load_demo_draws
from zhifa.inspections.demo import load_demo_inspections
from zhifa.inspections.models import CaseStatus, InspectionCase
from zhifa.org.models import User
from zhifa.web.demo_data import load_demo

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_the_demo_cases_are_created_once_through_the_services():
    with time_machine.travel(dt.datetime(2026, 10, 12, 10, tzinfo=SHANGHAI), tick=False):
        load_demo(enterprises=200, officers=200)
        load_demo_draws()
        counts = load_demo_inspections()
        again = load_demo_inspections()

    assert InspectionCase.objects.exclude(draw_result=None).count() == 3
    assert counts == {
        "cases": 6,
        "approved": 5,
        "notices": 1,
        "rectifying": 1,
        "closed": 1,
        "slots": 3,
    }
    assert set(again.values()) == {0}
    persona = InspectionCase.objects.get(enterprise__name=PERSONA_ENTERPRISE)
    assert persona.status == CaseStatus.NOTIFIED
    # Loaded on Monday 2026-10-12 at 10:00: the last finished working day is Saturday 10-10
    # (a 调休 working day after the National Day holiday); 8 working days on is 10-21.
    assert persona.inspection_date == dt.date(2026, 10, 21)
    assert persona.notice.recipient_enterprise == persona.enterprise
    assert persona.notice.issue_date == dt.date(2026, 10, 10)
    assert timezone.localtime(persona.notified_at).strftime("%Y-%m-%d %H:%M") == "2026-10-10 14:40"
    closed = InspectionCase.objects.get(status=CaseStatus.CLOSED)
    # The printed account enterprise2 is the enterprise of the decided case, and sees it.
    decided = User.objects.get(username="enterprise2")
    assert decided.enterprise == closed.enterprise
    assert list(InspectionCase.objects.restrict(decided)) == [closed]
    assert load_demo(enterprises=200, officers=200).created["accounts_updated"] == 0
    assert closed.inspection_date == dt.date(2026, 10, 10)
    assert timezone.localtime(closed.oral_notice.told_at).strftime("%H:%M") == "16:00"
    assert timezone.localtime(closed.published_at).strftime("%Y-%m-%d %H:%M") == "2026-10-10 17:00"
    assert timezone.localtime(closed.oral_notice.makeup_done_at).strftime("%H:%M") == "17:20"
    # The printed account enterprise3 is the hotel ordered to correct after a 举报核查: its
    # 整改 report is due in ten working days, and both officers signed in on site.
    rectifying = InspectionCase.objects.get(status=CaseStatus.RECTIFYING)
    reported = User.objects.get(username="enterprise3")
    assert list(InspectionCase.objects.restrict(reported)) == [rectifying]
    assert rectifying.enterprise.industry == "住宿业"
    assert rectifying.rectify_deadline == dt.date(2026, 10, 23)
    assert sorted(
        timezone.localtime(a.checked_in_at).strftime("%H:%M") for a in rectifying.assignments.all()
    ) == ["15:20", "15:20"]
    assert rectifying.rectification_reports.count() == 0
    drawn = InspectionCase.objects.exclude(draw_result=None).order_by("inspection_date")
    assert drawn.first().inspection_date == dt.date(2026, 10, 16)  # 5 working days on
    assert {timezone.localdate(c.created_at) for c in drawn} == {dt.date(2026, 10, 10)}
    assert sorted(Document.objects.values_list("kind__code", flat=True)) == [
        "batch_approval_list",
        "inspection_preview_notice",
        "onsite_inspection_record",
        "onsite_inspection_record",
        "oral_notice_record",
        "rectification_order",
    ]
