"""An item handed to an agency tells the agency's people who answer it, and its answer tells the
supervising bureau (zhifa.notifications); nobody else hears of it."""

from __future__ import annotations

import pytest

from zhifa.complaints import services
from zhifa.notifications.models import Notification

pytestmark = pytest.mark.django_db


def messages() -> list[tuple[str, str, str]]:
    return [
        (n.recipient.username, n.kind, n.url)
        for n in Notification.objects.select_related("recipient").order_by("recipient__username")
    ]


@pytest.fixture
def everyone(inspector, approver, supervisor, outsider, social_supervisor):
    """Every persona exists, so that a message to the wrong one would show."""


def test_an_item_handed_to_the_agency_tells_its_people(everyone, filed, supervisor, health_agency):
    services.assign(filed, agency=health_agency, actor=supervisor)

    assert messages() == [
        ("approver", "complaint_assigned", f"/complaints/{filed.pk}/answer/"),
        ("inspector", "complaint_assigned", f"/complaints/{filed.pk}/answer/"),
    ]
    assert Notification.objects.filter(recipient__username="inspector").get().body == (
        f"执法监督机关将问题 {filed.number} 分办给本机关，请于 2026-12-08 前答复。"
    )


def test_the_answer_tells_the_supervising_bureau(everyone, assigned, inspector):
    Notification.objects.all().delete()

    services.answer(assigned, actor=inspector, text="已核查，合并为一次检查。")

    assert messages() == [("supervisor", "complaint_answered", f"/complaints/{assigned.pk}/")]


def test_the_agency_is_reminded_of_the_answer_deadline_once_a_day(everyone, assigned):
    from django.core.management import call_command

    Notification.objects.all().delete()
    item = f"问题 {assigned.number}（{assigned.title}）：答复分办问题期限为 2026-12-08，"

    call_command("notify_deadlines", "--date", "2026-12-04")
    call_command("notify_deadlines", "--date", "2026-12-05")
    call_command("notify_deadlines", "--date", "2026-12-05")
    call_command("notify_deadlines", "--date", "2026-12-09")

    assert [
        (n.recipient.username, n.kind, n.body)
        for n in Notification.objects.select_related("recipient").order_by("pk")
    ] == [
        ("inspector", "deadline_approaching", item + "还有 3 天。"),
        ("approver", "deadline_approaching", item + "还有 3 天。"),
        ("inspector", "deadline_overdue", item + "已逾期 1 天。"),
        ("approver", "deadline_overdue", item + "已逾期 1 天。"),
    ]
