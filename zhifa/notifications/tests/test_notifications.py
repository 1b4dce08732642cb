"""The message centre: who gets a message, when SMS and e-mail go out, and that a message is its
recipient's alone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.notifications import deadlines, services
from zhifa.notifications.models import Kind, Notification, NotificationPreference, SendStatus

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


class UnreachableSMSBackend:
    """A gateway that is down: every send fails as a real one would."""

    def send(self, mobile: str, message: str) -> None:
        raise ConnectionError("短信网关无响应")


@pytest.fixture
def sms(settings):
    settings.ZHIFA_SMS_BACKEND = "zhifa_testing.RecordingSMSBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    testing.RecordingSMSBackend.sent.clear()
    return testing.RecordingSMSBackend.sent


@pytest.fixture
def reachable_inspector(inspector, health_agency):
    """王检查 with a mobile on his officer record and an e-mail on his account, both chosen."""
    testing.officer("王检查", organisation=health_agency, user=inspector, mobile="13800001111")
    inspector.email = "wang@example.cn"
    inspector.save()
    services.set_preference(inspector, by_sms=True, by_email=True, actor=inspector)
    return inspector


def _send(to, *, actor=None, **extra):
    return services.notify(
        to,
        Kind.APPROVAL_REQUESTED,
        "检查案件待审批",
        "王检查提请审批对舟山海鲜酒楼有限公司的检查。",
        "/inspections/1/",
        actor=actor,
        **extra,
    )


def test_each_recipient_gets_one_message_and_the_actor_none(inspector, approver, legal_reviewer):
    made = _send([approver, approver, legal_reviewer, inspector], actor=inspector)

    assert sorted(n.recipient.username for n in made) == ["approver", "legal"]
    assert Notification.objects.filter(recipient=approver).count() == 1
    assert Notification.objects.filter(recipient=inspector).count() == 0
    message = Notification.objects.get(recipient=approver)
    assert (message.kind, message.title, message.url) == (
        "approval_requested",
        "检查案件待审批",
        "/inspections/1/",
    )
    assert (message.sms_status, message.email_status) == ("", "")


def test_sms_and_email_go_only_to_users_who_chose_them_after_commit(
    sms, reachable_inspector, approver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _send([reachable_inspector, approver], actor=None)
        assert sms == []
        assert mail.outbox == []
    for callback in callbacks:
        callback()

    assert sms == [
        (
            "13800001111",
            "【涉企执法】检查案件待审批：王检查提请审批对舟山海鲜酒楼有限公司的检查。 "
            "http://127.0.0.1:8000/inspections/1/",
        )
    ]
    assert [(m.to, m.subject) for m in mail.outbox] == [(["wang@example.cn"], "检查案件待审批")]
    mine = Notification.objects.get(recipient=reachable_inspector)
    assert (mine.sms_status, mine.email_status) == ("sent", "sent")
    other = Notification.objects.get(recipient=approver)
    assert (other.sms_status, other.email_status) == ("", "")


def test_a_rolled_back_change_writes_and_sends_nothing(
    sms, reachable_inspector, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _send([reachable_inspector])
                raise RuntimeError("审批失败")
        except RuntimeError:
            pass

    assert Notification.objects.count() == 0
    assert sms == []
    assert mail.outbox == []


def test_a_failed_sms_is_recorded_on_the_message_and_the_email_still_goes(
    sms, settings, reachable_inspector, django_capture_on_commit_callbacks
):
    settings.ZHIFA_SMS_BACKEND = f"{__name__}.UnreachableSMSBackend"
    with django_capture_on_commit_callbacks(execute=True):
        _send([reachable_inspector])

    message = Notification.objects.get(recipient=reachable_inspector)
    assert message.sms_status == SendStatus.FAILED
    assert message.sms_error == "ConnectionError：短信网关无响应"
    assert message.email_status == SendStatus.SENT
    assert len(mail.outbox) == 1


def test_a_user_who_chose_sms_without_a_mobile_is_told_which_field(client_for, approver):
    client = client_for(approver)

    response = client.post("/notifications/preferences/", {"by_sms": "on"})

    assert response.status_code == 200
    assert "您尚未登记手机号" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=approver).exists()
    assert not AuditRecord.objects.filter(action="notifications.preference.update").exists()


def test_the_preferences_page_shows_the_registered_mobile_masked_and_records_the_choice(
    client_for, inspector, health_agency
):
    testing.officer("王检查", organisation=health_agency, user=inspector, mobile="13800001111")
    client = client_for(inspector)

    page = client.get("/notifications/preferences/").content.decode()
    response = client.post("/notifications/preferences/", {"by_sms": "on"})

    assert "138****1111" in page
    assert "13800001111" not in page
    assert "电子邮箱：未登记" in page
    assert response.status_code == 302
    choice = NotificationPreference.objects.get(user=inspector)
    assert (choice.by_sms, choice.by_email) == (True, False)
    record = AuditRecord.objects.get(action="notifications.preference.update")
    assert record.summary == "修改消息接收设置：短信开启，电子邮件关闭"


def test_the_inbox_lists_unread_messages_first_and_counts_them(client_for, approver):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)):
        old = _send([approver])[0]
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI)):
        read = services.notify([approver], Kind.BOOKING_MADE, "企业预约了指导")[0]
    services.mark_read(read, actor=approver)
    client = client_for(approver)

    response = client.get("/notifications/")

    assert [n.pk for n in response.context["page"]] == [old.pk, read.pk]
    assert response.context["unread"] == 1
    assert response.context["unread_count"] == 1
    assert response.context["unread_url"] == "/notifications/"
    assert "2026-03-02 09:00" in response.content.decode()


def test_opening_a_message_marks_it_read_and_goes_to_its_page(client_for, approver):
    message = _send([approver])[0]
    client = client_for(approver)

    response = client.post(f"/notifications/{message.pk}/read/", {"open": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/inspections/1/"
    message.refresh_from_db()
    assert message.read_at is not None


def test_a_user_cannot_read_or_mark_another_users_message(client_for, approver, inspector):
    message = _send([approver])[0]
    client = client_for(inspector)

    inbox = client.get("/notifications/")
    marked = client.post(f"/notifications/{message.pk}/read/")
    client.post("/notifications/read-all/")

    assert list(inbox.context["page"]) == []
    assert marked.status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_marking_all_read_leaves_no_unread_message(client_for, approver):
    _send([approver])
    services.notify([approver], Kind.BOOKING_MADE, "企业预约了指导")
    client = client_for(approver)

    client.post("/notifications/read-all/")

    assert services.unread_count(approver) == 0


def test_a_deadline_reminder_is_sent_once_per_item_and_day(approver):
    def source(today):
        yield deadlines.Reminder(
            key="case:1", overdue=today > dt.date(2026, 3, 9), recipients=[approver], title="预告"
        )

    deadlines.register_source("test", source)
    try:
        call_command("notify_deadlines", "--date", "2026-03-09")
        call_command("notify_deadlines", "--date", "2026-03-09")
        call_command("notify_deadlines", "--date", "2026-03-10")
    finally:
        deadlines._SOURCES.pop("test")

    assert list(
        Notification.objects.filter(recipient=approver)
        .order_by("pk")
        .values_list("kind", flat=True)
    ) == ["deadline_approaching", "deadline_overdue"]


def test_a_user_whose_mobile_was_removed_after_choosing_sms_is_marked_unregistered(
    sms, reachable_inspector, django_capture_on_commit_callbacks
):
    reachable_inspector.officer.mobile = ""
    reachable_inspector.officer.save()

    with django_capture_on_commit_callbacks(execute=True):
        _send([reachable_inspector])

    message = Notification.objects.get(recipient=reachable_inspector)
    assert (message.sms_status, message.email_status) == ("no_address", "sent")
    assert sms == []


def test_opening_a_message_never_leads_off_the_site(client_for, approver):
    message = services.notify(
        [approver], Kind.BOOKING_MADE, "企业预约了指导", url="https://example.com/"
    )[0]
    client = client_for(approver)

    response = client.post(f"/notifications/{message.pk}/read/", {"open": "1"})

    assert response["Location"] == "/notifications/"
