from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhifa.documents.services import reserve_number, use_number, void_number

URL = reverse("documents:number_list")


@pytest.fixture
def numbers(
    health_agency, justice_bureau, jinzhong_market_agency, preview_kind, notice_kind, admin_user
):
    def take(org, kind, year=2026):
        return reserve_number(organisation=org, kind=kind, year=year, actor=admin_user)

    first = take(health_agency, preview_kind)
    second = take(health_agency, preview_kind)
    third = take(health_agency, notice_kind)
    old = take(health_agency, preview_kind, 2025)
    bureau = take(justice_bureau, notice_kind)
    jinzhong = take(jinzhong_market_agency, preview_kind)
    use_number(first, obj=health_agency, actor=admin_user)
    void_number(second, reason="文书内容有误", actor=admin_user)
    return {
        "first": first,
        "second": second,
        "third": third,
        "old": old,
        "bureau": bureau,
        "jinzhong": jinzhong,
    }


def texts(response):
    return [n.text for n in response.context["page"]]


def test_anonymous_is_sent_to_log_in(client_for, numbers):
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=" + URL


def test_an_enterprise_user_is_refused(client_for, enterprise, numbers):
    response = client_for(enterprise).get(URL)
    assert response.status_code == 403
    assert (
        "文号台账仅限执法机关工作人员、执法监督人员和系统管理员查看。" in response.content.decode()
    )


def test_an_agency_user_sees_only_its_own_organisations_numbers(client_for, inspector, numbers):
    response = client_for(inspector).get(URL)
    assert response.status_code == 200
    assert texts(response) == [
        "舟卫执预〔2026〕2号",
        "舟卫执预〔2026〕1号",
        "舟卫检通〔2026〕1号",
        "舟卫执预〔2025〕1号",
    ]
    body = response.content.decode()
    assert "作废：文书内容有误" in body
    assert "机构 #" in body  # the used number names the document that carries it
    assert "舟司" not in body


def test_an_outsider_sees_only_its_own_agencys_numbers(client_for, outsider, numbers):
    response = client_for(outsider).get(URL)
    assert response.status_code == 200
    assert texts(response) == ["晋市监执预〔2026〕1号"]
    assert "舟卫" not in response.content.decode()


def test_a_supervisor_sees_the_numbers_of_its_region(client_for, supervisor, numbers):
    response = client_for(supervisor).get(URL)
    assert response.status_code == 200
    assert sorted(texts(response)) == sorted(
        [
            "舟卫执预〔2026〕2号",
            "舟卫执预〔2026〕1号",
            "舟卫检通〔2026〕1号",
            "舟卫执预〔2025〕1号",
            "舟司检通〔2026〕1号",
        ]
    )


def test_an_admin_sees_every_number(client_for, admin_user, numbers):
    response = client_for(admin_user).get(URL)
    assert response.status_code == 200
    assert response.context["total"] == 6


def test_filters_by_kind_year_status_and_text(client_for, inspector, numbers, notice_kind):
    client = client_for(inspector)
    assert texts(client.get(URL, {"status": "voided"})) == ["舟卫执预〔2026〕2号"]
    assert texts(client.get(URL, {"status": "used"})) == ["舟卫执预〔2026〕1号"]
    assert texts(client.get(URL, {"kind": notice_kind.pk})) == ["舟卫检通〔2026〕1号"]
    assert texts(client.get(URL, {"year": "2025"})) == ["舟卫执预〔2025〕1号"]
    assert texts(client.get(URL, {"q": "检通"})) == ["舟卫检通〔2026〕1号"]
    assert texts(client.get(URL, {"year": "2026", "status": "reserved"})) == ["舟卫检通〔2026〕1号"]


def test_a_bad_filter_value_is_named_and_ignored(client_for, inspector, numbers):
    response = client_for(inspector).get(URL, {"status": "lost", "year": "2025"})
    assert response.status_code == 200
    assert "状态：状态“lost”不正确，请从列表中选择。" in response.content.decode()
    assert texts(response) == ["舟卫执预〔2025〕1号"]


def test_an_organisation_the_user_cannot_see_is_not_a_valid_filter(
    client_for, inspector, numbers, justice_bureau
):
    response = client_for(inspector).get(URL, {"organisation": justice_bureau.pk})
    assert "机构：所选机构不存在或您无权查看，请重新选择。" in response.content.decode()
    assert response.context["total"] == 4


def test_the_list_is_paginated(client_for, inspector, numbers, settings):
    settings.ZHIFA_PAGE_SIZE = 3
    client = client_for(inspector)
    assert texts(client.get(URL)) == [
        "舟卫执预〔2026〕2号",
        "舟卫执预〔2026〕1号",
        "舟卫检通〔2026〕1号",
    ]
    second_page = client.get(URL, {"page": 2})
    assert texts(second_page) == ["舟卫执预〔2025〕1号"]
    assert "第 2 / 2 页" in second_page.content.decode()


def test_the_filtered_list_exports_to_excel(client_for, inspector, numbers):
    response = client_for(inspector).get(URL, {"year": "2026", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("文号", "机构", "文书种类", "年度", "序号", "状态")
    assert [row[0] for row in rows[1:]] == [
        "舟卫执预〔2026〕2号",
        "舟卫执预〔2026〕1号",
        "舟卫检通〔2026〕1号",
    ]
    assert rows[1][5] == "已作废"
    assert rows[1][10] == "文书内容有误"
    assert rows[2][5] == "已使用"
    assert rows[2][11].startswith("机构 #")


def test_an_outsiders_export_holds_none_of_another_agencys_numbers(client_for, outsider, numbers):
    response = client_for(outsider).get(URL, {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["晋市监执预〔2026〕1号"]
