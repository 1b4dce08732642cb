"""The supervision part of the demo history (here, beside the other whole-demo tests: it loads
the top layer, which an app's own tests may not import)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from zhifa.supervision.models import (
    EscalationStep,
    LetterStatus,
    ReplyEvidence,
    ReviewStatus,
    Summons,
    SupervisionLetter,
)

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_the_demo_has_letters_in_every_state_made_once_and_never_after_the_load(settings, tmp_path):
    from zhifa.web.demo_history import load_demo_history

    settings.MEDIA_ROOT = tmp_path
    moment = dt.datetime(2026, 10, 12, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        first = load_demo_history()
        again = load_demo_history()
    zhoushan = SupervisionLetter.objects.filter(bureau__name="舟山市司法局")
    states = set(zhoushan.values_list("status", flat=True))
    assert states == set(LetterStatus.values)
    overdue = zhoushan.get(escalations__isnull=False)
    assert overdue.is_overdue(dt.date(2026, 10, 12))
    assert list(overdue.escalations.values_list("escalation_step", flat=True)) == [
        EscalationStep.REMIND
    ]
    assert Summons.objects.get().letter == overdue
    assert ReplyEvidence.objects.get().name == "补正后的现场检查笔录.pdf"
    assert zhoushan.filter(review_status=ReviewStatus.APPLIED).count() == 1
    qingshan = SupervisionLetter.objects.get(bureau__name="包头市青山区司法局")
    assert qingshan.status == LetterStatus.SUBMITTED
    # The complaints part comes after it and drafts a 提示函 for its overdue item (issue 16).
    from_complaints = zhoushan.filter(source_code="complaint")
    assert first.complaints["complaint_letters"] == from_complaints.count() == 1
    assert first.supervision["监督文书"] == zhoushan.count() - 1
    assert again.supervision == {}
    latest = max(SupervisionLetter.objects.values_list("drafted_at", flat=True))
    assert latest < moment


def test_every_demo_letter_page_opens_for_the_bureau_and_the_inbox_shows_the_overdue_one(
    settings, tmp_path, client
):
    from django.urls import reverse

    from zhifa.org.models import User
    from zhifa.web.demo_history import load_demo_history

    settings.MEDIA_ROOT = tmp_path
    moment = dt.datetime(2026, 10, 12, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        load_demo_history()
        client.force_login(User.objects.get(username="supervisor"))
        for letter in SupervisionLetter.objects.filter(bureau__name="舟山市司法局"):
            page = client.get(reverse("supervision:letter_detail", args=[letter.pk]))
            assert page.status_code == 200, letter.label
        workspace = client.get(reverse("supervision:workspace")).content.decode()
        assert 'data-testid="count-overdue" class="error">1<' in workspace
        assert client.get(reverse("supervision:ledger")).status_code == 200
        client.force_login(User.objects.get(username="inspector"))
        inbox = client.get(reverse("supervision:inbox")).content.decode()
        assert inbox.count('data-testid="overdue">逾期<') == 1
