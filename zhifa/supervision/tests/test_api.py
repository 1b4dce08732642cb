from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

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


def test_the_drafter_changes_his_draft_through_the_api_and_a_signed_letter_stays(
    call, draft, supervisor, head
):
    changed = call(
        supervisor,
        "post",
        f"/letters/{draft.pk}/content",
        {
            "content": {**CONTENT, "matter": "你单位对同一企业年内检查五次。"},
            "reply_working_days": 15,
        },
    )
    assert changed.status_code == 200, changed.content
    draft.refresh_from_db()
    assert draft.document.context["matter"] == "你单位对同一企业年内检查五次。"
    assert draft.reply_working_days == 15

    call(supervisor, "post", f"/letters/{draft.pk}/submit")
    before = AuditRecord.objects.count()
    refused = call(supervisor, "post", f"/letters/{draft.pk}/content", {"content": CONTENT})
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "监督文书行政执法监督意见书（舟山市卫生健康委员会）当前为“待审核”，"
        "不能修改（只有拟稿状态可以修改）。"
    )
    assert AuditRecord.objects.count() == before


def test_the_agency_replies_with_evidence_files_through_the_api(
    client_for, received, inspector, supervisor
):
    pdf = SimpleUploadedFile(
        "整改照片.pdf", b"%PDF-1.4 corrected\n", content_type="application/pdf"
    )
    response = client_for(inspector).post(
        f"{URL}/letters/{received.pk}/reply-with-evidence",
        {"text": "已纠正并附整改照片。", "files": [pdf]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "replied"
    reply = received.replies.get()
    assert (reply.text, list(reply.evidence.values_list("name", flat=True))) == (
        "已纠正并附整改照片。",
        ["整改照片.pdf"],
    )


def test_a_reply_with_a_file_of_the_wrong_type_is_refused_and_stores_nothing(
    client_for, received, inspector
):
    bad = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    before = AuditRecord.objects.count()
    response = client_for(inspector).post(
        f"{URL}/letters/{received.pk}/reply-with-evidence", {"text": "见附件。", "files": [bad]}
    )
    assert response.status_code == 400
    assert "佐证材料" in response.json()["detail"]
    received.refresh_from_db()
    assert (received.status, received.replies.count()) == (LetterStatus.RECEIVED, 0)
    assert AuditRecord.objects.count() == before
