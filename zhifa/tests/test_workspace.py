"""The supervisor's workspace and the agency's part of it, on the demo history: every part with
its true count, 0 shown as 0, what is overdue first in red."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine

from zhifa.org.models import User
from zhifa.supervision import selectors
from zhifa.supervision.models import LetterStatus, SupervisionLetter

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MOMENT = dt.datetime(2026, 10, 12, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def demo(settings, tmp_path):
    from zhifa.web.demo_history import load_demo_history

    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(MOMENT, tick=False) as traveller:
        load_demo_history(enterprises=200, officers=200)
        yield traveller


def counts(page: str) -> dict[str, int]:
    return {
        key: int(value) for key, value in re.findall(r'data-testid="count-([a-z_]+)">(\d+)<', page)
    }


def test_the_supervisor_sees_every_part_with_its_count(demo, client):
    supervisor = User.objects.get(username="supervisor")
    client.force_login(supervisor)
    page = client.get("/").content.decode()
    overdue = SupervisionLetter.objects.get(escalations__isnull=False)

    found = counts(page)
    assert list(found) == [
        "awaiting_review",
        "awaiting_sign",
        "awaiting_reply",
        "overdue",
        "replies_to_verify",
        "review_requests",
        "objections",
        "deviations",
        "makeup_overdue",
        "publish_overdue",
        "complaints_received",
        "complaints_overdue",
        "complaints_answered",
        "social_reports",
        "reviews",
        "training",
    ]
    lists = selectors.workspace_lists(supervisor)
    assert {key: found[key] for key in lists} == {key: qs.count() for key, qs in lists.items()}
    assert (found["overdue"], found["replies_to_verify"]) == (1, 1)
    # He drafted the letter awaiting review himself: another supervisor reviews it.
    assert found["awaiting_review"] == 0
    assert overdue.label in page
    assert 'class="work-section urgent"' in page


def test_the_head_of_the_bureau_has_the_letter_to_sign(demo, client):
    client.force_login(User.objects.get(username="supervisor_head"))
    found = counts(client.get("/").content.decode())
    assert (found["awaiting_review"], found["awaiting_sign"]) == (1, 1)


def test_the_agency_sees_the_letters_it_must_answer_and_no_supervisor_part(demo, client):
    inspector = User.objects.get(username="inspector")
    client.force_login(inspector)
    page = client.get("/").content.decode()
    waiting = SupervisionLetter.objects.filter(
        addressee=inspector.organisation,
        status__in=(LetterStatus.ISSUED, LetterStatus.RECEIVED, LetterStatus.RETURNED),
    )
    found = counts(page)
    # Issue 17: today's work and the inspector's own 待办 come first.
    assert list(found) == [
        "today",
        "fix",
        "notify",
        "visit",
        "on_site",
        "decide",
        "recheck",
        "publish",
        "complaints_to_answer",
        "letters_to_answer",
        "training_below",
    ]
    assert found["letters_to_answer"] == waiting.count() == 5


def test_a_social_supervisor_and_an_enterprise_have_their_inspections_to_do(demo, client):
    found = {}
    for username in ("social", "enterprise"):
        client.force_login(User.objects.get(username=username))
        found[username] = list(counts(client.get("/").content.decode()))

    assert found == {
        "social": ["accompany"],
        "enterprise": ["today", "confirm", "prepare", "rectify", "rate"],
    }


def test_the_enterprise_ordered_to_correct_reads_who_inspected_it_and_its_deadline(demo, client):
    enterprise = User.objects.get(username="enterprise3")
    client.force_login(enterprise)
    before = client.get("/").content.decode()
    demo.move_to(dt.datetime(2026, 10, 26, 10, 0, tzinfo=SHANGHAI))
    # Signed in anew: a session ends after half an hour idle.
    client.force_login(enterprise)
    after = client.get("/").content.decode()

    row = re.compile(r"<a [^>]*>舟山市卫生健康委员会</a>\s*<span[^>]*>([^<]+)</span>")
    assert counts(before)["rectify"] == 1
    # Inspected on Saturday 10-10 (a working day), ten working days to correct: Friday 10-23.
    assert row.findall(before) == ["2026年10月10日，整改中，整改期限 2026年10月23日"] * 2
    assert row.findall(after) == ["2026年10月10日，整改中，整改期限 2026年10月23日（已过）"] * 2
