"""A user may hold several roles, each at an organisation (issue 14): what he sees is the union
of what each role shows him, and nothing assumes one role per user."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.core import access
from zhifa.org.models import Organisation, Role, RoleGrant
from zhifa.org.rules import credential_refusal
from zhifa.org.services import grant_role, revoke_role

pytestmark = pytest.mark.django_db


def test_a_legal_reviewer_granted_the_inspector_role_holds_both_at_his_agency(
    legal_reviewer, health_agency, admin_user
):
    grant_role(legal_reviewer, role=Role.INSPECTOR, organisation=health_agency, actor=admin_user)

    assert legal_reviewer.roles == {Role.LEGAL_REVIEWER, Role.INSPECTOR}
    assert legal_reviewer.has_role(Role.INSPECTOR)
    assert legal_reviewer.acts_for(health_agency.pk, Role.INSPECTOR)
    assert not legal_reviewer.acts_for(health_agency.pk, Role.APPROVER)


def test_a_justice_bureau_head_granted_supervision_sees_the_region_as_a_supervisor(
    justice_bureau, health_agency, outsider, jinzhong_market_agency, admin_user
):
    head = testing.user("局长", role=Role.APPROVER, organisation=justice_bureau)
    # An agency role counts only at an enforcing organisation: as 负责人 of the bureau he sees
    # nothing of the enforcement agencies.
    assert list(Organisation.objects.restrict(head)) == []

    grant_role(head, role=Role.SUPERVISOR, organisation=justice_bureau, actor=admin_user)

    seen = set(Organisation.objects.restrict(head).values_list("name", flat=True))
    assert health_agency.name in seen
    assert jinzhong_market_agency.name not in seen


def test_each_grant_and_each_withdrawal_is_recorded_in_the_audit_chain(
    legal_reviewer, health_agency, admin_user
):
    grant = grant_role(
        legal_reviewer, role=Role.INSPECTOR, organisation=health_agency, actor=admin_user
    )
    revoke_role(grant, actor=admin_user)

    actions = list(
        AuditRecord.objects.filter(action__startswith="role_grant.").values_list(
            "action", flat=True
        )
    )
    assert actions == ["role_grant.create", "role_grant.delete"]
    assert legal_reviewer.roles == {Role.LEGAL_REVIEWER}


def test_a_supervising_role_at_an_enforcing_agency_is_refused_and_nothing_is_written(
    inspector, health_agency, admin_user
):
    before = (RoleGrant.objects.count(), AuditRecord.objects.count())

    with pytest.raises(ValidationError) as refused:
        grant_role(inspector, role=Role.SUPERVISOR, organisation=health_agency, actor=admin_user)

    assert refused.value.message_dict == {
        "organisation": [f"{health_agency.name}不是执法监督机关，不能兼任执法监督人员。"]
    }
    assert (RoleGrant.objects.count(), AuditRecord.objects.count()) == before


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ENTERPRISE, Role.SOCIAL_SUPERVISOR])
def test_an_account_kind_cannot_be_granted_as_a_second_role(
    role, inspector, health_agency, admin_user
):
    with pytest.raises(ValidationError) as refused:
        grant_role(inspector, role=role, organisation=health_agency, actor=admin_user)

    assert refused.value.message_dict == {
        "role": [
            "兼任角色只能是执法人员、执法机关负责人、法制审核人员、执法监督人员、监督机关负责人之一。"
        ]
    }
    assert inspector.roles == {Role.INSPECTOR}


def test_an_officer_with_a_suspended_certificate_may_not_act_for_his_agency(inspector):
    officer = testing.officer("王检查", organisation=inspector.organisation, user=inspector)
    assert credential_refusal(inspector) is None

    officer.cert_status = "suspended"
    officer.cert_status_reason = "涉嫌违纪"
    officer.save()
    inspector.refresh_from_db()

    assert (
        credential_refusal(inspector)
        == "您的执法证已暂扣：涉嫌违纪，不能以执法人员身份办理此事项。"
    )


def test_an_account_without_a_certificate_may_not_act_as_an_officer(approver):
    assert credential_refusal(approver) == (
        "您的账号未关联执法证，不能以执法人员身份办理此事项；请由系统管理员在执法人员信息中关联。"
    )


def test_a_misspelt_capability_fails_loudly_instead_of_reading_as_nobody_may(inspector):
    with pytest.raises(access.ImproperlyDeclared) as failed:
        access.can(inspector, "case.aprove")

    assert str(failed.value) == "未声明的能力：case.aprove"


def test_anonymous_visitors_are_asked_to_sign_in_except_for_public_capabilities(client):
    from django.contrib.auth.models import AnonymousUser

    visitor = AnonymousUser()
    assert access.refusal(visitor, "signed_in") == "请先登录。"
    assert access.can(visitor, "public")
