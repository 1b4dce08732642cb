from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

import zhifa_testing as testing
from zhifa.org import rules
from zhifa.org.models import CertificateStatus, Officer
from zhifa.org.services import change_certificate_status, create_officer

LIST_URL = reverse("org:officer_list")
EXPORT_URL = reverse("org:officer_export")


def detail_url(officer: Officer) -> str:
    return reverse("org:officer_detail", args=[officer.pk])


def listed(response) -> list[str]:
    return [o.name for o in response.context["page"]]


def set_validity(officer: Officer, start: dt.date, end: dt.date) -> Officer:
    Officer.objects.filter(pk=officer.pk).update(cert_valid_from=start, cert_valid_until=end)
    officer.refresh_from_db()
    return officer


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LIST_URL, EXPORT_URL])
def test_anonymous_visitor_is_sent_to_login_from_officer_lists(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_anonymous_visitor_is_sent_to_login_from_an_officer_page(client, health_officer):
    response = client.get(detail_url(health_officer))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/org/officers/{health_officer.pk}/"


def test_inspector_lists_only_its_agencys_officers_with_masked_id_numbers(
    client_for, inspector, health_officer, jinzhong_officer
):
    response = client_for(inspector).get(LIST_URL)
    assert response.status_code == 200
    assert listed(response) == ["周执法"]
    body = response.content.decode()
    assert "共 1 名执法人员" in body
    assert f"<td>{health_officer.masked_id_number}</td>" in body
    assert health_officer.id_number not in body
    assert "郑市监" not in body


def test_supervisor_lists_the_officers_of_zhoushans_agencies(
    client_for, supervisor, health_officer, jinzhong_officer
):
    response = client_for(supervisor).get(LIST_URL)
    assert listed(response) == ["周执法"]


def test_outsider_lists_none_of_zhoushans_officers(
    client_for, outsider, health_officer, jinzhong_officer
):
    response = client_for(outsider).get(LIST_URL)
    assert listed(response) == ["郑市监"]


def test_enterprise_user_is_refused_the_directory_of_officers(
    client_for, enterprise, health_officer
):
    response = client_for(enterprise).get(LIST_URL)
    assert response.status_code == 403
    assert rules.DIRECTORY_DENIED in response.content.decode()


def test_officers_are_searched_by_name_and_by_certificate_number(
    client_for, admin_user, health_officer, jinzhong_officer
):
    client = client_for(admin_user)
    assert listed(client.get(LIST_URL, {"q": "周"})) == ["周执法"]
    assert listed(client.get(LIST_URL, {"q": "1407003"})) == ["郑市监"]


def test_officers_are_filtered_by_organisation_and_field(
    client_for, admin_user, health_officer, jinzhong_officer, jinzhong_market_agency
):
    client = client_for(admin_user)
    by_org = client.get(LIST_URL, {"organisation": jinzhong_market_agency.pk})
    assert listed(by_org) == ["郑市监"]
    health = health_officer.fields.get()
    assert listed(client.get(LIST_URL, {"field": health.pk})) == ["周执法"]


def test_an_organisation_outside_the_users_scope_cannot_be_chosen_as_filter(
    client_for, inspector, health_officer, jinzhong_market_agency
):
    response = client_for(inspector).get(LIST_URL, {"organisation": jinzhong_market_agency.pk})
    body = response.content.decode()
    assert '<p class="error">所属机构：所选机构不存在或不在您的查看范围内，请重新选择。</p>' in body
    assert response.context["page"].paginator.count == 1
    assert "晋中市市场监督管理局" not in body


def test_officers_are_filtered_by_certificate_status_and_eligibility_today(
    client_for, approver, health_agency
):
    today = timezone.localdate()
    valid = testing.officer("甲有效", organisation=health_agency)
    expired = set_validity(
        testing.officer("乙过期", organisation=health_agency),
        dt.date(2020, 1, 1),
        today - dt.timedelta(days=1),
    )
    future = set_validity(
        testing.officer("丙未生效", organisation=health_agency),
        today + dt.timedelta(days=1),
        today + dt.timedelta(days=400),
    )
    suspended = testing.officer("丁暂扣", organisation=health_agency)
    change_certificate_status(
        suspended, status=CertificateStatus.SUSPENDED, reason="停职调查", actor=approver
    )
    client = client_for(approver)

    def names(**params):
        return listed(client.get(LIST_URL, params))

    assert names(status="suspended") == ["丁暂扣"]
    assert names(status="valid") == ["丙未生效", "乙过期", "甲有效"]
    assert names(eligibility="eligible") == ["甲有效"]
    assert names(eligibility="ineligible") == ["丁暂扣", "丙未生效", "乙过期"]
    assert names(eligibility="expired") == [expired.name]
    assert names(eligibility="not_yet_valid") == [future.name]
    assert valid.is_eligible()


def test_the_officer_list_is_paginated(client_for, approver, health_agency, settings):
    settings.ZHIFA_PAGE_SIZE = 2
    for name in ["甲", "乙", "丙"]:
        testing.officer(name, organisation=health_agency)
    client = client_for(approver)
    first = client.get(LIST_URL, {"q": ""})
    second = client.get(LIST_URL, {"q": "", "page": 2})
    assert listed(first) == ["丙", "乙"]
    assert listed(second) == ["甲"]
    assert '<a href="?q=&amp;page=2" rel="next">下一页</a>' in first.content.decode()


def test_the_list_shows_why_an_officer_is_ineligible_today(client_for, approver, health_agency):
    officer = testing.officer(
        "乙过期", organisation=health_agency, valid_until=dt.date(2024, 6, 30)
    )
    body = client_for(approver).get(LIST_URL).content.decode()
    assert officer.ineligibility_reason() == "执法证已于 2024-06-30 过期"
    assert '<span class="error">执法证已于 2024-06-30 过期</span>' in body


def test_inspector_opens_an_officer_of_its_agency_with_the_id_number_masked(
    client_for, inspector, health_officer
):
    response = client_for(inspector).get(detail_url(health_officer))
    assert response.status_code == 200
    body = response.content.decode()
    masked = health_officer.masked_id_number
    assert masked == health_officer.id_number[:6] + "********" + health_officer.id_number[-4:]
    assert f'<dd data-testid="id-number">{masked}</dd>' in body
    assert health_officer.id_number not in body
    assert '<dd data-testid="cert-no">330900200001</dd>' in body
    assert "<dd>2024-01-01 至 2030-12-31</dd>" in body
    assert '<span class="badge ok">可参与执法</span>' in body
    # An inspector may read but not manage.
    assert "修改信息" not in body


def test_supervisor_opens_an_officer_of_a_zhoushan_agency_without_edit_buttons(
    client_for, supervisor, health_officer
):
    response = client_for(supervisor).get(detail_url(health_officer))
    assert response.status_code == 200
    body = response.content.decode()
    assert "周执法" in body
    assert "修改信息" not in body
    assert "暂扣执法证" not in body


def test_outsider_gets_404_for_another_agencys_officer(client_for, outsider, health_officer):
    response = client_for(outsider).get(detail_url(health_officer))
    assert response.status_code == 404
    assert "周执法" not in response.content.decode()


def test_enterprise_user_gets_404_for_an_officer(client_for, enterprise, health_officer):
    assert client_for(enterprise).get(detail_url(health_officer)).status_code == 404


def test_approver_sees_the_manage_buttons_for_its_officers(client_for, approver, health_officer):
    body = client_for(approver).get(detail_url(health_officer)).content.decode()
    pk = health_officer.pk
    assert f'<a class="button" href="/org/officers/{pk}/edit/">修改信息</a>' in body
    assert (
        f'<a class="button" href="/org/officers/{pk}/certificate/?action=suspend">暂扣执法证</a>'
        in body
    )
    assert (
        f'<a class="button" href="/org/officers/{pk}/certificate/?action=revoke">吊销执法证</a>'
        in body
    )


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("expired", "执法证已于 2024-06-30 过期"),
        ("suspended", "执法证已暂扣：涉嫌违规执法，停职调查"),
        ("revoked", "执法证已吊销：因故意违法执法被吊销"),
        ("not_yet_valid", "执法证自 2099-01-01 起生效，尚未生效"),
    ],
)
def test_the_officer_page_gives_the_chinese_reason_of_ineligibility(
    client_for, approver, health_agency, setup, reason
):
    officer = testing.officer("吴某", organisation=health_agency)
    if setup == "expired":
        set_validity(officer, dt.date(2020, 7, 1), dt.date(2024, 6, 30))
    elif setup == "not_yet_valid":
        set_validity(officer, dt.date(2099, 1, 1), dt.date(2104, 12, 31))
    elif setup == "suspended":
        change_certificate_status(
            officer, status="suspended", reason="涉嫌违规执法，停职调查", actor=approver
        )
    else:
        change_certificate_status(
            officer, status="revoked", reason="因故意违法执法被吊销", actor=approver
        )
    body = client_for(approver).get(detail_url(officer)).content.decode()
    assert f'<strong class="error" data-testid="ineligibility-reason">{reason}</strong>' in body


def test_the_officer_page_shows_its_history(client_for, approver, health_agency):
    officer = create_officer(
        actor=approver,
        organisation=health_agency,
        name="钱新人",
        cert_no="330900209999",
        id_number=testing.make_id_number(77),
        cert_valid_from=dt.date(2025, 1, 1),
        cert_valid_until=dt.date(2029, 12, 31),
    )
    body = client_for(approver).get(detail_url(officer)).content.decode()
    assert "<strong>登记执法人员</strong>" in body
    assert "登记执法人员 钱新人（执法证号 330900209999）" in body
    assert "操作人：李主任（舟山市卫生健康委员会·执法机关负责人）" in body
    assert "officer.create" not in body


def test_the_export_lists_the_filtered_officers_with_masked_id_numbers(
    client_for, supervisor, health_officer, jinzhong_officer, health_agency
):
    testing.officer("乙过期", organisation=health_agency, valid_until=dt.date(2024, 6, 30))
    response = client_for(supervisor).get(EXPORT_URL, {"q": "周"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''%E6%89%A7%E6%B3%95%E4%BA%BA%E5%91%98-{today:%Y%m%d}.xlsx"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == [
        [
            "姓名",
            "执法证号",
            "身份证号（已脱敏）",
            "所属机构",
            "执法领域",
            "证件有效期起",
            "证件有效期至",
            "证件状态",
            "今日执法资格",
            "不符合原因",
        ],
        [
            "周执法",
            "330900200001",
            health_officer.masked_id_number,
            "舟山市卫生健康委员会",
            "卫生健康",
            dt.datetime(2024, 1, 1),
            dt.datetime(2030, 12, 31),
            "有效",
            "可参与执法",
            None,
        ],
    ]
    assert health_officer.id_number.encode() not in response.content


def test_the_export_gives_ineligibility_reasons_and_respects_the_scope(
    client_for, outsider, health_officer, jinzhong_officer, jinzhong_market_agency
):
    testing.officer("晋过期", organisation=jinzhong_market_agency, valid_until=dt.date(2024, 6, 30))
    response = client_for(outsider).get(EXPORT_URL, {"eligibility": "expired"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[8], r[9]) for r in rows] == [
        ("晋过期", "不可参与执法", "执法证已于 2024-06-30 过期")
    ]
