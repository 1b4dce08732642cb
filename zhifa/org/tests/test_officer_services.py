"""Officer eligibility and the officer services, below the pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.org.models import CertificateStatus, Officer
from zhifa.org.services import (
    change_certificate_status,
    create_officer,
    save_organisation,
    update_officer,
)

ID_NUMBER = testing.make_id_number(42, "330902", "19800229")


def register(actor, organisation, **overrides) -> Officer:
    data = {
        "actor": actor,
        "organisation": organisation,
        "name": "钱新人",
        "cert_no": "330900208888",
        "id_number": ID_NUMBER,
        "cert_valid_from": dt.date(2025, 3, 1),
        "cert_valid_until": dt.date(2028, 2, 29),
        "fields": [testing.field()],
    }
    data.update(overrides)
    return create_officer(**data)


def test_an_officer_with_a_valid_certificate_is_eligible_inside_its_validity(
    approver, health_agency
):
    officer = register(approver, health_agency)
    assert officer.ineligibility_reason(dt.date(2025, 3, 1)) is None
    assert officer.ineligibility_reason(dt.date(2028, 2, 29)) is None
    assert officer.is_eligible(dt.date(2026, 6, 1))


def test_an_expired_certificate_makes_the_officer_ineligible(approver, health_agency):
    officer = register(approver, health_agency)
    assert officer.ineligibility_reason(dt.date(2028, 3, 1)) == "执法证已于 2028-02-29 过期"
    assert not officer.is_eligible(dt.date(2028, 3, 1))


def test_a_certificate_not_yet_in_force_makes_the_officer_ineligible(approver, health_agency):
    officer = register(approver, health_agency)
    assert (
        officer.ineligibility_reason(dt.date(2025, 2, 28)) == "执法证自 2025-03-01 起生效，尚未生效"
    )


def test_a_suspended_certificate_makes_the_officer_ineligible_with_the_reason(
    approver, health_agency
):
    officer = register(approver, health_agency)
    officer = change_certificate_status(
        officer, status=CertificateStatus.SUSPENDED, reason="涉嫌违规执法", actor=approver
    )
    assert officer.ineligibility_reason(dt.date(2026, 6, 1)) == "执法证已暂扣：涉嫌违规执法"


def test_a_suspension_outranks_an_expiry_in_the_reason(approver, health_agency):
    officer = register(approver, health_agency)
    officer = change_certificate_status(
        officer, status=CertificateStatus.SUSPENDED, reason="停职", actor=approver
    )
    assert officer.ineligibility_reason(dt.date(2030, 1, 1)) == "执法证已暂扣：停职"


def test_create_officer_writes_exactly_one_audit_record_with_the_masked_id(approver, health_agency):
    before = AuditRecord.objects.count()
    officer = register(approver, health_agency)
    assert AuditRecord.objects.count() == before + 1
    record = AuditRecord.objects.get()
    assert record.action == "officer.create"
    assert record.object_type == "org.officer"
    assert record.object_id == str(officer.pk)
    assert record.region_id == "330900"
    assert record.before is None
    assert record.after == {
        "name": "钱新人",
        "cert_no": "330900208888",
        "id_number": "330902********" + ID_NUMBER[-4:],
        "organisation": health_agency.pk,
        "cert_valid_from": "2025-03-01",
        "cert_valid_until": "2028-02-29",
        "cert_status": "valid",
        "cert_status_reason": "",
        "fields": ["health"],
        "mobile": "",
        "user": None,
    }
    assert ID_NUMBER not in json.dumps(record.after, ensure_ascii=False)
    assert record.summary == "登记执法人员 钱新人（执法证号 330900208888）"


def test_create_officer_normalises_a_lower_case_x(approver, health_agency):
    number = next(
        testing.make_id_number(n, "330902", "19800229")
        for n in range(1000)
        if testing.make_id_number(n, "330902", "19800229").endswith("X")
    )
    officer = register(approver, health_agency, id_number=number.lower())
    assert officer.id_number == number


def test_create_officer_refuses_bad_data_naming_each_field(approver, health_agency, counts):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        register(
            approver,
            health_agency,
            name=" ",
            id_number="123",
            cert_valid_until=dt.date(2025, 2, 1),
        )
    assert caught.value.message_dict == {
        "name": ["姓名：请填写执法人员姓名。"],
        "id_number": ["身份证号应为 18 位，实际为 3 位。请核对身份证号后重新填写。"],
        "cert_valid_until": [
            "证件有效期至（2025-02-01）早于证件有效期起（2025-03-01），请改正有效期。"
        ],
    }
    assert counts() == before


def test_create_officer_refuses_a_certificate_number_already_registered(
    approver, health_agency, health_officer, counts
):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        register(approver, health_agency, cert_no="330900200001")
    assert caught.value.message_dict == {
        "cert_no": ["执法证号“330900200001”已登记，执法证号不能重复，请核对证号后重新填写。"]
    }
    assert counts() == before


def test_update_officer_records_before_and_after(approver, health_agency):
    officer = register(approver, health_agency)
    update_officer(officer, actor=approver, cert_valid_until=dt.date(2031, 2, 28), fields=[])
    record = AuditRecord.objects.filter(action="officer.update").get()
    assert record.summary == "修改执法人员 钱新人 的证件有效期至、执法领域"
    assert (record.before["cert_valid_until"], record.after["cert_valid_until"]) == (
        "2028-02-29",
        "2031-02-28",
    )
    assert (record.before["fields"], record.after["fields"]) == (["health"], [])


def test_update_officer_refuses_an_unchanged_save_and_unknown_fields(approver, health_agency):
    officer = register(approver, health_agency)
    with pytest.raises(ValidationError) as caught:
        update_officer(officer, actor=approver, name="钱新人")
    assert caught.value.messages == ["未作任何修改，无需保存。"]
    with pytest.raises(TypeError):
        update_officer(officer, actor=approver, cert_status="revoked")
    assert AuditRecord.objects.filter(action="officer.update").count() == 0


def test_save_organisation_records_its_fields(admin_user, zhoushan):
    organisation = testing.organisation("舟山市应急管理局", region=zhoushan)
    organisation.doc_prefix = "舟应急"
    save_organisation(
        organisation,
        actor=admin_user,
        save_fields=lambda: organisation.fields.set([testing.field("emergency", "应急管理")]),
    )
    record = AuditRecord.objects.get(action="org.organisation.change")
    assert record.before["doc_prefix"] == ""
    assert record.before["fields"] == []
    assert record.after["doc_prefix"] == "舟应急"
    assert record.after["fields"] == ["emergency"]
    # Saving again without a change writes nothing.
    save_organisation(organisation, actor=admin_user)
    assert AuditRecord.objects.filter(action="org.organisation.change").count() == 1
