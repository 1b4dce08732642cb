"""Every time an inspection prints is Beijing time, also before 08:00, when the UTC date is still
yesterday's.

The clock is frozen at UTC instants whose Beijing date is the next day (2026-03-01 23:30 UTC is
2026-03-02 07:30 in Beijing); each 文书 of a case, each message and the booking pages are read
back and must say the Beijing date and hour.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from zhifa.audit.models import AuditRecord
from zhifa.inspections import services
from zhifa.inspections.models import (
    CaseOutcome,
    FindingResult,
    GuidanceSlot,
    InspectionKind,
    PenaltyChoice,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INSPECTION_DAY = dt.date(2026, 3, 16)
# Each of these is before 08:00 in Beijing: the UTC date is the day before.
NOTICE_MORNING = dt.datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 2026-03-02 07:30 Beijing
CHECK_IN_MORNING = dt.datetime(2026, 3, 15, 23, 30, tzinfo=UTC)  # 2026-03-16 07:30 Beijing
SITE_RECORD_DONE = dt.datetime(2026, 3, 16, 0, 45, tzinfo=UTC)  # 2026-03-16 08:45 Beijing
RECHECK_MORNING = dt.datetime(2026, 3, 26, 23, 30, tzinfo=UTC)  # 2026-03-27 07:30 Beijing


def frozen(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def pdf_text(document) -> str:
    pages = PdfReader(document.pdf_file.path).pages
    return "".join(page.extract_text() for page in pages).replace("\n", "")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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
            "inspection_time": dt.time(14, 30),
            "actor": inspector,
        }
        values.update(overrides)
        return services.create_case(**values)

    return _make


@pytest.fixture
def notified_case(new_case, inspector, approver):
    with frozen(NOTICE_MORNING):
        case = new_case()
        services.submit_case(case, actor=inspector)
        services.approve_case(case, actor=approver, opinion="同意按计划检查。")
        services.issue_notice(case, actor=inspector)
    case.refresh_from_db()
    return case


@pytest.fixture
def inspected_case(notified_case, inspector, second_inspector, items):
    case = notified_case
    with frozen(CHECK_IN_MORNING):
        services.check_in(case, actor=inspector, code=case.checkin_code)
        services.check_in(case, actor=second_inspector, code=case.checkin_code)
        services.record_finding(case, actor=inspector, item=items[0], result="compliant")
        services.record_finding(
            case,
            actor=inspector,
            item=items[1],
            result=FindingResult.PROBLEM,
            description="2名服务员健康合格证明已过期。",
        )
    with frozen(SITE_RECORD_DONE):
        services.finish_site_record(
            case, actor=inspector, present_person="陈经理（店长）", party_opinion="无异议。"
        )
    case.refresh_from_db()
    return case


@pytest.fixture
def slot(notified_case, inspector, health_agency, officer_one):
    with frozen(NOTICE_MORNING):
        return services.publish_slot(
            organisation=health_agency,
            actor=inspector,
            starts_at=dt.datetime(2026, 3, 11, 14, 30, tzinfo=SHANGHAI),
            ends_at=dt.datetime(2026, 3, 11, 15, 30, tzinfo=SHANGHAI),
            place="线上视频指导",
            officer=officer_one,
        )


def document_of(case, step: str):
    return case.case_documents.select_related("document").get(step=step).document


# --- 文书 ---------------------------------------------------------------------------------------


def test_the_approval_form_and_the_preview_notice_are_dated_by_the_beijing_day(
    notified_case, inspector
):
    with frozen(NOTICE_MORNING):
        approval = services.issue_approval_form(notified_case, actor=inspector)
    notice = document_of(notified_case, "notice")

    assert (approval.kind.code, notice.kind.code) == (
        "inspection_approval",
        "inspection_preview_notice",
    )
    assert (approval.issue_date, notice.issue_date) == (dt.date(2026, 3, 2), dt.date(2026, 3, 2))
    assert approval.context["inspection_time"] == "2026年3月16日下午2时30分"
    assert notice.context["inspection_time"] == "2026年3月16日下午2时30分"
    text = pdf_text(notice)
    assert "2026年3月16日下午2时30分" in text
    assert "2026年3月2日" in text
    assert "2026年3月1日" not in text


def test_the_site_record_prints_the_beijing_hours_of_the_visit(inspected_case):
    record = document_of(inspected_case, "site_record")

    assert record.kind.code == "onsite_inspection_record"
    assert record.issue_date == INSPECTION_DAY
    assert record.context["inspection_time"] == "2026年3月16日7时30分至8时45分"
    assert "2026年3月16日7时30分至8时45分" in pdf_text(record)


def test_a_visit_past_midnight_names_the_day_it_ended(
    notified_case, inspector, second_inspector, items
):
    case = notified_case
    with frozen(dt.datetime(2026, 3, 16, 15, 40, tzinfo=UTC)):  # 23:40 Beijing
        services.check_in(case, actor=inspector, code=case.checkin_code)
        services.check_in(case, actor=second_inspector, code=case.checkin_code)
        for item in items:
            services.record_finding(case, actor=inspector, item=item, result="compliant")
    with frozen(dt.datetime(2026, 3, 16, 16, 20, tzinfo=UTC)):  # 00:20 the next day
        record = services.finish_site_record(
            case, actor=inspector, present_person="陈经理", party_opinion="无异议。"
        )

    assert record.context["inspection_time"] == "2026年3月16日23时40分至2026年3月17日0时20分"
    assert record.issue_date == dt.date(2026, 3, 17)


def test_the_rectification_order_and_the_review_opinion_are_dated_in_beijing(
    inspected_case, inspector
):
    case = inspected_case
    with frozen(SITE_RECORD_DONE):
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
    with frozen(RECHECK_MORNING):
        services.record_recheck(case, actor=inspector, passed=True, note="已取得健康合格证明。")
        services.publish_result(case, actor=inspector)
        with pytest.raises(ValidationError) as again:
            services.publish_result(case, actor=inspector)

    order = document_of(case, "decision")
    review = document_of(case, "recheck")
    assert (order.kind.code, order.issue_date) == ("rectification_order", INSPECTION_DAY)
    assert order.context["deadline"] == "2026年3月30日"
    assert (review.kind.code, review.issue_date) == ("review_opinion", dt.date(2026, 3, 27))
    assert review.context["review_time"] == "2026年3月27日"
    assert again.value.messages == [f"案件 {case.reference} 的结果已于 2026-03-27 公示。"]


def test_the_no_penalty_decision_names_the_beijing_day_of_the_inspection(inspected_case, inspector):
    with frozen(SITE_RECORD_DONE):
        services.decide_case(
            inspected_case,
            actor=inspector,
            outcome=CaseOutcome.NO_PENALTY,
            decisions={
                2: {
                    "chosen": PenaltyChoice.NONE,
                    "harm_level": "minor",
                    "corrected_on_site": True,
                    "violated_provision": "《公共场所卫生管理条例》第七条",
                    "penalty_provision": "《中华人民共和国行政处罚法》第三十三条第一款",
                }
            },
        )

    decision = document_of(inspected_case, "decision")
    assert decision.kind.code == "no_penalty_decision"
    # (The 2026-03-15 of UTC would print here before 08:00.)
    assert decision.context["facts"].startswith("你单位于2026年3月16日检查中被发现：")
    assert decision.issue_date == INSPECTION_DAY


def test_a_second_check_in_is_refused_naming_the_beijing_time_of_the_first(
    notified_case, inspector
):
    with frozen(CHECK_IN_MORNING):
        services.check_in(notified_case, actor=inspector, code=notified_case.checkin_code)
        with pytest.raises(ValidationError) as error:
            services.check_in(notified_case, actor=inspector, code=notified_case.checkin_code)

    assert error.value.messages == ["王检查 已于 07:30 签到。"]


def test_the_batch_approval_list_is_dated_by_the_beijing_day(new_case, inspector, approver):
    with frozen(NOTICE_MORNING):
        case = new_case()
        services.submit_case(case, actor=inspector)
        batch = services.approve_batch([case], actor=approver, title="3月公共场所专项")

    listing = batch.list_document
    assert (listing.kind.code, listing.issue_date) == ("batch_approval_list", dt.date(2026, 3, 2))
    assert listing.context["rows"][0]["time"] == "2026年3月16日"


def test_the_oral_notice_record_and_the_report_to_the_head_print_beijing_time(
    new_case, inspector, approver, officer_one, django_capture_on_commit_callbacks
):
    approver.email = "head@zhoushan.example"
    approver.save()
    with frozen(NOTICE_MORNING), django_capture_on_commit_callbacks(execute=True):
        case = new_case(
            kind=InspectionKind.SAFETY,
            is_emergency=True,
            inspection_date=dt.date(2026, 3, 2),
            exemption_reason="现场发现疑似一氧化碳泄漏，危及顾客安全。",
        )
        # A client may send the time in UTC: it is the same instant.
        oral = services.record_oral_notice(
            case,
            actor=inspector,
            told_at=dt.datetime(2026, 3, 1, 23, 29, tzinfo=UTC),
            place="舟山海鲜酒楼后厨",
            told_by=officer_one,
            told_to="陈经理（店长）",
            content="燃气报警，依法立即实施现场检查。",
            head=approver,
        )
    later = dt.datetime(2026, 3, 2, 23, 10, tzinfo=UTC)  # 2026-03-03 07:10 Beijing
    with frozen(later):
        document = services.complete_makeup(case, actor=approver)
        with pytest.raises(ValidationError) as again:
            services.complete_makeup(case, actor=approver)

    assert oral.makeup_due == dt.date(2026, 3, 5)
    assert [m.body.splitlines()[0] for m in mail.outbox] == [
        "王检查于2026年3月2日7时29分在舟山海鲜酒楼后厨口头通知陈经理（店长），"
        "对舟山海鲜酒楼有限公司实施紧急现场检查。事由：燃气报警，依法立即实施现场检查。"
    ]
    assert document.kind.code == "oral_notice_record"
    assert document.context["notified_at"] == "2026年3月2日7时29分"
    assert document.context["reported_to"] == "已于2026年3月2日7时30分报告本机关负责人李主任。"
    assert document.context["remedy_record"] == (
        "已于2026年3月3日补办检查审批手续，审批意见：同意，补办审批手续。"
    )
    assert document.issue_date == dt.date(2026, 3, 3)
    text = pdf_text(document)
    assert "2026年3月2日7时29分" in text
    assert "2026年3月3日" in text
    assert again.value.messages == [f"案件 {case.reference} 已于 2026-03-03 补办手续。"]


# --- Guidance booking ---------------------------------------------------------------------------


def test_the_slot_reads_as_its_beijing_hours(slot):
    assert str(slot) == "2026-03-11 14:30–15:30 线上视频指导"


def test_booking_and_cancelling_tell_the_enterprise_the_beijing_hours(
    client_for, notified_case, slot, enterprise
):
    with frozen(NOTICE_MORNING):
        client = client_for(enterprise)
        booked = client.post(
            reverse("inspections:my_book", args=[notified_case.pk]),
            {"slot": slot.pk, "topic": "健康证办理"},
            follow=True,
        )
        booking = notified_case.bookings.get()
        cancelled = client.post(
            reverse("inspections:my_cancel_booking", args=[booking.pk]), follow=True
        )

    assert [str(m) for m in booked.context["messages"]] == [
        "已预约指导时段 2026-03-11 14:30–15:30 线上视频指导。"
    ]
    assert [str(m) for m in cancelled.context["messages"]] == [
        "已取消预约 2026-03-11 14:30–15:30 线上视频指导。"
    ]


def test_the_booking_pages_show_the_beijing_hours(
    client_for, notified_case, slot, enterprise, inspector, social_supervisor, supervisor
):
    with frozen(NOTICE_MORNING):
        services.assign_social_supervisor(
            notified_case, actor=supervisor, supervisor=social_supervisor
        )
        form = client_for(enterprise).get(reverse("inspections:my_case", args=[notified_case.pk]))
        services.book_guidance(notified_case, actor=enterprise, slot=slot, topic="健康证办理")
        mine = client_for(enterprise).get(reverse("inspections:my_case", args=[notified_case.pk]))
        case_page = reverse("inspections:case_detail", args=[notified_case.pk])
        agency = client_for(inspector).get(case_page)
        accompanying = client_for(social_supervisor).get(
            reverse("inspections:accompany_case", args=[notified_case.pk])
        )
        slots = client_for(inspector).get(reverse("inspections:slot_list"))

    shown = "2026-03-11 14:30–15:30 线上视频指导"
    assert f'<option value="{slot.pk}">{shown}（王检查）</option>' in form.content.decode()
    assert f"{shown}（王检查）· 已预约" in mine.content.decode()
    for page in (agency, accompanying):
        assert page.status_code == 200
        assert f"<td>{shown}</td><td>王检查</td>" in page.content.decode()
    assert "<td>已预约</td>" in accompanying.content.decode()
    assert "2026-03-11 14:30–15:30</td>" in slots.content.decode()
    booked = AuditRecord.objects.get(action="inspections.booking.create")
    assert booked.summary == f"舟山海鲜酒楼有限公司 预约指导时段 {shown}"


def test_the_case_page_shows_the_approval_and_notice_in_beijing_time(
    client_for, notified_case, inspector
):
    with frozen(NOTICE_MORNING):
        page = client_for(inspector).get(
            reverse("inspections:case_detail", args=[notified_case.pk])
        )

    content = page.content.decode()
    assert "李主任 于 2026-03-02 07:30 批准" in content
    assert "已于 2026-03-02 07:30 发出预告通知书" in content


def test_a_slot_published_in_utc_is_the_same_beijing_slot(slot, health_agency):
    utc_slot = GuidanceSlot(
        organisation=health_agency,
        starts_at=dt.datetime(2026, 3, 11, 6, 30, tzinfo=UTC),
        ends_at=dt.datetime(2026, 3, 11, 7, 30, tzinfo=UTC),
        place="线上视频指导",
        officer=slot.officer,
    )

    assert str(utc_slot) == str(slot)


# --- API ---------------------------------------------------------------------------------------


def test_the_api_gives_times_on_beijings_clock_with_their_offset(
    client_for, notified_case, slot, inspector
):
    client = client_for(inspector)
    with frozen(NOTICE_MORNING):
        case = client.get(f"/api/inspections/cases/{notified_case.pk}").json()
        slots = client.get("/api/inspections/slots", {"case": notified_case.pk}).json()

    assert (case["approved_at"], case["notified_at"]) == (
        "2026-03-02T07:30:00+08:00",
        "2026-03-02T07:30:00+08:00",
    )
    assert [(s["id"], s["starts_at"], s["ends_at"]) for s in slots] == [
        (slot.pk, "2026-03-11T14:30:00+08:00", "2026-03-11T15:30:00+08:00")
    ]
