from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.documents.models import Document, DocumentStatus
from zhifa.draws.models import OfficerConflict
from zhifa.inspections import services
from zhifa.inspections.models import (
    CaseOutcome,
    CaseStatus,
    FindingResult,
    InspectionCase,
    InspectionKind,
    PenaltyChoice,
)
from zhifa.workdays.models import HolidayYear
from zhifa.workdays.services import delete_holiday_year

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Monday in an ordinary March: 2026-03-16 needs a notice by 2026-03-09.
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
INSPECTION_DAY = dt.date(2026, 3, 16)


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))


@pytest.fixture
def new_case(inspector, health_agency, zhoushan_enterprise, items, officer_one, officer_two):
    def _make(**overrides):
        values = {
            "organisation": health_agency,
            "enterprise": zhoushan_enterprise,
            "kind": InspectionKind.PLANNED,
            "items": items,
            "officers": [officer_one, officer_two],
            "inspection_date": INSPECTION_DAY,
            "actor": inspector,
        }
        values.update(overrides)
        return services.create_case(**values)

    return _make


@pytest.fixture
def approved_case(new_case, inspector, approver):
    with at(dt.date(2026, 3, 2)):
        case = new_case()
        services.submit_case(case, actor=inspector)
        services.approve_case(case, actor=approver, opinion="同意按计划检查。")
    return case


def test_an_inspector_drafts_a_case_and_the_audit_records_it(new_case, officer_one, officer_two):
    with at(dt.date(2026, 3, 2)):
        case = new_case()

    assert case.status == CaseStatus.DRAFT
    assert case.reference == f"JC2026{case.pk:07d}"
    assert len(case.verify_code) == 10
    assert case.region_id == "330900"
    assert list(case.assignments.values_list("officer_id", "position")) == [
        (officer_one.pk, 1),
        (officer_two.pk, 2),
    ]
    record = AuditRecord.objects.get(action="inspections.case.create")
    assert record.after["items"] == ["WJ-01", "WJ-02"]
    assert record.after["officers"] == [officer_one.cert_no, officer_two.cert_no]


def test_it_refuses_fewer_than_two_officers_and_creates_nothing(new_case, officer_one):
    with pytest.raises(ValidationError) as error:
        new_case(officers=[officer_one])

    assert error.value.message_dict["officers"] == [
        "执法人员不得少于2人（《中华人民共和国行政处罚法》第四十二条），现为1人，请补充。"
    ]
    assert InspectionCase.objects.count() == 0
    assert AuditRecord.objects.filter(action__startswith="inspections.").count() == 0


def test_it_refuses_an_officer_whose_certificate_has_expired(
    new_case, officer_one, expired_officer
):
    with pytest.raises(ValidationError) as error:
        new_case(officers=[officer_one, expired_officer])

    assert error.value.message_dict["officers"] == [
        f"吴过期（执法证 {expired_officer.cert_no}）在2026年3月16日没有有效的执法证"
        "（有效期至 2025-06-30，状态“有效”），不能参加检查。"
    ]
    assert InspectionCase.objects.count() == 0


def test_it_refuses_an_officer_who_declared_a_conflict(
    new_case, officer_one, officer_two, zhoushan_enterprise, approver
):
    OfficerConflict.objects.create(
        officer=officer_two,
        enterprise=zhoushan_enterprise,
        reason="配偶任该企业财务",
        declared_by=approver,
    )

    with pytest.raises(ValidationError) as error:
        new_case()

    assert error.value.message_dict["officers"] == [
        "周执法 已登记与舟山海鲜酒楼有限公司存在利害关系，应当回避。"
    ]
    assert InspectionCase.objects.count() == 0


def test_an_exempt_kind_without_its_reason_is_refused(new_case):
    with pytest.raises(ValidationError) as error:
        new_case(kind=InspectionKind.COMPLAINT)

    assert error.value.message_dict["exemption_reason"] == [
        "举报投诉核查可以不提前预告，但必须写明免于预告的理由，经执法机关负责人批准。"
    ]
    assert InspectionCase.objects.count() == 0


def test_an_outsider_cannot_open_a_case_for_another_agency(new_case, outsider):
    with pytest.raises(PermissionDenied):
        new_case(actor=outsider)

    assert InspectionCase.objects.count() == 0


def test_the_requester_cannot_approve_the_case_he_requested(
    new_case, approver, officer_one, officer_two
):
    with at(dt.date(2026, 3, 2)):
        case = new_case(actor=approver)
        services.submit_case(case, actor=approver)
        audit_count = AuditRecord.objects.count()

        with pytest.raises(PermissionDenied) as error:
            services.approve_case(case, actor=approver)

    assert "申请人不能审批自己提请的检查" in str(error.value)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.approved_by is None
    assert AuditRecord.objects.count() == audit_count


def test_an_inspector_cannot_approve(new_case, inspector, second_inspector):
    with at(dt.date(2026, 3, 2)):
        case = new_case()
        services.submit_case(case, actor=inspector)
        with pytest.raises(PermissionDenied):
            services.approve_case(case, actor=second_inspector)

    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_approval_freezes_what_was_approved(
    approved_case, approver, items, officer_one, officer_two
):
    assert approved_case.status == CaseStatus.APPROVED
    assert approved_case.approved_by == approver
    assert approved_case.approved_snapshot == {
        "enterprise": approved_case.enterprise_id,
        "items": sorted(i.pk for i in items),
        "officers": [officer_one.pk, officer_two.pk],
        "inspection_date": "2026-03-16",
        "inspection_time": "09:00",
    }


def test_changing_the_date_of_an_approved_case_sends_it_back_for_approval(approved_case, inspector):
    with at(dt.date(2026, 3, 3)):
        services.update_case(approved_case, actor=inspector, inspection_date=dt.date(2026, 3, 18))

    approved_case.refresh_from_db()
    assert approved_case.status == CaseStatus.SUBMITTED
    assert approved_case.approved_by is None
    record = AuditRecord.objects.filter(action="inspections.case.update").get()
    assert "退回重新审批" in record.summary


def test_a_wrong_state_action_is_refused_with_the_reason(new_case):
    with at(dt.date(2026, 3, 2)):
        case = new_case()
        with pytest.raises(ValidationError) as error:
            services.issue_notice(case, actor=case.requested_by)

    assert error.value.messages == [
        f"案件 {case.reference} 当前状态为“草稿”，不能发出预告通知"
        "（只有状态为“已批准”的案件可以发出预告通知）。"
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    assert Document.objects.count() == 0


def test_a_late_notice_is_refused_naming_the_earliest_lawful_date(approved_case, inspector):
    with at(dt.date(2026, 3, 10)), pytest.raises(ValidationError) as error:
        services.issue_notice(approved_case, actor=inspector)

    assert error.value.message_dict["inspection_date"] == [
        "预告通知书最迟应于2026年3月9日发出（检查日2026年3月16日前5个工作日），今天发出已经逾期。"
        "今天发出预告，最早可于2026年3月17日实施检查；请修改检查日期（修改后需重新审批）。"
    ]
    approved_case.refresh_from_db()
    assert approved_case.status == CaseStatus.APPROVED
    assert Document.objects.count() == 0


def test_a_notice_on_the_last_lawful_day_is_issued_and_the_enterprise_confirms_it(
    approved_case, inspector, enterprise
):
    with at(dt.date(2026, 3, 9)):
        notice = services.issue_notice(approved_case, actor=inspector)

    approved_case.refresh_from_db()
    assert approved_case.status == CaseStatus.NOTIFIED
    assert approved_case.notice == notice
    assert notice.kind.code == "inspection_preview_notice"
    assert notice.status == DocumentStatus.ISSUED
    assert notice.context["inspection_time"] == "2026年3月16日上午9时"
    assert [i["name"] for i in notice.context["items"]] == [
        "公共场所卫生许可证持证情况",
        "从业人员健康检查情况",
    ]

    with at(dt.date(2026, 3, 10)):
        services.confirm_notice(approved_case, actor=enterprise)

    notice.refresh_from_db()
    assert notice.status == DocumentStatus.DELIVERED


def test_a_notice_after_a_change_corrects_and_voids_the_first(approved_case, inspector, approver):
    with at(dt.date(2026, 3, 2)):
        first = services.issue_notice(approved_case, actor=inspector)
        services.update_case(approved_case, actor=inspector, inspection_date=dt.date(2026, 3, 18))
        services.approve_case(approved_case, actor=approver)
        second = services.issue_notice(approved_case, actor=inspector)

    first.refresh_from_db()
    assert first.voided_by == second
    assert second.corrects == first
    assert second.context["inspection_time"] == "2026年3月18日上午9时"


@pytest.fixture
def notified_case(approved_case, inspector):
    with at(dt.date(2026, 3, 2)):
        services.issue_notice(approved_case, actor=inspector)
    return approved_case


def test_officers_cannot_check_in_before_the_notified_day(notified_case, inspector):
    with at(dt.date(2026, 3, 13)), pytest.raises(ValidationError) as error:
        services.check_in(notified_case, actor=inspector, code=notified_case.checkin_code)

    assert error.value.messages == [
        "预告的检查日期为2026年3月16日，今天不能提前进入现场；确需提前检查的，请修改检查日期并重新报批。"
    ]
    assert notified_case.assignments.filter(checked_in_at__isnull=False).count() == 0


def test_one_officer_checked_in_is_not_yet_on_site(notified_case, inspector, outsider):
    with at(INSPECTION_DAY):
        services.check_in(notified_case, actor=inspector, code=notified_case.checkin_code.lower())
        with pytest.raises(PermissionDenied):
            services.check_in(notified_case, actor=outsider, code=notified_case.checkin_code)
        with pytest.raises(ValidationError) as error:
            services.record_finding(
                notified_case, actor=inspector, item=None, result=FindingResult.COMPLIANT
            )

    notified_case.refresh_from_db()
    assert notified_case.status == CaseStatus.NOTIFIED
    assert "只有至少两名执法人员签到" in error.value.messages[0]


def test_a_wrong_code_is_refused(notified_case, inspector):
    with at(INSPECTION_DAY), pytest.raises(ValidationError) as error:
        services.check_in(notified_case, actor=inspector, code="WRONG12345")

    assert error.value.message_dict["code"] == [
        "核验码与本次检查不符，请核对被检查企业出示或短信收到的入企核验码。"
    ]


def test_a_case_walks_from_check_in_to_a_published_closed_result(
    notified_case, inspector, second_inspector, items, enterprise, supervisor
):
    case = notified_case
    with at(INSPECTION_DAY, 9):
        services.check_in(case, actor=inspector, code=case.checkin_code)
        services.check_in(case, actor=second_inspector, code=case.checkin_code)
        case.refresh_from_db()
        assert case.status == CaseStatus.ON_SITE

        services.record_finding(
            case, actor=inspector, item=items[0], result=FindingResult.COMPLIANT
        )
        photo = SimpleUploadedFile("health.jpg", b"\xff\xd8 not really a photo", "image/jpeg")
        services.record_finding(
            case,
            actor=inspector,
            item=items[1],
            result=FindingResult.PROBLEM,
            description="2名服务员健康合格证明已过期。",
            files=[photo],
        )
        record = services.finish_site_record(
            case,
            actor=inspector,
            present_person="陈经理（店长）",
            party_opinion="无异议，立即整改。",
        )
        assert record.kind.code == "onsite_inspection_record"

        services.decide_case(
            case,
            actor=inspector,
            outcome=CaseOutcome.RECTIFY,
            decisions={
                2: {
                    "chosen": PenaltyChoice.NONE,
                    "harm_level": "minor",
                    "violated_provision": "《公共场所卫生管理条例》第七条",
                    "penalty_provision": "《公共场所卫生管理条例》第十四条",
                    "deviation_reason": "该条规定先责令限期改正，逾期不改正的方予处罚。",
                }
            },
            rectify_working_days=10,
        )

    case.refresh_from_db()
    assert case.status == CaseStatus.RECTIFYING
    assert case.rectify_deadline == dt.date(2026, 3, 30)
    assert case.publish_due == dt.date(2026, 4, 14)
    finding = case.findings.get(position=2)
    assert finding.evidence.count() == 1
    assert finding.chosen == PenaltyChoice.NONE
    assert (finding.proposed, finding.first_violation) == (PenaltyChoice.ORDINARY, None)
    assert finding.evaluation["proposed"]["outcome"] == "general"
    assert finding.deviation_reason == "该条规定先责令限期改正，逾期不改正的方予处罚。"

    with at(dt.date(2026, 3, 27)):
        services.record_recheck(
            case, actor=inspector, passed=True, note="2名服务员已取得健康合格证明。"
        )
        services.publish_result(case, actor=inspector)
        services.rate_case(case, actor=enterprise, rating=5, comment="检查规范，指导到位。")
        objection = services.object_to_case(case, actor=enterprise, text="希望今后提前电话联系。")
        services.answer_objection(objection, actor=supervisor, answer="已转告执法机关改进。")

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.rating == 5
    assert case.result_summary == (
        "舟山市卫生健康委员会于2026年3月16日对舟山海鲜酒楼有限公司实施计划检查（双随机），"
        "发现问题1项，处理结果：责令改正。"
    )
    steps = list(case.case_documents.values_list("step", "document__kind__code"))
    assert steps == [
        ("notice", "inspection_preview_notice"),
        ("site_record", "onsite_inspection_record"),
        ("decision", "rectification_order"),
        ("recheck", "review_opinion"),
    ]


def test_a_recheck_dated_after_today_is_refused_and_changes_nothing(
    notified_case, inspector, second_inspector, items
):
    case = notified_case
    with at(INSPECTION_DAY, 9):
        services.check_in(case, actor=inspector, code=case.checkin_code)
        services.check_in(case, actor=second_inspector, code=case.checkin_code)
        services.record_finding(
            case, actor=inspector, item=items[0], result=FindingResult.COMPLIANT
        )
        services.record_finding(
            case,
            actor=inspector,
            item=items[1],
            result=FindingResult.PROBLEM,
            description="2名服务员健康合格证明已过期。",
        )
        services.finish_site_record(
            case, actor=inspector, present_person="陈经理（店长）", party_opinion="无异议。"
        )
        services.decide_case(
            case,
            actor=inspector,
            outcome=CaseOutcome.RECTIFY,
            decisions={
                2: {
                    "chosen": PenaltyChoice.NONE,
                    "harm_level": "minor",
                    "violated_provision": "《公共场所卫生管理条例》第七条",
                    "penalty_provision": "《公共场所卫生管理条例》第十四条",
                    "deviation_reason": "该条规定先责令限期改正，逾期不改正的方予处罚。",
                }
            },
            rectify_working_days=10,
        )
    audit_count = AuditRecord.objects.count()
    with at(dt.date(2026, 3, 20)), pytest.raises(ValidationError) as refused:
        services.record_recheck(
            case,
            actor=inspector,
            passed=True,
            note="已取得健康合格证明。",
            rechecked_on=dt.date(2026, 3, 23),
        )
    assert refused.value.message_dict == {
        "rechecked_on": ["复查日期 2026-03-23 晚于今天，不能登记尚未进行的复查。"]
    }
    case.refresh_from_db()
    assert case.status == CaseStatus.RECTIFYING
    assert (case.rechecks.count(), AuditRecord.objects.count()) == (0, audit_count)


def test_a_decision_departing_from_the_proposal_needs_a_reason(
    notified_case, inspector, second_inspector, items
):
    case = notified_case
    with at(INSPECTION_DAY):
        services.check_in(case, actor=inspector, code=case.checkin_code)
        services.check_in(case, actor=second_inspector, code=case.checkin_code)
        services.record_finding(
            case, actor=inspector, item=items[0], result=FindingResult.COMPLIANT
        )
        services.record_finding(
            case,
            actor=inspector,
            item=items[1],
            result=FindingResult.PROBLEM,
            description="无健康证明。",
        )
        services.finish_site_record(
            case, actor=inspector, present_person="陈经理", party_opinion="无异议。"
        )
        with pytest.raises(ValidationError) as error:
            services.decide_case(
                case,
                actor=inspector,
                outcome=CaseOutcome.FILED,
                decisions={
                    2: {
                        "chosen": PenaltyChoice.ORDINARY,
                        "harm_level": "minor",
                        "corrected_on_site": True,
                        "violated_provision": "《公共场所卫生管理条例》第七条",
                        "penalty_provision": "《公共场所卫生管理条例》第十四条",
                    }
                },
            )

    assert error.value.message_dict["findings.2"] == [
        "第2项的处理决定（一般处罚）与裁量建议（不予处罚，可选：不予处罚）不一致，请写明理由；"
        "理由将记录在案并向执法监督机关公开。"
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.INSPECTED
    assert case.findings.get(position=2).chosen == ""


def test_the_yearly_cap_refuses_a_third_planned_inspection_but_not_a_complaint(new_case):
    with at(dt.date(2026, 3, 2)):
        new_case()
        new_case(inspection_date=dt.date(2026, 6, 15))
        with pytest.raises(ValidationError) as error:
            new_case(inspection_date=dt.date(2026, 9, 14))
        complaint = new_case(
            kind=InspectionKind.COMPLAINT,
            inspection_date=dt.date(2026, 9, 14),
            exemption_reason="12345热线转办：顾客反映浴池水质浑浊。",
        )

    assert error.value.message_dict["enterprise"][0].startswith(
        "舟山海鲜酒楼有限公司在2026年已安排涉企行政检查2次，达到各部门合计每年2次的上限"
    )
    assert InspectionCase.objects.count() == 3
    assert complaint.needs_notice is False


def test_an_exempt_complaint_case_goes_on_site_without_a_notice(
    new_case, inspector, second_inspector, approver
):
    with at(dt.date(2026, 3, 2)):
        case = new_case(
            kind=InspectionKind.COMPLAINT,
            inspection_date=dt.date(2026, 3, 2),
            exemption_reason="12345热线转办：顾客反映浴池水质浑浊。",
        )
        services.submit_case(case, actor=inspector)
        services.approve_case(case, actor=approver)
        services.check_in(case, actor=inspector, code=case.checkin_code)
        services.check_in(case, actor=second_inspector, code=case.checkin_code)

    case.refresh_from_db()
    assert case.status == CaseStatus.ON_SITE
    assert case.notice is None
    approval = AuditRecord.objects.get(action="inspections.case.approve")
    assert approval.summary.endswith("同意免于预告（12345热线转办：顾客反映浴池水质浑浊。）")


def test_a_batch_approval_approves_every_case_and_attaches_the_list(
    new_case, inspector, approver, zhoushan
):
    with at(dt.date(2026, 3, 2)):
        first = new_case()
        other = testing.enterprise("舟山浴室有限公司", region=zhoushan)
        second = new_case(enterprise=other)
        for case in (first, second):
            services.submit_case(case, actor=inspector)
        batch = services.approve_batch([first, second], actor=approver, title="3月公共场所专项")

    assert list(batch.cases.order_by("pk").values_list("status", flat=True)) == [
        CaseStatus.APPROVED,
        CaseStatus.APPROVED,
    ]
    assert batch.list_document.kind.code == "batch_approval_list"
    assert [r["enterprise"] for r in batch.list_document.context["rows"]] == [
        "舟山海鲜酒楼有限公司",
        "舟山浴室有限公司",
    ]


def test_a_batch_with_a_case_not_submitted_approves_none(new_case, inspector, approver, zhoushan):
    with at(dt.date(2026, 3, 2)):
        first = new_case()
        second = new_case(enterprise=testing.enterprise("舟山浴室有限公司", region=zhoushan))
        services.submit_case(first, actor=inspector)
        with pytest.raises(ValidationError):
            services.approve_batch([first, second], actor=approver, title="3月公共场所专项")

    first.refresh_from_db()
    assert first.status == CaseStatus.SUBMITTED
    assert Document.objects.count() == 0


def test_an_emergency_inspection_starts_with_an_oral_notice_and_is_made_up_later(
    new_case, inspector, approver, second_approver, officer_one
):
    with at(dt.date(2026, 3, 2), 14):
        case = new_case(
            kind=InspectionKind.SAFETY,
            is_emergency=True,
            inspection_date=dt.date(2026, 3, 2),
            exemption_reason="现场发现疑似一氧化碳泄漏，危及顾客安全。",
        )
        oral = services.record_oral_notice(
            case,
            actor=inspector,
            told_at=dt.datetime(2026, 3, 2, 14, 0, tzinfo=SHANGHAI),
            place="舟山海鲜酒楼后厨",
            told_by=officer_one,
            told_to="陈经理（店长）",
            content="燃气报警，依法立即实施现场检查。",
            head=approver,
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.ON_SITE
    assert oral.makeup_due == dt.date(2026, 3, 5)
    assert oral.is_overdue(dt.date(2026, 3, 6)) is True

    with at(dt.date(2026, 3, 4)):
        document = services.complete_makeup(case, actor=approver)

    oral.refresh_from_db()
    assert oral.is_overdue(dt.date(2026, 3, 6)) is False
    assert document.kind.code == "oral_notice_record"
    assert (
        document.context["remedy_record"]
        == "已于2026年3月4日补办检查审批手续，审批意见：同意，补办审批手续。"
    )


def test_an_enterprise_books_a_guidance_slot_once(
    notified_case, inspector, enterprise, officer_one, health_agency
):
    with at(dt.date(2026, 3, 3)):
        slot = services.publish_slot(
            organisation=health_agency,
            actor=inspector,
            starts_at=dt.datetime(2026, 3, 11, 14, tzinfo=SHANGHAI),
            ends_at=dt.datetime(2026, 3, 11, 15, tzinfo=SHANGHAI),
            place="线上视频指导",
            officer=officer_one,
        )
        booking = services.book_guidance(
            notified_case, actor=enterprise, slot=slot, topic="健康证办理"
        )
        with pytest.raises(ValidationError) as error:
            services.book_guidance(notified_case, actor=enterprise, slot=slot)

    assert booking.status == "booked"
    assert error.value.message_dict["slot"] == ["该时段已被预约，请选择其他时段。"]
    assert notified_case.bookings.count() == 1


def test_an_officer_whose_certificate_lapsed_after_approval_cannot_check_in(
    notified_case, inspector, officer_one
):
    officer_one.cert_valid_until = dt.date(2026, 3, 15)
    officer_one.save()

    with at(INSPECTION_DAY), pytest.raises(ValidationError) as error:
        services.check_in(notified_case, actor=inspector, code=notified_case.checkin_code)

    assert error.value.message_dict["officer"] == [
        f"王检查（执法证 {officer_one.cert_no}）在2026年3月16日没有有效的执法证"
        "（有效期至 2026-03-15，状态“有效”），不能参加检查。"
    ]
    assert notified_case.assignments.filter(checked_in_at__isnull=False).count() == 0


@pytest.fixture
def health_certificate_guidance(admin_user, zhoushan, items):
    """A published guidance list of 舟山 whose one item guides on 从业人员健康检查 (WJ-02)."""
    from zhifa.compliance import services as compliance

    version = compliance.create_version(
        region=zhoushan,
        data={
            "publisher": "舟山市卫生健康委员会",
            "label": "2026版",
            "title": "公共场所合规指导清单",
        },
        actor=admin_user,
    )
    item = compliance.add_item(
        version,
        data={
            "code": "GG-01",
            "field": "health",
            "title": "从业人员持有效健康合格证明上岗",
            "violations": "从业人员未取得或未及时更新健康合格证明",
            "legal_basis_law": "《公共场所卫生管理条例》",
            "legal_basis_article": "第七条",
            "liability": "责令限期改正，逾期不改的依法处罚",
            "advice": "建立从业人员健康证明台账，到期前一个月安排体检",
            "industries": "餐饮业",
            "inspection_item_codes": "WJ-02",
        },
        actor=admin_user,
    )
    compliance.publish_version(version, actor=admin_user)
    return item


def test_a_self_correction_reported_before_the_inspection_makes_a_first_minor_violation_exempt(
    notified_case, inspector, second_inspector, enterprise, items, health_certificate_guidance
):
    from zhifa.compliance import services as compliance
    from zhifa.compliance.models import Answer

    case = notified_case
    with at(dt.date(2026, 3, 10)):
        check = compliance.start_self_check(
            case.enterprise, actor=enterprise, inspection_item_codes=["WJ-02"]
        )
        answer = check.answers.get(item=health_certificate_guidance)
        compliance.answer_item(
            answer, value=Answer.VIOLATES, note="1名服务员健康证明过期。", actor=enterprise
        )
        compliance.record_correction(
            answer,
            corrected_on=dt.date(2026, 3, 10),
            evidence=SimpleUploadedFile("health.pdf", b"%PDF-1.4 receipt", "application/pdf"),
            actor=enterprise,
        )
    with at(INSPECTION_DAY):
        services.check_in(case, actor=inspector, code=case.checkin_code)
        services.check_in(case, actor=second_inspector, code=case.checkin_code)
        services.record_finding(
            case, actor=inspector, item=items[0], result=FindingResult.COMPLIANT
        )
        services.record_finding(
            case,
            actor=inspector,
            item=items[1],
            result=FindingResult.PROBLEM,
            description="1名服务员健康合格证明曾过期，检查前已补办。",
        )
        services.finish_site_record(
            case, actor=inspector, present_person="陈经理", party_opinion="无异议。"
        )
        services.decide_case(
            case,
            actor=inspector,
            outcome=CaseOutcome.NO_PENALTY,
            decisions={
                2: {
                    "chosen": PenaltyChoice.NONE,
                    "harm_level": "minor",
                    "violated_provision": "《公共场所卫生管理条例》第七条",
                    "penalty_provision": "《公共场所卫生管理条例》第十四条",
                }
            },
        )

    finding = case.findings.get(position=2)
    assert finding.proposed == PenaltyChoice.NONE
    assert finding.deviation_reason == ""
    assert finding.evaluation["proposed"]["outcome"] == "exempt"
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.case_documents.get(step="decision").document.kind.code == "no_penalty_decision"


def test_the_notices_of_many_cases_are_issued_by_one_batch_and_each_case_is_notified(
    new_case, inspector, approver, zhoushan, settings
):
    from zhifa.documents import services as documents
    from zhifa.documents.models import BatchStatus

    settings.ZHIFA_DOCUMENT_BATCH_THREAD = False
    with at(dt.date(2026, 3, 2)):
        cases = [new_case()]
        cases.append(new_case(enterprise=testing.enterprise("舟山浴室有限公司", region=zhoushan)))
        for case in cases:
            services.submit_case(case, actor=inspector)
        services.approve_batch(cases, actor=approver, title="3月公共场所专项")
        batch = services.issue_notices_in_batch(cases, actor=inspector)
        assert [c.status for c in cases] == [CaseStatus.APPROVED, CaseStatus.APPROVED]
        documents.run_batch(batch.pk)

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.FINISHED, 2, 0)
    for case in cases:
        case.refresh_from_db()
        assert case.status == CaseStatus.NOTIFIED
        assert case.notice.kind.code == "inspection_preview_notice"
        assert case.notice.deliveries.count() == 1
    assert AuditRecord.objects.filter(action="inspections.case.notify").count() == 2


def test_a_batch_of_notices_with_one_late_case_is_refused_naming_it(
    new_case, inspector, approver, zhoushan
):
    # 2026-02-28 is a Saturday worked in exchange for the Spring Festival (调休), so it counts.
    with at(dt.date(2026, 3, 2)):
        on_time = new_case()
        late = new_case(
            enterprise=testing.enterprise("舟山浴室有限公司", region=zhoushan),
            inspection_date=dt.date(2026, 3, 6),
        )
        for case in (on_time, late):
            services.submit_case(case, actor=inspector)
        services.approve_batch([on_time, late], actor=approver, title="3月公共场所专项")
        documents_before = Document.objects.count()
        with pytest.raises(ValidationError) as error:
            services.issue_notices_in_batch([on_time, late], actor=inspector)

    assert error.value.message_dict["cases"] == [
        f"{late.reference}（舟山浴室有限公司）：预告通知书最迟应于2026年2月28日发出"
        "（检查日2026年3月6日前5个工作日），今天发出已经逾期。今天发出预告，最早可于2026年3月9日"
        "实施检查；请修改检查日期（修改后需重新审批）。"
    ]
    assert Document.objects.count() == documents_before


def test_a_notice_for_a_year_whose_holidays_are_not_loaded_is_refused_not_guessed(
    new_case, inspector, approver
):
    # Whichever chinesecalendar release is installed, 2027 is a year without an arrangement here.
    for holiday_year in HolidayYear.objects.filter(year=2027):
        delete_holiday_year(holiday_year, actor=None)
    with at(dt.date(2026, 3, 2)):
        case = new_case(inspection_date=dt.date(2027, 3, 15))
        services.submit_case(case, actor=inspector)
        services.approve_case(case, actor=approver)
        with pytest.raises(ValidationError) as error:
            services.issue_notice(case, actor=inspector)

    assert error.value.messages == [
        "2027年的节假日安排尚未载入，无法计算预告期限（平台从不按周一至周五推算工作日）；"
        "请系统管理员在“工作日”中载入后再办理。"
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED


def test_a_social_supervisor_of_another_region_cannot_be_assigned(
    approved_case, supervisor, jinzhong
):
    stranger = testing.user("jz_social", role="social_supervisor", region=jinzhong)

    with pytest.raises(ValidationError) as error:
        services.assign_social_supervisor(approved_case, actor=supervisor, supervisor=stranger)

    assert error.value.message_dict["social_supervisor"] == ["jz_social不是舟山市的社会监督员。"]
    approved_case.refresh_from_db()
    assert approved_case.social_supervisor is None


def test_a_decision_whose_document_cannot_be_made_is_not_recorded(
    notified_case, inspector, second_inspector, items
):
    from zhifa.documents.models import DocumentKind

    case = notified_case
    with at(INSPECTION_DAY):
        services.check_in(case, actor=inspector, code=case.checkin_code)
        services.check_in(case, actor=second_inspector, code=case.checkin_code)
        for item in items:
            services.record_finding(
                case, actor=inspector, item=item, result=FindingResult.PROBLEM, description="问题。"
            )
        services.finish_site_record(
            case, actor=inspector, present_person="陈经理", party_opinion="无异议。"
        )
        DocumentKind.objects.filter(code="rectification_order").update(is_active=False)
        audit_count = AuditRecord.objects.count()
        decision = {
            "chosen": PenaltyChoice.ORDINARY,
            "violated_provision": "《公共场所卫生管理条例》第七条",
            "penalty_provision": "《公共场所卫生管理条例》第十四条",
        }
        with pytest.raises(ValidationError, match="责令改正通知书"):
            services.decide_case(
                case,
                actor=inspector,
                outcome=CaseOutcome.RECTIFY,
                decisions={1: decision, 2: decision},
                rectify_working_days=10,
            )

    case.refresh_from_db()
    assert (case.status, case.outcome, case.decided_at) == (CaseStatus.INSPECTED, "", None)
    assert set(case.findings.values_list("chosen", flat=True)) == {""}
    assert AuditRecord.objects.count() == audit_count


def test_a_violation_that_ended_more_than_two_years_before_is_not_penalised(
    notified_case, inspector, second_inspector, items
):
    case = notified_case
    with at(INSPECTION_DAY):
        _inspected_with_old_problem(case, inspector, second_inspector, items)
        services.decide_case(
            case,
            actor=inspector,
            outcome=CaseOutcome.NO_PENALTY,
            decisions={
                2: {
                    "chosen": PenaltyChoice.NONE,
                    "harm_level": "general",
                    "violation_ended_on": "2023-12-31",
                    "violated_provision": "《公共场所卫生管理条例》第七条",
                    "penalty_provision": "《公共场所卫生管理条例》第十四条",
                }
            },
        )

    finding = case.findings.get(position=2)
    assert (finding.proposed, finding.deviation_reason) == (PenaltyChoice.NONE, "")
    art36 = next(s for s in finding.evaluation["statutory"] if s["rule"] == "art36")
    assert art36["applies"] is True


def _inspected_with_old_problem(case, inspector, second_inspector, items):
    services.check_in(case, actor=inspector, code=case.checkin_code)
    services.check_in(case, actor=second_inspector, code=case.checkin_code)
    services.record_finding(case, actor=inspector, item=items[0], result=FindingResult.COMPLIANT)
    services.record_finding(
        case,
        actor=inspector,
        item=items[1],
        result=FindingResult.PROBLEM,
        description="2023年曾安排无健康证明人员上岗，2023年12月已全部办证。",
    )
    services.finish_site_record(
        case, actor=inspector, present_person="陈经理", party_opinion="无异议。"
    )


def test_a_period_another_law_sets_replaces_the_two_years_and_is_named_in_the_evaluation(
    notified_case, inspector, second_inspector, items
):
    case = notified_case
    with at(INSPECTION_DAY):
        _inspected_with_old_problem(case, inspector, second_inspector, items)
        services.decide_case(
            case,
            actor=inspector,
            outcome=CaseOutcome.FILED,
            decisions={
                2: {
                    "chosen": PenaltyChoice.ORDINARY,
                    "harm_level": "general",
                    "violation_ended_on": "2023-12-31",
                    "special_limitation_months": "60",
                    "special_limitation_basis": "《中华人民共和国税收征收管理法》第八十六条",
                    "violated_provision": "《公共场所卫生管理条例》第七条",
                    "penalty_provision": "《公共场所卫生管理条例》第十四条",
                }
            },
        )

    finding = case.findings.get(position=2)
    art36 = next(s for s in finding.evaluation["statutory"] if s["rule"] == "art36")
    assert art36["applies"] is False
    assert art36["conditions"][0]["text"] == (
        "超过追责期限：违法行为于 2023-12-31 发生或终了，依《中华人民共和国税收征收管理法》"
        "第八十六条，5年期限至 2028-12-31，2026-03-16 发现，未超过期限（不满足）"
    )
    assert (finding.proposed, finding.deviation_reason) == (PenaltyChoice.ORDINARY, "")


def test_a_special_period_without_the_law_that_sets_it_is_refused_and_nothing_is_decided(
    notified_case, inspector, second_inspector, items
):
    case = notified_case
    with at(INSPECTION_DAY):
        _inspected_with_old_problem(case, inspector, second_inspector, items)
        audit_count = AuditRecord.objects.count()
        with pytest.raises(ValidationError) as refused:
            services.decide_case(
                case,
                actor=inspector,
                outcome=CaseOutcome.NO_PENALTY,
                decisions={
                    2: {
                        "chosen": PenaltyChoice.NONE,
                        "harm_level": "general",
                        "violation_ended_on": "2023-12-31",
                        "special_limitation_months": "60",
                        "violated_provision": "《公共场所卫生管理条例》第七条",
                        "penalty_provision": "《公共场所卫生管理条例》第十四条",
                    }
                },
            )

    assert refused.value.message_dict["special_limitation_basis"] == [
        "填写了另有规定的追责期限，请写明规定该期限的法律及条款，"
        "如《中华人民共和国税收征收管理法》第八十六条。"
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.INSPECTED
    assert case.findings.get(position=2).chosen == ""
    assert AuditRecord.objects.count() == audit_count
