"""The Django admin: administrators only; every save lands in the audit chain."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.org.models import APIToken, Officer, Organisation, Region, Role, User
from zhifa.org.services import create_api_token


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_a_staff_account_without_the_admin_role_is_kept_out(client_for, health_agency):
    staff = testing.user(
        "staff_inspector", role=Role.INSPECTOR, organisation=health_agency, is_staff=True
    )
    client = client_for(staff)
    for url in ["/admin/", "/admin/org/officer/", "/admin/org/region/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_an_admin_role_without_staff_status_is_kept_out(client_for, db):
    user = testing.user("role_admin_only", role=Role.ADMIN)
    response = client_for(user).get("/admin/")
    assert response.status_code == 302


def test_the_superuser_administrator_gets_in(client_for, admin_user):
    response = client_for(admin_user).get("/admin/")
    assert response.status_code == 200
    body = response.content.decode()
    for title in ["行政区划", "执法领域", "机构", "执法人员", "用户", "API 令牌"]:
        assert f">{title}</a>" in body


def test_a_staff_account_with_the_admin_role_gets_in_and_manages_reference_data(
    client_for, zhoushan
):
    manager = testing.user("sysadmin", role=Role.ADMIN, is_staff=True)
    client = client_for(manager)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/org/region/").status_code == 200
    assert client.get("/admin/org/region/330900/change/").status_code == 200


def test_regions_are_searched_by_code_and_filtered_by_level(client_for, admin_user, zhoushan):
    testing.shanxi_jinzhong()
    client = client_for(admin_user)
    found = client.get("/admin/org/region/", {"q": "3309"})
    assert [r.code for r in found.context["cl"].result_list] == ["330900"]
    provinces = client.get("/admin/org/region/", {"level__exact": "province"})
    assert [r.code for r in provinces.context["cl"].result_list] == ["140000", "330000"]


def test_adding_a_region_in_admin_writes_an_audit_record(client_for, admin_user, zhoushan):
    response = client_for(admin_user).post(
        "/admin/org/region/add/",
        {"code": "330902", "name": "定海区", "level": "county", "parent": "330900"},
    )
    assert response.status_code == 302
    assert Region.objects.get(code="330902").parent_id == "330900"
    record = AuditRecord.objects.get(action="org.region.create")
    assert record.object_id == "330902"
    assert record.summary == "新增行政区划“定海区（330902）”"


def test_changing_an_organisation_in_admin_records_its_fields(
    client_for, admin_user, health_agency, zhoushan
):
    market = testing.field("market", "市场监管")
    response = client_for(admin_user).post(
        f"/admin/org/organisation/{health_agency.pk}/change/",
        {
            "name": "舟山市卫生健康委员会",
            "short_name": "舟山卫健委",
            "kind": "agency",
            "region": "330900",
            "parent": "",
            "fields": [testing.field().pk, market.pk],
            "uscc": "",
            "doc_prefix": "舟卫",
            "legal_basis": "",
            "address": "",
            "phone": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    health_agency.refresh_from_db()
    assert health_agency.short_name == "舟山卫健委"
    record = AuditRecord.objects.get(action="org.organisation.change")
    assert record.before["fields"] == ["health"]
    assert record.after["fields"] == ["health", "market"]
    assert (record.before["short_name"], record.after["short_name"]) == ("", "舟山卫健委")


def test_the_officer_admin_shows_id_numbers_masked_only(client_for, admin_user, health_officer):
    client = client_for(admin_user)
    listing = client.get("/admin/org/officer/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert health_officer.masked_id_number in body
    assert health_officer.id_number not in body
    change = client.get(f"/admin/org/officer/{health_officer.pk}/change/")
    assert change.status_code == 200
    body = change.content.decode()
    assert health_officer.masked_id_number in body
    assert health_officer.id_number not in body


def test_registering_an_officer_in_admin_goes_through_the_service(
    client_for, admin_user, health_agency
):
    number = testing.make_id_number(321, "330902", "19910101")
    response = client_for(admin_user).post(
        "/admin/org/officer/add/",
        {
            "name": "冯新",
            "cert_no": "330900207777",
            "new_id_number": number,
            "organisation": health_agency.pk,
            "fields": [testing.field().pk],
            "cert_valid_from": "2025-01-01",
            "cert_valid_until": "2030-12-31",
            "mobile": "",
            "user": "",
        },
    )
    assert response.status_code == 302
    officer = Officer.objects.get(cert_no="330900207777")
    assert officer.id_number == number
    assert [f.code for f in officer.fields.all()] == ["health"]
    record = AuditRecord.objects.get(action="officer.create")
    assert record.after["id_number"] == officer.masked_id_number


def test_the_officer_admin_refuses_a_bad_id_number_in_chinese(
    client_for, admin_user, health_agency
):
    response = client_for(admin_user).post(
        "/admin/org/officer/add/",
        {
            "name": "冯新",
            "cert_no": "330900207777",
            "new_id_number": "330902199101010000",
            "organisation": health_agency.pk,
            "cert_valid_from": "2025-01-01",
            "cert_valid_until": "2030-12-31",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["new_id_number"]
    assert errors["new_id_number"][0].startswith("身份证号校验位错误")
    assert Officer.objects.count() == 0


def test_the_user_admin_edits_role_and_organisation(client_for, admin_user, inspector, zhoushan):
    justice = testing.organisation("舟山市司法局", region=zhoushan, kind="supervisor")
    client = client_for(admin_user)
    page = client.get(f"/admin/org/user/{inspector.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "role": Role.SUPERVISOR,
            "organisation": justice.pk,
            "date_joined_0": inspector.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": inspector.date_joined.strftime("%H:%M:%S"),
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("password", None)
    data["is_active"] = "on"
    data.update(_no_grants())
    response = client.post(f"/admin/org/user/{inspector.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    inspector.refresh_from_db()
    assert (inspector.role, inspector.organisation) == (Role.SUPERVISOR, justice)
    record = AuditRecord.objects.get(action="org.user.change")
    assert (record.before["role"], record.after["role"]) == ("inspector", "supervisor")
    assert "password" not in record.after


def _no_grants() -> dict[str, str]:
    return {
        "role_grants-TOTAL_FORMS": "0",
        "role_grants-INITIAL_FORMS": "0",
        "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000",
    }


def test_the_user_admin_grants_a_second_role_and_the_chain_records_it(
    client_for, admin_user, inspector, zhoushan
):
    justice = testing.organisation("舟山市司法局", region=zhoushan, kind="supervisor")
    client = client_for(admin_user)
    page = client.get(f"/admin/org/user/{inspector.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "date_joined_0": inspector.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": inspector.date_joined.strftime("%H:%M:%S"),
            "is_active": "on",
            **_no_grants(),
            "role_grants-TOTAL_FORMS": "1",
            "role_grants-0-role": Role.SUPERVISOR,
            "role_grants-0-organisation": str(justice.pk),
        }
    )
    for name in ("date_joined", "last_login", "password"):
        data.pop(name, None)
    response = client.post(f"/admin/org/user/{inspector.pk}/change/", data)
    assert response.status_code == 302
    inspector.refresh_from_db()
    assert inspector.roles == {Role.INSPECTOR, Role.SUPERVISOR}
    assert inspector.organisations_as(Role.SUPERVISOR) == {justice.pk}
    record = AuditRecord.objects.get(action="role_grant.create")
    assert record.summary == f"{inspector.person_label}兼任舟山市司法局执法监督人员"


def test_adding_a_token_in_admin_shows_the_key_once_and_stores_only_its_hash(
    client_for, admin_user, supervisor
):
    client = client_for(admin_user)
    response = client.post(
        "/admin/org/apitoken/add/", {"user": supervisor.pk, "name": "12345 热线"}
    )
    assert response.status_code == 302
    token = APIToken.objects.get()
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    key_messages = [m for m in shown if "密钥为" in m]
    assert len(key_messages) == 1
    raw_key = re.search(r"密钥为：(zf_\S+) 。", key_messages[0]).group(1)
    assert token.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert token.prefix == raw_key[:10]
    assert raw_key not in str(APIToken.objects.values().get())
    assert AuditRecord.objects.get(action="api_token.create").after == {
        "user": "supervisor",
        "name": "12345 热线",
        "prefix": token.prefix,
    }
    # The page the admin lands on shows the key; it is usable, and never shown again.
    landing = client.get(response["Location"]).content.decode()
    assert landing.count(raw_key) == 1
    assert client.get("/api/org/me", HTTP_AUTHORIZATION=f"Bearer {raw_key}").status_code == 200
    later = client.get(f"/admin/org/apitoken/{token.pk}/change/").content.decode()
    listing = client.get("/admin/org/apitoken/").content.decode()
    assert raw_key not in later
    assert raw_key not in listing
    assert token.prefix in listing


def test_the_token_list_shows_prefix_user_and_dates(client_for, admin_user, supervisor):
    token, _ = create_api_token(user=supervisor, name="移动执法", actor=admin_user)
    response = client_for(admin_user).get("/admin/org/apitoken/")
    body = response.content.decode()
    for label in ["用途", "前缀", "用户", "创建时间", "最近使用", "吊销时间"]:
        assert label in body
    assert token.prefix in body


def test_the_admin_action_revokes_the_selected_tokens(client_for, admin_user, supervisor):
    first, first_key = create_api_token(user=supervisor, name="一号", actor=admin_user)
    second, _ = create_api_token(user=supervisor, name="二号", actor=admin_user)
    response = client_for(admin_user).post(
        "/admin/org/apitoken/",
        {"action": "revoke_selected", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    assert APIToken.objects.filter(revoked_at__isnull=False).count() == 2
    assert AuditRecord.objects.filter(action="api_token.revoke").count() == 2
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["已吊销 2 个令牌。"]
    assert Client().get("/api/org/me", HTTP_AUTHORIZATION=f"Bearer {first_key}").status_code == 401


def test_revoking_an_already_revoked_token_says_so(client_for, admin_user, supervisor):
    token, _ = create_api_token(user=supervisor, name="一号", actor=admin_user)
    client = client_for(admin_user)
    data = {"action": "revoke_selected", "_selected_action": [token.pk]}
    first = client.post("/admin/org/apitoken/", data)
    client.get(first["Location"])  # shows, and so consumes, the first message
    response = client.post("/admin/org/apitoken/", data)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [f"令牌“一号”（{token.prefix}…）此前已吊销，未重复操作。"]
    assert AuditRecord.objects.filter(action="api_token.revoke").count() == 1


def test_tokens_and_officers_cannot_be_deleted_in_admin(client_for, admin_user, health_officer):
    token, _ = create_api_token(user=admin_user, name="x", actor=admin_user)
    client = client_for(admin_user)
    assert client.get(f"/admin/org/apitoken/{token.pk}/delete/").status_code == 403
    assert client.get(f"/admin/org/officer/{health_officer.pk}/delete/").status_code == 403
    assert APIToken.objects.count() == 1
    assert Officer.objects.count() == 1


def test_deleting_an_unused_organisation_in_admin_is_recorded(client_for, admin_user, zhoushan):
    org = testing.organisation("舟山市临时机构", region=zhoushan)
    response = client_for(admin_user).post(
        f"/admin/org/organisation/{org.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=org.pk).exists()
    record = AuditRecord.objects.get(action="org.organisation.delete")
    assert record.summary == "删除机构“舟山市临时机构”"
    assert record.before["name"] == "舟山市临时机构"


def test_user_admin_lists_roles(client_for, admin_user, inspector):
    response = client_for(admin_user).get("/admin/org/user/", {"role__exact": "inspector"})
    assert [u.username for u in response.context["cl"].result_list] == ["inspector"]
    assert User.objects.count() == 2


def _user_form_data(client, user) -> dict:
    form = client.get(f"/admin/org/user/{user.pk}/change/").context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "is_active": "on",
        }
    )
    for name in ("date_joined", "last_login", "password"):
        data.pop(name, None)
    data.update(_no_grants())
    return data


def test_the_user_admin_registers_a_mobile_for_password_reset_and_refuses_a_bad_one(
    client_for, admin_user, inspector
):
    client = client_for(admin_user)
    bad = client.post(
        f"/admin/org/user/{inspector.pk}/change/",
        {**_user_form_data(client, inspector), "mobile": "0580-123456"},
    )
    assert bad.context["adminform"].form.errors["mobile"] == [
        "手机号码：请填写 11 位中国大陆手机号码（1 开头，如 13812345678）。"
    ]
    inspector.refresh_from_db()
    assert inspector.mobile == ""
    good = client.post(
        f"/admin/org/user/{inspector.pk}/change/",
        {**_user_form_data(client, inspector), "mobile": "13812345678"},
    )
    assert good.status_code == 302
    inspector.refresh_from_db()
    assert inspector.mobile == "13812345678"
