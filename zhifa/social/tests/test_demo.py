"""The demo's 社会监督: registry in 舟山 and 青山区, a conflict, a decline, a problem waiting for
the bureau, and an assignment 陈海燕 can walk on her phone today."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from zhifa.org.models import User
from zhifa.social import selectors, services
from zhifa.social.demo import load_demo_social
from zhifa.social.models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    ProblemStatus,
    Report,
    SocialSupervisor,
)
from zhifa.workdays.demo_clock import DemoClock, timeline_for

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_the_demo_leaves_each_step_of_the_social_journey_to_be_seen():
    now = dt.datetime(2026, 10, 12, 10, tzinfo=SHANGHAI)
    with time_machine.travel(now, tick=False):
        # Through the command (web sits above social in the layers).
        call_command(
            "demo", "load", "--enterprises", "200", "--officers", "200", stdout=io.StringIO()
        )
        again = load_demo_social(None, timeline=timeline_for(now), clock=DemoClock())

    assert again == {"social_supervisors": 0, "social_assignments": 0, "social_reports": 0}
    assert SocialSupervisor.objects.filter(bureau__name="舟山市司法局").count() == 5
    assert SocialSupervisor.objects.filter(bureau__name="包头市青山区司法局").count() == 2
    assert Conflict.objects.count() == 1
    assert Assignment.objects.filter(status=AssignmentStatus.DECLINED).exists()
    social = User.objects.get(username="social")
    bureau = User.objects.get(username="supervisor")
    mine = Assignment.objects.get(
        supervisor__user=social,
        status=AssignmentStatus.ACCEPTED,
        case__inspection_date=dt.date(2026, 10, 12),
    )
    assert mine.checked_in_at is None
    assert mine.case.social_supervisor == social
    problem = Report.objects.get()
    assert problem.problem_status == ProblemStatus.PENDING
    assert problem.assignment.supervisor.name == "林蔚"
    assert problem.photos.count() == 1
    assert selectors.problems_count(bureau) == 1
    for assignment in Assignment.objects.all():
        assert services.verify_assignment(assignment) is None
    kinds = {services.draw_record_of(a)["key_source"]["kind"] for a in Assignment.objects.all()}
    assert kinds == {"draw", "sources"}
    # 陈海燕 can check in today.
    with time_machine.travel(dt.datetime(2026, 10, 12, 15, tzinfo=SHANGHAI), tick=False):
        services.check_in(mine, actor=social)
