from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.audit.services import record_change, snapshot
from zhifa.org.models import Role

LIST = reverse("audit:record_list")
VERIFY = reverse("audit:verify")


@pytest.fixture
def records(health_agency, jinzhong_market_agency, inspector, outsider):
    """Three records of 舟山 (two of one officer), one of 晋中 and one system-wide."""
    officer = testing.officer("张执法", organisation=health_agency)
    made = {}
    with transaction.atomic():
        before = snapshot(officer)
        officer.mobile = "13800000000"
        officer.save()
        made["officer"] = record_change(
            actor=inspector,
            action="officer.update",
            obj=officer,
            before=before,
            after=snapshot(officer) | {"mobile": "13800000000"},
            summary="修改执法人员张执法的手机号",
        )
        made["agency"] = record_change(
            actor=inspector,
            action="organisation.update",
            obj=health_agency,
            before={"phone": ""},
            after={"phone": "0580-1234567"},
            summary="修改舟山市卫生健康委员会电话",
        )
        made["cert"] = record_change(
            actor=None,
            action="officer.certificate_status",
            obj=officer,
            before={"cert_status": "valid"},
            after={"cert_status": "suspended"},
            summary="张执法 执法证状态变更为“暂扣”",
        )
        made["jinzhong"] = record_change(
            actor=outsider,
            action="organisation.update",
            obj=jinzhong_market_agency,
            before={"phone": ""},
            after={"phone": "0354-7654321"},
            summary="修改晋中市市场监督管理局电话",
        )
        made["global"] = record_change(
            actor=None,
            action="holiday.load",
            object_type="test.calendar",
            object_id="2026",
            after={"year": 2026},
            summary="载入 2026 年节假日安排",
        )
    made["officer_obj"] = officer
    return made


def seqs(response):
    return [r.seq for r in response.context["page"]]


# --- Access ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client_for, records):
    response = client_for(None).get(LIST)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=" + LIST


@pytest.mark.parametrize(
    ("persona", "detail_status"),
    # A record of the user's own region is refused (403); one outside what he may see at all is
    # not found (404), as for every object (zhifa.core.access).
    [("outsider", 404), ("inspector", 403), ("approver", 403), ("enterprise", 404)],
)
def test_users_other_than_supervisors_and_admins_are_refused(
    client_for, records, persona, detail_status, request
):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    response = client.get(LIST)
    assert response.status_code == 403
    assert "审计链仅限执法监督人员和系统管理员查看。" in response.content.decode()
    detail = client.get(reverse("audit:record_detail", args=[records["agency"].seq]))
    assert detail.status_code == detail_status
    count = AuditRecord.objects.count()
    assert client.post(VERIFY, HTTP_HX_REQUEST="true").status_code == 403
    assert AuditRecord.objects.count() == count


def test_a_supervisor_sees_the_records_of_its_region(client_for, supervisor, records):
    response = client_for(supervisor).get(LIST)
    assert response.status_code == 200
    assert seqs(response) == [records["cert"].seq, records["agency"].seq, records["officer"].seq]
    body = response.content.decode()
    assert "晋中" not in body
    assert "载入 2026 年节假日安排" not in body


def test_an_admin_sees_every_record(client_for, admin_user, records):
    response = client_for(admin_user).get(LIST)
    assert response.status_code == 200
    assert response.context["total"] == 5


def test_a_social_supervisor_is_refused(client_for, zhoushan, records):
    user = testing.user("social", role=Role.SOCIAL_SUPERVISOR, region=zhoushan)
    assert client_for(user).get(LIST).status_code == 403


# --- Filters and pages ----------------------------------------------------------------------


def test_filters_by_action_object_type_actor_and_object(client_for, admin_user, records):
    client = client_for(admin_user)
    assert seqs(client.get(LIST, {"action": "organisation.update"})) == [
        records["jinzhong"].seq,
        records["agency"].seq,
    ]
    assert seqs(client.get(LIST, {"object_type": "org.officer"})) == [
        records["cert"].seq,
        records["officer"].seq,
    ]
    assert seqs(client.get(LIST, {"actor": "孙外地"})) == [records["jinzhong"].seq]
    assert seqs(client.get(LIST, {"actor": "系统"})) == [
        records["global"].seq,
        records["cert"].seq,
    ]
    officer_id = str(records["officer_obj"].pk)
    assert seqs(
        client.get(LIST, {"object_type": "org.officer", "object_id": officer_id, "actor": "王"})
    ) == [records["officer"].seq]


def test_filters_by_date_range_in_local_time(client_for, admin_user, records):
    # 2026-03-01 23:30 in Shanghai is still 1 March there, though 15:30 UTC.
    late = timezone.make_aware(dt.datetime(2026, 3, 1, 23, 30))
    AuditRecord.objects.filter(seq=records["agency"].seq).update(at=late)
    client = client_for(admin_user)
    on_first = client.get(LIST, {"date_from": "2026-03-01", "date_to": "2026-03-01"})
    assert seqs(on_first) == [records["agency"].seq]
    assert seqs(client.get(LIST, {"date_from": "2026-03-02", "date_to": "2026-03-02"})) == []


def test_a_reversed_date_range_is_named(client_for, admin_user, records):
    response = client_for(admin_user).get(
        LIST, {"date_from": "2026-03-02", "date_to": "2026-03-01"}
    )
    assert response.status_code == 200
    assert "截止日期：截止日期早于起始日期，请调整日期范围。" in response.content.decode()


def test_a_malformed_date_is_named(client_for, admin_user, records):
    response = client_for(admin_user).get(LIST, {"date_from": "3月1日"})
    assert "起始日期：起始日期格式不正确，请按 2026-01-31 的格式填写。" in (
        response.content.decode()
    )
    assert response.context["total"] == 5


def test_a_supervisor_cannot_filter_by_another_regions_action(client_for, supervisor, records):
    response = client_for(supervisor).get(LIST, {"action": "holiday.load"})
    assert "操作：操作“holiday.load”没有记录，请从列表中选择。" in response.content.decode()
    assert response.context["total"] == 3


def test_the_list_is_paginated(client_for, admin_user, records, settings):
    settings.ZHIFA_PAGE_SIZE = 2
    client = client_for(admin_user)
    assert seqs(client.get(LIST, {"page": 3})) == [records["officer"].seq]
    assert "第 3 / 3 页" in client.get(LIST, {"page": 3}).content.decode()


def test_the_filtered_list_exports_to_excel(client_for, supervisor, records):
    response = client_for(supervisor).get(LIST, {"object_type": "org.officer", "export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == (
        "序号",
        "时间",
        "操作人",
        "操作",
        "对象类型",
        "对象标识",
        "摘要",
        "本记录摘要",
    )
    assert [row[0] for row in rows[1:]] == [records["cert"].seq, records["officer"].seq]
    assert rows[1][2] == "系统"
    assert rows[2][6] == "修改执法人员张执法的手机号"


# --- Record page ----------------------------------------------------------------------------


def test_a_record_shows_before_and_after_as_a_diff_table(client_for, supervisor, records):
    record = records["officer"]
    response = client_for(supervisor).get(reverse("audit:record_detail", args=[record.seq]))
    assert response.status_code == 200
    rows = {row.key: row for row in response.context["rows"]}
    assert rows["mobile"].label == "手机号"
    assert (rows["mobile"].before, rows["mobile"].after, rows["mobile"].changed) == (
        "（空）",
        "13800000000",
        True,
    )
    assert rows["name"].changed is False
    assert rows["name"].label == "姓名"
    body = response.content.decode()
    assert '<tr class="changed">' in body
    assert "<dt>对象</dt><dd>执法人员 #" in body
    assert "org.officer<" not in body
    assert record.hash in body


def test_a_record_of_another_region_is_not_found_for_a_supervisor(client_for, supervisor, records):
    for name in ("jinzhong", "global"):
        url = reverse("audit:record_detail", args=[records[name].seq])
        assert client_for(supervisor).get(url).status_code == 404


def test_an_admin_opens_a_system_wide_record(client_for, admin_user, records):
    url = reverse("audit:record_detail", args=[records["global"].seq])
    response = client_for(admin_user).get(url)
    assert response.status_code == 200
    assert [(r.label, r.before, r.after) for r in response.context["rows"]] == [
        ("年度", "（无）", "2026")
    ]


# --- Checking the chain ---------------------------------------------------------------------


def test_the_check_button_reports_an_intact_chain_as_an_htmx_partial(
    client_for, supervisor, records
):
    response = client_for(supervisor).post(VERIFY, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert '<span class="badge ok" data-testid="chain-ok">审计链完好</span> 共 5 条记录' in body


def test_the_check_reports_the_broken_record(client_for, admin_user, records):
    target = records["agency"]
    column = '"after" = %s::jsonb' if connection.vendor == "postgresql" else '"after" = %s'
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE audit_auditrecord SET {column} WHERE seq = %s",
            [json.dumps({"phone": "110"}), target.seq],
        )
    response = client_for(admin_user).post(VERIFY, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "审计链断裂" in body
    detail = reverse("audit:record_detail", args=[target.seq])
    assert f'第 <a href="{detail}">{target.seq}</a> 号记录：内容摘要不符：记录内容被改动' in body
    assert "此前 1 条记录完好" in body


def test_a_plain_form_post_gets_a_whole_page(client_for, admin_user, records):
    response = client_for(admin_user).post(VERIFY)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert "审计链完好" in body


def test_checking_needs_a_post(client_for, admin_user, records):
    assert client_for(admin_user).get(VERIFY).status_code == 405


def test_object_history_links_records_for_auditors_only(client_for, supervisor, inspector, records):
    from django.template import Context, Template

    template = Template("{% load audit_tags %}{% object_history officer %}")
    officer = records["officer_obj"]
    link = reverse("audit:record_detail", args=[records["officer"].seq])
    assert link in template.render(Context({"officer": officer, "user": supervisor}))
    plain = template.render(Context({"officer": officer, "user": inspector}))
    assert link not in plain
    assert "修改执法人员张执法的手机号" in plain


def test_the_diff_shows_choice_labels_and_local_times(client_for, admin_user, records):
    response = client_for(admin_user).get(
        reverse("audit:record_detail", args=[records["cert"].seq])
    )
    (row,) = response.context["rows"]
    assert (row.label, row.before, row.after) == ("证件状态", "有效", "暂扣")

    officer = records["officer_obj"]
    with transaction.atomic():
        timed = record_change(
            actor=None,
            action="test.timed",
            obj=officer,
            after={"created_at": "2026-03-01T15:30:00.000Z", "note": "2026-03-01Tnot a time"},
        )
    response = client_for(admin_user).get(reverse("audit:record_detail", args=[timed.seq]))
    rows = {row.key: row for row in response.context["rows"]}
    assert rows["created_at"].after == "2026-03-01 23:30:00"
    assert rows["note"].after == "2026-03-01Tnot a time"
