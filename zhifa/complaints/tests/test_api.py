from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhifa.audit.models import AuditRecord
from zhifa.complaints import services
from zhifa.complaints.models import (
    IDENTITY_FIELDS,
    Channel,
    Complaint,
    ComplaintEvent,
    RecoveredLoss,
    Status,
)
from zhifa.complaints.rules import HANDLER_ONLY
from zhifa.complaints.tests.conftest import SI_LUAN, TODAY

pytestmark = pytest.mark.django_db

URL = "/api/complaints"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4 answer\n"
# Keys only the supervising bureau's responses carry.
IDENTITY_KEYS = {*IDENTITY_FIELDS, "complainant_enterprise_id", "is_anonymous"}


@pytest.fixture
def call(client_for):
    def _call(user, method, path, body=None):
        client = client_for(user)
        if method == "get":
            return client.get(URL + path, body or {})
        return client.post(URL + path, data=json.dumps(body or {}), content_type="application/json")

    return _call


def _state(item: Complaint) -> tuple:
    item.refresh_from_db()
    return (item.status, item.agency_id, item.events.count(), AuditRecord.objects.count())


def test_an_enterprise_files_and_the_item_goes_all_the_way_to_closed_through_the_api(
    clock, client_for, call, enterprise, supervisor, inspector, health_agency, justice_bureau
):
    filed = client_for(enterprise).post(
        URL + "/",
        {
            "category": SI_LUAN,
            "content": "同一个月内卫健委来检查了三次。",
            "agency_id": health_agency.pk,
            "complainant_phone": "13800000001",
            "tags": "重复检查，材料",
            "files": [SimpleUploadedFile("现场.png", PNG, content_type="image/png")],
        },
    )
    assert filed.status_code == 201, filed.content
    body = filed.json()
    item_id = body["id"]
    assert (body["status"], body["channel"], body["agency"]) == (
        "received",
        "portal",
        "舟山市卫生健康委员会",
    )
    assert body["tags"] == ["重复检查", "材料"]
    assert [(f["name"], f["stage"], f["size"]) for f in body["files"]] == [
        ("现场.png", "intake", len(PNG))
    ]
    item = Complaint.objects.get(pk=item_id)
    assert (item.complainant_name, item.complainant_phone) == ("陈经理", "13800000001")
    assert item.complainant_enterprise == enterprise.enterprise

    assigned = call(supervisor, "post", f"/{item_id}/assign", {"agency_id": health_agency.pk})
    assert assigned.status_code == 200, assigned.content
    assert (assigned.json()["status"], assigned.json()["answer_due"]) == ("assigned", "2026-12-08")

    answered = client_for(inspector).post(
        f"{URL}/{item_id}/answer",
        {
            "text": "已合并为一次检查，并向企业致歉。",
            "files": [SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf")],
        },
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "answered"
    assert [f["stage"] for f in answered.json()["files"]] == ["intake", "answer"]

    verified = call(supervisor, "post", f"/{item_id}/verify", {"note": "经电话核实。"})
    assert verified.json()["status"] == "verified"
    rated = call(enterprise, "post", f"/{item_id}/rate", {"satisfaction": "satisfied"})
    assert rated.status_code == 200, rated.content
    closed = rated.json()
    assert (closed["status"], closed["status_label"], closed["satisfaction_label"]) == (
        "closed",
        "已销号",
        "满意",
    )
    assert [e["kind"] for e in closed["events"]] == [
        "received",
        "assigned",
        "answered",
        "verified",
        "rated",
        "closed",
    ]
    assert closed["events"][0]["at"] == "2026-12-01T09:00:00+08:00"
    assert not IDENTITY_KEYS & set(closed)


def test_the_agency_reads_list_and_item_without_any_key_that_says_who_complained(
    call, assigned, inspector, supervisor
):
    mine = call(inspector, "get", "/").json()
    seen = call(inspector, "get", f"/{assigned.pk}").json()
    bureau = call(supervisor, "get", f"/{assigned.pk}").json()

    assert [row["id"] for row in mine["items"]] == [assigned.pk]
    assert not IDENTITY_KEYS & set(mine["items"][0])
    assert not IDENTITY_KEYS & set(seen)
    assert "陈经理" not in json.dumps(seen, ensure_ascii=False)
    assert "13800000001" not in json.dumps(seen, ensure_ascii=False)
    assert {key: bureau[key] for key in ("complainant_name", "complainant_phone")} == {
        "complainant_name": "陈经理",
        "complainant_phone": "13800000001",
    }
    assert bureau["tracking_code"] == assigned.tracking_code
    assert bureau["filed_by"] == "陈经理"
    assert bureau["complainant_enterprise_name"] == "舟山海鲜酒楼有限公司"


def test_the_agency_may_not_assign_and_the_refusal_changes_nothing(
    call, filed, assigned, inspector, health_agency
):
    before = _state(assigned)
    refused = call(inspector, "post", f"/{assigned.pk}/assign", {"agency_id": health_agency.pk})

    assert refused.status_code == 403
    assert refused.json()["detail"] == HANDLER_ONLY
    assert _state(assigned) == before


def test_a_step_the_state_does_not_allow_is_refused_with_409_and_changes_nothing(
    call, assigned, supervisor
):
    before = _state(assigned)
    refused = call(supervisor, "post", f"/{assigned.pk}/verify", {"note": "核实。"})

    assert refused.status_code == 409
    assert refused.json() == {
        "detail": f"问题 {assigned.number} 当前为“办理中”，不能核实。",
        "errors": {},
    }
    assert _state(assigned) == before


def test_a_missing_field_is_refused_with_400_naming_it(call, verified, supervisor):
    before = _state(verified)
    refused = call(supervisor, "post", f"/{verified.pk}/close", {"note": " "})

    assert refused.status_code == 400
    assert refused.json()["errors"] == {"note": ["请填写销号说明。"]}
    assert _state(verified) == before
    closed = call(supervisor, "post", f"/{verified.pk}/close", {"note": "三次电话回访未接通。"})
    assert (closed.json()["status"], closed.json()["closing_note"]) == (
        "closed",
        "三次电话回访未接通。",
    )


def test_an_unknown_category_is_refused_and_nothing_is_stored(
    client_for, enterprise, health_agency, justice_bureau
):
    refused = client_for(enterprise).post(
        URL + "/", {"category": "luan-shoufei", "content": "收费。", "agency_id": health_agency.pk}
    )

    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "category": ["未知的问题类别“luan-shoufei”，请从问题类别清单中选择。"]
    }
    assert Complaint.objects.count() == 0


def test_an_agency_user_may_not_file_and_an_outsider_sees_nothing(
    client_for, call, filed, inspector, outsider, health_agency
):
    refused = client_for(inspector).post(
        URL + "/", {"category": SI_LUAN, "content": "x", "agency_id": health_agency.pk}
    )
    assert refused.status_code == 403
    assert Complaint.objects.count() == 1
    assert call(outsider, "get", f"/{filed.pk}").status_code == 404
    assert call(outsider, "get", "/").json() == {"items": [], "count": 0}
    # Not yet handed over: the agency does not see it either.
    assert call(inspector, "get", f"/{filed.pk}").status_code == 404


def test_the_bureau_pages_through_the_list_and_filters_it(
    clock, call, supervisor, enterprise, health_agency, justice_bureau
):
    made = [
        services.file_complaint(
            channel=Channel.PORTAL,
            category=SI_LUAN,
            content=f"第{n}次反映。",
            agency=health_agency,
            actor=enterprise,
            complainant_enterprise=enterprise.enterprise,
        )
        for n in range(1, 4)
    ]
    services.assign(made[0], agency=health_agency, actor=supervisor)

    first = call(supervisor, "get", "/", {"page_size": 2}).json()
    rest = call(supervisor, "get", "/", {"page_size": 2, "page": 2}).json()
    assert first["count"] == 3
    assert [row["id"] for row in first["items"] + rest["items"]] == [m.pk for m in reversed(made)]
    waiting = call(supervisor, "get", "/", {"status": "received"}).json()
    assert [row["id"] for row in waiting["items"]] == [made[2].pk, made[1].pk]
    assert call(supervisor, "get", "/", {"overdue": "true"}).json()["count"] == 0
    clock.move_to("2026-12-09 09:00:00+08:00")
    late = call(supervisor, "get", "/", {"overdue": "true"}).json()
    assert [(row["id"], row["overdue"]) for row in late["items"]] == [(made[0].pk, True)]
    assert call(supervisor, "get", "/", {"category": "quli-zhifa"}).json()["count"] == 0


def test_the_bureau_records_a_loss_and_the_totals_add_it_up_as_strings(
    call, client_for, assigned, supervisor, inspector
):
    recorded = client_for(supervisor).post(
        f"{URL}/{assigned.pk}/losses",
        {
            "amount": "12000.50",
            "description": "退还重复收取的检测费",
            "recovered_on": TODAY.isoformat(),
            "evidence": SimpleUploadedFile("退款凭证.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["recovered_total"] == "12000.50"
    [loss] = recorded.json()["losses"]
    assert (loss["amount"], loss["description"]) == ("12000.50", "退还重复收取的检测费")
    assert RecoveredLoss.objects.get().amount == Decimal("12000.50")

    by_region = call(supervisor, "get", "/totals", {"by": "region"}).json()
    assert by_region["rows"] == [
        {"key": assigned.region_id, "label": "舟山市", "items": 1, "amount": "12000.50"}
    ]
    assert by_region["total"] == "12000.50"
    by_period = call(inspector, "get", "/totals", {"by": "period"}).json()
    assert by_period["rows"] == [
        {"key": "2026-12", "label": "2026年12月", "items": 1, "amount": "12000.50"}
    ]
    wrong = call(supervisor, "get", "/totals", {"by": "year"})
    assert (wrong.status_code, wrong.json()["errors"]) == (
        400,
        {"by": ["汇总方式应为 region、agency、category 或 period。"]},
    )
    refused = call(inspector, "post", f"/{assigned.pk}/losses", {})
    assert refused.status_code == 403
    assert RecoveredLoss.objects.count() == 1


def test_anyone_reads_the_categories_without_signing_in(client_for, db):
    rows = client_for(None).get(URL + "/categories").json()

    assert [row["code"] for row in rows] == [
        "si-luan",
        "quli-zhifa",
        "biaozhun-butongyi",
        "weifan-guifan",
    ]
    assert rows[0]["name"] == "乱收费、乱罚款、乱检查、乱查封"


def test_the_complainant_is_not_satisfied_and_the_item_is_reopened(call, verified, enterprise):
    body = {"satisfaction": "unsatisfied", "comment": "未退费。"}
    reopened = call(enterprise, "post", f"/{verified.pk}/rate", body)

    assert reopened.status_code == 200, reopened.content
    assert (reopened.json()["status"], reopened.json()["reopen_count"]) == ("assigned", 1)
    assert ComplaintEvent.objects.filter(complaint=verified).last().kind == "reopened"
    assert Complaint.objects.get(pk=verified.pk).status == Status.ASSIGNED
