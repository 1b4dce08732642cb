"""The office pages of the problem list: the bureau's list with its filters and counts, the item
with its steps, the agency's inbox and answer, the entry form of a 联系点, the home page and menu.
A refused request changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.complaints import services
from zhifa.complaints.models import (
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintFile,
    RecoveredLoss,
    Status,
)
from zhifa.complaints.tests.conftest import SI_LUAN
from zhifa.org.models import OrganisationKind, Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 evidence\n"


def state(item: Complaint) -> tuple:
    item.refresh_from_db()
    return (
        item.status,
        item.agency_id,
        item.events.count(),
        RecoveredLoss.objects.count(),
        ComplaintFile.objects.count(),
        AuditRecord.objects.count(),
    )


def later(clock, day: int) -> None:
    """December ``day``, 09:00 in Beijing (the session is signed in again after the move)."""
    clock.move_to(dt.datetime(2026, 12, day, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))


def counts(html: str) -> dict[str, int]:
    return {
        key: int(value)
        for key, value in re.findall(r'data-testid="count-([a-z_]+)">[^<]*<strong>(\d+)<', html)
    }


def workspace_counts(html: str) -> dict[str, int]:
    return {
        key: int(value)
        for key, value in re.findall(r'data-testid="count-(complaints_[a-z_]+)">(\d+)<', html)
    }


# --- The list ---------------------------------------------------------------------------------


def test_the_supervisor_lists_the_items_of_his_region_with_counts_per_status(
    client_for, filed, supervisor, health_agency, clock
):
    services.file_complaint(
        channel=Channel.CONTACT_POINT,
        category=SI_LUAN,
        content="执法人员要求企业购买指定的消防器材。",
        title="指定购买消防器材",
        agency=health_agency,
        actor=supervisor,
    )
    services.assign(filed, agency=health_agency, actor=supervisor)
    html = client_for(supervisor).get("/complaints/list/").content.decode()
    assert counts(html) == {
        "received": 1,
        "assigned": 1,
        "answered": 0,
        "verified": 0,
        "closed": 0,
        "declined": 0,
        "overdue": 0,
    }
    assert 'data-testid="total">共 2 件' in html
    assert "指定购买消防器材" in html and filed.number in html


def test_the_list_filters_by_status_search_and_overdue(
    client_for, assigned, supervisor, health_agency, clock
):
    other = services.file_complaint(
        channel=Channel.CONTACT_POINT,
        category=SI_LUAN,
        content="同一事项被要求重复提交材料。",
        title="重复提交材料",
        agency=health_agency,
        actor=supervisor,
    )
    client = client_for(supervisor)
    html = client.get("/complaints/list/?status=received").content.decode()
    assert other.number in html and assigned.number not in html
    html = client.get("/complaints/list/", {"q": "重复提交"}).content.decode()
    assert other.number in html and assigned.number not in html
    assert "共 0 件" in client.get("/complaints/list/?overdue=on").content.decode()

    later(clock, 9)
    html = client_for(supervisor).get("/complaints/list/?overdue=on").content.decode()
    assert "共 1 件" in html and assigned.number in html
    assert 'class="overdue"' in html and 'data-testid="overdue">逾期' in html
    assert counts(html)["overdue"] == 1


def test_a_dormant_item_is_flagged_and_filtered(client_for, filed, supervisor, clock):
    later(clock, 20)
    client = client_for(supervisor)
    html = client.get("/complaints/list/?dormant=on").content.decode()
    assert "共 1 件" in html and 'data-testid="dormant">长期未办理' in html


def test_the_export_is_the_filtered_list(client_for, assigned, supervisor, health_agency, clock):
    services.file_complaint(
        channel=Channel.CONTACT_POINT,
        category=SI_LUAN,
        content="另一件。",
        agency=health_agency,
        actor=supervisor,
    )
    response = client_for(supervisor).get("/complaints/list/export/?status=assigned")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert len(rows) == 2
    header, row = rows
    found = dict(zip(header, row, strict=True))
    assert found["问题编号"] == assigned.number
    assert found["状态"] == "办理中"
    assert found["答复截止日期"] == "2026-12-08"
    assert found["被反映单位"] == "舟山市卫生健康委员会"


def test_an_outsider_sees_none_of_the_items(client_for, filed, outsider):
    client = client_for(outsider)
    assert "共 0 件" in client.get("/complaints/list/").content.decode()
    assert client.get(f"/complaints/{filed.pk}/").status_code == 404


def test_a_social_supervisor_may_not_open_the_list(client_for, social_supervisor):
    assert client_for(social_supervisor).get("/complaints/list/").status_code == 403


# --- The item and its steps --------------------------------------------------------------------


def test_the_item_page_shows_fields_deadline_and_timeline(client_for, assigned, supervisor):
    html = client_for(supervisor).get(f"/complaints/{assigned.pk}/").content.decode()
    assert "办理中" in html and "乱收费、乱罚款、乱检查、乱查封" in html
    assert 'data-testid="deadline"' in html and "2026年12月8日前（5 个工作日）" in html
    assert "平台默认值" in html
    assert "受理" in html and "分办" in html
    assert f"/supervision/letters/new/?source=complaint&amp;source_pk={assigned.pk}" in html


def test_the_supervisor_assigns_by_the_agencys_name(client_for, filed, supervisor, health_agency):
    response = client_for(supervisor).post(
        f"/complaints/{filed.pk}/assign/", {"agency": "舟山市卫生健康委员会", "note": ""}
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert (filed.status, filed.agency, filed.answer_due) == (
        Status.ASSIGNED,
        health_agency,
        dt.date(2026, 12, 8),
    )


def test_an_unknown_agency_name_is_refused_and_nothing_changes(client_for, filed, supervisor):
    before = state(filed)
    client = client_for(supervisor)
    response = client.post(f"/complaints/{filed.pk}/assign/", {"agency": "不存在的局"}, follow=True)
    assert "没有找到名为“不存在的局”的行政执法机关" in response.content.decode()
    assert state(filed) == before


def test_the_supervisor_declines_with_a_reason(client_for, filed, supervisor):
    client = client_for(supervisor)
    response = client.post(f"/complaints/{filed.pk}/decline/", {"reason": ""}, follow=True)
    assert "不予受理理由：这个字段是必填项。" in response.content.decode()
    assert Complaint.objects.get(pk=filed.pk).status == Status.RECEIVED
    client.post(f"/complaints/{filed.pk}/decline/", {"reason": "不属于涉企行政执法事项。"})
    filed.refresh_from_db()
    assert (filed.status, filed.decline_reason) == (Status.DECLINED, "不属于涉企行政执法事项。")


def test_the_agency_answers_on_the_item_page_with_evidence(client_for, assigned, inspector):
    client = client_for(inspector)
    html = client.get(f"/complaints/{assigned.pk}/").content.decode()
    assert 'data-testid="answer-form"' in html and 'data-testid="actions"' not in html
    response = client.post(
        f"/complaints/{assigned.pk}/answer/",
        {
            "text": "已合并检查并向企业说明。",
            "files": [SimpleUploadedFile("情况说明.pdf", PDF, "application/pdf")],
        },
    )
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert (assigned.status, assigned.answer) == (Status.ANSWERED, "已合并检查并向企业说明。")
    assert list(assigned.files.values_list("name", "stage")) == [("情况说明.pdf", "answer")]


def test_the_supervisor_returns_then_verifies_then_closes(
    client_for, answered, supervisor, inspector
):
    client = client_for(supervisor)
    client.post(f"/complaints/{answered.pk}/return/", {"reason": "未附佐证材料。"})
    answered.refresh_from_db()
    assert answered.status == Status.ASSIGNED
    services.answer(answered, actor=inspector, text="补充说明。")
    client = client_for(supervisor)
    client.post(f"/complaints/{answered.pk}/verify/", {"note": "经电话核实。"})
    answered.refresh_from_db()
    assert answered.status == Status.VERIFIED
    response = client.post(f"/complaints/{answered.pk}/close/", {"note": ""}, follow=True)
    assert "销号说明（回访情况）：这个字段是必填项。" in response.content.decode()
    client.post(f"/complaints/{answered.pk}/close/", {"note": "三次电话回访均未接通。"})
    answered.refresh_from_db()
    assert (answered.status, answered.closing_note) == (Status.CLOSED, "三次电话回访均未接通。")


def test_the_supervisor_records_a_loss_with_evidence_and_sees_the_total(
    client_for, answered, supervisor
):
    client = client_for(supervisor)
    for amount in ("1234.56", "0.44"):
        client.post(
            f"/complaints/{answered.pk}/loss/",
            {
                "amount": amount,
                "description": "退还罚没款",
                "recovered_on": "2026-11-30",
                "evidence": SimpleUploadedFile("退款凭证.pdf", PDF, "application/pdf"),
            },
        )
    html = client.get(f"/complaints/{answered.pk}/").content.decode()
    assert 'data-testid="loss-total">1,235.00<' in html
    assert "1,234.56" in html and "退款凭证.pdf" in html


def test_the_supervisor_adds_files_and_they_download_for_the_bureau_only(
    client_for, filed, supervisor, outsider
):
    client = client_for(supervisor)
    client.post(
        f"/complaints/{filed.pk}/files/",
        {"files": [SimpleUploadedFile("来信.pdf", PDF, "application/pdf")]},
    )
    stored = ComplaintFile.objects.get(complaint=filed)
    response = client.get(f"/complaints/materials/{stored.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client_for(outsider).get(f"/complaints/materials/{stored.pk}/").status_code == 404


def test_a_wrong_type_file_is_refused_and_nothing_is_stored(client_for, filed, supervisor):
    before = state(filed)
    response = client_for(supervisor).post(
        f"/complaints/{filed.pk}/files/",
        {"files": [SimpleUploadedFile("病毒.exe", b"MZ\x90\x00", "application/octet-stream")]},
        follow=True,
    )
    assert "补充材料：" in response.content.decode()
    assert state(filed) == before


@pytest.mark.parametrize(
    "step, data",
    [
        ("assign", {"agency": "舟山市卫生健康委员会"}),
        ("decline", {"reason": "不予受理。"}),
        ("close", {"note": "无法联系。"}),
        ("loss", {"amount": "100", "description": "退款", "recovered_on": "2026-11-30"}),
        ("files", {}),
    ],
)
def test_an_agency_may_not_take_the_bureaus_steps_and_nothing_changes(
    client_for, assigned, inspector, step, data
):
    before = state(assigned)
    response = client_for(inspector).post(f"/complaints/{assigned.pk}/{step}/", data)
    assert response.status_code == 403
    assert state(assigned) == before


def test_the_bureau_may_not_answer_for_the_agency_and_nothing_changes(
    client_for, assigned, supervisor
):
    before = state(assigned)
    response = client_for(supervisor).post(
        f"/complaints/{assigned.pk}/answer/", {"text": "代为答复。"}
    )
    assert response.status_code == 403
    assert state(assigned) == before


def test_an_outsider_posting_a_step_gets_404_and_nothing_changes(client_for, filed, outsider):
    before = state(filed)
    response = client_for(outsider).post(
        f"/complaints/{filed.pk}/decline/", {"reason": "不予受理。"}
    )
    assert response.status_code == 404
    assert state(filed) == before


def test_an_agency_may_not_see_an_item_before_it_is_handed_over(client_for, filed, inspector):
    assert client_for(inspector).get(f"/complaints/{filed.pk}/").status_code == 404


# --- The agency's inbox ---------------------------------------------------------------------


def test_the_agency_inbox_lists_what_it_must_answer_with_the_deadline(
    client_for, assigned, inspector, clock
):
    client = client_for(inspector)
    html = client.get("/complaints/inbox/").content.decode()
    assert 'data-testid="inbox-count">1<' in html and 'data-testid="inbox-overdue">0<' in html
    assert assigned.number in html and "2026-12-08" in html
    later(clock, 9)
    html = client_for(inspector).get("/complaints/inbox/").content.decode()
    assert 'data-testid="inbox-overdue">1<' in html and 'class="overdue"' in html


def test_the_bureau_has_no_inbox_of_its_own(client_for, supervisor):
    assert client_for(supervisor).get("/complaints/inbox/").status_code == 403


# --- Entry by a 联系点 or the bureau ------------------------------------------------------------


@pytest.fixture
def contact_point_staff(zhoushan, justice_bureau):
    point = testing.organisation(
        "舟山市定海区行政执法监督联系点", region=zhoushan, kind=OrganisationKind.CONTACT_POINT
    )
    return testing.user("contact", role=Role.SUPERVISOR, organisation=point, display_name="周联络")


def test_a_contact_point_enters_what_it_received_with_attachments(
    client_for, contact_point_staff, health_agency, clock
):
    client = client_for(contact_point_staff)
    html = client.get("/complaints/enter/").content.decode()
    assert "收到方式" not in html and "舟山市卫生健康委员会" in html
    from zhifa.complaints.models import Category

    category = Category.objects.get(code=SI_LUAN)
    response = client.post(
        "/complaints/enter/",
        {
            "region": health_agency.region_id,
            "category": category.pk,
            "agency": "舟山市卫生健康委员会",
            "title": "检查过多",
            "content": "企业来访反映一个月检查三次。",
            "tags": "重复检查，餐饮",
            "complainant_name": "林老板",
            "complainant_phone": "13900000002",
            "complainant_enterprise_name": "定海小吃店",
            "files": [SimpleUploadedFile("来访登记.pdf", PDF, "application/pdf")],
        },
    )
    item = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/complaints/{item.pk}/"
    assert (item.channel, item.contact_point, item.filed_by) == (
        Channel.CONTACT_POINT,
        contact_point_staff.organisation,
        contact_point_staff,
    )
    assert (item.complainant_name, item.complainant_phone, item.tags) == (
        "林老板",
        "13900000002",
        ["重复检查", "餐饮"],
    )
    assert item.agency == health_agency and item.files.count() == 1
    event = ComplaintEvent.objects.get(complaint=item)
    assert event.actor_label == "舟山市定海区行政执法监督联系点"


def test_the_entry_form_names_a_missing_field_and_stores_nothing(
    client_for, supervisor, health_agency, clock
):
    response = client_for(supervisor).post(
        "/complaints/enter/", {"channel": "bureau", "region": health_agency.region_id}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "问题类别" in html and "这个字段是必填项" in html
    assert Complaint.objects.count() == 0


def test_an_agency_may_not_enter_complaints(client_for, inspector):
    response = client_for(inspector).post("/complaints/enter/", {"content": "x"})
    assert response.status_code == 403
    assert Complaint.objects.count() == 0


# --- Home page and menu -----------------------------------------------------------------------


def test_the_supervisors_home_counts_the_complaints_waiting_for_him(
    client_for, filed, supervisor, health_agency, clock
):
    html = client_for(supervisor).get("/").content.decode()
    assert workspace_counts(html) == {
        "complaints_received": 1,
        "complaints_overdue": 0,
        "complaints_answered": 0,
    }
    services.assign(filed, agency=health_agency, actor=supervisor)
    later(clock, 9)
    html = client_for(supervisor).get("/").content.decode()
    assert workspace_counts(html) == {
        "complaints_received": 0,
        "complaints_overdue": 1,
        "complaints_answered": 0,
    }


def test_the_agencys_home_counts_the_complaints_to_answer(client_for, assigned, inspector):
    html = client_for(inspector).get("/").content.decode()
    assert workspace_counts(html) == {"complaints_to_answer": 1}


def test_the_menu_offers_the_problem_list_to_the_bureau_and_the_inbox_to_the_agency(
    client_for, supervisor, inspector, enterprise
):
    def labels(user):
        html = client_for(user).get("/complaints/list/").content.decode()
        nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', html, re.S).group(1)
        return re.findall(r">([^<]+)</a>", nav)

    assert {"问题清单", "挽回损失统计"} <= set(labels(supervisor))
    assert "投诉办理" not in labels(supervisor)
    assert "投诉办理" in labels(inspector)
    assert not {"问题清单", "挽回损失统计"} & set(labels(inspector))
    assert not {"问题清单", "挽回损失统计", "投诉办理"} & set(labels(enterprise))
