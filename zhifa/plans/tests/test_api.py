from __future__ import annotations

import pytest

from zhifa.plans import services
from zhifa.plans.models import PlanStatus

pytestmark = pytest.mark.django_db


def test_items_list_is_scoped_and_needs_login(client_for, inspector, outsider, item):
    assert client_for(None).get("/api/plans/items").status_code == 401
    data = client_for(inspector).get("/api/plans/items").json()
    assert data["count"] == 1
    assert data["items"][0]["code"] == "WJ-GGCS-01"
    assert data["items"][0]["legal_basis_law"] == "《公共场所卫生管理条例》"
    assert data["items"][0]["checklist"] == [
        "从业人员是否均持有效健康合格证明",
        "是否建立从业人员健康档案",
    ]
    assert client_for(outsider).get("/api/plans/items").json()["count"] == 0
    assert client_for(outsider).get(f"/api/plans/items/{item.pk}").status_code == 404
    assert client_for(inspector).get("/api/plans/items?method=bad").status_code == 400


def test_plan_detail_lists_items_strata_and_tasks(client_for, supervisor, draft_plan):
    response = client_for(supervisor).get(f"/api/plans/plans/{draft_plan.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "draft"
    assert [i["code"] for i in data["items"]] == ["WJ-GGCS-01"]
    assert [(s["code"], s["sampling_ratio"]) for s in data["strata"]] == [
        ("A", "3.00"),
        ("B", "5.00"),
        ("C", "10.00"),
        ("D", "20.00"),
    ]
    assert data["tasks"][0]["items"] == ["WJ-GGCS-01"]
    assert data["tasks"][0]["region"] == "330900"


def test_approve_and_publish_endpoints(client_for, inspector, approver, draft_plan, counts):
    before = counts()
    response = client_for(inspector).post(f"/api/plans/plans/{draft_plan.pk}/approve")
    assert response.status_code == 403
    assert response.json()["detail"] == "年度执法计划只能由执法机关负责人批准、退回和公布。"
    assert counts() == before
    response = client_for(approver).post(f"/api/plans/plans/{draft_plan.pk}/publish")
    assert response.status_code == 400
    assert "当前状态为“草稿”，不能公布" in response.json()["detail"]
    assert counts() == before
    response = client_for(approver).post(f"/api/plans/plans/{draft_plan.pk}/approve")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    response = client_for(approver).post(f"/api/plans/plans/{draft_plan.pk}/publish")
    assert response.json()["status"] == "published"
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.PUBLISHED


def test_public_endpoints_need_no_login_and_hide_drafts(
    client_for, published_plan, health_agency, inspector, approver
):
    draft = services.create_plan(
        organisation=health_agency, data={"year": 2027, "title": "草稿"}, actor=inspector
    )
    amendment = services.propose_amendment(
        published_plan,
        reason="提高 D 类比例",
        changes=[{"op": "set_stratum_ratio", "grade": "D", "ratio": "25"}],
        actor=inspector,
    )
    client = client_for(None)
    data = client.get("/api/plans/public/plans").json()
    assert [p["id"] for p in data["items"]] == [published_plan.pk]
    assert client.get("/api/plans/public/plans?year=2027").json()["count"] == 0
    assert client.get(f"/api/plans/public/plans/{draft.pk}").status_code == 404
    detail = client.get(f"/api/plans/public/plans/{published_plan.pk}").json()
    assert detail["amendments"] == []
    services.publish_amendment(amendment, actor=approver)
    detail = client.get(f"/api/plans/public/plans/{published_plan.pk}").json()
    assert [a["number"] for a in detail["amendments"]] == [1]
    assert detail["amendments"][0]["after"]["strata"][3]["sampling_ratio"] == "25.00"
    assert detail["strata"][3]["sampling_ratio"] == "25.00"


def test_endpoints_are_in_the_openapi_schema(client_for):
    schema = client_for(None).get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/plans/items",
        "/api/plans/plans/{plan_id}",
        "/api/plans/plans/{plan_id}/approve",
        "/api/plans/plans/{plan_id}/publish",
        "/api/plans/public/plans",
        "/api/plans/public/plans/{plan_id}",
    ):
        assert path in paths, path
