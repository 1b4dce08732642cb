"""The 变更记录 block of detail pages: Chinese action names, people by name, Beijing time; no
action code, login name or raw snapshot (house rule)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.audit.services import record_change
from zhifa.org.services import change_certificate_status, create_officer

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
APPROVER = "李主任（舟山市卫生健康委员会·执法机关负责人）"


def history(html: str) -> list[list[str]]:
    """Each entry of the block as its lines of text."""
    block = re.search(r'<ol class="history-list" data-testid="history">(.*?)</ol>', html, re.S)
    assert block is not None
    entries = re.findall(r"<li>(.*?)</li>", block.group(1), re.S)
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", line).split()) for line in entry.split("</div>")]
        for entry in entries
    ]


@pytest.fixture
def officer(approver, health_agency):
    # 09:30 UTC is 17:30 in Beijing.
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC), tick=False):
        made = create_officer(
            actor=approver,
            organisation=health_agency,
            name="钱新人",
            cert_no="330900209999",
            id_number=testing.make_id_number(77),
            cert_valid_from=dt.date(2025, 1, 1),
            cert_valid_until=dt.date(2029, 12, 31),
        )
    with time_machine.travel(dt.datetime(2026, 3, 3, 10, 0, tzinfo=SHANGHAI), tick=False):
        change_certificate_status(made, status="suspended", reason="涉嫌违法执法", actor=approver)
    return made


def test_the_history_names_actions_in_chinese_and_people_by_name(client_for, approver, officer):
    url = reverse("org:officer_detail", args=[officer.pk])
    html = client_for(approver).get(url).content.decode()

    status = AuditRecord.objects.get(action="officer.certificate_status")
    assert history(html) == [
        ["变更执法证状态 2026-03-03 10:00:00", f"操作人：{APPROVER}", status.summary, ""],
        [
            "登记执法人员 2026-03-02 17:30:00",
            f"操作人：{APPROVER}",
            "登记执法人员 钱新人（执法证号 330900209999）",
            "",
        ],
    ]
    for hidden in ("officer.create", "officer.certificate_status", "（approver）"):
        assert hidden not in html


def test_an_unnamed_action_and_an_old_actor_text_read_as_summary_and_name(
    client_for, approver, officer
):
    with transaction.atomic():
        record = record_change(
            actor=approver,
            action="officer.reindex",
            obj=officer,
            before={"a": 1},
            after={"a": 2},
            summary="重建执法人员索引",
        )
    # Before the actor text left out the login name it read “姓名（登录名）”; such records keep
    # it (it is hashed into the chain) and the page reads the person instead.
    AuditRecord.objects.filter(pk=record.pk).update(actor_label="李主任（approver）")
    url = reverse("org:officer_detail", args=[officer.pk])
    html = client_for(approver).get(url).content.decode()

    first = history(html)[0]
    assert first[0].startswith("重建执法人员索引 ")
    assert first[1:] == [f"操作人：{APPROVER}", ""]
    for hidden in ("officer.reindex", "（approver）", "{&quot;a&quot;", '{"a"'):
        assert hidden not in html


def test_auditors_open_each_record_from_the_history(client_for, supervisor, officer):
    html = client_for(supervisor).get(reverse("org:officer_detail", args=[officer.pk]))
    body = html.content.decode()
    seqs = AuditRecord.objects.for_object(officer).order_by("-seq").values_list("seq", flat=True)
    for seq in seqs:
        link = reverse("audit:record_detail", args=[seq])
        assert f'<a class="history-seq" href="{link}">审计记录第 {seq} 条</a>' in body


def test_the_audit_chain_export_names_people_and_actions_in_chinese(
    client_for, supervisor, officer
):
    record = AuditRecord.objects.get(action="officer.create")
    AuditRecord.objects.filter(pk=record.pk).update(actor_label="李主任（approver）")
    response = client_for(supervisor).get(
        reverse("audit:record_list"), {"object_type": "org.officer", "export": "xlsx"}
    )

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[2:5] for row in rows[1:]] == [
        (APPROVER, "变更执法证状态", "执法人员"),
        (APPROVER, "登记执法人员", "执法人员"),
    ]
