"""The complaints part of the demo: every channel in every state, losses that add up per region
to what the load prints, the overdue item's 提示函, and journeys the printed accounts can walk.

The demo is loaded once for the module (in a transaction rolled back at the end), on Thursday
2026-12-03 14:45 (the demo's day is Wednesday 12-02).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.complaints import services
from zhifa.complaints.demo import EXAMPLE_NOTE, HOTLINE_CODE
from zhifa.complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    EventKind,
    Hotline,
    Open311Key,
    RecoveredLoss,
    Satisfaction,
    Status,
)
from zhifa.org.models import User
from zhifa.supervision.models import LetterStatus, SupervisionLetter
from zhifa.workdays.selectors import is_workday

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 3, 14, 45, tzinfo=SHANGHAI)
DAY = dt.date(2026, 12, 2)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory) -> Iterator[str]:
    """The demo loaded at ``NOW``; the line the load printed about complaints."""
    media = tmp_path_factory.mktemp("media")
    module_transaction = transaction.atomic()
    module_transaction._from_testcase = True  # type: ignore[attr-defined]
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), module_transaction:
        out = io.StringIO()
        with time_machine.travel(NOW, tick=False):
            call_command("demo", "load", "--enterprises", "200", "--officers", "200", stdout=out)
        lines = [line for line in out.getvalue().splitlines() if line.startswith("演示投诉举报")]
        assert len(lines) == 1
        with time_machine.travel(NOW, tick=False):
            yield lines[0]
        transaction.set_rollback(True)


def item(**filters: Any) -> Complaint:
    return Complaint.objects.get(**filters)


def test_the_demo_has_items_from_every_channel_in_every_state(demo):
    assert set(Complaint.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Status.values)
    counts = {s: Complaint.objects.filter(status=s).count() for s in Status.values}
    assert counts == {
        Status.RECEIVED: 5,
        Status.ASSIGNED: 2,
        Status.ANSWERED: 1,
        Status.VERIFIED: 3,
        Status.CLOSED: 3,
        Status.DECLINED: 1,
    }
    assert demo.startswith(
        "演示投诉举报：15 件，来自 9 个渠道（待分办 5 件、办理中 2 件、待核实 1 件、"
        "待评价 3 件、已销号 3 件、不予受理 1 件）；"
    )
    # The ones the platform starts itself carry their source, once each.
    sources = set(Complaint.objects.exclude(source_code="").values_list("channel", "source_code"))
    assert sources == {
        (Channel.OBJECTION, "objection"),
        (Channel.RATING, "rating"),
        (Channel.SOCIAL, "social_report"),
    }


def test_losses_add_up_per_region_to_the_printed_totals(demo):
    zhoushan = RecoveredLoss.objects.filter(complaint__region__code__startswith="3309")
    guigang = RecoveredLoss.objects.filter(complaint__region__code__startswith="4508")
    assert sorted(zhoushan.values_list("amount", flat=True)) == [
        Decimal("1200.00"),
        Decimal("2000.00"),
        Decimal("86500.00"),
    ]
    assert sorted(guigang.values_list("amount", flat=True)) == [
        Decimal("12800.00"),
        Decimal("52000.00"),
        Decimal("180000.00"),
    ]
    assert "挽回损失 舟山市 89,700.00 元、贵港市 244,800.00 元" in demo
    assert RecoveredLoss.objects.count() == 6
    assert set(RecoveredLoss.objects.values_list("description", flat=True)) == {
        "退还罚款",
        "撤销不当收费",
        "解除查封，返还冷库海产品",
        "解除查封，恢复生产设备使用",
    }
    assert all(loss.evidence is not None for loss in RecoveredLoss.objects.all())


def test_the_overdue_hotline_order_has_its_reminder_letter_draft(demo):
    overdue = item(channel=Channel.HOTLINE, status=Status.ASSIGNED)
    assert overdue.is_overdue(NOW.date())
    assert overdue.answer_due is not None and overdue.answer_due < DAY
    letters = SupervisionLetter.objects.filter(source_code="complaint", source_pk=overdue.pk)
    assert [(x.letter_type.kind.code, x.status) for x in letters] == [
        ("reminder_letter", LetterStatus.DRAFT)
    ]
    assert letters.get().addressee.name == "舟山市卫生健康委员会"
    assert overdue.events.filter(kind=EventKind.ESCALATED).count() == 1
    # Only this one is overdue; the reopened item is not yet.
    assert [c.pk for c in Complaint.objects.all() if c.is_overdue(NOW.date())] == [overdue.pk]
    assert overdue.hotline == HOTLINE_CODE
    assert re.fullmatch(r"ZS2026\d{4}0042", overdue.hotline_order_no)


def test_the_audit_chain_verifies_and_every_time_is_on_a_working_day_before_the_load(demo):
    assert verify_chain().ok
    moments = list(AuditRecord.objects.order_by("seq").values_list("at", flat=True))
    assert moments == sorted(moments)
    for complaint in Complaint.objects.all():
        for moment in (complaint.received_at, complaint.last_activity_at):
            assert moment <= NOW
            assert is_workday(timezone.localdate(moment))
        if complaint.answer_due is not None:
            assert is_workday(complaint.answer_due)
    # Received over the weeks before the demo's day, the day's three on the day.
    received = sorted(timezone.localdate(c.received_at) for c in Complaint.objects.all())
    assert received[0] < DAY - dt.timedelta(days=21)
    assert received[-3:] == [DAY] * 3


def test_the_states_tell_their_story(demo):
    reopened = item(channel=Channel.ANONYMOUS, status=Status.ASSIGNED)
    assert (reopened.reopen_count, reopened.satisfaction) == (1, "")
    assert reopened.events.filter(kind=EventKind.REOPENED).count() == 1
    unreachable = item(channel=Channel.HOTLINE, status=Status.CLOSED)
    assert unreachable.satisfaction == ""
    assert unreachable.closing_note.startswith("三次回访来电人电话均无人接听")
    satisfied = Complaint.objects.filter(status=Status.CLOSED, satisfaction=Satisfaction.SATISFIED)
    assert set(satisfied.values_list("channel", flat=True)) == {
        Channel.PORTAL,
        Channel.CONTACT_POINT,
    }
    declined = item(status=Status.DECLINED)
    assert declined.decline_reason.startswith("反映的是租赁合同纠纷")
    dormant = list(services.dormant(NOW.date()))
    assert [(c.channel, c.status) for c in dormant] == [(Channel.OPEN311, Status.RECEIVED)]
    contact = Complaint.objects.filter(channel=Channel.CONTACT_POINT)
    assert {c.contact_point.name for c in contact} == {"贵港市工商业联合会行政执法监督联系点"}
    assert {c.filed_by.username for c in contact} == {"lianxidian"}


def test_guigang_sub_categories_say_they_are_examples(demo):
    examples = Category.objects.filter(region__code="450800")
    assert examples.count() == 3
    assert all(c.description == EXAMPLE_NOTE for c in examples)
    assert all(c.parent is not None for c in examples)
    used = Complaint.objects.filter(category__in=examples).count()
    assert used == 2


def test_the_hotline_and_the_open311_key_exist_and_nothing_secret_is_printed(demo):
    hotline = Hotline.objects.get(code=HOTLINE_CODE)
    assert (hotline.region_id, hotline.callback_url) == ("330900", "")
    secret = hotline.keys.get().secret
    key = Open311Key.objects.get()
    assert secret not in demo and key.key_digest not in demo


def test_the_printed_tracking_code_follows_the_anonymous_item_and_the_visitor_closes_it(demo):
    match = re.search(r"查询码 ([A-Z0-9]{12})", demo)
    assert match is not None
    found = services.find_by_tracking_code(match.group(1))
    assert found is not None
    assert (found.channel, found.status, found.is_anonymous) == (
        Channel.ANONYMOUS,
        Status.VERIFIED,
        True,
    )
    services.rate(found, satisfaction=Satisfaction.SATISFIED)
    found.refresh_from_db()
    assert found.status == Status.CLOSED


def test_the_printed_accounts_walk_their_journeys(demo):
    supervisor = User.objects.get(username="supervisor")
    inspector = User.objects.get(username="inspector")
    enterprise = User.objects.get(username="enterprise")
    # The enterprise rates its item waiting for 评价, signed in.
    mine = item(channel=Channel.PORTAL, status=Status.VERIFIED)
    assert mine.complainant_enterprise_id == enterprise.enterprise_id
    services.rate(mine, satisfaction=Satisfaction.BASIC, actor=enterprise)
    assert Complaint.objects.get(pk=mine.pk).status == Status.CLOSED
    # The bureau verifies the answered Open311 request.
    answered = item(status=Status.ANSWERED)
    services.verify(answered, actor=supervisor)
    # The agency answers the reopened item; the bureau triages the objection.
    reopened = item(channel=Channel.ANONYMOUS, status=Status.ASSIGNED)
    services.answer(reopened, actor=inspector, text="已调取执法记录仪视频核查，约谈当事人员。")
    objection = item(channel=Channel.OBJECTION)
    services.assign(objection, agency=objection.agency, actor=supervisor)
    assert Complaint.objects.get(pk=objection.pk).status == Status.ASSIGNED
    # The 联系点 sees its region's items.
    contact = User.objects.get(username="lianxidian")
    seen = Complaint.objects.restrict(contact)
    assert set(seen.values_list("region_id", flat=True)) == {"450800"}
    assert seen.count() == 3


def test_a_second_load_adds_no_item_step_or_letter(demo):
    def counts() -> tuple[int, ...]:
        return (
            Complaint.objects.count(),
            ComplaintEvent.objects.count(),
            AuditRecord.objects.filter(action__startswith="complaints.").count(),
            SupervisionLetter.objects.count(),
            Hotline.objects.count(),
        )

    before = counts()
    call_command("demo", "load", "--enterprises", "200", "--officers", "200", stdout=io.StringIO())
    assert counts() == before
