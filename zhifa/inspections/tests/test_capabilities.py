"""The inspections' part of the capability table: users holding several roles, 执法证, refusals.

Personas: 王检查 (执法人员, linked to his 执法证), 李主任 (执法机关负责人), 张审核 (法制审核人员
of the same agency), 孙外地 (执法人员 of an agency in 晋中), the administrator.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.core import access
from zhifa.inspections import rules, services
from zhifa.inspections.models import CaseFinding, CaseStatus, FindingResult, InspectionCase
from zhifa.org import services as org_services
from zhifa.org.models import Role

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INSPECTION_DAY = dt.date(2026, 3, 16)


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))


@pytest.fixture
def draft(inspector, health_agency, zhoushan_enterprise, items, officer_one, officer_two):
    with at(dt.date(2026, 3, 2)):
        return services.create_case(
            organisation=health_agency,
            enterprise=zhoushan_enterprise,
            kind="planned",
            items=items,
            officers=[officer_one, officer_two],
            inspection_date=INSPECTION_DAY,
            actor=inspector,
        )


@pytest.fixture
def on_site(draft, inspector, second_inspector, approver):
    with at(dt.date(2026, 3, 2)):
        services.submit_case(draft, actor=inspector)
        services.approve_case(draft, actor=approver)
        services.issue_notice(draft, actor=inspector)
    with at(INSPECTION_DAY):
        services.check_in(draft, actor=inspector, code=draft.checkin_code)
        services.check_in(draft, actor=second_inspector, code=draft.checkin_code)
    draft.refresh_from_db()
    assert draft.status == CaseStatus.ON_SITE
    return draft


def _counts() -> tuple[int, int, int]:
    return (
        InspectionCase.objects.count(),
        CaseFinding.objects.count(),
        AuditRecord.objects.count(),
    )


def test_a_legal_reviewer_granted_inspector_at_his_agency_may_write_its_cases_and_nothing_more(
    legal_reviewer, health_agency, draft, admin_user, jinzhong_market_agency
):
    assert not access.can(legal_reviewer, "case.edit", draft)
    assert access.refusal(legal_reviewer, "case.create", health_agency) == rules.WRITE_DENIED

    org_services.grant_role(
        legal_reviewer, role=Role.INSPECTOR, organisation=health_agency, actor=admin_user
    )
    legal_reviewer.forget_grants()

    assert access.can(legal_reviewer, "case.edit", draft)
    assert access.can(legal_reviewer, "case.create", health_agency)
    assert access.refusal(legal_reviewer, "case.create", jinzhong_market_agency) == (
        rules.OTHER_ORG
    )
    assert access.refusal(legal_reviewer, "case.reject", draft) == rules.APPROVE_DENIED
    with at(dt.date(2026, 3, 2)):
        services.submit_case(draft, actor=legal_reviewer)
    draft.refresh_from_db()
    assert draft.status == CaseStatus.SUBMITTED


def test_an_inspector_granted_agency_head_approves_the_case_he_neither_requested_nor_joins(
    second_approver, draft, inspector, admin_user, health_agency
):
    head = testing.user(
        "deputy", role=Role.INSPECTOR, organisation=health_agency, display_name="郑执法"
    )
    with at(dt.date(2026, 3, 2)):
        services.submit_case(draft, actor=inspector)
    assert access.refusal(head, "case.approve", draft) == rules.APPROVE_DENIED

    org_services.grant_role(head, role=Role.APPROVER, organisation=health_agency, actor=admin_user)
    head.forget_grants()

    assert access.can(head, "case.approve", draft)
    assert access.refusal(inspector, "case.approve", draft) == rules.APPROVE_DENIED
    with at(dt.date(2026, 3, 2)):
        services.approve_case(draft, actor=head, opinion="同意。")
    draft.refresh_from_db()
    assert (draft.status, draft.approved_by_id) == (CaseStatus.APPROVED, head.pk)


def test_a_refused_write_through_a_service_changes_nothing(
    legal_reviewer, draft, outsider, enterprise
):
    before = _counts()
    chain = AuditRecord.objects.for_object(draft).count()

    with pytest.raises(PermissionDenied, match=rules.WRITE_DENIED):
        services.submit_case(draft, actor=legal_reviewer)
    with pytest.raises(PermissionDenied, match=rules.WRITE_DENIED):
        services.cancel_case(draft, actor=enterprise, reason="企业不同意检查。")
    with pytest.raises(PermissionDenied, match=rules.OTHER_ORG):
        services.update_case(draft, actor=outsider, title="改动别的机关的案件")

    draft.refresh_from_db()
    assert (draft.status, draft.title) == (CaseStatus.DRAFT, draft.title)
    assert _counts() == before
    assert AuditRecord.objects.for_object(draft).count() == chain


def test_only_an_officer_with_a_valid_certificate_records_on_site(
    on_site, items, admin_user, approver, second_inspector, officer_two
):
    before = _counts()
    # The administrator and the agency head have no 执法证 linked to their accounts.
    for user in (admin_user, approver):
        with at(INSPECTION_DAY), pytest.raises(PermissionDenied, match="未关联执法证"):
            services.record_finding(
                on_site, actor=user, item=items[0], result=FindingResult.COMPLIANT
            )
    officer_two.cert_valid_until = dt.date(2026, 3, 15)
    officer_two.save()
    with at(INSPECTION_DAY):
        assert access.refusal(second_inspector, "case.record_onsite", on_site) == (
            "您的执法证已于 2026-03-15 过期，不能以执法人员身份办理此事项。"
        )
    assert _counts() == before


def test_an_officer_with_a_valid_certificate_records_on_site(on_site, items, inspector):
    with at(INSPECTION_DAY):
        finding = services.record_finding(
            on_site, actor=inspector, item=items[0], result=FindingResult.COMPLIANT
        )
    assert (finding.position, finding.recorded_by_id) == (1, inspector.pk)


def test_only_the_officers_of_the_case_check_in(draft, approver, officer_one):
    assert access.refusal(approver, "case.checkin", draft) == rules.CHECKIN_UNLINKED
    assert access.can(officer_one.user, "case.checkin", draft)
