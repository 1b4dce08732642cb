"""Separation of duties in approval: no one approves an inspection he takes part in, nor content
he wrote or submitted himself. A refused approval changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.inspections import selectors, services
from zhifa.inspections.models import CaseStatus, InspectionCase, InspectionKind

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 3, 2)
INSPECTION_DAY = dt.date(2026, 3, 16)

OFFICER_REFUSAL = (
    "您（李主任，执法证 {cert_no}）是案件 {reference} 的执法人员，参加检查的人员不能审批本次检查，"
    "请由本机关另一名执法机关负责人审批。"
)
SUBMITTED_REFUSAL = (
    "案件 {reference} 由您提请审批，修改或提请检查内容的人不能审批该检查，"
    "请由本机关另一名执法机关负责人审批。"
)
EDITED_REFUSAL = (
    "案件 {reference} 由您修改了检查内容，修改或提请检查内容的人不能审批该检查，"
    "请由本机关另一名执法机关负责人审批。"
)


@pytest.fixture(autouse=True)
def _today(settings):
    # Several cases of one enterprise in a year: the yearly cap is not what is tested here.
    settings.ZHIFA_YEARLY_INSPECTION_CAP = 10
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def approver_officer(approver, health_agency):
    """The agency head holds a 执法证 too and can be put on a case."""
    return testing.officer("李主任", organisation=health_agency, user=approver)


@pytest.fixture
def draft(inspector, health_agency, zhoushan_enterprise, items, officer_one, officer_two):
    def _make(officers=None):
        return services.create_case(
            organisation=health_agency,
            enterprise=zhoushan_enterprise,
            kind=InspectionKind.PLANNED,
            items=items,
            officers=officers or [officer_one, officer_two],
            inspection_date=INSPECTION_DAY,
            reason="年度计划抽查。",
            actor=inspector,
        )

    return _make


def state(case):
    case = InspectionCase.objects.get(pk=case.pk)
    return {
        "status": case.status,
        "approved_by": case.approved_by_id,
        "approved_at": case.approved_at,
        "opinion": case.approval_opinion,
        "snapshot": case.approved_snapshot,
        "audit": AuditRecord.objects.count(),
    }


def test_an_approver_who_is_one_of_the_officers_cannot_approve(
    draft, inspector, approver, second_approver, officer_one, approver_officer
):
    case = draft(officers=[officer_one, approver_officer])
    services.submit_case(case, actor=inspector)
    before = state(case)

    with pytest.raises(PermissionDenied) as refused:
        services.approve_case(case, actor=approver, opinion="同意。")

    assert str(refused.value) == OFFICER_REFUSAL.format(
        cert_no=approver_officer.cert_no, reference=case.reference
    )
    assert state(case) == before
    services.approve_case(case, actor=second_approver, opinion="同意。")
    assert InspectionCase.objects.get(pk=case.pk).approved_by == second_approver


def test_an_approver_who_rewrote_and_submitted_a_draft_cannot_approve_it(
    draft, approver, second_approver
):
    case = draft()
    services.update_case(case, actor=approver, title="公共场所卫生专项抽查")
    services.submit_case(case, actor=approver)
    before = state(case)

    with pytest.raises(PermissionDenied) as refused:
        services.approve_case(case, actor=approver)

    assert str(refused.value) == SUBMITTED_REFUSAL.format(reference=case.reference)
    assert state(case) == before
    services.approve_case(case, actor=second_approver)
    assert InspectionCase.objects.get(pk=case.pk).status == CaseStatus.APPROVED


def test_an_approver_who_changed_the_content_cannot_approve_though_another_submitted_it(
    draft, inspector, approver
):
    case = draft()
    services.update_case(case, actor=approver, title="公共场所卫生专项抽查")
    services.submit_case(case, actor=inspector)
    before = state(case)

    with pytest.raises(PermissionDenied) as refused:
        services.approve_case(case, actor=approver)

    assert str(refused.value) == EDITED_REFUSAL.format(reference=case.reference)
    assert state(case) == before


def test_an_edit_before_an_earlier_approval_does_not_bar_the_next_round(
    draft, inspector, approver, second_approver
):
    case = draft()
    services.update_case(case, actor=approver, title="公共场所卫生专项抽查")
    services.submit_case(case, actor=inspector)
    services.approve_case(case, actor=second_approver)
    # The inspector moves the date: the case goes back for approval, written by him alone.
    services.update_case(case, actor=inspector, inspection_date=dt.date(2026, 3, 17))
    assert case.status == CaseStatus.SUBMITTED

    services.approve_case(case, actor=approver)

    assert InspectionCase.objects.get(pk=case.pk).approved_by == approver


def test_a_batch_with_a_case_the_approver_takes_part_in_approves_none(
    draft, inspector, approver, officer_one, approver_officer
):
    fine = draft()
    own = draft(officers=[officer_one, approver_officer])
    for case in (fine, own):
        services.submit_case(case, actor=inspector)
    before = [state(fine), state(own)]

    with pytest.raises(PermissionDenied) as refused:
        services.approve_batch([fine, own], actor=approver, title="三月批量抽查")

    assert str(refused.value) == OFFICER_REFUSAL.format(
        cert_no=approver_officer.cert_no, reference=own.reference
    )
    assert [state(fine), state(own)] == before


def test_the_emergency_makeup_is_refused_to_an_approver_on_the_case(
    draft, inspector, approver, officer_one, approver_officer
):
    case = draft(officers=[officer_one, approver_officer])
    InspectionCase.objects.filter(pk=case.pk).update(is_emergency=True)
    case.refresh_from_db()
    services.record_oral_notice(
        case,
        actor=inspector,
        told_at=dt.datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI),
        place="企业后厨",
        told_by=officer_one,
        told_to="陈经理（店长）",
        content="发现燃气泄漏隐患，立即实施现场检查。",
        head=approver,
    )
    before = state(case)

    with pytest.raises(PermissionDenied) as refused:
        services.complete_makeup(case, actor=approver)

    assert str(refused.value) == OFFICER_REFUSAL.format(
        cert_no=approver_officer.cert_no, reference=case.reference
    )
    assert state(case) == before


def test_the_api_refuses_the_approval_with_403_and_changes_nothing(
    client_for, draft, inspector, approver, officer_one, approver_officer
):
    case = draft(officers=[officer_one, approver_officer])
    services.submit_case(case, actor=inspector)
    before = state(case)

    response = client_for(approver).post(
        f"/api/inspections/cases/{case.pk}/approve",
        data=json.dumps({"opinion": "同意。"}),
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": OFFICER_REFUSAL.format(cert_no=approver_officer.cert_no, reference=case.reference)
    }
    assert state(case) == before


def test_the_case_page_says_why_and_the_approval_page_refuses(
    client_for, draft, approver, officer_one, approver_officer, inspector
):
    case = draft(officers=[officer_one, approver_officer])
    services.submit_case(case, actor=inspector)
    before = state(case)
    client = client_for(approver)

    page = client.get(reverse("inspections:case_detail", args=[case.pk]))
    posted = client.post(
        reverse("inspections:case_approve", args=[case.pk]), {"opinion": "同意", "confirm": "on"}
    )

    refusal = OFFICER_REFUSAL.format(cert_no=approver_officer.cert_no, reference=case.reference)
    assert page.context["approval_refusal"] == refusal
    assert page.context["can"]["approve"] is False
    assert reverse("inspections:case_approve", args=[case.pk]) not in page.content.decode()
    assert posted.status_code == 403
    assert refusal in posted.content.decode()
    assert state(case) == before


def test_the_approvers_inbox_and_batch_list_leave_out_what_he_may_not_approve(
    client_for, draft, inspector, approver, officer_one, approver_officer
):
    fine = draft()
    own = draft(officers=[officer_one, approver_officer])
    rewritten = draft()
    services.update_case(rewritten, actor=approver, title="公共场所卫生专项抽查")
    for case in (fine, own, rewritten):
        services.submit_case(case, actor=inspector)

    sections = {s.key: [c.pk for c in s.cases] for s in selectors.inbox(approver)}
    batch = client_for(approver).get(reverse("inspections:batch_approve"))

    assert sections["approve"] == [fine.pk, rewritten.pk]
    assert [case.pk for case, _ in batch.context["rows"]] == [fine.pk]
