from __future__ import annotations

import pytest
from django.urls import reverse

import zhifa_testing as testing
from zhifa.org import rules
from zhifa.org.models import OrganisationKind
from zhifa.org.services import save_organisation

LIST_URL = reverse("org:organisation_list")


def detail_url(org) -> str:
    return reverse("org:organisation_detail", args=[org.pk])


def listed_names(response) -> list[str]:
    return [org.name for org in response.context["page"]]


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login_from_the_organisation_list(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/org/organisations/"


def test_anonymous_visitor_is_sent_to_login_from_an_organisation_page(client, health_agency):
    response = client.get(detail_url(health_agency))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/org/organisations/{health_agency.pk}/"


def test_inspector_sees_only_its_own_organisation(
    client_for, inspector, justice_bureau, jinzhong_market_agency
):
    response = client_for(inspector).get(LIST_URL)
    assert response.status_code == 200
    assert listed_names(response) == ["舟山市卫生健康委员会"]
    assert "共 1 个机构" in response.content.decode()


def test_supervisor_sees_the_organisations_of_its_region(
    client_for, supervisor, health_agency, jinzhong_market_agency
):
    response = client_for(supervisor).get(LIST_URL)
    assert listed_names(response) == ["舟山市卫生健康委员会", "舟山市司法局"]


def test_outsider_sees_none_of_zhoushans_organisations(
    client_for, outsider, health_agency, justice_bureau
):
    response = client_for(outsider).get(LIST_URL)
    assert listed_names(response) == ["晋中市市场监督管理局"]


def test_enterprise_user_is_refused_the_directory_of_organisations(
    client_for, enterprise, health_agency
):
    # The directory is for agencies and supervisors (capability organisation.list): an
    # enterprise user reads why rather than an empty list, and has no menu entry for it.
    response = client_for(enterprise).get(LIST_URL)
    assert response.status_code == 403
    assert rules.DIRECTORY_DENIED in response.content.decode()


def test_organisations_are_searched_by_name(
    client_for, admin_user, health_agency, justice_bureau, jinzhong_market_agency
):
    response = client_for(admin_user).get(LIST_URL, {"q": "司法"})
    assert listed_names(response) == ["舟山市司法局"]


def test_organisations_are_filtered_by_kind(client_for, supervisor, health_agency, justice_bureau):
    response = client_for(supervisor).get(LIST_URL, {"kind": OrganisationKind.SUPERVISOR})
    assert listed_names(response) == ["舟山市司法局"]


def test_organisations_are_filtered_by_region_prefix(
    client_for, admin_user, health_agency, jinzhong_market_agency
):
    response = client_for(admin_user).get(LIST_URL, {"region": "1407"})
    assert listed_names(response) == ["晋中市市场监督管理局"]
    body = response.content.decode()
    # The region choices are the regions of visible organisations and their provinces.
    assert '<option value="14">山西省（140000）</option>' in body
    assert '<option value="1407" selected>山西省晋中市（140700）</option>' in body


def test_a_region_filter_that_is_not_a_code_prefix_is_refused_in_chinese(
    client_for, admin_user, health_agency
):
    response = client_for(admin_user).get(LIST_URL, {"region": "zhoushan"})
    assert response.status_code == 200
    assert "区划：请填写行政区划代码的数字前缀，如 3309。" in response.content.decode()


def test_the_organisation_list_is_paginated(client_for, admin_user, zhoushan, settings):
    settings.ZHIFA_PAGE_SIZE = 2
    for name in ["舟山市甲局", "舟山市乙局", "舟山市丙局"]:
        testing.organisation(name, region=zhoushan)
    client = client_for(admin_user)
    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": 2})
    # Ordered by region, then name (code-point order: 丙 < 乙 < 甲).
    assert listed_names(first) == ["舟山市丙局", "舟山市乙局"]
    assert listed_names(second) == ["舟山市甲局"]
    assert '<a href="?page=2" rel="next">下一页</a>' in first.content.decode()
    assert "第 2 / 2 页" in second.content.decode()


def test_inspector_opens_its_organisations_page(client_for, inspector, health_agency):
    health_agency.legal_basis = "《浙江省卫生健康行政执法规定》第三条"
    health_agency.save()
    testing.officer("周执法", organisation=health_agency)
    response = client_for(inspector).get(detail_url(health_agency))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>舟山市卫生健康委员会</h1>" in body
    assert '<dd data-testid="region">浙江省舟山市（330900）</dd>' in body
    assert '<dd data-testid="doc-prefix">舟卫</dd>' in body
    assert '<dd data-testid="legal-basis">《浙江省卫生健康行政执法规定》第三条</dd>' in body
    assert "<dd>行政执法主体</dd>" in body
    assert "<dd>卫生健康</dd>" in body
    assert [o.name for o in response.context["officers"]] == ["周执法"]


def test_the_organisation_page_shows_its_parent_and_history(client_for, admin_user, zhoushan):
    parent = testing.organisation("浙江省卫生健康委员会", region=zhoushan.parent)
    child = testing.organisation("舟山市卫生监督所", region=zhoushan)
    child.parent = parent
    save_organisation(child, actor=admin_user)
    response = client_for(admin_user).get(detail_url(child))
    body = response.content.decode()
    assert f'<a href="/org/organisations/{parent.pk}/">浙江省卫生健康委员会</a>' in body
    assert "<strong>修改机构</strong>" in body
    assert "org.organisation.change" not in body
    assert "修改机构“舟山市卫生监督所”" in body


def test_outsider_gets_404_for_another_agencys_organisation(client_for, outsider, health_agency):
    response = client_for(outsider).get(detail_url(health_agency))
    assert response.status_code == 404
    assert "舟山市卫生健康委员会" not in response.content.decode()


def test_enterprise_user_gets_404_for_an_organisation(client_for, enterprise, health_agency):
    assert client_for(enterprise).get(detail_url(health_agency)).status_code == 404


def test_supervisor_opens_an_agency_of_its_region_and_sees_its_officers(
    client_for, supervisor, health_agency
):
    testing.officer("周执法", organisation=health_agency)
    response = client_for(supervisor).get(detail_url(health_agency))
    assert response.status_code == 200
    assert [o.name for o in response.context["officers"]] == ["周执法"]
    assert "登记执法人员" not in response.content.decode()


def test_approver_is_offered_to_register_an_officer_on_its_organisation_page(
    client_for, approver, health_agency
):
    body = client_for(approver).get(detail_url(health_agency)).content.decode()
    assert '<a class="button primary" href="/org/officers/new/">登记执法人员</a>' in body
