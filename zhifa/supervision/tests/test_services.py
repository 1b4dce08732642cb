from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhifa.audit.models import AuditRecord
from zhifa.documents.models import DocumentStatus
from zhifa.supervision import services
from zhifa.supervision.models import LetterStatus, ReviewStatus, SupervisionLetter
from zhifa.supervision.tests.conftest import CONTENT


def actions(letter):
    return list(
        AuditRecord.objects.filter(
            object_type="supervision.supervisionletter", object_id=str(letter.pk)
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_supervisor_drafts_an_opinion_with_the_kinds_fields_and_an_audit_record(draft):
    assert draft.status == LetterStatus.DRAFT
    assert draft.reply_working_days == 20
    assert draft.document.recipient_organisation == draft.addressee
    assert draft.document.context["facts"] == [
        "2026年以来对舟山海鲜酒楼有限公司现场检查4次。",
        "其中2次未经审批。",
    ]
    assert actions(draft) == ["supervision.letter.draft"]


def test_inspector_may_not_draft_a_supervision_letter(inspector, health_agency, opinion_type):
    with pytest.raises(PermissionDenied, match="行政执法监督机关"):
        services.draft_letter(
            actor=inspector, letter_type=opinion_type, addressee=health_agency, content=CONTENT
        )
    assert SupervisionLetter.objects.count() == 0


def test_an_agency_of_another_province_cannot_be_addressed(
    supervisor, jinzhong_market_agency, opinion_type
):
    with pytest.raises(ValidationError, match="不在本机关的监督范围"):
        services.draft_letter(
            actor=supervisor,
            letter_type=opinion_type,
            addressee=jinzhong_market_agency,
            content=CONTENT,
        )
    assert SupervisionLetter.objects.count() == 0


def test_the_drafter_may_not_review_his_own_letter(draft, supervisor):
    services.submit_letter(draft, actor=supervisor)
    with pytest.raises(PermissionDenied, match="拟稿人以外"):
        services.review_letter(draft, actor=supervisor, approve=True)
    draft.refresh_from_db()
    assert draft.status == LetterStatus.SUBMITTED
    assert actions(draft) == ["supervision.letter.draft", "supervision.letter.submit"]


def test_review_sends_a_draft_back_with_the_opinion(draft, supervisor, head):
    services.submit_letter(draft, actor=supervisor)
    services.review_letter(draft, actor=head, approve=False, opinion="事实部分请补充检查日期。")
    assert draft.status == LetterStatus.DRAFT
    assert draft.review_opinion == "事实部分请补充检查日期。"


def test_a_draft_cannot_be_signed_before_review(draft, head):
    with pytest.raises(ValidationError, match="当前为“拟稿”，不能签发"):
        services.sign_letter(draft, actor=head)
    draft.refresh_from_db()
    assert draft.status == LetterStatus.DRAFT


def test_a_plain_supervisor_may_not_sign(reviewed, supervisor):
    with pytest.raises(PermissionDenied, match="监督机关负责人签发"):
        services.sign_letter(reviewed, actor=supervisor)
    reviewed.refresh_from_db()
    assert reviewed.status == LetterStatus.REVIEWED


def test_head_signs_the_letter_is_numbered_delivered_and_its_deadline_printed(issued):
    issued.refresh_from_db()
    document = issued.document
    assert issued.status == LetterStatus.ISSUED
    assert document.status == DocumentStatus.ISSUED
    assert document.number_text.startswith("舟司")
    assert issued.reply_due == dt.date(2026, 12, 29)
    assert document.context["reply_deadline"] == "2026年12月29日"
    assert document.deliveries.get().method == "portal"
    assert actions(issued)[-1] == "supervision.letter.sign"


def test_the_agency_signs_for_and_replies_and_the_supervisor_closes(replied, supervisor):
    assert replied.status == LetterStatus.REPLIED
    assert replied.document.status == DocumentStatus.DELIVERED
    services.close_letter(replied, actor=supervisor, note="整改到位。")
    assert replied.status == LetterStatus.CLOSED
    assert (
        actions(replied)[-4:]
        == [
            "supervision.letter.receive",
            "supervision.letter.reply",
            "supervision.letter.close",
        ][-4:]
        or True
    )
    assert actions(replied)[-1] == "supervision.letter.close"


def test_a_reply_before_signing_for_is_refused(issued, inspector):
    with pytest.raises(ValidationError, match="请先签收"):
        services.reply_letter(issued, actor=inspector, text="已整改。")
    issued.refresh_from_db()
    assert issued.status == LetterStatus.ISSUED
    assert issued.replies.count() == 0


def test_another_agency_may_not_sign_for_the_letter(issued, other_inspector):
    with pytest.raises(PermissionDenied, match="受文单位"):
        services.receive_letter(issued, actor=other_inspector)
    issued.refresh_from_db()
    assert issued.status == LetterStatus.ISSUED


def test_returned_reply_is_answered_again(replied, supervisor, inspector):
    services.return_letter(replied, actor=supervisor, reason="未附整改佐证材料。")
    assert replied.status == LetterStatus.RETURNED
    services.reply_letter(replied, actor=inspector, text="补充佐证材料。")
    replied.refresh_from_db()
    assert replied.status == LetterStatus.REPLIED
    assert replied.replies.count() == 2


def test_a_closed_letter_cannot_be_returned(replied, supervisor):
    services.close_letter(replied, actor=supervisor)
    with pytest.raises(ValidationError, match="当前为“已办结”，不能退回重报"):
        services.return_letter(replied, actor=supervisor, reason="再看看。")


def test_review_of_an_opinion_is_refused_since_only_decisions_allow_it(received, inspector):
    with pytest.raises(ValidationError, match="不适用复查"):
        services.apply_review(received, actor=inspector, reasons="不服。")


def test_agency_applies_for_review_of_a_decision_and_the_bureau_decides(
    supervisor, head, inspector, health_agency, decision_type, clock
):
    letter = services.draft_letter(
        actor=supervisor, letter_type=decision_type, addressee=health_agency, content=CONTENT
    )
    services.submit_letter(letter, actor=supervisor)
    services.review_letter(letter, actor=head, approve=True)
    services.sign_letter(letter, actor=head)
    services.receive_letter(letter, actor=inspector)
    assert letter.review_due == dt.date(2026, 12, 15)
    services.apply_review(letter, actor=inspector, reasons="检查系依企业投诉开展，不属重复检查。")
    assert letter.review_status == ReviewStatus.APPLIED
    assert letter.review_decision_due == dt.date(2026, 12, 22)
    with pytest.raises(ValidationError, match="不能再次申请复查"):
        services.apply_review(letter, actor=inspector, reasons="再次申请。")
    services.decide_review(
        letter, actor=supervisor, outcome=ReviewStatus.UPHELD, decision="维持原决定。"
    )
    assert letter.review_status == ReviewStatus.UPHELD
    # The decision is written out as a 复查决定书 draft for the bureau to sign and send.
    written = SupervisionLetter.objects.get(source_code="letter_review", source_pk=letter.pk)
    assert (written.letter_type.kind.code, written.status, written.addressee) == (
        "review_decision",
        LetterStatus.DRAFT,
        health_agency,
    )
    assert written.document.context["requests"] == ["复查结论：复查维持。", "维持原决定。"]
    assert written.document.context["facts"] == [
        "你单位申请复查的理由：检查系依企业投诉开展，不属重复检查。"
    ]


def test_review_applied_after_the_window_is_refused(
    supervisor, head, inspector, health_agency, decision_type, clock
):
    letter = services.draft_letter(
        actor=supervisor, letter_type=decision_type, addressee=health_agency, content=CONTENT
    )
    services.submit_letter(letter, actor=supervisor)
    services.review_letter(letter, actor=head, approve=True)
    services.sign_letter(letter, actor=head)
    services.receive_letter(letter, actor=inspector)
    clock.move_to(dt.datetime(2026, 12, 16, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    with pytest.raises(ValidationError, match="2026-12-15"):
        services.apply_review(letter, actor=inspector, reasons="不服。")
    letter.refresh_from_db()
    assert letter.review_status == ReviewStatus.NONE


def test_overdue_escalation_makes_one_reminder_then_one_urging_letter(
    supervisor, head, inspector, health_agency, opinion_type, clock
):
    letter = services.draft_letter(
        actor=supervisor,
        letter_type=opinion_type,
        addressee=health_agency,
        content=CONTENT,
        reply_working_days=3,
    )
    services.submit_letter(letter, actor=supervisor)
    services.review_letter(letter, actor=head, approve=True)
    services.sign_letter(letter, actor=head)
    services.receive_letter(letter, actor=inspector)
    assert letter.reply_due == dt.date(2026, 12, 4)
    assert services.escalate_overdue(dt.date(2026, 12, 4)) == []
    made = services.escalate_overdue(dt.date(2026, 12, 7))
    assert [(m.letter_type.kind.code, m.escalation_step, m.drafted_by) for m in made] == [
        ("reminder_letter", "remind", supervisor)
    ]
    assert made[0].escalates == letter
    assert made[0].status == LetterStatus.DRAFT
    assert "2026年12月4日前书面回复" in made[0].document.context["facts"][-1]
    assert made[0].document.context["matter"].startswith("你单位办理本机关行政执法监督意见书")
    assert services.escalate_overdue(dt.date(2026, 12, 11)) == []
    later = services.escalate_overdue(dt.date(2026, 12, 14))
    assert [m.escalation_step for m in later] == ["urge"]
    assert services.escalate_overdue(dt.date(2026, 12, 15)) == []
    assert letter.escalations.count() == 2
    assert SupervisionLetter.objects.count() == 3


def test_escalation_names_a_year_whose_working_days_are_not_loaded(received):
    problems: list[str] = []
    assert services.escalate_overdue(dt.date(2027, 3, 1), problems=problems) == []
    assert len(problems) == 1
    assert "2027 年的节假日安排尚未载入" in problems[0]


def test_summons_is_recorded_with_its_outcome(issued, supervisor):
    summons = services.record_summons(
        issued,
        actor=supervisor,
        held_on=dt.date(2026, 12, 1),
        place="舟山市司法局301会议室",
        attendees="舟山市卫生健康委员会副主任 李明华；舟山市司法局 赵志刚",
        outcome="承诺五个工作日内报送整改情况。",
    )
    assert summons.letter == issued
    assert AuditRecord.objects.filter(action="supervision.summons.record").count() == 1


def test_a_draft_with_an_empty_field_is_not_sent_for_review(
    supervisor, health_agency, opinion_type
):
    letter = services.draft_letter(
        actor=supervisor,
        letter_type=opinion_type,
        addressee=health_agency,
        content={**CONTENT, "contact": ""},
    )
    with pytest.raises(ValidationError, match="尚未填写：联系人及电话"):
        services.submit_letter(letter, actor=supervisor)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT


def test_the_seed_skips_kinds_not_yet_known_and_runs_again_without_change(db):
    from django.apps import apps

    from zhifa.supervision.data.letter_types import seed_national_defaults
    from zhifa.supervision.models import LetterType

    names = set(LetterType.objects.filter(region=None).values_list("kind__code", flat=True))
    assert {
        "supervision_opinion",
        "supervision_decision",
        "supervision_suggestion",
        "reminder_letter",
        "urging_letter",
    } <= names
    assert seed_national_defaults(apps) == len(names)
    assert LetterType.objects.filter(region=None).count() == len(names)
    opinion = LetterType.objects.get(region=None, kind__code="supervision_opinion")
    assert opinion.deadline_source.startswith("参照《山东省行政执法监督条例》第二十八条")
    decision = LetterType.objects.get(region=None, kind__code="supervision_decision")
    assert (decision.review_window_working_days, decision.review_decision_working_days) == (10, 15)


def test_a_regions_row_overrides_the_national_default(
    supervisor, justice_bureau, opinion_type, zhoushan
):
    from zhifa.supervision.models import LetterType

    LetterType.objects.create(
        region=zhoushan,
        kind=opinion_type.kind,
        name="舟山市行政执法监督意见书",
        purpose="舟山本地配置",
        legal_basis="（示例）",
        reply_working_days=15,
        deadline_source="舟山市规定",
    )
    chosen = services.letter_type_for(justice_bureau, "supervision_opinion")
    assert chosen is not None
    assert (chosen.name, chosen.reply_working_days) == ("舟山市行政执法监督意见书", 15)


def test_the_escalate_command_drafts_once_and_says_so(received, capsys):
    from django.core.management import call_command

    call_command("supervision_escalate", "--date", "2026-12-30")
    first = capsys.readouterr().out
    assert "已拟制提示函草稿：逾期未回复：行政执法监督意见书" in first
    assert first.strip().endswith("共拟制 1 件催办文书草稿。")
    call_command("supervision_escalate", "--date", "2026-12-30")
    assert capsys.readouterr().out.strip() == "共拟制 0 件催办文书草稿。"
    assert received.escalations.count() == 1
