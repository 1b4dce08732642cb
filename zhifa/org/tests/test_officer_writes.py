"""Registering and editing officers, and suspending, revoking or restoring their 执法证."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.org.models import CertificateStatus, Officer

CREATE_URL = reverse("org:officer_create")
NEW_ID = testing.make_id_number(501, "330902", "19900101")


def edit_url(officer: Officer) -> str:
    return reverse("org:officer_edit", args=[officer.pk])


def certificate_url(officer: Officer) -> str:
    return reverse("org:officer_certificate", args=[officer.pk])


def officer_post(organisation, **overrides) -> dict:
    data = {
        "organisation": organisation.pk,
        "name": "钱新人",
        "cert_no": "330900209001",
        "id_number": NEW_ID,
        "enforcement_fields": [testing.field().pk],
        "cert_valid_from": "2025-01-01",
        "cert_valid_until": "2029-12-31",
        "mobile": "13800000000",
    }
    data.update(overrides)
    return data


def errors_of(response) -> list[str]:
    form = response.context["form"]
    return [e for errors in form.errors.values() for e in errors]


# --- Create -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login_from_the_registration_form(client):
    response = client.get(CREATE_URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/org/officers/new/"


@pytest.mark.parametrize("persona", ["inspector", "supervisor", "outsider", "enterprise"])
def test_only_approvers_and_admins_may_register_officers(
    client_for, request, persona, health_agency, counts
):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    before = counts()
    assert client.get(CREATE_URL).status_code == 403
    response = client.post(CREATE_URL, officer_post(health_agency))
    assert response.status_code == 403
    assert "只有本机关的执法机关负责人或系统管理员可以办理" in response.content.decode()
    assert counts() == before


def test_approver_registers_an_officer_of_its_agency_with_one_audit_record(
    client_for, approver, health_agency, counts
):
    officers, records = counts()
    response = client_for(approver).post(CREATE_URL, officer_post(health_agency))
    officer = Officer.objects.get(cert_no="330900209001")
    assert response.status_code == 302
    assert response["Location"] == f"/org/officers/{officer.pk}/"
    assert counts() == (officers + 1, records + 1)
    assert officer.name == "钱新人"
    assert officer.id_number == NEW_ID
    assert officer.organisation == health_agency
    assert [f.code for f in officer.fields.all()] == ["health"]
    assert (officer.cert_valid_from, officer.cert_valid_until) == (
        dt.date(2025, 1, 1),
        dt.date(2029, 12, 31),
    )
    record = AuditRecord.objects.get(action="officer.create")
    assert record.object_id == str(officer.pk)
    assert record.actor == approver
    assert record.after["id_number"] == officer.masked_id_number
    assert NEW_ID not in json.dumps(record.after, ensure_ascii=False)
    assert record.summary == "登记执法人员 钱新人（执法证号 330900209001）"


def test_the_registration_form_offers_only_the_approvers_own_agency(
    client_for, approver, health_agency, jinzhong_market_agency, counts
):
    client = client_for(approver)
    form = client.get(CREATE_URL).context["form"]
    assert list(form.fields["organisation"].queryset) == [health_agency]
    before = counts()
    response = client.post(CREATE_URL, officer_post(jinzhong_market_agency))
    assert response.status_code == 200
    assert errors_of(response) == ["所属机构：所选机构不在您可管理的范围内，请重新选择。"]
    assert counts() == before


def test_admin_registers_an_officer_in_any_enforcement_agency(
    client_for, admin_user, jinzhong_market_agency, justice_bureau
):
    client = client_for(admin_user)
    choices = list(client.get(CREATE_URL).context["form"].fields["organisation"].queryset)
    assert jinzhong_market_agency in choices
    assert justice_bureau not in choices
    response = client.post(CREATE_URL, officer_post(jinzhong_market_agency))
    assert response.status_code == 302
    assert Officer.objects.get(cert_no="330900209001").organisation == jinzhong_market_agency


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"id_number": NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1")},
            "id_number",
            "身份证号校验位错误：第 18 位应为“{check}”，实际为“{wrong}”。"
            "请核对身份证号后重新填写。",
        ),
        (
            {"id_number": "33090219900101"},
            "id_number",
            "身份证号应为 18 位，实际为 14 位。请核对身份证号后重新填写。",
        ),
        (
            {"id_number": ""},
            "id_number",
            "身份证号：请填写 18 位身份证号。",
        ),
        (
            {"cert_valid_until": "2024-12-31"},
            "cert_valid_until",
            "证件有效期至（2024-12-31）早于证件有效期起（2025-01-01），请改正有效期。",
        ),
        (
            {"cert_valid_from": "2025/13/01"},
            "cert_valid_from",
            "证件有效期起：日期格式不正确，请按 2025-01-01 的格式填写。",
        ),
        (
            {"cert_no": "330900200001"},
            "cert_no",
            "执法证号“330900200001”已登记，执法证号不能重复，请核对证号后重新填写。",
        ),
        (
            {"name": ""},
            "name",
            "姓名：请填写执法人员姓名。",
        ),
    ],
)
def test_registration_errors_name_the_field_and_write_nothing(
    client_for, approver, health_agency, health_officer, counts, overrides, field, message
):
    if "{check}" in message:
        message = message.format(check=NEW_ID[17], wrong=overrides["id_number"][17])
    before = counts()
    response = client_for(approver).post(CREATE_URL, officer_post(health_agency, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert message in response.content.decode()
    assert counts() == before


# --- Edit -------------------------------------------------------------------------------------


def edit_post(officer: Officer, **overrides) -> dict:
    data = {
        "organisation": officer.organisation_id,
        "name": officer.name,
        "cert_no": officer.cert_no,
        "id_number": "",
        "enforcement_fields": [f.pk for f in officer.fields.all()],
        "cert_valid_from": officer.cert_valid_from.isoformat(),
        "cert_valid_until": officer.cert_valid_until.isoformat(),
        "mobile": officer.mobile,
    }
    data.update(overrides)
    return data


def test_anonymous_visitor_is_sent_to_login_from_the_edit_form(client, health_officer):
    response = client.get(edit_url(health_officer))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/org/officers/{health_officer.pk}/edit/"


def test_outsider_gets_404_when_editing_another_agencys_officer(
    client_for, outsider, health_officer, counts
):
    client = client_for(outsider)
    before = counts()
    assert client.get(edit_url(health_officer)).status_code == 404
    response = client.post(edit_url(health_officer), edit_post(health_officer, name="改名"))
    assert response.status_code == 404
    assert counts() == before
    health_officer.refresh_from_db()
    assert health_officer.name == "周执法"


@pytest.mark.parametrize("persona", ["inspector", "supervisor"])
def test_inspectors_and_supervisors_may_not_edit_officers(
    client_for, request, persona, health_officer, counts
):
    client = client_for(request.getfixturevalue(persona))
    before = counts()
    assert client.get(edit_url(health_officer)).status_code == 403
    response = client.post(edit_url(health_officer), edit_post(health_officer, name="改名"))
    assert response.status_code == 403
    assert counts() == before
    health_officer.refresh_from_db()
    assert health_officer.name == "周执法"


def test_the_edit_form_never_contains_the_raw_id_number(client_for, approver, health_officer):
    response = client_for(approver).get(edit_url(health_officer))
    assert response.status_code == 200
    body = response.content.decode()
    assert health_officer.id_number not in body
    assert f'placeholder="{health_officer.masked_id_number}"' in body
    assert 'value="330900200001"' in body


def test_approver_edits_an_officer_and_keeps_the_id_number_when_left_blank(
    client_for, approver, health_officer, counts
):
    officers, records = counts()
    response = client_for(approver).post(
        edit_url(health_officer), edit_post(health_officer, name="周执法员", mobile="13900000000")
    )
    assert response.status_code == 302
    old_id = health_officer.id_number
    health_officer.refresh_from_db()
    assert (health_officer.name, health_officer.mobile) == ("周执法员", "13900000000")
    assert health_officer.id_number == old_id
    assert counts() == (officers, records + 1)
    record = AuditRecord.objects.get(action="officer.update")
    assert record.summary == "修改执法人员 周执法员 的姓名、手机号"
    assert record.before["name"] == "周执法"
    assert record.after["name"] == "周执法员"


def test_approver_corrects_an_id_number_and_the_record_shows_it_masked(
    client_for, approver, health_officer
):
    response = client_for(approver).post(
        edit_url(health_officer), edit_post(health_officer, id_number=NEW_ID)
    )
    assert response.status_code == 302
    health_officer.refresh_from_db()
    assert health_officer.id_number == NEW_ID
    record = AuditRecord.objects.get(action="officer.update")
    assert record.after["id_number"] == health_officer.masked_id_number
    assert record.summary == "修改执法人员 周执法 的身份证号"
    assert NEW_ID not in json.dumps([record.before, record.after], ensure_ascii=False)


def test_saving_an_unchanged_officer_writes_nothing(client_for, approver, health_officer, counts):
    before = counts()
    response = client_for(approver).post(edit_url(health_officer), edit_post(health_officer))
    assert response.status_code == 302
    assert counts() == before


def test_an_edit_cannot_take_another_officers_certificate_number(
    client_for, approver, health_officer, health_agency, counts
):
    other = testing.officer("孙某", organisation=health_agency, cert_no="330900200002")
    before = counts()
    response = client_for(approver).post(edit_url(other), edit_post(other, cert_no="330900200001"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "cert_no": ["执法证号“330900200001”已登记，执法证号不能重复，请核对证号后重新填写。"]
    }
    assert counts() == before


# --- Certificate status -----------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login_from_the_certificate_form(client, health_officer):
    response = client.post(certificate_url(health_officer), {"action": "suspend"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_outsider_gets_404_on_another_agencys_certificate(
    client_for, outsider, health_officer, counts
):
    before = counts()
    response = client_for(outsider).post(
        certificate_url(health_officer),
        {"action": "revoke", "reason": "x", "confirmed": "True", "acknowledge": "on"},
    )
    assert response.status_code == 404
    assert counts() == before
    health_officer.refresh_from_db()
    assert health_officer.cert_status == CertificateStatus.VALID


@pytest.mark.parametrize("persona", ["inspector", "supervisor"])
def test_inspectors_and_supervisors_may_not_change_a_certificate(
    client_for, request, persona, health_officer, counts
):
    client = client_for(request.getfixturevalue(persona))
    before = counts()
    assert client.get(certificate_url(health_officer)).status_code == 403
    response = client.post(
        certificate_url(health_officer),
        {"action": "suspend", "reason": "停职", "confirmed": "True"},
    )
    assert response.status_code == 403
    assert counts() == before
    health_officer.refresh_from_db()
    assert health_officer.cert_status == CertificateStatus.VALID


def test_suspending_asks_for_confirmation_before_anything_changes(
    client_for, approver, health_officer, counts
):
    before = counts()
    response = client_for(approver).post(
        certificate_url(health_officer), {"action": "suspend", "reason": "停职调查"}
    )
    assert response.status_code == 200
    assert response.context["confirming"] is True
    body = response.content.decode()
    assert '<dd data-testid="confirm-action">暂扣执法证</dd>' in body
    assert '<dd data-testid="confirm-reason">停职调查</dd>' in body
    assert '<input type="hidden" name="confirmed" value="True">' in body
    assert "吊销不可撤销" not in body
    assert counts() == before


def test_approver_suspends_a_certificate_after_confirming(
    client_for, approver, health_officer, counts
):
    officers, records = counts()
    response = client_for(approver).post(
        certificate_url(health_officer),
        {"action": "suspend", "reason": "停职调查", "confirmed": "True"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/org/officers/{health_officer.pk}/"
    health_officer.refresh_from_db()
    assert health_officer.cert_status == CertificateStatus.SUSPENDED
    assert health_officer.cert_status_reason == "停职调查"
    assert health_officer.ineligibility_reason() == "执法证已暂扣：停职调查"
    assert counts() == (officers, records + 1)
    record = AuditRecord.objects.get(action="officer.certificate_status")
    assert record.summary == "周执法 执法证状态变更为“暂扣”"


def test_suspending_or_revoking_requires_a_reason(client_for, approver, health_officer, counts):
    before = counts()
    response = client_for(approver).post(
        certificate_url(health_officer), {"action": "suspend", "reason": "  ", "confirmed": "True"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["原因：暂扣或吊销执法证必须填写原因。"]}
    assert response.context["confirming"] is False
    assert counts() == before


def test_revoking_warns_that_it_is_irreversible_and_needs_acknowledgement(
    client_for, approver, health_officer, counts
):
    client = client_for(approver)
    before = counts()
    step_two = client.post(
        certificate_url(health_officer), {"action": "revoke", "reason": "故意违法执法"}
    )
    body = step_two.content.decode()
    assert "<strong>吊销不可撤销。</strong>吊销后该执法证不能恢复或暂扣，只能重新核发。" in body
    unacknowledged = client.post(
        certificate_url(health_officer),
        {"action": "revoke", "reason": "故意违法执法", "confirmed": "True"},
    )
    assert unacknowledged.status_code == 200
    assert unacknowledged.context["confirming"] is True
    assert "吊销不可撤销：请勾选确认后再提交。" in unacknowledged.content.decode()
    assert counts() == before
    done = client.post(
        certificate_url(health_officer),
        {"action": "revoke", "reason": "故意违法执法", "confirmed": "True", "acknowledge": "on"},
    )
    assert done.status_code == 302
    health_officer.refresh_from_db()
    assert health_officer.cert_status == CertificateStatus.REVOKED
    assert counts() == (before[0], before[1] + 1)


def test_a_revoked_certificate_offers_no_further_action(client_for, approver, health_officer):
    health_officer.cert_status = CertificateStatus.REVOKED
    health_officer.save()
    client = client_for(approver)
    page = client.get(certificate_url(health_officer)).content.decode()
    assert "该执法证已吊销，不能恢复或暂扣" in page
    response = client.post(
        certificate_url(health_officer), {"action": "restore", "confirmed": "True"}
    )
    assert response.status_code == 200
    health_officer.refresh_from_db()
    assert health_officer.cert_status == CertificateStatus.REVOKED
    detail = client.get(reverse("org:officer_detail", args=[health_officer.pk])).content.decode()
    assert "恢复执法证" not in detail


def test_approver_restores_a_suspended_certificate(client_for, approver, health_officer):
    client = client_for(approver)
    client.post(
        certificate_url(health_officer),
        {"action": "suspend", "reason": "停职调查", "confirmed": "True"},
    )
    form = client.get(certificate_url(health_officer)).context["form"]
    assert form.fields["action"].choices == [("restore", "恢复执法证"), ("revoke", "吊销执法证")]
    response = client.post(
        certificate_url(health_officer), {"action": "restore", "reason": "", "confirmed": "True"}
    )
    assert response.status_code == 302
    health_officer.refresh_from_db()
    assert health_officer.cert_status == CertificateStatus.VALID
    assert health_officer.is_eligible()


def test_an_action_not_open_in_the_current_state_is_refused_in_chinese(
    client_for, approver, health_officer, counts
):
    before = counts()
    response = client_for(approver).post(
        certificate_url(health_officer), {"action": "restore", "confirmed": "True"}
    )
    assert response.context["form"].errors == {
        "action": ["操作：该执法证当前状态下不能办理所选操作，请重新选择。"]
    }
    assert counts() == before


def test_admin_edits_an_officer_of_a_supervising_body_without_moving_it(
    client_for, admin_user, justice_bureau
):
    officer = testing.officer("吕监督", organisation=justice_bureau)
    response = client_for(admin_user).post(
        edit_url(officer), edit_post(officer, cert_valid_until="2031-12-31")
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.organisation, officer.cert_valid_until) == (
        justice_bureau,
        dt.date(2031, 12, 31),
    )
