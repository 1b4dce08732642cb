"""The demo's 执法体检 is made once, through the services, on the demo's day before 18:00."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.review.demo import load_demo_review, load_demo_review_draw
from zhifa.review.models import (
    Campaign,
    CampaignFinding,
    CaseReview,
    Grade,
    ReviewStandard,
    SpotCheck,
    SpotCheckStatus,
    StandardStatus,
)
from zhifa.supervision.sources import source
from zhifa.web.demo_history import load_demo_history
from zhifa.workdays.demo_clock import DemoClock, timeline_for

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MOMENT = dt.datetime(2026, 10, 12, 10, tzinfo=SHANGHAI)


def test_the_demo_publishes_the_standard_announces_a_spot_check_and_fails_a_file():
    with time_machine.travel(MOMENT, tick=False):
        load_demo_history(enterprises=200, officers=200)
        timeline = timeline_for(timezone.now())
        again = load_demo_review(None, timeline=timeline, clock=DemoClock())
    assert again == {"review_standards": 0, "spot_checks": 0, "reviews": 0, "campaigns": 0}
    standard = ReviewStandard.objects.get()
    assert (standard.organisation.name, standard.status) == (
        "舟山市司法局",
        StandardStatus.PUBLISHED,
    )
    assert standard.published_by.username == "supervisor_head"
    spot = SpotCheck.objects.get()
    assert spot.status == SpotCheckStatus.ANNOUNCED
    assert spot.population_size == 1
    assert spot.reveal_date == dt.date(2026, 10, 12)
    review = CaseReview.objects.get()
    assert (review.grade, review.vetoed) == (Grade.FAIL, True)
    assert (
        source("case_review").loader(review.pk, review.reviewer).addressee
        == review.case.organisation
    )
    assert Campaign.objects.count() == 1
    assert CampaignFinding.objects.count() == 2
    review_records = AuditRecord.objects.filter(action__startswith="review.")
    latest = max(timezone.localtime(r.at) for r in review_records)
    assert latest.date() == dt.date(2026, 10, 10) and latest.hour < 18

    with time_machine.travel(MOMENT, tick=False):
        drawn = load_demo_review_draw(None, timeline=timeline, clock=DemoClock())
    spot.refresh_from_db()
    assert drawn == {"spot_checks_drawn": 1}
    assert spot.status == SpotCheckStatus.DRAWN
    # The one file was already reviewed: it keeps its review.
    assert CaseReview.objects.count() == 1
