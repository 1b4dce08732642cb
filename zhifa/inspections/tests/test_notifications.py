"""Each event of a case tells exactly the people who act next (zhifa.notifications), and nobody
else: the approver of a submitted case, the enterprise of a notice to sign for, the guidance
officer of a booking, the supervising bureau of an objection and the enterprise of its answer;
and the daily reminders of a case's deadlines."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from zhifa.inspections import services
from zhifa.inspections.models import InspectionKind
from zhifa.notifications.models import Notification

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INSPECTION_DAY = dt.date(2026, 3, 16)


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))


def messages() -> list[tuple[str, str, str]]:
    return [
        (n.recipient.username, n.kind, n.title)
        for n in Notification.objects.select_related("recipient").order_by("pk")
    ]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def everyone(
    inspector, approver, legal_reviewer, enterprise, supervisor, outsider, second_approver
):
    """Every persona exists, so that a message to the wrong one would show."""


@pytest.fixture
def draft(everyone, inspector, health_agency, zhoushan_enterprise, items, officer_one, officer_two):
    with at(dt.date(2026, 3, 2)):
        return services.create_case(
            organisation=health_agency,
            enterprise=zhoushan_enterprise,
            kind=InspectionKind.PLANNED,
            items=items,
            officers=[officer_one, officer_two],
            inspection_date=INSPECTION_DAY,
            actor=inspector,
        )


@pytest.fixture
def approved(draft, inspector, approver):
    with at(dt.date(2026, 3, 2)):
        services.submit_case(draft, actor=inspector)
        services.approve_case(draft, actor=approver, opinion="同意。")
    Notification.objects.all().delete()
    return draft


@pytest.fixture
def notified(approved, inspector):
    with at(dt.date(2026, 3, 2)):
        services.issue_notice(approved, actor=inspector)
    Notification.objects.all().delete()
    return approved


@pytest.fixture
def slot(notified, inspector, health_agency, officer_one):
    with at(dt.date(2026, 3, 3)):
        return services.publish_slot(
            organisation=health_agency,
            actor=inspector,
            starts_at=dt.datetime(2026, 3, 11, 14, tzinfo=SHANGHAI),
            ends_at=dt.datetime(2026, 3, 11, 15, tzinfo=SHANGHAI),
            place="线上视频指导",
            officer=officer_one,
        )


def test_submitting_a_case_tells_both_approvers_of_the_agency_and_nobody_else(draft, inspector):
    with at(dt.date(2026, 3, 2)):
        services.submit_case(draft, actor=inspector)

    assert messages() == [
        ("approver", "approval_requested", "检查案件待审批：舟山海鲜酒楼有限公司"),
        ("approver2", "approval_requested", "检查案件待审批：舟山海鲜酒楼有限公司"),
    ]
    message = Notification.objects.get(recipient__username="approver")
    assert message.body == "王检查提请审批对舟山海鲜酒楼有限公司（检查日期 2026-03-16）的检查。"
    assert message.url == f"/inspections/{draft.pk}/approve/"


def test_a_notice_tells_the_enterprise_to_sign_for_it_once(approved, inspector):
    with at(dt.date(2026, 3, 2)):
        notice = services.issue_notice(approved, actor=inspector)

    assert messages() == [
        ("enterprise", "notice_to_sign", f"检查预告待签收：《{notice.title}》"),
    ]
    assert Notification.objects.get().url == f"/documents/{notice.pk}/"


def test_a_booking_and_its_cancellation_tell_the_guidance_officer(slot, enterprise):
    with at(dt.date(2026, 3, 3)):
        booking = services.book_guidance(
            slot.organisation.cases.get(), actor=enterprise, slot=slot, topic="健康证办理"
        )
        services.cancel_booking(booking, actor=enterprise)

    assert messages() == [
        ("inspector", "booking_made", "舟山海鲜酒楼有限公司预约了合规指导"),
        ("inspector", "booking_cancelled", "舟山海鲜酒楼有限公司取消了合规指导预约"),
    ]


def test_an_objection_tells_the_bureau_and_its_answer_tells_the_enterprise(
    notified, enterprise, supervisor
):
    with at(dt.date(2026, 3, 3)):
        objection = services.object_to_case(notified, actor=enterprise, text="检查日期与营业冲突。")
    filed = messages()
    with at(dt.date(2026, 3, 4)):
        services.answer_objection(objection, actor=supervisor, answer="已与执法机关协调改期。")

    assert filed == [("supervisor", "objection_filed", "企业异议待答复：舟山海鲜酒楼有限公司")]
    assert messages()[1:] == [("enterprise", "objection_answered", "您提出的异议已答复")]
    answered = Notification.objects.get(kind="objection_answered")
    assert answered.url == f"/inspections/my/{notified.pk}/"


def test_the_deadline_reminders_tell_the_case_officers_once_a_day(approved, inspector):
    # Inspection on 03-16: the latest lawful notice date is 03-09 (5 working days before).
    call_command("notify_deadlines", "--date", "2026-03-05")
    call_command("notify_deadlines", "--date", "2026-03-06")
    call_command("notify_deadlines", "--date", "2026-03-06")
    call_command("notify_deadlines", "--date", "2026-03-10")

    assert [
        (n.recipient.username, n.kind, n.body)
        for n in Notification.objects.select_related("recipient").order_by("pk")
    ] == [
        (
            "inspector",
            "deadline_approaching",
            "舟山海鲜酒楼有限公司（检查日期 2026-03-16）：发出预告通知书期限为 2026-03-09，"
            "还有 3 天。",
        ),
        (
            "inspector2",
            "deadline_approaching",
            "舟山海鲜酒楼有限公司（检查日期 2026-03-16）：发出预告通知书期限为 2026-03-09，"
            "还有 3 天。",
        ),
        (
            "inspector",
            "deadline_overdue",
            "舟山海鲜酒楼有限公司（检查日期 2026-03-16）：发出预告通知书期限为 2026-03-09，"
            "已逾期 1 天。",
        ),
        (
            "inspector2",
            "deadline_overdue",
            "舟山海鲜酒楼有限公司（检查日期 2026-03-16）：发出预告通知书期限为 2026-03-09，"
            "已逾期 1 天。",
        ),
    ]
