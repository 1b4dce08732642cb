"""The addressed agency is reminded of a supervision letter's reply from three days before its
deadline, once a day, and nobody else is (zhifa.notifications)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from zhifa.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_agency_is_reminded_of_a_reply_due_once_a_day(issued, inspector, other_inspector):
    Notification.objects.all().delete()
    issued.refresh_from_db()
    assert str(issued.reply_due) == "2026-12-29"

    call_command("notify_deadlines", "--date", "2026-12-25")
    call_command("notify_deadlines", "--date", "2026-12-26")
    call_command("notify_deadlines", "--date", "2026-12-26")
    call_command("notify_deadlines", "--date", "2026-12-30")

    assert [
        (n.recipient.username, n.kind, n.title, n.body)
        for n in Notification.objects.select_related("recipient").order_by("pk")
    ] == [
        (
            "inspector",
            "deadline_approaching",
            "书面回复期限将至：行政执法监督意见书",
            f"{issued.label}：书面回复期限为 2026-12-29，还有 3 天。",
        ),
        (
            "inspector",
            "deadline_overdue",
            "书面回复已逾期：行政执法监督意见书",
            f"{issued.label}：书面回复期限为 2026-12-29，已逾期 1 天。",
        ),
    ]
    assert Notification.objects.first().url == f"/supervision/letters/{issued.pk}/"
