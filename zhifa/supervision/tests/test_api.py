from __future__ import annotations

import json

import pytest

from zhifa.audit.models import AuditRecord
from zhifa.supervision.models import LetterStatus, SupervisionLetter
from zhifa.supervision.tests.conftest import CONTENT

URL = "/api/supervision"


@pytest.fixture
def call(client_for):
    def _call(user, method, path, body=None):
        client = client_for(user)
        if method == "get":
            return client.get(URL + path)
        return client.post(URL + path, data=json.dumps(body or {}), content_type="application/json")

    return _call


def test_the_whole_way_through_the_api(
    call, supervisor, head, inspector, health_agency, opinion_type, clock
):
    content = {**CONTENT, "facts": CONTENT["facts"].split("\n")}
    made = call(
        supervisor,
        "post",
        "/letters",
        {"letter_type_id": opinion_type.pk, "addressee_id": health_agency.pk, "content": content},
    )
    assert made.status_code == 201, made.content
    letter_id = made.json()["id"]
    assert made.json()["status"] == "draft"
    assert made.json()["reply_working_days"] == 20
    assert call(supervisor, "post", f"/letters/{letter_id}/submit").status_code == 200
    own = call(supervisor, "post", f"/letters/{letter_id}/review", {"approve": True})
    assert own.status_code == 403
    assert own.json()["detail"] == "审核须由拟稿人以外的执法监督人员办理。"
    assert call(head, "post", f"/letters/{letter_id}/review", {"approve": True}).status_code == 200
    signed = call(head, "post", f"/letters/{letter_id}/sign")
    assert signed.status_code == 200
    assert signed.json()["reply_due"] == "2026-12-29"
    assert signed.json()["number"].startswith("舟司监意〔2026〕")
    assert call(inspector, "post", f"/letters/{letter_id}/receive").status_code == 200
    replied = call(inspector, "post", f"/letters/{letter_id}/reply", {"text": "已纠正。"})
    assert replied.json()["status"] == "replied"
    closed = call(supervisor, "post", f"/letters/{letter_id}/verify", {"note": "属实。"})
    assert closed.json()["status"] == "closed"


def test_a_wrong_state_step_is_refused_with_the_reason_and_changes_nothing(call, draft, supervisor):
    before = AuditRecord.objects.count()
    response = call(supervisor, "post", f"/letters/{draft.pk}/return", {"reason": "再报。"})
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "监督文书行政执法监督意见书（舟山市卫生健康委员会）当前为“拟稿”，不能退回重报。"
    )
    draft.refresh_from_db()
    assert draft.status == LetterStatus.DRAFT
    assert AuditRecord.objects.count() == before


def test_the_agency_lists_only_what_is_issued_to_it(
    call, issued, supervisor, health_agency, opinion_type, inspector, other_inspector
):
    from zhifa.supervision import services

    draft = services.draft_letter(
        actor=supervisor, letter_type=opinion_type, addressee=health_agency, content=CONTENT
    )
    mine = call(inspector, "get", "/letters").json()
    assert [item["id"] for item in mine["items"]] == [issued.pk]
    assert call(other_inspector, "get", "/letters").json()["items"] == []
    assert call(other_inspector, "get", f"/letters/{issued.pk}").status_code == 404
    assert call(inspector, "get", f"/letters/{draft.pk}").status_code == 404


def test_an_enterprise_cannot_draft(call, enterprise, health_agency, opinion_type):
    response = call(
        enterprise,
        "post",
        "/letters",
        {"letter_type_id": opinion_type.pk, "addressee_id": health_agency.pk, "content": {}},
    )
    assert response.status_code == 403
    assert SupervisionLetter.objects.count() == 0


def test_workspace_counts_in_the_api(call, replied, supervisor):
    assert call(supervisor, "get", "/workspace").json() == {
        "awaiting_review": 0,
        "awaiting_sign": 0,
        "awaiting_reply": 0,
        "overdue": 0,
        "replies_to_verify": 1,
        "review_requests": 0,
    }


def test_a_control_character_in_the_content_is_refused_naming_the_field(
    call, supervisor, health_agency, opinion_type
):
    response = call(
        supervisor,
        "post",
        "/letters",
        {
            "letter_type_id": opinion_type.pk,
            "addressee_id": health_agency.pk,
            "content": {**CONTENT, "matter": "含有\u202e方向控制字符"},
        },
    )
    # The API refuses the control character before the service sees it (zhifa.api).
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["content.matter"]
    assert SupervisionLetter.objects.count() == 0
