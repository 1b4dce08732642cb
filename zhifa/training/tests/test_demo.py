from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from zhifa.audit.services import verify_chain
from zhifa.org.models import Organisation
from zhifa.training import selectors
from zhifa.training.models import Attendance, TrainingRequirement, TrainingSession
from zhifa.workdays.selectors import is_workday

NOW = dt.datetime(2026, 10, 12, 15, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
def test_the_demo_records_training_in_the_past_and_a_second_load_changes_nothing():
    with time_machine.travel(NOW, tick=False):
        # Through the command: the demo is the top layer, which this app may not import.
        call_command("demo", "load", "--enterprises=60", stdout=io.StringIO())
        first = (TrainingSession.objects.count(), Attendance.objects.count())
        call_command("demo", "load", "--enterprises=60", stdout=io.StringIO())
    assert first == (5, 27)
    assert (TrainingSession.objects.count(), Attendance.objects.count()) == first
    assert list(TrainingRequirement.objects.values_list("region_id", "yearly_hours", "source")) == [
        ("150200", Decimal("6.0"), "演示设置"),
        ("330900", Decimal("8.0"), "演示设置"),
    ]
    assert all(s.date < NOW.date() for s in TrainingSession.objects.all())
    assert all(is_workday(s.date) for s in TrainingSession.objects.all())
    assert sorted(TrainingSession.objects.values_list("organiser__name", "form")) == [
        ("兴胜镇司法所", "questions"),
        ("舟山市卫生健康委员会", "practice"),
        ("舟山市司法局", "case_analysis"),
        ("舟山市司法局", "exam"),
        ("舟山市司法局", "practice"),
    ]
    xingsheng = Organisation.objects.get(name="兴胜镇司法所")
    assert {r.officer.organisation.name for r in selectors.below_minimum(xingsheng, 2026)} == {
        "兴胜镇人民政府"
    }
    assert selectors.below_minimum(Organisation.objects.get(name="舟山市司法局"), 2026)
    assert verify_chain().ok
