from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.audit.sm3 import sm3_hex
from zhifa.draws import record as draw_record
from zhifa.draws import services
from zhifa.draws.models import DrawMode, DrawResult, DrawStatus, DrawTask, OfficerConflict
from zhifa.draws.tests.conftest import VALUES, perform_on

pytestmark = pytest.mark.django_db


def create_via_page(client, task, reveal_date, sources):
    data = {
        "task": task.pk,
        "title": "第四季度公共场所卫生抽查",
        "mode": "public",
        "reveal_date": reveal_date.isoformat(),
        "inspection_start": "",
        "inspection_end": "",
        "counts": "",
        "sources-TOTAL_FORMS": "3",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "10",
    }
    for n, source in enumerate(sources):
        data[f"sources-{n}-name"] = source["name"]
        data[f"sources-{n}-where"] = source["where"]
        data[f"sources-{n}-expected_on"] = source["expected_on"].isoformat()
    return client.post(reverse("draws:draw_create"), data)


@pytest.fixture
def announced(task, registry, officers, inspector, approver, reveal_date, sources):
    draw = services.create_draw(
        task=task,
        title="第四季度公共场所卫生抽查",
        mode=DrawMode.PUBLIC,
        reveal_date=reveal_date,
        sources=sources,
        actor=inspector,
    )
    return services.announce_draw(draw, actor=approver)


@pytest.fixture
def drawn(announced, inspector, reveal_date):
    return perform_on(reveal_date, announced, values=VALUES, actor=inspector)


def test_inspector_creates_announces_and_draws_through_the_pages(
    client_for, task, registry, officers, inspector, reveal_date, sources, today
):
    client = client_for(inspector)
    response = create_via_page(client, task, reveal_date, sources)
    draw = DrawTask.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("draws:draw_detail", args=[draw.pk])
    assert draw.sources.count() == 2

    url = reverse("draws:draw_announce", args=[draw.pk])
    page = client.get(url)
    assert "公告后以下内容即对外公开，且不能更改" in page.content.decode()
    refused = client.post(url, {})
    assert "请勾选确认：公告后名录和随机源即公开，不能更改。" in refused.content.decode()
    draw.refresh_from_db()
    assert draw.status == DrawStatus.DRAFT
    client.post(url, {"confirm": "on"})
    draw.refresh_from_db()
    assert draw.status == DrawStatus.ANNOUNCED

    perform = reverse("draws:draw_perform", args=[draw.pk])
    early = client.post(perform, {"value_1": VALUES[0], "value_2": VALUES[1], "confirm": "on"})
    assert (
        f"随机源公布日期为 {reveal_date:%Y-%m-%d}，今天（{today:%Y-%m-%d}）尚不能抽取"
        in early.content.decode()
    )
    assert DrawResult.objects.count() == 0
    DrawTask.objects.filter(pk=draw.pk).update(reveal_date=today)  # the reveal date has come
    bad = client.post(perform, {"value_1": VALUES[0], "value_2": "-1", "confirm": "on"})
    assert "随机源“上证综合指数收盘点位”：随机源取值“-1”含有负数或正负号" in bad.content.decode()
    done = client.post(perform, {"value_1": VALUES[0], "value_2": VALUES[1], "confirm": "on"})
    assert done.status_code == 302
    draw.refresh_from_db()
    assert draw.status == DrawStatus.DRAWN
    assert DrawResult.objects.filter(draw=draw).count() == 10
    detail = client.get(reverse("draws:draw_detail", args=[draw.pk])).content.decode()
    assert "共抽中 10 户企业" in detail
    assert verify_chain().ok


def test_the_public_record_page_and_downloads_need_no_login(client, drawn):
    page = client.get(reverse("draws:public_detail", args=[drawn.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert drawn.pool_sm3 in text
    assert "3.8.9.14.22.27.31./3021.57/" in text
    assert "zhifa verify-draw" in text
    assert "zhifa rfc3797" in text
    first = drawn.record["strata"][0]["steps"][0]["md5"]
    assert first in text
    result = DrawResult.objects.filter(draw=drawn).first()
    officer = result.assignments.first().officer
    assert f"{officer.name}（{officer.cert_no}）" in text

    record = client.get(reverse("draws:public_record", args=[drawn.pk]))
    body = b"".join(record.streaming_content) if record.streaming else record.content
    assert sm3_hex(body) == drawn.record_sm3
    pool = client.get(reverse("draws:public_pool", args=[drawn.pk])).content
    officer_pool = client.get(reverse("draws:public_officer_pool", args=[drawn.pk])).content
    assert sm3_hex(pool) == drawn.pool_sm3

    draw_record.verify(json.loads(body), pool, officer_pool)
    stratum = client.get(reverse("draws:public_stratum_pool", args=[drawn.pk, "D"])).content
    assert sm3_hex(stratum) == drawn.strata.get(code="D").pool_sm3
    assert len(stratum.splitlines()) == 10
    listing = client.get(reverse("draws:public_list")).content.decode()
    assert drawn.title in listing


def test_drafts_and_draws_cancelled_before_announcement_are_not_public(
    client, task, inspector, approver, reveal_date, sources
):
    draft = services.create_draw(
        task=task,
        title="草稿抽取",
        mode="public",
        reveal_date=reveal_date,
        sources=sources,
        actor=inspector,
    )
    cancelled = services.create_draw(
        task=task,
        title="撤销抽取",
        mode="public",
        reveal_date=reveal_date,
        sources=sources,
        actor=inspector,
    )
    services.cancel_draw(cancelled, reason="重复创建", actor=approver)
    for draw in (draft, cancelled):
        for name in ("public_detail", "public_pool", "public_officer_pool"):
            assert client.get(reverse(f"draws:{name}", args=[draw.pk])).status_code == 404
        assert client.get(f"/api/draws/public/{draw.pk}").status_code == 404
    listing = client.get(reverse("draws:public_list")).content.decode()
    assert "草稿抽取" not in listing and "撤销抽取" not in listing


def test_an_announced_draw_shows_its_pool_but_no_record_yet(client, announced):
    page = client.get(reverse("draws:public_detail", args=[announced.pk])).content.decode()
    assert announced.pool_sm3 in page
    assert "待公布" in page
    assert client.get(reverse("draws:public_record", args=[announced.pk])).status_code == 404
    data = client.get(f"/api/draws/public/{announced.pk}").json()
    assert data["format"] == "zhifa-draw-announcement/1"
    assert data["pool"]["sm3"] == announced.pool_sm3
    assert [(s["code"], s["pool_size"], s["count"]) for s in data["strata"]] == [
        ("A", 20, 1),
        ("B", 20, 2),
        ("C", 10, 2),
        ("D", 10, 5),
    ]


def test_the_commit_secret_stays_hidden_until_the_draw(
    client, task, registry, officers, inspector, approver, reveal_date
):
    draw = services.create_draw(
        task=task,
        title="承诺揭示抽取",
        mode="commit",
        reveal_date=reveal_date,
        sources=[],
        actor=inspector,
    )
    draw = services.announce_draw(draw, actor=approver)
    page = client.get(reverse("draws:public_detail", args=[draw.pk])).content.decode()
    api = client.get(f"/api/draws/public/{draw.pk}").content.decode()
    assert draw.commitment_sm3 in page and draw.commitment_sm3 in api
    assert draw.secret not in page and draw.secret not in api
    client.force_login(inspector)
    detail = client.get(f"/api/draws/draws/{draw.pk}").content.decode()
    assert draw.secret not in detail
    client.logout()
    perform_on(reveal_date, draw, values=[], actor=inspector)
    page = client.get(reverse("draws:public_detail", args=[draw.pk])).content.decode()
    assert draw.secret in page
    assert client.get(f"/api/draws/public/{draw.pk}").json()["commitment"]["secret"] == draw.secret


@pytest.mark.parametrize(
    "persona", ["enterprise", "social_supervisor", "outsider", "legal_reviewer"]
)
def test_others_cannot_create_announce_or_draw(
    request, client_for, persona, announced, task, reveal_date, sources
):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    before = (DrawTask.objects.count(), AuditRecord.objects.count(), DrawResult.objects.count())
    expected = 403 if persona == "legal_reviewer" else 404
    page = create_via_page(client, task, reveal_date, sources)
    if persona == "outsider":  # an inspector elsewhere: the task is not among his choices
        assert "所选计划任务不存在、未公布或已撤销，请从列表中选择。" in page.content.decode()
    else:
        assert page.status_code == 403
    for name in ("draw_announce", "draw_perform", "draw_cancel"):
        response = client.post(reverse(f"draws:{name}", args=[announced.pk]), {"confirm": "on"})
        assert response.status_code == expected
    assert client.get(reverse("draws:draw_detail", args=[announced.pk])).status_code == (
        200 if persona == "legal_reviewer" else 404
    )
    api = client.post(
        f"/api/draws/draws/{announced.pk}/draw", {"values": VALUES}, content_type="application/json"
    )
    assert api.status_code == expected
    created = client.post(
        "/api/draws/draws",
        {
            "task_id": task.pk,
            "title": "越权创建",
            "mode": "public",
            "reveal_date": reveal_date.isoformat(),
            "sources": [{**s, "expected_on": s["expected_on"].isoformat()} for s in sources],
        },
        content_type="application/json",
    )
    # One who may create no draw at all is refused before the task is looked up (403); an
    # inspector elsewhere may create draws, but not for a task he cannot see (404).
    assert created.status_code == (404 if persona == "outsider" else 403)
    assert (
        DrawTask.objects.count(),
        AuditRecord.objects.count(),
        DrawResult.objects.count(),
    ) == before
    announced.refresh_from_db()
    assert announced.status == DrawStatus.ANNOUNCED


def test_the_agency_list_is_scoped_filtered_and_exported(
    client_for, drawn, outsider, supervisor, inspector
):
    client = client_for(inspector)
    page = client.get(reverse("draws:draw_list"), {"status": "drawn"}).content.decode()
    assert drawn.title in page
    assert "共 1 个抽取任务" in page
    assert (
        "共 0 个抽取任务"
        in client.get(reverse("draws:draw_list"), {"status": "draft"}).content.decode()
    )
    export = client.get(reverse("draws:draw_export"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("抽取任务", "分层", "抽中顺序", "统一社会信用代码")
    assert len(rows) == 11
    assert (
        "共 1 个抽取任务" in client_for(supervisor).get(reverse("draws:draw_list")).content.decode()
    )
    other = client_for(outsider)
    assert "共 0 个抽取任务" in other.get(reverse("draws:draw_list")).content.decode()
    assert (
        len(load_workbook(io.BytesIO(other.get(reverse("draws:draw_export")).content)).active["A"])
        == 1
    )


def test_the_api_creates_announces_and_draws_for_the_agency(
    client_for, task, registry, officers, inspector, approver, reveal_date, sources, outsider
):
    client = client_for(inspector)
    created = client.post(
        "/api/draws/draws",
        {
            "task_id": task.pk,
            "title": "接口创建的抽取",
            "mode": "public",
            "reveal_date": reveal_date.isoformat(),
            "sources": [{**s, "expected_on": s["expected_on"].isoformat()} for s in sources],
            "counts": {"D": 3},
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    draw_id = created.json()["id"]
    announced = client_for(approver).post(f"/api/draws/draws/{draw_id}/announce")
    assert announced.status_code == 200
    assert announced.json()["status"] == "announced"
    assert [s["count"] for s in announced.json()["strata"]] == [1, 2, 2, 3]
    early = client_for(inspector).post(
        f"/api/draws/draws/{draw_id}/draw", {"values": VALUES}, content_type="application/json"
    )
    assert early.status_code == 400
    assert early.json()["detail"].startswith(f"随机源公布日期为 {reveal_date:%Y-%m-%d}")
    listing = client_for(inspector).get("/api/draws/draws").json()
    assert [d["id"] for d in listing["items"]] == [draw_id]
    assert client_for(outsider).get("/api/draws/draws").json()["items"] == []
    assert client_for(outsider).get(f"/api/draws/draws/{draw_id}").status_code == 404
    schema = client_for(None).get("/api/openapi.json").json()
    assert "/api/draws/public/{draw_id}" in schema["paths"]
    assert "/api/draws/draws/{draw_id}/draw" in schema["paths"]


def test_conflicts_are_declared_and_withdrawn_on_pages(
    client_for, officers, zhoushan_enterprise, approver, enterprise
):
    client = client_for(approver)
    response = client.post(
        reverse("draws:conflict_declare"),
        {"officer": officers[0].pk, "uscc": zhoushan_enterprise.uscc, "reason": "配偶任该企业财务"},
    )
    assert response.status_code == 302
    conflict = OfficerConflict.objects.get()
    assert "配偶任该企业财务" in client.get(reverse("draws:conflict_list")).content.decode()
    client.post(reverse("draws:conflict_withdraw", args=[conflict.pk]))
    conflict.refresh_from_db()
    assert conflict.is_active is False
    other = client_for(enterprise)
    audits = AuditRecord.objects.count()
    assert other.get(reverse("draws:conflict_declare")).status_code == 403
    assert other.post(reverse("draws:conflict_withdraw", args=[conflict.pk])).status_code == 404
    assert AuditRecord.objects.count() == audits
