"""``/api/org/``: scoping, masking, filters, pagination and token authentication."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

import zhifa_testing as testing
from zhifa.org import rules
from zhifa.org.models import APIToken, CertificateStatus
from zhifa.org.services import change_certificate_status, create_api_token, revoke_api_token

ORGS = "/api/org/organisations"
OFFICERS = "/api/org/officers"
ME = "/api/org/me"


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


@pytest.mark.django_db
@pytest.mark.parametrize("url", [ORGS, OFFICERS, ME, f"{ORGS}/1", f"{OFFICERS}/1"])
def test_anonymous_clients_get_401(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_organisations_are_scoped_to_the_user(
    client_for, supervisor, outsider, health_agency, jinzhong_market_agency
):
    assert names(client_for(supervisor).get(ORGS)) == ["舟山市卫生健康委员会", "舟山市司法局"]
    assert names(client_for(outsider).get(ORGS)) == ["晋中市市场监督管理局"]


def test_an_organisation_is_returned_with_its_published_qualification(
    client_for, inspector, health_agency
):
    health_agency.legal_basis = "《中华人民共和国基本医疗卫生与健康促进法》"
    health_agency.save()
    response = client_for(inspector).get(f"{ORGS}/{health_agency.pk}")
    assert response.status_code == 200
    assert response.json() == {
        "id": health_agency.pk,
        "name": "舟山市卫生健康委员会",
        "short_name": "",
        "kind": "agency",
        "kind_label": "行政执法主体",
        "region_code": "330900",
        "region_name": "浙江省舟山市",
        "parent": None,
        "fields": [{"code": "health", "name": "卫生健康"}],
        "doc_prefix": "舟卫",
        "legal_basis": "《中华人民共和国基本医疗卫生与健康促进法》",
        "uscc": "",
        "address": "",
        "phone": "",
        "is_active": True,
    }


def test_outsider_gets_404_for_another_agencys_organisation(client_for, outsider, health_agency):
    response = client_for(outsider).get(f"{ORGS}/{health_agency.pk}")
    assert response.status_code == 404


def test_organisations_are_filtered_by_name_kind_and_region(
    client_for, admin_user, health_agency, justice_bureau, jinzhong_market_agency
):
    client = client_for(admin_user)
    assert names(client.get(ORGS, {"q": "卫生"})) == ["舟山市卫生健康委员会"]
    assert names(client.get(ORGS, {"kind": "supervisor"})) == ["舟山市司法局"]
    assert names(client.get(ORGS, {"region": "14"})) == ["晋中市市场监督管理局"]


def test_a_bad_organisation_filter_is_refused_in_chinese(client_for, admin_user):
    client = client_for(admin_user)
    response = client.get(ORGS, {"kind": "police"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "参数 kind 的取值“police”无效，可用的取值为：agency"
    )
    response = client.get(ORGS, {"region": "33a"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "参数 region 的取值“33a”无效，请填写行政区划代码的数字前缀，如 3309。"
    }


def test_lists_are_paginated_with_the_configured_page_size(
    client_for, approver, health_agency, settings
):
    for name in ["甲", "乙", "丙"]:
        testing.officer(name, organisation=health_agency)
    client = client_for(approver)
    assert client.get(OFFICERS).json()["count"] == 3
    page_two = client.get(OFFICERS, {"page": 2, "page_size": 2})
    assert page_two.json() == {"items": page_two.json()["items"], "count": 3}
    assert names(page_two) == ["甲"]


def test_officers_are_scoped_and_their_id_numbers_masked(
    client_for, supervisor, health_officer, jinzhong_officer
):
    response = client_for(supervisor).get(OFFICERS)
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": health_officer.pk,
                "name": "周执法",
                "cert_no": "330900200001",
                "masked_id_number": health_officer.masked_id_number,
                "organisation": {
                    "id": health_officer.organisation_id,
                    "name": "舟山市卫生健康委员会",
                },
                "fields": [{"code": "health", "name": "卫生健康"}],
                "cert_valid_from": "2024-01-01",
                "cert_valid_until": "2030-12-31",
                "cert_status": "valid",
                "cert_status_label": "有效",
                "cert_status_reason": "",
                "eligible_today": True,
                "ineligibility_reason": None,
            }
        ],
        "count": 1,
    }
    assert health_officer.id_number not in response.content.decode()


def test_an_officer_is_returned_with_the_reason_it_may_not_inspect(
    client_for, approver, health_officer
):
    change_certificate_status(
        health_officer, status=CertificateStatus.SUSPENDED, reason="停职调查", actor=approver
    )
    response = client_for(approver).get(f"{OFFICERS}/{health_officer.pk}")
    assert response.status_code == 200
    data = response.json()
    assert (data["cert_status"], data["eligible_today"], data["ineligibility_reason"]) == (
        "suspended",
        False,
        "执法证已暂扣：停职调查",
    )
    assert data["masked_id_number"] == health_officer.masked_id_number
    assert "id_number" not in data
    assert health_officer.id_number not in response.content.decode()


def test_outsider_gets_404_for_another_agencys_officer(client_for, outsider, health_officer):
    response = client_for(outsider).get(f"{OFFICERS}/{health_officer.pk}")
    assert response.status_code == 404
    assert "周执法" not in response.content.decode()


def test_officers_are_filtered(client_for, admin_user, health_officer, jinzhong_officer):
    testing.officer(
        "乙过期",
        organisation=health_officer.organisation,
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    client = client_for(admin_user)
    assert names(client.get(OFFICERS, {"q": "140700"})) == ["郑市监"]
    assert names(client.get(OFFICERS, {"field": "market"})) == ["郑市监"]
    assert names(client.get(OFFICERS, {"field": "nonexistent"})) == []
    org = health_officer.organisation_id
    assert names(client.get(OFFICERS, {"organisation": org})) == ["乙过期", "周执法"]
    assert names(client.get(OFFICERS, {"eligibility": "expired"})) == ["乙过期"]
    assert names(client.get(OFFICERS, {"eligibility": "eligible", "organisation": org})) == [
        "周执法"
    ]
    assert names(client.get(OFFICERS, {"status": "suspended"})) == []


def test_a_bad_officer_filter_is_refused_in_chinese(client_for, admin_user):
    response = client_for(admin_user).get(OFFICERS, {"eligibility": "maybe"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "参数 eligibility 的取值“maybe”无效，可用的取值为："
        "eligible、ineligible、expired、not_yet_valid。"
    }


def test_me_describes_the_signed_in_user(client_for, inspector, health_agency):
    response = client_for(inspector).get(ME)
    assert response.status_code == 200
    assert response.json() == {
        "username": "inspector",
        "display_name": "王检查",
        "role": "inspector",
        "role_label": "执法人员",
        "is_admin": False,
        "organisation": {"id": health_agency.pk, "name": "舟山市卫生健康委员会"},
        "enterprise": None,
    }


def test_me_describes_an_enterprise_user(client_for, enterprise, zhoushan_enterprise):
    data = client_for(enterprise).get(ME).json()
    assert data["enterprise"] == {"id": zhoushan_enterprise.pk, "name": "舟山海鲜酒楼有限公司"}
    assert data["organisation"] is None
    assert data["role_label"] == "企业用户"


# --- Bearer tokens ----------------------------------------------------------------------------


def test_a_bearer_token_authenticates_a_machine_client(client, admin_user, supervisor):
    token, raw_key = create_api_token(user=supervisor, name="12345 热线", actor=admin_user)
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert response.status_code == 200
    assert response.json()["username"] == "supervisor"
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert APIToken.objects.filter(key_hash=raw_key).count() == 0


def test_a_bearer_token_sees_only_what_its_user_may_see(
    client, admin_user, outsider, health_officer, jinzhong_officer
):
    _, raw_key = create_api_token(user=outsider, name="移动执法", actor=admin_user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}
    assert names(client.get(OFFICERS, **auth)) == ["郑市监"]
    assert client.get(f"{OFFICERS}/{health_officer.pk}", **auth).status_code == 404


def test_a_revoked_token_is_refused(client, admin_user, supervisor):
    token, raw_key = create_api_token(user=supervisor, name="旧令牌", actor=admin_user)
    revoke_api_token(token, actor=admin_user)
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert response.status_code == 401


def test_a_wrong_token_is_refused(client, admin_user, supervisor):
    create_api_token(user=supervisor, name="热线", actor=admin_user)
    for key in ["zf_not-a-real-key", "not-even-the-prefix", ""]:
        response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(client, admin_user, supervisor):
    _, raw_key = create_api_token(user=supervisor, name="热线", actor=admin_user)
    supervisor.is_active = False
    supervisor.save()
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw_key}").status_code == 401


def test_the_openapi_schema_describes_the_org_endpoints(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/org/organisations",
        "/api/org/organisations/{organisation_id}",
        "/api/org/officers",
        "/api/org/officers/{officer_id}",
        "/api/org/me",
    ]:
        assert path in paths
    officer_params = {p["name"] for p in paths["/api/org/officers"]["get"]["parameters"]}
    assert officer_params == {
        "q",
        "organisation",
        "field",
        "status",
        "eligibility",
        "page",
        "page_size",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("url", [ORGS, OFFICERS])
def test_a_social_supervisor_is_refused_the_directories_with_the_reason(
    client_for, social_supervisor, health_officer, url
):
    response = client_for(social_supervisor).get(url)
    assert (response.status_code, response.json()) == (403, {"detail": rules.DIRECTORY_DENIED})


@pytest.mark.django_db
def test_an_officer_of_another_agency_is_not_found_and_one_seen_opens(
    client_for, outsider, inspector, health_officer
):
    assert client_for(outsider).get(f"{OFFICERS}/{health_officer.pk}").status_code == 404
    assert client_for(inspector).get(f"{OFFICERS}/{health_officer.pk}").status_code == 200
