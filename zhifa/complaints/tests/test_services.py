from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.complaints import services
from zhifa.complaints.models import (
    Channel,
    Complaint,
    ComplaintFile,
    DeadlineRule,
    EventKind,
    RoutingRule,
    Satisfaction,
    Status,
)
from zhifa.complaints.tests.conftest import SI_LUAN
from zhifa.supervision.models import SupervisionLetter

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_filed_complaint_waits_for_the_bureau_with_its_number_code_and_timeline(
    filed, justice_bureau
):
    assert filed.status == Status.RECEIVED
    assert filed.number == f"WT2026{filed.pk:06d}"
    assert len(filed.tracking_code) == 12
    assert filed.bureau == justice_bureau
    assert filed.title == "同一个月内卫健委来检查了三次，每次都要求重新提交同样的材料。"
    assert [e.kind for e in filed.events.all()] == [EventKind.RECEIVED]
    assert filed.events.get().text == "经企业端反映，归入“乱收费、乱罚款、乱检查、乱查封”。"


def test_the_bureau_assigns_with_a_deadline_of_five_working_days(assigned, health_agency):
    assert assigned.status == Status.ASSIGNED
    assert assigned.agency == health_agency
    assert assigned.answer_working_days == 5
    assert assigned.answer_due == dt.date(2026, 12, 8)
    assert assigned.deadline_source.startswith("平台默认值")


def test_a_region_rule_for_the_category_overrides_the_national_default(
    clock, filed, supervisor, health_agency, zhoushan
):
    DeadlineRule.objects.create(
        region=zhoushan, category=filed.category, answer_working_days=3, source="舟山市规定"
    )
    item = services.assign(filed, agency=health_agency, actor=supervisor)
    assert (item.answer_working_days, item.answer_due, item.deadline_source) == (
        3,
        dt.date(2026, 12, 4),
        "舟山市规定",
    )


def test_the_whole_way_to_销号_when_the_complainant_is_satisfied(verified, enterprise):
    closed = services.rate(verified, satisfaction=Satisfaction.SATISFIED, actor=enterprise)
    assert closed.status == Status.CLOSED
    assert closed.closing_note == "反映人评价满意。"
    assert [e.kind for e in closed.events.all()] == [
        EventKind.RECEIVED,
        EventKind.ASSIGNED,
        EventKind.ANSWERED,
        EventKind.VERIFIED,
        EventKind.RATED,
        EventKind.CLOSED,
    ]
    assert verify_chain().ok


def test_an_unsatisfied_complainant_reopens_the_item_for_the_agency(verified):
    reopened = services.rate(
        verified, satisfaction=Satisfaction.UNSATISFIED, comment="检查次数没有减少。"
    )
    assert reopened.status == Status.ASSIGNED
    assert reopened.reopen_count == 1
    assert reopened.answer_due == dt.date(2026, 12, 8)
    assert reopened.events.last().kind == EventKind.REOPENED


def test_unsatisfied_without_a_reason_is_refused_and_changes_nothing(verified):
    with pytest.raises(ValidationError) as error:
        services.rate(verified, satisfaction=Satisfaction.UNSATISFIED)
    assert error.value.message_dict == {"comment": ["不满意时请说明理由，以便重新办理。"]}
    verified.refresh_from_db()
    assert verified.status == Status.VERIFIED


def test_another_agency_may_not_answer_and_nothing_changes(assigned, outsider):
    records = AuditRecord.objects.count()
    with pytest.raises(PermissionDenied):
        services.answer(assigned, actor=outsider, text="不是我们的事")
    assigned.refresh_from_db()
    assert assigned.status == Status.ASSIGNED
    assert AuditRecord.objects.count() == records


def test_an_agency_may_not_assign(filed, inspector, health_agency):
    with pytest.raises(PermissionDenied):
        services.assign(filed, agency=health_agency, actor=inspector)
    filed.refresh_from_db()
    assert filed.status == Status.RECEIVED


def test_verifying_before_an_answer_is_refused_with_the_state(assigned, supervisor):
    with pytest.raises(ValidationError) as error:
        services.verify(assigned, actor=supervisor)
    assert error.value.messages == [f"问题 {assigned.number} 当前为“办理中”，不能核实。"]


def test_an_unknown_category_is_refused_by_name_and_nothing_is_stored(clock, health_agency):
    with pytest.raises(ValidationError) as error:
        services.file_complaint(
            channel=Channel.ANONYMOUS, category="no-such", content="x", agency=health_agency
        )
    assert error.value.message_dict == {
        "category": ["未知的问题类别“no-such”，请从问题类别清单中选择。"]
    }
    assert Complaint.objects.count() == 0


def test_a_wrong_type_attachment_refuses_the_whole_complaint(clock, health_agency, justice_bureau):
    files = [
        SimpleUploadedFile("现场.png", PNG),
        SimpleUploadedFile("说明.exe", b"MZ" + b"\x00" * 30),
    ]
    with pytest.raises(ValidationError) as error:
        services.file_complaint(
            channel=Channel.ANONYMOUS,
            category=SI_LUAN,
            content="反复检查",
            agency=health_agency,
            files=files,
        )
    assert "说明.exe" in error.value.message_dict["files"][0]
    assert Complaint.objects.count() == 0
    assert ComplaintFile.objects.count() == 0


def test_an_anonymous_complaint_keeps_no_identity_even_when_given(
    clock, health_agency, justice_bureau
):
    item = services.file_complaint(
        channel=Channel.ANONYMOUS,
        category=SI_LUAN,
        content="反复检查",
        agency=health_agency,
        is_anonymous=True,
        complainant_name="张三",
        complainant_phone="13900000000",
    )
    assert (item.complainant_name, item.complainant_phone, item.is_anonymous) == ("", "", True)


def test_a_routing_rule_hands_the_item_to_the_agency_at_once(
    clock, health_agency, justice_bureau, zhoushan
):
    RoutingRule.objects.create(region=zhoushan)
    item = services.file_complaint(
        channel=Channel.ANONYMOUS, category=SI_LUAN, content="反复检查", agency=health_agency
    )
    assert item.status == Status.ASSIGNED
    assert item.events.last().actor_label == "系统自动分办"


def test_a_region_without_a_bureau_cannot_take_complaints(clock, jinzhong_market_agency):
    with pytest.raises(ValidationError) as error:
        services.file_complaint(
            channel=Channel.ANONYMOUS,
            category=SI_LUAN,
            content="反复检查",
            agency=jinzhong_market_agency,
        )
    assert error.value.message_dict == {
        "region": ["晋中市尚无行政执法监督机关（司法局），不能受理。"]
    }


def test_recovered_losses_are_decimal_yuan_and_add_up(answered, supervisor):
    services.record_loss(
        answered,
        actor=supervisor,
        amount="12000.50",
        description="退还罚款",
        recovered_on=dt.date(2026, 12, 1),
    )
    services.record_loss(
        answered,
        actor=supervisor,
        amount=Decimal("0.25"),
        description="退还检测费",
        recovered_on=dt.date(2026, 11, 30),
    )
    assert answered.recovered_total == Decimal("12000.75")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1", "挽回损失金额应大于 0 元。"),
        ("1.234", "挽回损失金额最多保留两位小数（分）。"),
        ("一万", "挽回损失金额应为数字（元），如 12000.50。"),
        ("NaN", "挽回损失金额应大于 0 元。"),
    ],
)
def test_a_bad_loss_amount_is_refused_by_field(answered, supervisor, amount, message):
    with pytest.raises(ValidationError) as error:
        services.record_loss(
            answered,
            actor=supervisor,
            amount=amount,
            description="退还罚款",
            recovered_on=dt.date(2026, 12, 1),
        )
    assert error.value.message_dict == {"amount": [message]}
    assert answered.losses.count() == 0


def test_an_overdue_item_is_reminded_then_urged_once_each(assigned, clock, supervisor):
    clock.move_to(dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    made = services.escalate_overdue(dt.date(2026, 12, 10))
    assert [letter.letter_type.kind.code for letter in made] == ["reminder_letter"]
    assert services.escalate_overdue(dt.date(2026, 12, 10)) == []
    made = services.escalate_overdue(dt.date(2026, 12, 17))
    assert [letter.letter_type.kind.code for letter in made] == ["urging_letter"]
    letters = SupervisionLetter.objects.filter(source_code="complaint", source_pk=assigned.pk)
    assert letters.count() == 2
    assert all(letter.addressee == assigned.agency for letter in letters)
    assert "陈经理" not in str(letters.first().document.context)
