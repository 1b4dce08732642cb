"""The enterprise pages: list with search, filters and pagination, detail with the override badge
and history, the registration and edit forms, contacts, and who sees and may do what."""

from __future__ import annotations

import pytest
from django.urls import reverse

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.registry import rules
from zhifa.registry.models import Enterprise
from zhifa.registry.services import add_contact, register_enterprise
from zhifa.registry.tests.helpers import code, wrong_check

LIST_URL = reverse("registry:enterprise_list")
CREATE_URL = reverse("registry:enterprise_create")


def detail_url(enterprise: Enterprise) -> str:
    return reverse("registry:enterprise_detail", args=[enterprise.pk])


def edit_url(enterprise: Enterprise) -> str:
    return reverse("registry:enterprise_edit", args=[enterprise.pk])


def names(response) -> list[str]:
    return [e.name for e in response.context["page"]]


@pytest.fixture
def listed(zhoushan_enterprise, dinghai, putuo, yuci, approver):
    """Four 舟山 enterprises (the persona's one included) and one of 晋中."""
    data = [
        ("定海渔业有限公司", dinghai, "渔业", "A", 11),
        ("普陀海产品加工厂", putuo, "水产品加工", "C", 12),
        ("定海冷链物流有限公司", dinghai, "物流", "D", 13),
        ("榆次煤业有限公司", yuci, "采矿业", "B", 14),
    ]
    made = {}
    for name, region, industry, grade, serial in data:
        made[name] = testing.enterprise(
            name, region=region, serial=serial, industry=industry, credit_grade=grade
        )
    made["override"] = register_enterprise(
        data={
            "uscc": wrong_check(code(15, "330903")),
            "name": "普陀老字号鱼丸店",
            "region": "330903",
            "industry": "餐饮业",
            "credit_grade": "B",
            "uscc_override": True,
            "uscc_override_reason": "已核对营业执照原件",
        },
        actor=approver,
    )
    return made


# --- List -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={LIST_URL}"


def test_supervisor_sees_the_enterprises_of_zhoushan_only(client_for, supervisor, listed):
    response = client_for(supervisor).get(LIST_URL)
    assert response.status_code == 200
    assert names(response) == [
        "舟山海鲜酒楼有限公司",
        "定海渔业有限公司",
        "定海冷链物流有限公司",
        "普陀海产品加工厂",
        "普陀老字号鱼丸店",
    ]
    assert "共 5 家企业" in response.content.decode()
    assert response.context["can_write"] is False
    assert reverse("registry:enterprise_create") not in response.content.decode()


def test_outsider_sees_only_the_enterprises_of_jinzhong(client_for, outsider, listed):
    response = client_for(outsider).get(LIST_URL)
    assert names(response) == ["榆次煤业有限公司"]


def test_writers_get_the_import_and_registration_links(client_for, inspector, listed):
    body = client_for(inspector).get(LIST_URL).content.decode()
    assert reverse("registry:enterprise_import") in body
    assert reverse("registry:enterprise_create") in body


def test_the_list_searches_names_and_codes_and_filters(client_for, inspector, listed):
    client = client_for(inspector)
    assert names(client.get(LIST_URL, {"q": "定海"})) == [
        "定海渔业有限公司",
        "定海冷链物流有限公司",
    ]
    assert names(client.get(LIST_URL, {"q": code(12, "330903")[2:].lower()})) == [
        "普陀海产品加工厂"
    ]
    assert names(client.get(LIST_URL, {"region": "330903"})) == [
        "普陀海产品加工厂",
        "普陀老字号鱼丸店",
    ]
    assert names(client.get(LIST_URL, {"industry": "物流"})) == ["定海冷链物流有限公司"]
    assert names(client.get(LIST_URL, {"credit_grade": "A"})) == ["定海渔业有限公司"]
    assert names(client.get(LIST_URL, {"override": "on"})) == ["普陀老字号鱼丸店"]


def test_a_filter_outside_the_users_scope_matches_nothing_and_says_why(
    client_for, inspector, listed
):
    response = client_for(inspector).get(LIST_URL, {"region": "140702"})
    assert names(response) == []
    assert "所选条件不存在或不在您的查看范围内，请从列表中选择。" in response.content.decode()


def test_the_override_badge_shows_in_the_list(client_for, supervisor, listed):
    body = client_for(supervisor).get(LIST_URL, {"q": "鱼丸"}).content.decode()
    assert body.count("校验位人工复核</span>") == 1


def test_the_list_is_paginated(client_for, inspector, dinghai, settings):
    settings.ZHIFA_PAGE_SIZE = 2
    for serial in range(1, 6):
        testing.enterprise(f"分页企业{serial}", region=dinghai, serial=serial)
    client = client_for(inspector)
    first = client.get(LIST_URL)
    assert (first.context["total"], names(first)) == (5, ["分页企业1", "分页企业2"])
    third = client.get(LIST_URL, {"page": 3})
    assert names(third) == ["分页企业5"]
    assert "第 3 / 3 页" in third.content.decode()


# --- Detail -----------------------------------------------------------------------------------


def test_the_detail_shows_the_override_who_approved_it_and_the_history(
    client_for, supervisor, listed, approver
):
    enterprise = listed["override"]
    response = client_for(supervisor).get(detail_url(enterprise))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="override-badge"' in body
    assert f"第 18 位按 GB 32100-2015 应为“{code(15, '330903')[17]}”，经 李主任 于" in body
    assert "复核说明：已核对营业执照原件" in body
    assert "变更记录" in body
    assert f"登记企业 普陀老字号鱼丸店（{enterprise.uscc}），校验位经人工复核" in body
    assert response.context["can_edit"] is False


def test_outsider_gets_404_for_an_enterprise_of_zhoushan(client_for, outsider, listed):
    response = client_for(outsider).get(detail_url(listed["定海渔业有限公司"]))
    assert response.status_code == 404


def test_an_enterprise_user_sees_only_its_own_enterprise(
    client_for, enterprise, zhoushan_enterprise, listed
):
    client = client_for(enterprise)
    assert client.get(detail_url(zhoushan_enterprise)).status_code == 200
    assert client.get(detail_url(listed["定海渔业有限公司"])).status_code == 404
    # The list is for those who keep or supervise the registry; the enterprise reads why.
    refused = client.get(LIST_URL)
    assert refused.status_code == 403
    assert rules.LIST_DENIED in refused.content.decode()


@pytest.mark.django_db
def test_anonymous_detail_goes_to_login(client, zhoushan_enterprise):
    response = client.get(detail_url(zhoushan_enterprise))
    assert response.status_code == 302


def test_an_unreviewed_failing_code_is_flagged_with_a_review_link_for_the_approver(
    client_for, approver, inspector, dinghai, counts
):
    legacy = Enterprise.objects.create(uscc=wrong_check(code(9)), name="旧数据企业", region=dinghai)
    override_url = reverse("registry:enterprise_override", args=[legacy.pk])
    body = client_for(approver).get(detail_url(legacy)).content.decode()
    assert "校验位不符，未经复核" in body
    assert override_url in body
    assert override_url not in client_for(inspector).get(detail_url(legacy)).content.decode()
    before = counts()
    denied = client_for(inspector).post(override_url, {"uscc_override_reason": "看过"})
    assert denied.status_code == 403
    assert counts() == before
    response = client_for(approver).post(override_url, {"uscc_override_reason": "函询登记机关"})
    assert response.status_code == 302
    legacy.refresh_from_db()
    assert (legacy.uscc_override, legacy.uscc_override_by) == (True, approver)


# --- Registration and editing -----------------------------------------------------------------


def form_post(**overrides) -> dict:
    data = {
        "uscc": code(31),
        "name": "舟山新登记有限公司",
        "legal_representative": "周一",
        "address": "舟山市定海区新路 3 号",
        "region": "330902",
        "industry": "批发业",
        "credit_grade": "A",
        "contact_name": "吴二",
        "contact_mobile": "13700000000",
        "contact_email": "",
    }
    data.update(overrides)
    return data


def test_inspector_registers_an_enterprise_through_the_form(client_for, inspector, dinghai, counts):
    response = client_for(inspector).post(CREATE_URL, form_post())
    enterprise = Enterprise.objects.get(uscc=code(31))
    assert response.status_code == 302
    assert response["Location"] == detail_url(enterprise)
    assert counts() == (1, 1, 1)
    assert (enterprise.name, enterprise.region_id, enterprise.credit_grade) == (
        "舟山新登记有限公司",
        "330902",
        "A",
    )


def test_a_wrong_check_character_is_shown_on_the_form_with_the_expected_one(
    client_for, inspector, dinghai, counts
):
    bad = wrong_check(code(31))
    response = client_for(inspector).post(CREATE_URL, form_post(uscc=bad))
    assert response.status_code == 200
    assert response.context["form"].errors["uscc"] == [
        f"统一社会信用代码“{bad}”校验位错误：第 18 位应为“{code(31)[17]}”，"
        f"实际为“{bad[17]}”。请核对代码；确属真实代码时，"
        "须由执法机关负责人或系统管理员人工复核后登记。"
    ]
    assert counts() == (0, 0, 0)


def test_only_approvers_see_the_override_fields(client_for, inspector, approver, dinghai):
    assert "uscc_override_reason" not in client_for(inspector).get(CREATE_URL).content.decode()
    assert "uscc_override_reason" in client_for(approver).get(CREATE_URL).content.decode()


def test_approver_registers_a_failing_code_through_the_form(client_for, approver, dinghai, counts):
    bad = wrong_check(code(31))
    response = client_for(approver).post(
        CREATE_URL,
        form_post(uscc=bad, uscc_override="on", uscc_override_reason="已核对营业执照原件"),
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(uscc=bad)
    assert (enterprise.uscc_override, enterprise.uscc_override_by) == (True, approver)
    assert counts() == (1, 1, 1)


def test_an_inspector_posting_the_override_gets_403_and_nothing_changes(
    client_for, inspector, dinghai, counts
):
    response = client_for(inspector).post(
        CREATE_URL,
        form_post(uscc=wrong_check(code(31)), uscc_override="on", uscc_override_reason="看过"),
    )
    assert response.status_code == 403
    assert rules.OVERRIDE_DENIED in response.content.decode()
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("persona", ["supervisor", "enterprise"])
def test_read_only_roles_get_403_on_the_forms_and_nothing_changes(
    client_for, request, persona, zhoushan_enterprise, dinghai, counts
):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    before = counts()
    assert client.get(CREATE_URL).status_code == 403
    response = client.post(CREATE_URL, form_post())
    assert response.status_code == 403
    assert rules.WRITE_DENIED in response.content.decode()
    assert client.post(edit_url(zhoushan_enterprise), form_post()).status_code == 403
    assert counts() == before


def test_outsider_gets_404_on_editing_an_enterprise_of_zhoushan(
    client_for, outsider, zhoushan_enterprise, counts
):
    before = counts()
    response = client_for(outsider).post(edit_url(zhoushan_enterprise), form_post())
    assert response.status_code == 404
    assert counts() == before


def test_outsider_cannot_register_in_zhoushan(client_for, outsider, dinghai, counts):
    response = client_for(outsider).post(CREATE_URL, form_post())
    assert response.status_code == 200
    assert response.context["form"].errors["region"] == [
        "所在区划：所选区划不在您所在机构的管辖范围内，请重新选择。"
    ]
    assert counts() == (0, 0, 0)


def test_inspector_edits_an_enterprise(client_for, inspector, zhoushan_enterprise, dinghai):
    client = client_for(inspector)
    assert client.get(edit_url(zhoushan_enterprise)).status_code == 200
    response = client.post(
        edit_url(zhoushan_enterprise),
        {
            "uscc": zhoushan_enterprise.uscc,
            "name": "舟山海鲜酒楼有限公司",
            "region": "330902",
            "industry": "餐饮业",
            "credit_grade": "C",
        },
    )
    assert response.status_code == 302
    zhoushan_enterprise.refresh_from_db()
    assert (zhoushan_enterprise.region_id, zhoushan_enterprise.credit_grade) == ("330902", "C")
    record = AuditRecord.objects.get()
    assert (record.before["region"], record.after["region"]) == ("330900", "330902")


# --- Contacts ---------------------------------------------------------------------------------


def test_inspector_adds_edits_and_removes_a_contact(client_for, inspector, zhoushan_enterprise):
    client = client_for(inspector)
    add_url = reverse("registry:contact_add", args=[zhoushan_enterprise.pk])
    response = client.post(add_url, {"name": "郑七", "mobile": "13600000000", "email": ""})
    assert response.status_code == 302
    contact = zhoushan_enterprise.contacts.get()
    assert (contact.name, contact.is_primary) == ("郑七", True)
    edit = reverse("registry:contact_edit", args=[zhoushan_enterprise.pk, contact.pk])
    bad = client.post(edit, {"name": "郑七", "mobile": "123", "is_primary": "on"})
    assert bad.context["form"].errors["mobile"] == [
        "手机号应为以 1 开头的 11 位数字，实际为“123”，请核对后重新填写。"
    ]
    client.post(edit, {"name": "郑七", "mobile": "13600000001", "is_primary": "on"})
    contact.refresh_from_db()
    assert contact.mobile == "13600000001"
    remove = reverse("registry:contact_remove", args=[zhoushan_enterprise.pk, contact.pk])
    assert client.post(remove).status_code == 302
    assert zhoushan_enterprise.contacts.count() == 0
    assert AuditRecord.objects.count() == 3


def test_supervisor_may_not_add_contacts(client_for, supervisor, zhoushan_enterprise, counts):
    before = counts()
    add_url = reverse("registry:contact_add", args=[zhoushan_enterprise.pk])
    response = client_for(supervisor).post(add_url, {"name": "郑七", "mobile": "13600000000"})
    assert response.status_code == 403
    assert counts() == before


def test_admin_registers_anywhere_by_typing_the_region_code(client_for, admin_user, yuci, counts):
    client = client_for(admin_user)
    assert 'name="region" inputmode="numeric"' in client.get(CREATE_URL).content.decode()
    unknown = client.post(CREATE_URL, form_post(uscc=code(32, "140702"), region="149999"))
    assert unknown.context["form"].errors["region"] == [
        "所在区划：行政区划代码不存在，请按 GB/T 2260 填写，如 330902。"
    ]
    response = client.post(CREATE_URL, form_post(uscc=code(32, "140702"), region="140702"))
    assert response.status_code == 302
    assert Enterprise.objects.get().region_id == "140702"
    assert counts() == (1, 1, 1)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login_from_the_forms(client, zhoushan_enterprise):
    for url in (
        CREATE_URL,
        edit_url(zhoushan_enterprise),
        reverse("registry:contact_add", args=[zhoushan_enterprise.pk]),
        reverse("registry:enterprise_override", args=[zhoushan_enterprise.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_outsider_gets_404_on_the_contacts_of_a_zhoushan_enterprise(
    client_for, outsider, inspector, zhoushan_enterprise, counts
):
    contact = add_contact(
        zhoushan_enterprise, data={"name": "郑七", "mobile": "13600000000"}, actor=inspector
    )
    before = counts()
    client = client_for(outsider)
    pk = zhoushan_enterprise.pk
    add_url = reverse("registry:contact_add", args=[pk])
    assert client.post(add_url, {"name": "外人", "mobile": "13600000009"}).status_code == 404
    edit = reverse("registry:contact_edit", args=[pk, contact.pk])
    assert client.post(edit, {"name": "外人", "mobile": "13600000009"}).status_code == 404
    remove = reverse("registry:contact_remove", args=[pk, contact.pk])
    assert client.post(remove).status_code == 404
    assert counts() == before
    contact.refresh_from_db()
    assert contact.name == "郑七"
