"""``/api/compliance/``: search and published lists without login; self-checks scoped."""

from __future__ import annotations

from zhifa.compliance import services


def test_search_needs_no_login_and_ranks_the_expected_item_first(client, demo_version):
    response = client.get("/api/compliance/search", {"q": "危废台账", "limit": 3})
    assert response.status_code == 200
    data = response.json()
    assert data["query"] == "危废台账"
    assert data["hits"][0]["code"] == "HG-ST-16"
    assert data["hits"][0]["field"] == "ecology"
    assert "<mark>危险废物</mark>" in data["hits"][0]["title_html"]
    assert len(data["hits"]) == 3


def test_search_filters_by_field_and_industry(client, demo_version):
    data = client.get(
        "/api/compliance/search", {"q": "健康证", "field": "health", "industry": "住宿业"}
    ).json()
    assert data["hits"][0]["code"] == "HG-WS-02"
    assert {h["field"] for h in data["hits"]} == {"health"}


def test_search_refuses_a_limit_out_of_range(client, demo_version):
    too_many = client.get("/api/compliance/search", {"q": "食品", "limit": 500})
    assert too_many.status_code == 422
    assert list(too_many.json()["errors"]) == ["limit"]
    missing = client.get("/api/compliance/search")
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"q": ["缺少此字段，请补充。"]}


def test_published_versions_and_items_need_no_login(client, demo_version):
    versions = client.get("/api/compliance/versions").json()
    assert versions["count"] == 1
    assert versions["items"][0]["label"] == "2025版"
    assert versions["items"][0]["region"] == "330900"
    items = client.get(
        f"/api/compliance/versions/{demo_version.pk}/items", {"field": "health"}
    ).json()
    assert items["count"] == 12
    item = demo_version.items.get(code="HG-XF-02")
    detail = client.get(f"/api/compliance/items/{item.pk}").json()
    assert detail["legal_basis_law"] == "《中华人民共和国消防法》"
    assert detail["legal_basis_article"] == "第二十八条"


def test_a_draft_is_not_served_publicly(client, draft, curator):
    from zhifa.compliance.tests.conftest import item_data

    item = services.add_item(draft, data=item_data(), actor=curator)
    assert client.get(f"/api/compliance/versions/{draft.pk}").status_code == 404
    assert client.get(f"/api/compliance/items/{item.pk}").status_code == 404
    assert client.get(f"/api/compliance/versions/{draft.pk}/items").json()["count"] == 0


def test_self_checks_are_the_enterprises_own(
    client_for, demo_version, enterprise, other_enterprise_user
):
    check = services.start_self_check(enterprise.enterprise, actor=enterprise)
    assert client_for(None).get("/api/compliance/self-checks").status_code == 401
    own = client_for(enterprise).get(f"/api/compliance/self-checks/{check.pk}")
    assert own.status_code == 200
    assert own.json()["status"] == "in_progress"
    assert len(own.json()["answers"]) == check.answers.count()
    other = client_for(other_enterprise_user)
    assert other.get(f"/api/compliance/self-checks/{check.pk}").status_code == 404
    assert other.get("/api/compliance/self-checks").json()["count"] == 0
