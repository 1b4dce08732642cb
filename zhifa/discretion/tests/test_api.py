from __future__ import annotations

import json

import pytest

from zhifa.discretion.models import DiscretionItem

pytestmark = pytest.mark.django_db

EVALUATE = "/api/discretion/evaluate"


def post(client, data):
    return client.post(EVALUATE, data=json.dumps(data), content_type="application/json")


def test_published_items_are_listed_without_login(client_for, published, draft):
    response = client_for(None).get("/api/discretion/items", {"kind": "exempt"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["code"] == "BY-01"
    assert item["kind_label"] == "不予处罚"
    assert item["condition_texts"][0] == "首次违法（近2年内无同类违法记录）"
    assert item["conditions"][0] == {"kind": "first_violation", "years": 2}


def test_a_bad_kind_is_a_400_in_chinese(client_for, published):
    response = client_for(None).get("/api/discretion/items", {"kind": "fine"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("参数 kind 的取值“fine”无效")


def test_draft_items_are_not_public(client_for, draft, health_agency, legal_reviewer):
    item = DiscretionItem.objects.filter(version=draft).first()
    assert item is not None
    response = client_for(None).get(f"/api/discretion/items/{item.pk}")
    assert response.status_code == 404
    assert client_for(None).get("/api/discretion/items").json()["count"] == 0
    assert client_for(None).get("/api/discretion/versions").json() == []


def test_evaluate_needs_a_login(client_for, published):
    response = post(client_for(None), {"violation_code": "GC-JKZM", "found_on": "2026-06-15"})
    assert response.status_code == 401


def test_enterprise_users_may_not_evaluate(client_for, published, enterprise):
    response = post(client_for(enterprise), {"violation_code": "GC-JKZM", "found_on": "2026-06-15"})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("只有执法机关的执法人员")


def test_an_inspector_evaluates_against_the_agencys_published_lists(
    client_for, published, inspector
):
    response = post(
        client_for(inspector),
        {
            "violation_code": "GC-JKZM",
            "found_on": "2026-06-15",
            "harm": "minor",
            "corrected_before_inspection": True,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == {
        "id": published.pk,
        "label": "舟山市卫生健康 2026版",
        "organisation": "舟山市卫生健康委员会",
    }
    assert body["proposed"]["outcome"] == "exempt"
    assert body["proposed"]["allowed"] == ["exempt"]
    assert [(i["code"], i["matches"]) for i in body["items"]] == [
        ("BY-01", True),
        ("CQ-01", False),
    ]


def test_a_repeat_violation_and_an_art32_circumstance_give_a_lighter_penalty(
    client_for, published, inspector
):
    response = post(
        client_for(inspector),
        {
            "violation_code": "GC-JKZM",
            "found_on": "2026-06-15",
            "harm": "general",
            "circumstances": ["eliminated_harm"],
            "history": [{"violation_code": "GC-JKZM", "decided_on": "2025-11-03"}],
        },
    )
    body = response.json()
    assert body["proposed"]["outcome"] == "lighter"
    assert body["proposed"]["allowed"] == ["lighter", "mitigated"]
    assert body["proposed"]["mandatory"] is True
    by_code = {i["code"]: i for i in body["items"]}
    assert by_code["BY-01"]["matches"] is False
    assert by_code["CQ-01"]["matches"] is True


def test_an_unknown_version_is_404_and_bad_input_422(client_for, published, outsider):
    client = client_for(outsider)
    response = post(client, {"version": 99999, "violation_code": "X", "found_on": "2026-06-15"})
    assert response.status_code == 404
    response = post(client, {"violation_code": "X", "found_on": "2026-06-15", "harm": "huge"})
    assert response.status_code == 422
    # an outsider may evaluate against another agency's published list (it is public)
    response = post(
        client,
        {"version": published.pk, "violation_code": "GC-JKZM", "found_on": "2026-06-15"},
    )
    assert response.status_code == 200
    assert response.json()["proposed"]["outcome"] == "general"


def test_the_limitation_facts_reach_the_engine_and_a_special_period_needs_its_law(
    client_for, published, inspector
):
    client = client_for(inspector)
    base = {"violation_code": "GC-JKZM", "found_on": "2026-06-15", "ended_on": "2024-06-14"}

    body = post(client, base).json()
    art36 = next(s for s in body["statutory"] if s["rule"] == "art36")
    assert art36["applies"] is True
    assert body["proposed"]["outcome"] == "exempt"

    refused = post(client, {**base, "special_limitation_months": 60})
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "法律另有规定的追责期限（special_limitation_months）与其法律依据"
        "（special_limitation_basis）须同时填写。"
    )

    body = post(
        client,
        {
            **base,
            "special_limitation_months": 60,
            "special_limitation_basis": "《中华人民共和国税收征收管理法》第八十六条",
        },
    ).json()
    art36 = next(s for s in body["statutory"] if s["rule"] == "art36")
    assert art36["applies"] is False
    assert body["proposed"]["outcome"] == "general"


def test_the_violations_of_an_agencys_lists_in_force_are_found_by_name_or_code(
    client_for, published, health_agency, jinzhong_market_agency
):
    by_name = client_for(None).get(
        "/api/discretion/violations", {"organisation": health_agency.pk, "q": "健康合格证明"}
    )
    by_item = client_for(None).get(
        "/api/discretion/violations", {"organisation": health_agency.pk, "q": "cq-01"}
    )
    elsewhere = client_for(None).get(
        "/api/discretion/violations", {"organisation": jinzhong_market_agency.pk, "q": "健康"}
    )
    missing = client_for(None).get("/api/discretion/violations", {"q": "健康"})

    expected = [
        {
            "violation_code": "GC-JKZM",
            "violation": "安排未获得有效健康合格证明的从业人员从事直接为顾客服务的工作",
            "listed_as": ["不予处罚清单 BY-01", "从轻处罚清单 CQ-01"],
            "violated_provision": "《公共场所卫生管理条例实施细则》第三十八条",
            "penalty_provision": "《公共场所卫生管理条例实施细则》第三十八条",
        }
    ]
    assert (by_name.status_code, by_name.json()) == (200, expected)
    assert by_item.json() == expected
    assert elsewhere.json() == []
    assert missing.status_code == 422


def test_a_listed_item_states_its_two_provisions(client_for, published):
    item = client_for(None).get("/api/discretion/items", {"kind": "lighter"}).json()["items"][0]

    assert (item["violation_basis"], item["violated_provision"], item["penalty_provision"]) == (
        "《公共场所卫生管理条例实施细则》第三十八条",
        "《公共场所卫生管理条例实施细则》第三十八条",
        "《公共场所卫生管理条例实施细则》第三十八条",
    )
