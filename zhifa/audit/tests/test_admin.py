from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.audit.services import record_change
from zhifa.org.models import Role


@pytest.fixture
def record(db):
    with transaction.atomic():
        return record_change(
            actor=None,
            action="test.append",
            object_type="test.thing",
            object_id="1",
            summary="原始摘要",
        )


def test_an_admin_can_list_and_view_audit_records(client_for, admin_user, record):
    client = client_for(admin_user)
    listing = client.get(reverse("admin:audit_auditrecord_changelist"))
    assert listing.status_code == 200
    assert "原始摘要" in listing.content.decode()
    page = client.get(reverse("admin:audit_auditrecord_change", args=[record.seq]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_nobody_may_add_change_or_delete_audit_records_in_admin(client_for, admin_user, record):
    client = client_for(admin_user)
    assert client.get(reverse("admin:audit_auditrecord_add")).status_code == 403
    change = reverse("admin:audit_auditrecord_change", args=[record.seq])
    response = client.post(change, {"summary": "篡改", "action": "x"})
    assert response.status_code == 403
    delete = reverse("admin:audit_auditrecord_delete", args=[record.seq])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:audit_auditrecord_changelist"),
        {"action": "delete_selected", "_selected_action": [record.seq], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert AuditRecord.objects.count() == 1
    assert AuditRecord.objects.get().summary == "原始摘要"


def test_a_staff_member_without_the_admin_role_sees_no_audit_admin(
    client_for, health_agency, record
):
    staff = testing.user(
        "staff_inspector", role=Role.INSPECTOR, organisation=health_agency, is_staff=True
    )
    response = client_for(staff).get(reverse("admin:audit_auditrecord_changelist"))
    # The admin site admits administrators only; others are sent to its login page.
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_admin_role_user_who_is_not_a_superuser_may_view(client_for, record):
    staff_admin = testing.user("role_admin", role=Role.ADMIN, is_staff=True)
    response = client_for(staff_admin).get(reverse("admin:audit_auditrecord_changelist"))
    assert response.status_code == 200
