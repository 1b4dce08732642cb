from __future__ import annotations

from django.urls import reverse

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.documents.models import DocumentNumber, NumberingRule, NumberSequence
from zhifa.documents.services import reserve_number
from zhifa.org.models import Role


def test_an_admin_edit_of_a_document_kind_is_audited(client_for, admin_user, preview_kind):
    url = reverse("admin:documents_documentkind_change", args=[preview_kind.pk])
    response = client_for(admin_user).post(
        url,
        {
            "code": preview_kind.code,
            "name": preview_kind.name,
            "abbreviation": "预告",
            "is_active": "on",
            "sort_order": preview_kind.sort_order,
        },
    )
    assert response.status_code == 302
    preview_kind.refresh_from_db()
    assert preview_kind.abbreviation == "预告"
    record = AuditRecord.objects.get()
    assert record.action == "documents.documentkind.change"
    assert record.actor == admin_user
    assert record.before["abbreviation"] == "执预"
    assert record.after["abbreviation"] == "预告"
    assert record.summary == "修改文书种类“行政执法检查预告通知书（预告）”"


def test_an_admin_adds_a_numbering_rule_and_it_is_audited(
    client_for, admin_user, health_agency, preview_kind, inspector
):
    response = client_for(admin_user).post(
        reverse("admin:documents_numberingrule_add"),
        {"organisation": health_agency.pk, "kind": preview_kind.pk, "designator": "舟卫健执预"},
    )
    assert response.status_code == 302
    rule = NumberingRule.objects.get()
    record = AuditRecord.objects.get()
    assert (record.action, record.object_id) == ("documents.numberingrule.create", str(rule.pk))
    assert record.region_id == "330900"
    number = reserve_number(
        organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
    )
    assert number.text == "舟卫健执预〔2026〕1号"


def test_a_sequence_may_start_after_numbers_issued_outside_the_platform(
    client_for, admin_user, health_agency, preview_kind, inspector
):
    client = client_for(admin_user)
    response = client.post(
        reverse("admin:documents_numbersequence_add"),
        {
            "organisation": health_agency.pk,
            "kind": preview_kind.pk,
            "year": 2026,
            "last_number": 37,
        },
    )
    assert response.status_code == 302
    sequence = NumberSequence.objects.get()
    number = reserve_number(
        organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
    )
    assert number.text == "舟卫执预〔2026〕38号"
    # Afterwards last_number is read-only: a posted value is ignored.
    client.post(
        reverse("admin:documents_numbersequence_change", args=[sequence.pk]),
        {"last_number": 1},
    )
    sequence.refresh_from_db()
    assert sequence.last_number == 38


def test_document_numbers_are_read_only_in_admin(
    client_for, admin_user, health_agency, preview_kind
):
    number = reserve_number(
        organisation=health_agency, kind=preview_kind, year=2026, actor=admin_user
    )
    client = client_for(admin_user)
    listing = client.get(reverse("admin:documents_documentnumber_changelist"), {"q": "执预"})
    assert listing.status_code == 200
    assert "舟卫执预〔2026〕1号" in listing.content.decode()
    assert client.get(reverse("admin:documents_documentnumber_add")).status_code == 403
    change = reverse("admin:documents_documentnumber_change", args=[number.pk])
    assert client.post(change, {"status": "used"}).status_code == 403
    delete = reverse("admin:documents_documentnumber_delete", args=[number.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    number.refresh_from_db()
    assert number.status == "reserved"
    assert DocumentNumber.objects.count() == 1


def test_numbering_admin_is_for_administrators_only(client_for, health_agency, preview_kind):
    staff = testing.user(
        "staff_approver", role=Role.APPROVER, organisation=health_agency, is_staff=True
    )
    client = client_for(staff)
    # The admin site admits administrators only; others are sent to its login page.
    for name in ("documentkind", "numberingrule", "numbersequence", "documentnumber"):
        response = client.get(reverse(f"admin:documents_{name}_changelist"))
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    response = client.post(
        reverse("admin:documents_documentkind_change", args=[preview_kind.pk]),
        {"code": preview_kind.code, "name": "改名", "abbreviation": "改", "sort_order": 1},
    )
    assert response.status_code == 302
    preview_kind.refresh_from_db()
    assert preview_kind.name == "行政执法检查预告通知书"
    assert AuditRecord.objects.count() == 0
