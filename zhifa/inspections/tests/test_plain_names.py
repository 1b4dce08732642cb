"""The case's history names people by name and organisation, never by login name, and reads
its steps in Chinese, never as action codes (house rule); and a change of 检查事由 is a change."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from zhifa.audit.models import AuditRecord
from zhifa.inspections import services
from zhifa.inspections.models import CaseStatus, InspectionKind

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INSPECTION_DAY = dt.date(2026, 3, 16)
INSPECTOR = "王检查（舟山市卫生健康委员会·执法人员）"
BUREAU = "赵监督（舟山市司法局·执法监督人员）"
APPROVER = "李主任（舟山市卫生健康委员会·执法机关负责人）"


def at(day: dt.date, hour: int = 10):
    moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


def url(name: str, *args) -> str:
    return reverse(f"inspections:{name}", args=args)


def timeline_lines(html: str) -> list[str]:
    """The timeline's entries as a reader sees them (tags stripped, spaces collapsed)."""
    block = re.search(r'<ol class="timeline" data-testid="timeline">(.*?)</ol>', html, re.S)
    assert block is not None
    items = re.findall(r"<li>(.*?)</li>", block.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


@pytest.fixture
def notified_case(
    inspector,
    approver,
    social_supervisor,
    supervisor,
    health_agency,
    zhoushan_enterprise,
    items,
    officer_one,
    officer_two,
):
    with at(dt.date(2026, 3, 2)):
        case = services.create_case(
            organisation=health_agency,
            enterprise=zhoushan_enterprise,
            kind=InspectionKind.PLANNED,
            items=items,
            officers=[officer_one, officer_two],
            inspection_date=INSPECTION_DAY,
            actor=inspector,
        )
        services.submit_case(case, actor=inspector)
        services.approve_case(case, actor=approver, opinion="同意。")
        services.assign_social_supervisor(case, actor=supervisor, supervisor=social_supervisor)
        services.issue_notice(case, actor=inspector)
    case.refresh_from_db()
    return case


def test_the_enterprise_reads_the_timeline_by_name_never_by_login_name(
    client_for, enterprise, notified_case
):
    with at(dt.date(2026, 3, 3)):
        html = client_for(enterprise).get(url("my_case", notified_case.pk)).content.decode()

    assert timeline_lines(html) == [
        f"2026-03-02 10:00 {INSPECTOR} 检查案件 {notified_case.reference} 发出预告通知书 "
        f"{notified_case.notice.number_text}，最迟发出日 2026-03-09 查看文书"
    ]
    assert "（inspector）" not in html
    assert "inspections.case" not in html


def test_the_agency_case_page_names_every_actor_with_organisation_and_role(
    client_for, inspector, notified_case
):
    with at(dt.date(2026, 3, 3)):
        html = client_for(inspector).get(url("case_detail", notified_case.pk)).content.decode()

    actors = [line.split(" ")[2] for line in timeline_lines(html)]
    # The 伴随监督员 is assigned by the supervising bureau (issue 15).
    assert actors == [INSPECTOR, INSPECTOR, APPROVER, BUREAU, INSPECTOR]
    # The 文书 table names the step a document came from in Chinese, not by its code.
    assert "<tr><td>预告通知</td>" in html
    assert "<td>notice</td>" not in html
    for login in ("（inspector）", "（approver）", "（social）"):
        assert login not in html
    assert "inspections.case" not in html


def test_the_social_supervisor_reads_the_timeline_by_name(
    client_for, social_supervisor, notified_case
):
    with at(dt.date(2026, 3, 3)):
        html = (
            client_for(social_supervisor)
            .get(url("accompany_case", notified_case.pk))
            .content.decode()
        )

    assert [line.split(" ")[2] for line in timeline_lines(html)] == [BUREAU, INSPECTOR]
    assert f"检查案件 {notified_case.reference} 安排伴随监督员：陈代表" in html
    assert "（inspector）" not in html
    assert "inspections.case" not in html


def test_records_written_with_the_old_login_name_text_still_read_by_name(
    client_for, enterprise, notified_case
):
    # Records written before the actor text left out the login name keep it (it is hashed
    # into the chain); the page reads the person instead.
    record = AuditRecord.objects.get(action="inspections.case.notify")
    AuditRecord.objects.filter(pk=record.pk).update(actor_label="王检查（inspector）")

    with at(dt.date(2026, 3, 3)):
        html = client_for(enterprise).get(url("my_case", notified_case.pk)).content.decode()

    assert [line.split(" ")[2] for line in timeline_lines(html)] == [INSPECTOR]
    assert "inspector" not in html.replace('"inspector"', "")


def test_changing_only_the_reason_saves_and_audits_it(
    client_for, inspector, notified_case, items, officer_one, officer_two
):
    with at(dt.date(2026, 3, 3)):
        response = client_for(inspector).post(
            url("case_edit", notified_case.pk),
            {
                "items": [i.pk for i in items],
                "officers": [officer_one.pk, officer_two.pk],
                "inspection_date": "2026-03-16",
                "inspection_time": "09:00",
                "title": notified_case.title,
                "reason": "群众反映该酒楼服务员未持健康证上岗。",
            },
        )

    assert response.status_code == 302
    notified_case.refresh_from_db()
    assert notified_case.reason == "群众反映该酒楼服务员未持健康证上岗。"
    # 检查事由 is not part of what the approval froze (enterprise, items, officers, time):
    # like the title, it changes without a new approval.
    assert notified_case.status == CaseStatus.NOTIFIED
    record = AuditRecord.objects.get(action="inspections.case.update")
    assert record.summary == f"修改检查案件 {notified_case.reference}"
    assert (record.before["reason"], record.after["reason"]) == (
        "",
        "群众反映该酒楼服务员未持健康证上岗。",
    )
    assert {k for k in record.after if record.before.get(k) != record.after[k]} == {"reason"}


def test_a_person_without_a_registered_name_reads_as_the_role_never_the_login_name(
    client_for, inspector, approver, notified_case
):
    type(inspector).objects.filter(pk=inspector.pk).update(display_name="")
    with at(dt.date(2026, 3, 3)):
        html = client_for(approver).get(url("case_detail", notified_case.pk)).content.decode()

    assert "<dt>申请人</dt><dd>执法人员（未登记姓名）</dd>" in html
    assert timeline_lines(html)[0].split(" ")[2] == "舟山市卫生健康委员会·执法人员（未登记姓名）"
    assert "inspector" not in html.replace('"inspector"', "")
