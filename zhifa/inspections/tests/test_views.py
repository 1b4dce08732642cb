"""The inspection pages: each for anonymous, an outsider (404/403, nothing changed) and the
persona it is for, and every form posting through to its service with the Chinese refusal."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.documents.models import Document, DocumentStatus
from zhifa.inspections import services
from zhifa.inspections.models import (
    CaseOutcome,
    CaseStatus,
    FindingEvidence,
    FindingResult,
    GuidanceBooking,
    GuidanceSlot,
    InspectionCase,
    InspectionKind,
    JointVisit,
    Objection,
)
from zhifa.org.models import Role

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INSPECTION_DAY = dt.date(2026, 3, 16)


def at(day: dt.date, hour: int = 10):
    moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


def url(name: str, *args) -> str:
    return reverse(f"inspections:{name}", args=args)


def filled(response) -> dict[str, list[int]]:
    """The 待办 sections that hold cases, with the cases they list."""
    return {
        e["section"].key: [row["case"].pk for row in e["rows"]]
        for e in response.context["sections"]
        if e["count"]
    }


def errors(response) -> list[str]:
    """The error messages the page shows (form errors and messages)."""
    context = response.context
    found: list[str] = []
    form = context.get("form") if context else None
    if form is not None:
        for messages_ in form.errors.values():
            found += list(messages_)
    return found


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
            "actor": inspector,
        }
        values.update(overrides)
        return services.create_case(**values)

    return _make


@pytest.fixture
def submitted_case(new_case, inspector):
    with at(dt.date(2026, 3, 2)):
        case = new_case()
        services.submit_case(case, actor=inspector)
    return case


@pytest.fixture
def approved_case(submitted_case, approver):
    with at(dt.date(2026, 3, 2)):
        services.approve_case(submitted_case, actor=approver, opinion="同意。")
    return submitted_case


@pytest.fixture
def notified_case(approved_case, inspector):
    with at(dt.date(2026, 3, 2)):
        services.issue_notice(approved_case, actor=inspector)
    return approved_case


@pytest.fixture
def on_site_case(notified_case, inspector, second_inspector):
    with at(INSPECTION_DAY, 9):
        services.check_in(notified_case, actor=inspector, code=notified_case.checkin_code)
        services.check_in(notified_case, actor=second_inspector, code=notified_case.checkin_code)
    notified_case.refresh_from_db()
    return notified_case


@pytest.fixture
def inspected_case(on_site_case, inspector, items):
    case = on_site_case
    with at(INSPECTION_DAY, 10):
        services.record_finding(case, actor=inspector, item=items[0], result="compliant")
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
    case.refresh_from_db()
    return case


@pytest.fixture
def rectifying_case(inspected_case, inspector):
    with at(INSPECTION_DAY, 11):
        services.decide_case(
            inspected_case,
            actor=inspector,
            outcome=CaseOutcome.RECTIFY,
            decisions={
                2: {
                    "chosen": "none",
                    "harm_level": "minor",
                    "corrected_on_site": True,
                    "violated_provision": "《公共场所卫生管理条例》第七条",
                    "penalty_provision": "《公共场所卫生管理条例》第十四条",
                }
            },
            rectify_working_days=10,
        )
    inspected_case.refresh_from_db()
    return inspected_case


def case_facts(case: InspectionCase) -> tuple:
    case.refresh_from_db()
    return (case.status, case.approved_by_id, case.notice_id, case.outcome, case.published_at)


# --- 待办 -------------------------------------------------------------------------------------


def test_the_inbox_needs_a_login(client):
    response = client.get(url("inbox"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_approver_finds_the_submitted_case_in_his_inbox(client_for, approver, submitted_case):
    with at(dt.date(2026, 3, 3)):
        response = client_for(approver).get(url("inbox"))

    assert response.status_code == 200
    assert filled(response) == {"approve": [submitted_case.pk]}
    counts = {e["section"].key: e["count"] for e in response.context["sections"]}
    assert counts == {"today": 0, "approve": 1, "makeup": 0}
    assert f'href="{url("case_detail", submitted_case.pk)}"' in response.content.decode()


def test_the_enterprise_inbox_links_to_its_portal_and_an_outsider_sees_nothing(
    client_for, enterprise, outsider, notified_case
):
    with at(dt.date(2026, 3, 3)):
        mine = client_for(enterprise).get(url("inbox"))
        theirs = client_for(outsider).get(url("inbox"))

    assert filled(mine) == {"confirm": [notified_case.pk], "prepare": [notified_case.pk]}
    assert f'href="{url("my_case", notified_case.pk)}"' in mine.content.decode()
    assert filled(theirs) == {}
    assert [e["count"] for e in theirs.context["sections"]] == [0, 0, 0, 0, 0, 0, 0, 0]


def test_every_role_reaches_the_inbox_from_the_menu_and_the_home_page(
    client_for, inspector, enterprise, social_supervisor, supervisor
):
    for user in (inspector, enterprise, social_supervisor, supervisor):
        response = client_for(user).get(reverse("home"))
        assert dict(response.context["nav_items"])["待办"] == url("inbox")
        assert 'data-testid="tile-inbox"' in response.content.decode()
    menu = dict(client_for(enterprise).get(reverse("home")).context["nav_items"])
    assert menu["我的检查"] == url("my_cases")


# --- List, search, export ---------------------------------------------------------------------


def test_the_case_list_searches_by_uscc_and_filters_by_status(
    client_for, inspector, submitted_case, new_case, zhoushan
):
    other = testing.enterprise("舟山浴室有限公司", region=zhoushan)
    with at(dt.date(2026, 3, 2)):
        draft = new_case(enterprise=other)
    client = client_for(inspector)

    everything = client.get(url("case_list"))
    by_uscc = client.get(url("case_list"), {"q": other.uscc})
    submitted = client.get(url("case_list"), {"status": "submitted", "year": "2026"})
    bad_year = client.get(url("case_list"), {"year": "abc"})

    assert everything.context["total"] == 2
    assert [c.pk for c in by_uscc.context["page"]] == [draft.pk]
    assert [c.pk for c in submitted.context["page"]] == [submitted_case.pk]
    assert bad_year.context["total"] == 0
    assert bad_year.context["form"].errors["year"] == ["输入整数。"]
    assert "检查年度：输入整数。" in bad_year.content.decode()


def test_an_outsider_sees_no_case_in_the_list_or_the_export(client_for, outsider, submitted_case):
    client = client_for(outsider)

    listing = client.get(url("case_list"))
    export = client.get(url("case_export"))

    assert listing.context["total"] == 0
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1


def test_the_export_lists_the_filtered_cases(
    client_for, inspector, submitted_case, officer_one, officer_two
):
    response = client_for(inspector).get(url("case_export"), {"status": "submitted"})

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "案件编号",
        "执法机关",
        "统一社会信用代码",
        "企业名称",
        "检查类型",
        "检查日期",
    )
    assert rows[1][:9] == (
        submitted_case.reference,
        "舟山市卫生健康委员会",
        submitted_case.enterprise.uscc,
        "舟山海鲜酒楼有限公司",
        "计划检查（双随机）",
        "2026-03-16",
        "公共场所卫生许可证持证情况、从业人员健康检查情况",
        f"{officer_one}、{officer_two}",
        "待审批",
    )
    assert len(rows) == 2


# --- Creating a case --------------------------------------------------------------------------


def case_form(zhoushan_enterprise, items, officers, **overrides):
    data = {
        "kind": "planned",
        "uscc": zhoushan_enterprise.uscc,
        "items": [i.pk for i in items],
        "officers": [o.pk for o in officers],
        "inspection_date": "2026-03-16",
        "inspection_time": "09:30",
        "title": "",
        "reason": "年度计划",
        "exemption_reason": "",
    }
    data.update(overrides)
    return data


def test_an_inspector_creates_a_case_through_the_form(
    client_for, inspector, zhoushan_enterprise, items, officer_one, officer_two
):
    with at(dt.date(2026, 3, 2)):
        response = client_for(inspector).post(
            url("case_create"), case_form(zhoushan_enterprise, items, [officer_one, officer_two])
        )

    case = InspectionCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("case_detail", case.pk)
    assert (case.status, case.title, case.inspection_time) == (
        CaseStatus.DRAFT,
        "计划检查（双随机）：舟山海鲜酒楼有限公司",
        dt.time(9, 30),
    )
    assert list(case.assignments.values_list("officer_id", flat=True)) == [
        officer_one.pk,
        officer_two.pk,
    ]


def test_the_lead_officer_chosen_on_the_form_comes_first_and_must_be_on_the_case(
    client_for, inspector, zhoushan_enterprise, items, officer_one, officer_two, expired_officer
):
    form = case_form(zhoushan_enterprise, items, [officer_one, officer_two])
    with at(dt.date(2026, 3, 2)):
        outside = client_for(inspector).post(
            url("case_create"), {**form, "lead": expired_officer.pk}
        )
        assert InspectionCase.objects.count() == 0
        client_for(inspector).post(url("case_create"), {**form, "lead": officer_two.pk})

    assert outside.context["form"].errors["lead"] == [
        f"主办执法人员{expired_officer.name}不在所选执法人员之中，请一并选择。"
    ]
    case = InspectionCase.objects.get()
    assert list(case.assignments.order_by("position").values_list("officer_id", flat=True)) == [
        officer_two.pk,
        officer_one.pk,
    ]


def test_the_form_shows_the_officer_refusal_and_creates_nothing(
    client_for, inspector, zhoushan_enterprise, items, officer_one, expired_officer
):
    with at(dt.date(2026, 3, 2)):
        form_page = client_for(inspector).get(url("case_create"))
        response = client_for(inspector).post(
            url("case_create"),
            case_form(zhoushan_enterprise, items, [officer_one, expired_officer]),
        )

    # The list already shows who may not inspect, greyed out with his status.
    expired = f"吴过期（执法证 {expired_officer.cert_no}，执法证已过期）"
    assert expired in form_page.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors["officers"] == [
        f"吴过期（执法证 {expired_officer.cert_no}）在2026年3月16日没有有效的执法证"
        "（有效期至 2025-06-30，状态“有效”），不能参加检查。"
    ]
    assert InspectionCase.objects.count() == 0


def test_an_exempt_kind_without_its_reason_is_refused_on_the_form(
    client_for, inspector, zhoushan_enterprise, items, officer_one, officer_two
):
    with at(dt.date(2026, 3, 2)):
        response = client_for(inspector).post(
            url("case_create"),
            case_form(zhoushan_enterprise, items, [officer_one, officer_two], kind="complaint"),
        )

    assert response.context["form"].errors["exemption_reason"] == [
        "举报投诉核查可以不提前预告，但必须写明免于预告的理由，经执法机关负责人批准。"
    ]
    assert InspectionCase.objects.count() == 0


def test_a_supervisor_and_an_enterprise_may_not_create_a_case(
    client_for, supervisor, enterprise, zhoushan_enterprise, items, officer_one, officer_two
):
    data = case_form(zhoushan_enterprise, items, [officer_one, officer_two])
    for user in (supervisor, enterprise):
        assert client_for(user).get(url("case_create")).status_code == 403
        assert client_for(user).post(url("case_create"), data).status_code == 403
    assert InspectionCase.objects.count() == 0


# --- The case page and its steps --------------------------------------------------------------


def test_the_case_page_for_anonymous_outsider_supervisor_and_inspector(
    client, client_for, outsider, supervisor, inspector, enterprise, approved_case
):
    page = url("case_detail", approved_case.pk)

    anonymous = client.get(page)
    hidden = client_for(outsider).get(page)
    reading = client_for(supervisor).get(page)
    with at(dt.date(2026, 3, 3)):
        working = client_for(inspector).get(page)
    portal = client_for(enterprise).get(page)

    assert anonymous.status_code == 302
    assert hidden.status_code == 404
    assert reading.status_code == 200
    assert 'data-testid="case-actions"' not in reading.content.decode()
    body = working.content.decode()
    assert working.context["can"]["notice"] is True
    assert working.context["latest_notice"] == dt.date(2026, 3, 9)
    assert "须于 2026年3月9日 前发出预告通知书（检查日前 5 个工作日）" in body
    assert [e.action for e in working.context["timeline"]] == [
        "inspections.case.create",
        "inspections.case.submit",
        "inspections.case.approve",
    ]
    # Not yet notified: the enterprise must not learn of the inspection from the platform.
    assert portal.status_code == 404


def test_the_enterprise_reads_only_the_steps_taken_towards_it_on_the_case_page(
    client_for, enterprise, inspector, notified_case
):
    portal = client_for(enterprise).get(url("my_case", notified_case.pk))
    agency = client_for(inspector).get(url("case_detail", notified_case.pk))

    assert [e.action for e in portal.context["timeline"]] == ["inspections.case.notify"]
    assert [e.action for e in agency.context["timeline"]] == [
        "inspections.case.create",
        "inspections.case.submit",
        "inspections.case.approve",
        "inspections.case.notify",
    ]


def test_the_inspector_submits_from_the_case_page(client_for, inspector, new_case):
    with at(dt.date(2026, 3, 2)):
        case = new_case()
        response = client_for(inspector).post(url("case_submit", case.pk))

    case.refresh_from_db()
    assert response.status_code == 302
    assert case.status == CaseStatus.SUBMITTED


def test_an_outsider_cannot_submit_and_nothing_changes(client_for, outsider, new_case):
    with at(dt.date(2026, 3, 2)):
        case = new_case()
        response = client_for(outsider).post(url("case_submit", case.pk))

    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_approval_needs_the_confirmation_and_the_approver(
    client_for, approver, inspector, submitted_case
):
    page = url("case_approve", submitted_case.pk)
    before = case_facts(submitted_case)
    audit = AuditRecord.objects.count()
    with at(dt.date(2026, 3, 3)):
        forbidden = client_for(inspector).post(page, {"opinion": "同意", "confirm": "on"})
        unconfirmed = client_for(approver).post(page, {"opinion": "同意"})
        assert case_facts(submitted_case) == before
        assert AuditRecord.objects.count() == audit
        done = client_for(approver).post(page, {"opinion": "同意按计划检查。", "confirm": "on"})

    assert forbidden.status_code == 403
    assert unconfirmed.status_code == 200
    assert unconfirmed.context["form"].errors["confirm"] == ["请勾选确认后再批准。"]
    assert done.status_code == 302
    submitted_case.refresh_from_db()
    assert (submitted_case.status, submitted_case.approval_opinion) == (
        CaseStatus.APPROVED,
        "同意按计划检查。",
    )


def test_the_approver_cannot_approve_a_case_he_requested(client_for, approver, new_case):
    with at(dt.date(2026, 3, 2)):
        case = new_case(actor=approver)
        services.submit_case(case, actor=approver)
        response = client_for(approver).post(
            url("case_approve", case.pk), {"opinion": "", "confirm": "on"}
        )

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_the_approver_rejects_with_a_reason(client_for, approver, submitted_case):
    with at(dt.date(2026, 3, 3)):
        empty = client_for(approver).post(url("case_reject", submitted_case.pk), {"confirm": "on"})
        done = client_for(approver).post(
            url("case_reject", submitted_case.pk),
            {"reason": "检查事项与举报内容无关。", "confirm": "on"},
        )

    assert empty.context["form"].errors["reason"] == ["这个字段是必填项。"]
    assert done.status_code == 302
    submitted_case.refresh_from_db()
    assert (submitted_case.status, submitted_case.approval_opinion) == (
        CaseStatus.REJECTED,
        "检查事项与举报内容无关。",
    )


def test_a_late_notice_is_refused_on_the_page_naming_the_earliest_lawful_date(
    client_for, inspector, approved_case
):
    with at(dt.date(2026, 3, 10)):
        page = client_for(inspector).get(url("case_notice", approved_case.pk))
        response = client_for(inspector).post(
            url("case_notice", approved_case.pk), {"confirm": "on"}
        )

    assert "预告通知书最迟应于 <strong>2026年3月9日</strong> 发出" in page.content.decode()
    assert response.status_code == 200
    message = (
        "预告通知书最迟应于2026年3月9日发出（检查日2026年3月16日前5个工作日），今天发出已经逾期。"
        "今天发出预告，最早可于2026年3月17日实施检查；请修改检查日期（修改后需重新审批）。"
    )
    assert response.context["form"].non_field_errors() == [message]
    assert message in response.content.decode()
    approved_case.refresh_from_db()
    assert approved_case.status == CaseStatus.APPROVED
    assert Document.objects.count() == 0


def test_the_notice_is_issued_after_confirmation(client_for, inspector, approved_case):
    with at(dt.date(2026, 3, 9)):
        response = client_for(inspector).post(
            url("case_notice", approved_case.pk), {"confirm": "on"}
        )

    approved_case.refresh_from_db()
    assert response.status_code == 302
    assert approved_case.status == CaseStatus.NOTIFIED
    assert approved_case.notice.kind.code == "inspection_preview_notice"
    detail = client_for(inspector).get(url("case_detail", approved_case.pk))
    links = detail.context["documents"]
    assert [(link.step, link.document_id) for link in links] == [
        ("notice", approved_case.notice_id)
    ]
    assert (
        reverse("documents:document_detail", args=[approved_case.notice_id])
        in detail.content.decode()
    )


def test_editing_an_approved_case_warns_and_sends_it_back_for_approval(
    client_for, inspector, approved_case, items, officer_one, officer_two
):
    page = url("case_edit", approved_case.pk)
    with at(dt.date(2026, 3, 10)):
        form = client_for(inspector).get(page)
        response = client_for(inspector).post(
            page,
            {
                "items": [i.pk for i in items],
                "officers": [officer_one.pk, officer_two.pk],
                "inspection_date": "2026-03-17",
                "inspection_time": "09:00",
                "title": approved_case.title,
                "reason": "",
            },
        )

    assert "修改检查事项、执法人员或检查时间后，案件将退回重新审批" in form.content.decode()
    assert response.status_code == 302
    approved_case.refresh_from_db()
    assert (approved_case.status, approved_case.inspection_date) == (
        CaseStatus.SUBMITTED,
        dt.date(2026, 3, 17),
    )


def test_an_unchanged_edit_shows_the_service_message(
    client_for, inspector, new_case, items, officer_one, officer_two
):
    with at(dt.date(2026, 3, 2)):
        case = new_case()
        response = client_for(inspector).post(
            url("case_edit", case.pk),
            {
                "items": [i.pk for i in items],
                "officers": [officer_one.pk, officer_two.pk],
                "inspection_date": "2026-03-16",
                "inspection_time": "09:00",
                "title": case.title,
                "reason": "",
            },
        )

    assert response.context["form"].non_field_errors() == ["未作任何修改，无需保存。"]


def test_the_approval_form_is_generated_from_the_case_page(client_for, inspector, approved_case):
    with at(dt.date(2026, 3, 3)):
        response = client_for(inspector).post(url("case_approval_form", approved_case.pk))

    assert response.status_code == 302
    assert list(approved_case.case_documents.values_list("step", "document__kind__code")) == [
        ("approval", "inspection_approval")
    ]


def test_cancelling_needs_a_reason_and_the_confirmation(
    client_for, inspector, supervisor, approved_case
):
    page = url("case_cancel", approved_case.pk)
    with at(dt.date(2026, 3, 3)):
        forbidden = client_for(supervisor).post(page, {"reason": "x", "confirm": "on"})
        unconfirmed = client_for(inspector).post(page, {"reason": "企业已注销。"})
        done = client_for(inspector).post(page, {"reason": "企业已注销。", "confirm": "on"})

    assert forbidden.status_code == 403
    assert unconfirmed.context["form"].errors["confirm"] == ["请勾选确认后再撤销。"]
    assert done.status_code == 302
    approved_case.refresh_from_db()
    assert (approved_case.status, approved_case.cancel_reason) == (
        CaseStatus.CANCELLED,
        "企业已注销。",
    )


# --- Batch approval ---------------------------------------------------------------------------


def test_the_batch_page_approves_the_ticked_cases(
    client_for, inspector, approver, new_case, zhoushan
):
    with at(dt.date(2026, 3, 2)):
        first = new_case()
        second = new_case(enterprise=testing.enterprise("舟山浴室有限公司", region=zhoushan))
        for case in (first, second):
            services.submit_case(case, actor=inspector)
        page = client_for(approver).get(url("batch_approve"))
        forbidden = client_for(inspector).get(url("batch_approve"))
        response = client_for(approver).post(
            url("batch_approve"),
            {"cases": [first.pk, second.pk], "title": "3月公共场所专项", "confirm": "on"},
        )

    assert [c.pk for c, _ in page.context["rows"]] == [first.pk, second.pk]
    assert forbidden.status_code == 403
    assert response.status_code == 302
    assert set(InspectionCase.objects.values_list("status", "approval_batch__title")) == {
        (CaseStatus.APPROVED, "3月公共场所专项")
    }


def test_the_batch_page_refuses_an_empty_selection(client_for, approver, submitted_case):
    with at(dt.date(2026, 3, 3)):
        response = client_for(approver).post(
            url("batch_approve"), {"title": "空批次", "confirm": "on"}
        )

    assert response.context["form"].errors["cases"] == ["请至少选择一件待审批的案件。"]
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.SUBMITTED


# --- Enterprise portal ------------------------------------------------------------------------


def test_the_enterprise_sees_the_notice_confirms_it_and_books_a_slot(
    client_for, enterprise, inspector, notified_case, officer_one, health_agency
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
        client = client_for(enterprise)
        listing = client.get(url("my_cases"))
        page = client.get(url("my_case", notified_case.pk))
        confirmed = client.post(url("my_confirm", notified_case.pk))
        booked = client.post(url("my_book", notified_case.pk), {"slot": slot.pk, "topic": "健康证"})
        again = client.post(url("my_book", notified_case.pk), {"slot": slot.pk})

    assert [c.pk for c in listing.context["page"]] == [notified_case.pk]
    body = page.content.decode()
    assert reverse("documents:document_download", args=[notified_case.notice_id, "pdf"]) in body
    assert page.context["pending"] is not None
    with at(dt.date(2026, 3, 3)):
        pdf = client.get(
            reverse("documents:document_download", args=[notified_case.notice_id, "pdf"])
        )
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    self_check = reverse("compliance:self_check_start") + "?items=WJ-01%E3%80%81WJ-02"
    assert f'href="{self_check}"' in body
    assert confirmed.status_code == 302
    notified_case.notice.refresh_from_db()
    assert notified_case.notice.status == DocumentStatus.DELIVERED
    assert booked.status_code == 302
    booking = GuidanceBooking.objects.get()
    assert (booking.slot_id, booking.topic, booking.status) == (slot.pk, "健康证", "booked")
    assert again.status_code == 400
    assert again.context["booking_form"].errors["slot"] == ["该时段已不可预约，请选择其他时段。"]


def test_the_enterprise_cancels_its_booking(
    client_for, enterprise, inspector, notified_case, officer_one, health_agency
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
        booking = services.book_guidance(notified_case, actor=enterprise, slot=slot)
        response = client_for(enterprise).post(url("my_cancel_booking", booking.pk))

    booking.refresh_from_db()
    assert response.status_code == 302
    assert booking.status == "cancelled"


def test_another_enterprise_and_an_inspector_cannot_use_the_portal(
    client_for, inspector, zhoushan, notified_case
):
    other = testing.enterprise("舟山浴室有限公司", region=zhoushan)
    stranger = testing.user("bath", role=Role.ENTERPRISE, enterprise=other)
    with at(dt.date(2026, 3, 3)):
        hidden = client_for(stranger).get(url("my_case", notified_case.pk))
        confirm = client_for(stranger).post(url("my_confirm", notified_case.pk))
        wrong_role = client_for(inspector).get(url("my_cases"))

    assert hidden.status_code == 404
    assert confirm.status_code == 404
    assert wrong_role.status_code == 403
    notified_case.notice.refresh_from_db()
    assert notified_case.notice.status == DocumentStatus.ISSUED


def test_the_enterprise_rates_and_objects_after_the_decision(
    client_for, enterprise, supervisor, rectifying_case
):
    client = client_for(enterprise)
    with at(dt.date(2026, 3, 17)):
        bad = client.post(url("my_rate", rectifying_case.pk), {"rating": "9"})
        rated = client.post(url("my_rate", rectifying_case.pk), {"rating": "4", "comment": "规范"})
        objected = client.post(
            url("my_object", rectifying_case.pk), {"category": "basis", "text": "整改期限太短。"}
        )
        inbox = client_for(supervisor).get(url("inbox"))

    assert bad.status_code == 400
    assert bad.context["rating_form"].errors["rating"] == [
        "选择一个有效的选项。 9 不在可用的选项中。"
    ]
    assert rated.status_code == 302
    rectifying_case.refresh_from_db()
    assert (rectifying_case.rating, rectifying_case.rating_comment) == (4, "规范")
    assert objected.status_code == 302
    objection = Objection.objects.get()
    assert objection.text == "整改期限太短。"
    assert filled(inbox)["objections"] == [rectifying_case.pk]


def test_the_supervisor_answers_an_objection(
    client_for, supervisor, inspector, enterprise, rectifying_case
):
    with at(dt.date(2026, 3, 17)):
        objection = services.object_to_case(rectifying_case, actor=enterprise, text="期限太短。")
        forbidden = client_for(inspector).post(
            url("objection_answer", objection.pk), {"answer": "x"}
        )
        response = client_for(supervisor).post(
            url("objection_answer", objection.pk), {"answer": "已转告执法机关。"}
        )

    assert forbidden.status_code == 403
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.status, objection.answer) == ("answered", "已转告执法机关。")


# --- 扫码入企 and check-in ------------------------------------------------------------------------


def test_anyone_verifies_an_approved_inspection_without_logging_in(
    client, approved_case, officer_one, officer_two
):
    with at(dt.date(2026, 3, 3)):
        response = client.get(url("verify", approved_case.verify_code.lower()))

    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["approved"] is True
    assert "真实有效 · 已经批准" in body
    assert [(r["officer"].cert_no, r["problem"]) for r in response.context["officers"]] == [
        (officer_one.cert_no, None),
        (officer_two.cert_no, None),
    ]
    assert body.count("今日有效") == 2
    assert "公共场所卫生许可证持证情况" in body
    assert "严禁逐利检查" in body
    # The check-in code is the enterprise's: the public page leaves it out for anyone else.
    assert "qr_svg" not in response.context
    assert approved_case.checkin_code not in body
    assert 'data-testid="checkin-note"' in body
    assert 'name="viewport"' in body


def test_the_enterprise_signed_in_sees_its_check_in_code_on_the_verify_page(
    client_for, approved_case, enterprise, inspector
):
    with at(dt.date(2026, 3, 3)):
        own = client_for(enterprise).get(url("verify", approved_case.verify_code))
        agency = client_for(inspector).get(url("verify", approved_case.verify_code))

    assert own.context["checkin_url"] == (
        "http://testserver" + url("checkin", approved_case.checkin_code)
    )
    assert "<svg" in own.content.decode()
    assert "qr_svg" not in agency.context
    assert approved_case.checkin_code not in agency.content.decode()


def test_a_draft_is_shown_as_not_approved_and_an_unknown_code_is_404(client, new_case):
    with at(dt.date(2026, 3, 2)):
        case = new_case()
        draft = client.get(url("verify", case.verify_code))
    unknown = client.get(url("verify", "NOSUCHCODE"))

    assert "该检查尚未批准，企业有权拒绝" in draft.content.decode()
    assert "qr_svg" not in draft.context
    assert unknown.status_code == 404


def test_the_officer_pair_checks_in_on_the_phone_page(
    client, client_for, inspector, second_inspector, outsider, notified_case
):
    page = url("checkin", notified_case.checkin_code)
    with at(INSPECTION_DAY, 9):
        anonymous = client.get(page)
        stranger = client_for(outsider).post(page)
        first = client_for(inspector).post(page)
        notified_case.refresh_from_db()
        status_after_one = notified_case.status
        client_for(second_inspector).post(page)
        shown = client_for(second_inspector).get(page)

    assert anonymous.status_code == 302
    # An officer of another region scanning the code does not learn the inspection exists.
    assert stranger.status_code == 404
    assert first.status_code == 302
    assert status_after_one == CaseStatus.NOTIFIED
    notified_case.refresh_from_db()
    assert notified_case.status == CaseStatus.ON_SITE
    assert shown.context["may_record"] is True
    assert 'data-testid="checked-in"' in shown.content.decode()


def test_an_early_check_in_shows_the_refusal(client_for, inspector, notified_case):
    with at(dt.date(2026, 3, 13)):
        response = client_for(inspector).post(url("checkin", notified_case.checkin_code))

    assert response.status_code == 200
    assert response.context["errors"] == [
        "预告的检查日期为2026年3月16日，今天不能提前进入现场；确需提前检查的，请修改检查日期并重新报批。"
    ]
    assert notified_case.assignments.filter(checked_in_at__isnull=False).count() == 0


# --- On site, decision, recheck, publication --------------------------------------------------


def test_findings_are_recorded_item_by_item_with_evidence(
    client_for, inspector, supervisor, on_site_case, items
):
    page = url("case_site", on_site_case.pk)
    prefix = f"item{items[1].pk}"
    with at(INSPECTION_DAY, 10):
        forbidden = client_for(supervisor).post(page, {"item": items[1].pk})
        missing = client_for(inspector).post(
            page, {"item": items[1].pk, f"{prefix}-result": "problem"}
        )
        photos = [
            SimpleUploadedFile("a.jpg", b"\xff\xd8 first", "image/jpeg"),
            SimpleUploadedFile("b.jpg", b"\xff\xd8 second", "image/jpeg"),
        ]
        done = client_for(inspector).post(
            page,
            {
                "item": items[1].pk,
                f"{prefix}-result": "problem",
                f"{prefix}-description": "健康合格证明过期。",
                f"{prefix}-evidence": photos,
            },
        )
        shown = client_for(inspector).get(page)

    assert forbidden.status_code == 403
    row = next(r for r in missing.context["rows"] if r["item"] == items[1])
    assert row["form"].errors["description"] == ["发现问题时请写明具体情况。"]
    assert done.status_code == 302
    finding = on_site_case.findings.get()
    assert (finding.item_id, finding.result, finding.description) == (
        items[1].pk,
        "problem",
        "健康合格证明过期。",
    )
    assert finding.evidence.count() == 2
    assert shown.context["done"] == 1
    evidence = FindingEvidence.objects.order_by("pk").first()
    download = client_for(inspector).get(url("evidence_download", evidence.pk))
    assert b"".join(download.streaming_content) == b"\xff\xd8 first"


def test_finishing_the_site_record_needs_every_item(client_for, inspector, on_site_case, items):
    page = url("case_finish", on_site_case.pk)
    data = {"present_person": "陈经理", "party_opinion": "无异议。", "confirm": "on"}
    with at(INSPECTION_DAY, 10):
        services.record_finding(on_site_case, actor=inspector, item=items[0], result="compliant")
        refused = client_for(inspector).post(page, data)
        services.record_finding(on_site_case, actor=inspector, item=items[1], result="compliant")
        done = client_for(inspector).post(page, data)

    assert refused.context["form"].non_field_errors() == [
        "以下检查事项尚未记录检查情况：从业人员健康检查情况。"
    ]
    assert done.status_code == 302
    on_site_case.refresh_from_db()
    assert on_site_case.status == CaseStatus.INSPECTED


def test_the_decision_form_shows_the_proposal_needs_a_reason_to_depart_and_orders_rectification(
    client_for, inspector, inspected_case
):
    page = url("case_decide", inspected_case.pk)
    facts = {"f2_harm_level": "minor", "f2_corrected_on_site": "on"}
    data = {
        "outcome": "rectify",
        "rectify_working_days": "10",
        "requirements": "为从业人员办理健康合格证明\n建立健康管理档案",
        "f2_chosen": "ordinary",
        "f2_violated_provision": "《公共场所卫生管理条例》第七条",
        "f2_penalty_provision": "《公共场所卫生管理条例》第十四条",
        "confirm": "on",
    }
    with at(INSPECTION_DAY, 11):
        form = client_for(inspector).get(page)
        preview = client_for(inspector).post(page, {**data, **facts, "preview": "1", "confirm": ""})
        refused = client_for(inspector).post(page, {**data, **facts})
        unchanged = case_facts(inspected_case)
        done = client_for(inspector).post(page, {**data, **facts, "f2_chosen": "none"})

    assert "第2项：从业人员健康检查情况" in form.content.decode()
    assert form.context["rows"][0]["evaluation"].proposed.label == "一般处罚"
    assert preview.status_code == 200
    assert preview.context["rows"][0]["evaluation"].proposed.label == "不予处罚"
    assert preview.context["rows"][0]["allowed"] == "不予处罚"
    assert "裁量建议：不予处罚" in preview.content.decode()
    assert refused.context["form"].non_field_errors() == [
        "第2项的处理决定（一般处罚）与裁量建议（不予处罚，可选：不予处罚）不一致，请写明理由；"
        "理由将记录在案并向执法监督机关公开。"
    ]
    assert unchanged[0] == CaseStatus.INSPECTED
    assert done.status_code == 302
    inspected_case.refresh_from_db()
    assert (inspected_case.status, inspected_case.rectify_deadline) == (
        CaseStatus.RECTIFYING,
        dt.date(2026, 3, 30),
    )
    finding = inspected_case.findings.get(position=2)
    assert (finding.proposed, finding.chosen, finding.harm_level) == ("none", "none", "minor")
    order = inspected_case.case_documents.get(step="decision").document
    assert order.kind.code == "rectification_order"


def test_recheck_and_publication_close_the_case_and_the_public_sees_it(
    client, client_for, inspector, rectifying_case
):
    with at(dt.date(2026, 3, 27)):
        recheck = client_for(inspector).post(
            url("case_recheck", rectifying_case.pk),
            {"passed": "1", "note": "已取得健康合格证明。", "confirm": "on"},
        )
        publish_page = client_for(inspector).get(url("case_publish", rectifying_case.pk))
        published = client_for(inspector).post(
            url("case_publish", rectifying_case.pk),
            {"summary": publish_page.context["form"].initial["summary"], "confirm": "on"},
        )
    results = client.get(url("public_results"), {"q": "海鲜"})
    nothing = client.get(url("public_results"), {"q": "浴室"})

    assert recheck.status_code == 302
    assert published.status_code == 302
    rectifying_case.refresh_from_db()
    assert rectifying_case.status == CaseStatus.CLOSED
    assert rectifying_case.result_summary == (
        "舟山市卫生健康委员会于2026年3月16日对舟山海鲜酒楼有限公司实施计划检查（双随机），"
        "发现问题1项，处理结果：责令改正。"
    )
    assert [c.pk for c in results.context["page"]] == [rectifying_case.pk]
    assert rectifying_case.result_summary in results.content.decode()
    assert nothing.context["total"] == 0


def test_an_emergency_case_goes_on_site_with_an_oral_notice_and_is_made_up(
    client_for, inspector, approver, new_case, officer_one
):
    with at(dt.date(2026, 3, 2), 14):
        case = new_case(
            kind=InspectionKind.SAFETY,
            is_emergency=True,
            inspection_date=dt.date(2026, 3, 2),
            exemption_reason="燃气泄漏，危及顾客安全。",
        )
        oral = client_for(inspector).post(
            url("case_oral_notice", case.pk),
            {
                "told_at": "2026-03-02T14:00",
                "place": "后厨",
                "told_by": officer_one.pk,
                "told_to": "陈经理（店长）",
                "content": "依法立即实施现场检查。",
                "head": approver.pk,
            },
        )
    with at(dt.date(2026, 3, 4)):
        inbox = client_for(approver).get(url("inbox"))
        makeup = client_for(approver).post(url("case_makeup", case.pk), {"confirm": "on"})

    assert oral.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ON_SITE
    # The head is no officer of the case: what he has to do is the 补办, not the visit.
    assert filled(inbox) == {"makeup": [case.pk]}
    assert makeup.status_code == 302
    assert case.oral_notice.makeup_due == dt.date(2026, 3, 5)
    case.oral_notice.refresh_from_db()
    assert case.oral_notice.makeup_done_at is not None


# --- Guidance slots ---------------------------------------------------------------------------


def test_the_agency_publishes_a_slot_and_records_the_guidance(
    client_for, inspector, enterprise, supervisor, notified_case, officer_one
):
    with at(dt.date(2026, 3, 3)):
        past = client_for(inspector).post(
            url("slot_list"),
            {
                "starts_at": "2026-03-01T14:00",
                "ends_at": "2026-03-01T15:00",
                "place": "线上",
                "officer": officer_one.pk,
            },
        )
        published = client_for(inspector).post(
            url("slot_list"),
            {
                "starts_at": "2026-03-11T14:00",
                "ends_at": "2026-03-11T15:00",
                "place": "线上视频指导",
                "officer": officer_one.pk,
            },
        )
        forbidden = client_for(supervisor).post(url("slot_list"), {})
        slot = GuidanceSlot.objects.get()
        booking = services.book_guidance(notified_case, actor=enterprise, slot=slot)
        listing = client_for(inspector).get(url("slot_list"))
        done = client_for(inspector).post(
            url("booking_done", booking.pk), {"note": "讲解了健康证办理流程。"}
        )

    assert past.context["form"].errors["starts_at"] == ["只能发布将来的指导时段。"]
    assert published.status_code == 302
    assert forbidden.status_code == 403
    assert "舟山海鲜酒楼有限公司（已预约）" in listing.content.decode()
    assert done.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.guidance_note) == ("done", "讲解了健康证办理流程。")


# --- Social supervisor, revision, certificates ------------------------------------------------


def test_the_supervising_bureau_assigns_a_social_supervisor_who_then_sees_the_case(
    client_for, inspector, supervisor, social_supervisor, zhoushan, approved_case
):
    other = testing.user("social2", role=Role.SOCIAL_SUPERVISOR, region=zhoushan)
    page = url("accompany_case", approved_case.pk)
    with at(dt.date(2026, 3, 3)):
        before = client_for(social_supervisor).get(page)
        # Issue 15: the supervising bureau assigns, not the agency.
        refused = client_for(inspector).post(
            url("case_social_supervisor", approved_case.pk), {"supervisor": social_supervisor.pk}
        )
        response = client_for(supervisor).post(
            url("case_social_supervisor", approved_case.pk), {"supervisor": social_supervisor.pk}
        )
        inbox = client_for(social_supervisor).get(url("inbox"))
        after = client_for(social_supervisor).get(page)
        stranger = client_for(other).get(page)

    assert before.status_code == 404
    assert refused.status_code == 403
    assert response.status_code == 302
    approved_case.refresh_from_db()
    assert approved_case.social_supervisor == social_supervisor
    assert filled(inbox) == {"accompany": [approved_case.pk]}
    assert after.status_code == 200
    assert after.context["case"] == approved_case
    assert stranger.status_code == 404


def test_a_rejected_case_goes_back_to_draft_for_revision(
    client_for, inspector, approver, submitted_case
):
    with at(dt.date(2026, 3, 3)):
        services.reject_case(submitted_case, actor=approver, reason="事项不全。")
        page = client_for(inspector).get(url("case_detail", submitted_case.pk))
        response = client_for(inspector).post(url("case_revise", submitted_case.pk))

    assert page.context["can"]["revise"] is True
    assert "未获批准：事项不全。" in page.content.decode()
    assert response.status_code == 302
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.DRAFT


def test_the_verify_page_shows_a_certificate_that_lapsed_since_approval(
    client, approved_case, officer_two
):
    officer_two.cert_valid_until = dt.date(2026, 3, 10)
    officer_two.save()
    with at(dt.date(2026, 3, 16)):
        response = client.get(url("verify", approved_case.verify_code))

    problems = [r["problem"] for r in response.context["officers"]]
    assert problems == [None, "执法证过期"]
    assert response.content.decode().count("今日有效") == 1


def test_only_an_officer_of_the_case_may_open_the_check_in_page(
    client_for, enterprise, approver, notified_case
):
    page = url("checkin", notified_case.checkin_code)
    with at(INSPECTION_DAY, 9):
        firm = client_for(enterprise).post(page)
        head = client_for(approver).get(page)
        unknown = client_for(approver).get(url("checkin", "NOSUCHCODE"))

    assert firm.status_code == 403
    assert head.status_code == 403
    assert unknown.status_code == 404
    assert notified_case.assignments.filter(checked_in_at__isnull=False).count() == 0


def test_an_outsider_cannot_reach_any_step_of_a_case(client_for, outsider, inspected_case):
    before = case_facts(inspected_case)
    client = client_for(outsider)
    for name in ("case_edit", "case_decide", "case_finish", "case_publish", "case_site"):
        assert client.get(url(name, inspected_case.pk)).status_code == 404
    response = client.post(
        url("case_decide", inspected_case.pk), {"outcome": "no_problem", "confirm": "on"}
    )

    assert response.status_code == 404
    assert case_facts(inspected_case) == before


def test_a_notice_in_a_year_without_holidays_is_refused_with_the_calendar_message(
    client_for, inspector, approver, new_case
):
    with at(dt.date(2026, 3, 2)):
        case = new_case(inspection_date=dt.date(2030, 3, 18))
        services.submit_case(case, actor=inspector)
        services.approve_case(case, actor=approver)
        page = client_for(inspector).get(url("case_detail", case.pk))
        response = client_for(inspector).post(url("case_notice", case.pk), {"confirm": "on"})

    assert page.context["notice_problem"].startswith("2030 年的节假日安排尚未载入")
    assert response.status_code == 200
    assert (
        response.context["form"]
        .non_field_errors()[0]
        .startswith("2030年的节假日安排尚未载入，无法计算预告期限")
    )
    case.refresh_from_db()
    assert (case.status, case.notice_id) == (CaseStatus.APPROVED, None)


def test_the_administrator_and_the_legal_reviewer_read_the_pages(
    client_for, admin_user, legal_reviewer, approved_case
):
    for user in (admin_user, legal_reviewer):
        client = client_for(user)
        for page in (url("inbox"), url("case_list"), url("case_detail", approved_case.pk)):
            assert client.get(page).status_code == 200
    legal = client_for(legal_reviewer)
    assert legal.get(url("slot_list")).context["can_publish"] is False
    assert legal.get(url("case_detail", approved_case.pk)).context["may_write"] is False
    assert legal.post(url("case_submit", approved_case.pk)).status_code == 403


def test_the_case_list_reports_the_inspections_made_without_notice(
    client_for, inspector, supervisor, outsider, new_case
):
    with at(dt.date(2026, 3, 2)):
        new_case(kind=InspectionKind.COMPLAINT, exemption_reason="12345热线转办。")
        new_case(kind=InspectionKind.COVERT, exemption_reason="群众反映夜间违规经营。")
        new_case(kind=InspectionKind.COMPLAINT, exemption_reason="来信举报。")
        new_case()
        shown = client_for(supervisor).get(url("case_list"), {"year": "2026"})
        hidden = client_for(outsider).get(url("case_list"), {"year": "2026"})

    assert shown.context["exemptions"] == [
        {"kind": "举报投诉核查", "count": 2},
        {"kind": "暗访暗查", "count": 1},
    ]
    assert "2026年免于预告的检查：举报投诉核查 2 件；暗访暗查 1 件" in shown.content.decode()
    assert hidden.context["exemptions"] == []


def test_the_case_page_names_the_joint_visit_and_its_other_cases(
    client_for, inspector, health_agency, zhoushan_enterprise, new_case
):
    with at(dt.date(2026, 3, 2)):
        first, second = new_case(), new_case()
    joint = JointVisit.objects.create(
        enterprise=zhoushan_enterprise,
        region=zhoushan_enterprise.region,
        day=INSPECTION_DAY,
        lead=health_agency,
        planned_by=inspector,
    )
    InspectionCase.objects.filter(pk__in=[first.pk, second.pk]).update(joint_visit=joint)

    response = client_for(inspector).get(url("case_detail", first.pk))

    assert [c.pk for c in response.context["joint_cases"]] == [second.pk]
    assert (
        f"综合查一次：2026-03-16，牵头机关 舟山市卫生健康委员会；舟山市卫生健康委员会 "
        f"{second.reference}" in response.content.decode()
    )


# --- From a draw ------------------------------------------------------------------------------


@pytest.fixture
def drawn(health_agency, approver, inspector, zhoushan):
    """A published plan task of 4 grade-D enterprises sampled at 50%, drawn: 2 await cases."""
    from decimal import Decimal

    from django.utils import timezone

    from zhifa.draws import services as draws
    from zhifa.draws.models import DrawMode
    from zhifa.plans.models import (
        AnnualPlan,
        InspectionItem,
        PlanStatus,
        PlanStratum,
        PlanTask,
        TaskKind,
    )

    today = dt.date(2026, 11, 2)
    field = testing.field()
    for n in range(1, 5):
        testing.enterprise(f"舟山抽查企业{n}号有限公司", region=zhoushan, credit_grade="D")
    for n, name in enumerate(["赵一", "钱二", "孙三", "李四"], start=1):
        testing.officer(
            name, organisation=health_agency, cert_no=f"33090099{n:04d}", fields=[field]
        )
    item = InspectionItem.objects.create(
        organisation=health_agency,
        field=field,
        code="WJ-001",
        name="公共场所卫生监督检查",
        legal_basis_law="《公共场所卫生管理条例》",
        legal_basis_article="第十条",
    )
    plan = AnnualPlan.objects.create(
        organisation=health_agency,
        year=today.year,
        title="年度行政执法检查计划",
        status=PlanStatus.PUBLISHED,
        created_by=approver,
        published_by=approver,
        published_at=timezone.now(),
    )
    plan.items.add(item)
    PlanStratum.objects.create(
        plan=plan, code="D", name="D 类企业", credit_grade="D", sampling_ratio=Decimal("50")
    )
    task = PlanTask.objects.create(
        plan=plan,
        quarter=4,
        name="双随机抽查",
        kind=TaskKind.RANDOM,
        field=field,
        region=zhoushan,
        all_industries=True,
    )
    task.items.add(item)
    reveal = today + dt.timedelta(days=1)
    with at(today):
        draw = draws.create_draw(
            task=task,
            title="公共场所卫生双随机抽查",
            mode=DrawMode.PUBLIC,
            reveal_date=reveal,
            sources=[{"name": "上证综合指数收盘点位", "where": "上交所", "expected_on": reveal}],
            actor=inspector,
            inspection_start=today,
            inspection_end=dt.date(today.year, 12, 31),
        )
        draws.announce_draw(draw, actor=approver)
    with at(reveal):
        return draws.perform_draw(draw, values=["3021.57"], actor=inspector)


def test_the_drawn_enterprises_become_draft_cases(client_for, inspector, supervisor, drawn):
    page = url("draw_convert")
    with at(dt.date(2026, 11, 3)):
        forbidden = client_for(supervisor).post(page, {"draw": drawn.pk, "confirm": "on"})
        unconfirmed = client_for(inspector).post(page, {"draw": drawn.pk})
        assert InspectionCase.objects.count() == 0
        response = client_for(inspector).post(page, {"draw": drawn.pk, "confirm": "on"})
        again = client_for(inspector).post(page, {"draw": drawn.pk, "confirm": "on"})

    assert forbidden.status_code == 403
    assert unconfirmed.context["form"].errors["confirm"] == ["请勾选确认后再生成检查案件。"]
    report = response.context["report"]
    cases = InspectionCase.objects.order_by("pk")
    assert [c.pk for c in report.created] == [c.pk for c in cases]
    assert report.skipped == []
    assert len(report.created) == 2
    assert {(c.kind, c.status, c.draw_result.draw_id) for c in cases} == {
        ("planned", CaseStatus.DRAFT, drawn.pk)
    }
    assert again.context["form"].errors["draw"] == ["所选抽取任务不存在、尚未抽取或不属于本机关。"]


def test_an_inspector_issues_the_notices_of_approved_cases_in_one_batch(
    client_for, inspector, approved_case, settings
):
    from zhifa.documents import services as documents

    settings.ZHIFA_DOCUMENT_BATCH_THREAD = False
    with at(dt.date(2026, 3, 3)):
        page = client_for(inspector).get(url("batch_notice"))
        response = client_for(inspector).post(
            url("batch_notice"), {"cases": [approved_case.pk], "confirm": "on"}
        )
        batch_id = int(response.url.rstrip("/").split("/")[-1])
        documents.run_batch(batch_id)

    assert [case.pk for case, _ in page.context["rows"]] == [approved_case.pk]
    assert response.status_code == 302
    assert response.url == reverse("documents:batch_detail", args=[batch_id])
    approved_case.refresh_from_db()
    assert approved_case.status == CaseStatus.NOTIFIED


def test_a_late_case_in_a_notice_batch_is_listed_apart_and_not_issued(
    client_for, inspector, approved_case
):
    with at(dt.date(2026, 3, 10)):
        page = client_for(inspector).get(url("batch_notice"))
        response = client_for(inspector).post(
            url("batch_notice"), {"cases": [approved_case.pk], "confirm": "on"}
        )

    assert page.context["rows"] == []
    [(late, reason)] = page.context["late"]
    assert late == approved_case
    assert reason.startswith("预告通知书最迟应于2026年3月9日发出")
    assert reason in page.content.decode()
    assert response.status_code == 200
    assert errors(response) == [f"选择一个有效的选项。 {approved_case.pk} 不在可用的选项中。"]
    assert Document.objects.count() == 0


def test_an_enterprise_user_cannot_open_the_notice_batch(client_for, enterprise):
    assert client_for(enterprise).get(url("batch_notice")).status_code == 403


def _preview_old_problem(client, case, **extra):
    """ "查看裁量建议" for a problem that ended on 2023-12-31."""
    with at(INSPECTION_DAY, 11):
        return client.post(
            url("case_decide", case.pk),
            {
                "outcome": "no_penalty",
                "f2_harm_level": "general",
                "f2_violation_ended_on": "2023-12-31",
                "preview": "1",
                **extra,
            },
        )


def test_the_decision_preview_applies_the_limitation_period_of_article_36(
    client_for, inspector, inspected_case
):
    preview = _preview_old_problem(client_for(inspector), inspected_case)

    evaluation = preview.context["rows"][0]["evaluation"]
    assert evaluation.proposed.label == "不予处罚"
    assert {s.rule: s.applies for s in evaluation.statutory}["art36"] is True
    assert "违法行为发生（或终了）日期" in preview.content.decode()


def test_the_decision_preview_asks_for_the_law_behind_a_special_limitation_period(
    client_for, inspector, inspected_case
):
    preview = _preview_old_problem(
        client_for(inspector), inspected_case, f2_special_limitation_months="60"
    )

    assert preview.status_code == 200
    assert preview.context["form"].errors["f2_special_limitation_basis"] == [
        "填写了另有规定的追责期限，请写明规定该期限的法律及条款，"
        "如《中华人民共和国税收征收管理法》第八十六条。"
    ]
    inspected_case.refresh_from_db()
    assert inspected_case.status == CaseStatus.INSPECTED
