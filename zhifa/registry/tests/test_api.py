"""``/api/registry/``: scoped list and detail, filters, pagination, and registration."""

from __future__ import annotations

import json

import pytest

import zhifa_testing as testing
from zhifa.org.services import create_api_token
from zhifa.registry import rules
from zhifa.registry.models import Enterprise
from zhifa.registry.services import register_enterprise
from zhifa.registry.tests.helpers import code, wrong_check

LIST = "/api/registry/enterprises"


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def post(client, payload: dict):
    return client.post(LIST, data=json.dumps(payload), content_type="application/json")


def payload(**overrides) -> dict:
    data = {
        "uscc": code(41),
        "name": "接口登记有限公司",
        "legal_representative": "钱一",
        "address": "定海区接口路 4 号",
        "region_code": "330902",
        "industry": "软件业",
        "credit_grade": "A",
        "contact_name": "孙二",
        "contact_mobile": "13500000000",
        "contact_email": "sun@example.com",
    }
    data.update(overrides)
    return data


@pytest.fixture
def two_places(zhoushan_enterprise, yuci):
    return zhoushan_enterprise, testing.enterprise(
        "榆次接口测试有限公司", region=yuci, serial=42, industry="采矿业", credit_grade="D"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get_list", "get_detail", "post"])
def test_anonymous_clients_get_401(client, method):
    if method == "get_list":
        response = client.get(LIST)
    elif method == "get_detail":
        response = client.get(f"{LIST}/1")
    else:
        response = post(client, payload())
    assert response.status_code == 401
    assert Enterprise.objects.count() == 0


def test_the_list_is_scoped_to_the_user(
    client_for, supervisor, outsider, enterprise, admin_user, two_places
):
    assert names(client_for(supervisor).get(LIST)) == ["舟山海鲜酒楼有限公司"]
    assert names(client_for(outsider).get(LIST)) == ["榆次接口测试有限公司"]
    refused = client_for(enterprise).get(LIST)
    assert (refused.status_code, refused.json()) == (403, {"detail": rules.LIST_DENIED})
    assert names(client_for(admin_user).get(LIST)) == [
        "榆次接口测试有限公司",
        "舟山海鲜酒楼有限公司",
    ]


def test_a_detail_is_returned_with_contacts_and_override(client_for, approver, dinghai):
    enterprise = register_enterprise(
        data={
            "uscc": wrong_check(code(43)),
            "name": "复核接口测试有限公司",
            "region": "330902",
            "credit_grade": "C",
            "uscc_override": True,
            "uscc_override_reason": "已核对营业执照原件",
            "contact_name": "周三",
            "contact_mobile": "13400000000",
        },
        actor=approver,
    )
    response = client_for(approver).get(f"{LIST}/{enterprise.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data.pop("created_at") and data.pop("updated_at")
    assert data["uscc_override"].pop("reviewed_at")
    assert data == {
        "id": enterprise.pk,
        "uscc": wrong_check(code(43)),
        "name": "复核接口测试有限公司",
        "legal_representative": "",
        "address": "",
        "region_code": "330902",
        "region_name": "定海区",
        "industry": "",
        "industry_code": "",
        "credit_grade": "C",
        "credit_grade_label": "C 类（信用风险较高）",
        "uscc_override": {"reason": "已核对营业执照原件", "reviewed_by": "李主任"},
        "contacts": [{"name": "周三", "mobile": "13400000000", "email": "", "is_primary": True}],
    }


def test_outsider_gets_404_for_an_enterprise_of_zhoushan(client_for, outsider, two_places):
    response = client_for(outsider).get(f"{LIST}/{two_places[0].pk}")
    assert response.status_code == 404


def test_filters_and_pagination(client_for, admin_user, two_places, dinghai):
    testing.enterprise("定海过滤测试有限公司", region=dinghai, serial=44, credit_grade="A")
    client = client_for(admin_user)
    assert names(client.get(LIST, {"q": "榆次"})) == ["榆次接口测试有限公司"]
    assert names(client.get(LIST, {"region": "330900"})) == [
        "舟山海鲜酒楼有限公司",
        "定海过滤测试有限公司",
    ]
    assert names(client.get(LIST, {"region": "330902"})) == ["定海过滤测试有限公司"]
    assert names(client.get(LIST, {"industry": "采矿业"})) == ["榆次接口测试有限公司"]
    assert names(client.get(LIST, {"credit_grade": "A"})) == ["定海过滤测试有限公司"]
    page_two = client.get(LIST, {"page": 2, "page_size": 2})
    assert page_two.json()["count"] == 3
    assert names(page_two) == ["定海过滤测试有限公司"]


def test_bad_filters_are_refused_in_chinese(client_for, admin_user):
    client = client_for(admin_user)
    assert client.get(LIST, {"credit_grade": "E"}).json() == {
        "detail": "参数 credit_grade 的取值“E”无效，可用的取值为：A、B、C、D。"
    }
    response = client.get(LIST, {"region": "舟山"})
    assert response.status_code == 400


def test_inspector_registers_an_enterprise(client_for, inspector, dinghai, counts):
    response = post(client_for(inspector), payload())
    assert response.status_code == 201
    data = response.json()
    assert (data["uscc"], data["name"], data["region_code"], data["uscc_override"]) == (
        code(41),
        "接口登记有限公司",
        "330902",
        None,
    )
    assert counts() == (1, 1, 1)


def test_bad_input_comes_back_as_chinese_errors_per_field(client_for, inspector, dinghai, counts):
    bad = wrong_check(code(41))
    response = post(
        client_for(inspector), payload(uscc=bad, region_code="140702", contact_mobile="110")
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "登记信息有误，请按各字段的提示改正后重新提交。",
        "errors": {
            "uscc": [
                f"统一社会信用代码“{bad}”校验位错误：第 18 位应为“{code(41)[17]}”，"
                f"实际为“{bad[17]}”。请核对代码；确属真实代码时，"
                "须由执法机关负责人或系统管理员人工复核后登记。"
            ],
            "region_code": [
                "行政区划代码“140702”不存在，请按 GB/T 2260 行政区划代码填写，如 330902。"
            ],
            "contact_mobile": ["手机号应为以 1 开头的 11 位数字，实际为“110”，请核对后重新填写。"],
        },
    }
    assert counts() == (0, 0, 0)


def test_approver_registers_a_failing_code_with_an_override(client_for, approver, dinghai):
    response = post(
        client_for(approver),
        payload(
            uscc=wrong_check(code(41)),
            uscc_override=True,
            uscc_override_reason="已核对营业执照原件",
        ),
    )
    assert response.status_code == 201
    assert response.json()["uscc_override"]["reviewed_by"] == "李主任"


def test_inspector_gets_403_for_an_override_and_nothing_changes(
    client_for, inspector, dinghai, counts
):
    response = post(
        client_for(inspector),
        payload(uscc=wrong_check(code(41)), uscc_override=True, uscc_override_reason="看过"),
    )
    assert response.status_code == 403
    assert response.json() == {"detail": rules.OVERRIDE_DENIED}
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("persona", ["supervisor", "enterprise"])
def test_read_only_roles_get_403_and_nothing_changes(client_for, request, persona, dinghai, counts):
    user = request.getfixturevalue(persona)
    before = counts()
    response = post(client_for(user), payload())
    assert response.status_code == 403
    assert response.json() == {"detail": rules.WRITE_DENIED}
    assert counts() == before


def test_outsider_cannot_register_in_zhoushan(client_for, outsider, dinghai, counts):
    response = post(client_for(outsider), payload())
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["region_code"]
    assert counts() == (0, 0, 0)


def test_a_machine_client_registers_with_a_bearer_token(client, inspector, dinghai, admin_user):
    _, key = create_api_token(user=inspector, name="移动执法终端", actor=admin_user)
    response = client.post(
        LIST,
        data=json.dumps(payload()),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201
    assert Enterprise.objects.get().uscc == code(41)


def test_an_enterprise_user_gets_404_for_another_enterprise(
    client_for, enterprise, zhoushan_enterprise, dinghai
):
    other = testing.enterprise("定海邻居有限公司", region=dinghai, serial=45)
    client = client_for(enterprise)
    assert client.get(f"{LIST}/{zhoushan_enterprise.pk}").status_code == 200
    assert client.get(f"{LIST}/{other.pk}").status_code == 404
