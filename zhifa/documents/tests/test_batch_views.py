"""The 批量签发 pages: tick drafts on the document list, confirm, watch the progress."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.documents.models import BatchStatus, DocumentBatch, DocumentBatchItem, DocumentStatus
from zhifa.documents.services import issue_documents_in_batch, run_batch

from .conftest import ISSUE_DATE
from .test_batches import number


def counts() -> tuple[int, int, int]:
    return (
        AuditRecord.objects.count(),
        DocumentBatch.objects.count(),
        DocumentBatchItem.objects.count(),
    )


def test_the_document_list_offers_its_drafts_for_batch_issue(
    client_for, inspector, drafts, issued_preview
):
    response = client_for(inspector).get(reverse("documents:document_list"))

    html = response.content.decode()
    assert response.context["batchable"] == {d.pk for d in drafts}
    assert html.count('type="checkbox" name="ids"') == 4
    assert f'name="ids" value="{issued_preview.pk}"' not in html
    assert f'action="{reverse("documents:batch_create")}"' in html
    assert "批量签发所选草稿" in html


def test_the_confirm_page_lists_the_ticked_drafts_and_needs_confirmation(
    client_for, inspector, drafts
):
    client = client_for(inspector)
    url = reverse("documents:batch_create")
    ids = [str(d.pk) for d in drafts[:2]]

    page = client.get(url, {"ids": ids})
    before = counts()
    refused = client.post(url, {"ids": ids})

    assert page.status_code == 200
    assert [d.pk for d in page.context["drafts"]] == [drafts[0].pk, drafts[1].pk]
    html = page.content.decode()
    assert "批量签发 2 份文书" in html
    assert "东港水产有限公司" in html and "定海渔具商行" in html
    assert refused.status_code == 200
    assert refused.context["form"].errors["confirm"] == ["请勾选确认后再办理。"]
    assert counts() == before


def test_starting_a_batch_queues_it_after_commit_and_shows_its_progress(
    client_for, inspector, drafts, django_capture_on_commit_callbacks
):
    client = client_for(inspector)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("documents:batch_create"),
            {"ids": [d.pk for d in drafts], "confirm": "on", "issue_date": "2026-12-01"},
        )

    batch = DocumentBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:batch_detail", args=[batch.pk])
    assert len(callbacks) == 1
    assert batch.status == BatchStatus.QUEUED
    assert batch.issue_date == ISSUE_DATE
    queued = client.get(response["Location"]).content.decode()
    assert "已办理 0/4 份：签发 0 份，失败 0 份" in queued
    assert f'hx-get="{reverse("documents:batch_progress", args=[batch.pk])}"' in queued
    assert 'hx-trigger="every 2s"' in queued

    run_batch(batch.pk)  # what the worker thread runs

    progress = client.get(reverse("documents:batch_progress", args=[batch.pk]))
    html = progress.content.decode()
    assert progress.status_code == 200
    assert html.lstrip().startswith('<section id="batch-progress"')
    assert "已办理 4/4 份：签发 3 份，失败 1 份" in html
    assert "已完成（部分失败）" in html
    assert "hx-get" not in html
    assert (
        f"受送达人“定海渔具商行”的《行政执法检查预告通知书》（草稿编号 {drafts[1].pk}）签发失败："
        in html
    )
    detail = client.get(reverse("documents:batch_detail", args=[batch.pk])).content.decode()
    for n in (1, 2, 3):
        assert number(n) in detail
    failed_only = client.get(
        reverse("documents:batch_detail", args=[batch.pk]), {"status": "failed"}
    )
    assert [i.document_id for i in failed_only.context["page"]] == [drafts[1].pk]
    assert verify_chain().ok


def test_the_batch_list_shows_the_agencys_batches(client_for, inspector, drafts):
    batch = issue_documents_in_batch(drafts, actor=inspector)
    run_batch(batch.pk)
    client = client_for(inspector)

    listed = client.get(reverse("documents:batch_list"))
    finished = client.get(reverse("documents:batch_list"), {"status": "finished"})

    assert [b.pk for b in listed.context["page"]] == [batch.pk]
    html = listed.content.decode()
    assert "批量签发行政执法检查预告通知书（4 份）" in html
    assert "4/4（失败 1）" in html
    assert list(finished.context["page"]) == []


def test_an_outsider_sees_no_batch_and_cannot_start_one_for_another_agency(
    client_for, inspector, outsider, drafts
):
    batch = issue_documents_in_batch(drafts, actor=inspector)
    client = client_for(outsider)
    before = counts()

    detail = client.get(reverse("documents:batch_detail", args=[batch.pk]))
    progress = client.get(reverse("documents:batch_progress", args=[batch.pk]))
    listed = client.get(reverse("documents:batch_list"))
    started = client.post(
        reverse("documents:batch_create"), {"ids": [drafts[0].pk], "confirm": "on"}
    )

    assert detail.status_code == 404
    assert progress.status_code == 404
    assert started.status_code == 404
    assert list(listed.context["page"]) == []
    assert counts() == before


def test_an_enterprise_user_may_not_open_the_batch_pages(client_for, enterprise, drafts):
    before = counts()
    response = client_for(enterprise).get(reverse("documents:batch_list"))
    started = client_for(enterprise).post(
        reverse("documents:batch_create"), {"ids": [drafts[0].pk], "confirm": "on"}
    )
    assert response.status_code == 403
    assert started.status_code == 403
    assert counts() == before


def test_a_refused_batch_shows_the_reason_on_the_confirm_page(
    client_for, inspector, drafts, django_capture_on_commit_callbacks
):
    from zhifa.documents.services import issue_document

    issue_document(drafts[0], actor=inspector, issue_date=ISSUE_DATE)
    before = counts()

    response = client_for(inspector).post(
        reverse("documents:batch_create"), {"ids": [drafts[0].pk], "confirm": "on"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"受送达人“东港水产有限公司”的《行政执法检查预告通知书》（草稿编号 {drafts[0].pk}）"
        "当前为“已签发”，只有草稿可以签发；请取消勾选后再试。"
    ]
    assert counts() == before
    assert drafts[0].status == DocumentStatus.ISSUED


def test_no_ticked_draft_sends_the_user_back_to_the_list(client_for, inspector):
    response = client_for(inspector).get(reverse("documents:batch_create"))
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:document_list") + "?status=draft"


@pytest.mark.parametrize("bad", ["x", "1.5"])
def test_a_malformed_selection_is_not_found(client_for, inspector, bad):
    response = client_for(inspector).get(reverse("documents:batch_create"), {"ids": [bad]})
    assert response.status_code == 404


def test_the_admin_shows_a_batch_read_only(client_for, admin_user, inspector, drafts):
    batch = issue_documents_in_batch(drafts, actor=inspector)
    client = client_for(admin_user)
    before = counts()

    listed = client.get(reverse("admin:documents_documentbatch_changelist"))
    shown = client.get(reverse("admin:documents_documentbatch_change", args=[batch.pk]))
    posted = client.post(
        reverse("admin:documents_documentbatch_change", args=[batch.pk]), {"title": "改名"}
    )

    assert listed.status_code == 200
    assert "批量签发行政执法检查预告通知书（4 份）" in listed.content.decode()
    assert shown.status_code == 200
    assert shown.content.decode().count("<p>待办理</p>") == 4
    assert posted.status_code == 403
    batch.refresh_from_db()
    assert batch.title == "批量签发行政执法检查预告通知书（4 份）"
    assert counts() == before


def test_the_api_starts_a_batch_and_reports_its_progress(
    client_for, inspector, drafts, django_capture_on_commit_callbacks
):
    client = client_for(inspector)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = client.post(
            "/api/documents/batches",
            data={"documents": [d.pk for d in drafts], "issue_date": "2026-12-01"},
            content_type="application/json",
        )
    assert started.status_code == 202
    body = started.json()
    assert len(callbacks) == 1
    assert (body["status"], body["total"], body["done"], body["failed"]) == ("queued", 4, 0, 0)

    run_batch(body["id"])
    progress = client.get(f"/api/documents/batches/{body['id']}").json()

    assert progress["status"] == "finished_with_errors"
    assert progress["status_label"] == "已完成（部分失败）"
    assert (progress["done"], progress["failed"]) == (3, 1)
    (failure,) = progress["failures"]
    assert failure["document_id"] == drafts[1].pk
    assert failure["error"].startswith(
        f"受送达人“定海渔具商行”的《行政执法检查预告通知书》（草稿编号 {drafts[1].pk}）签发失败："
    )


def test_the_api_hides_batches_and_drafts_of_other_agencies(
    client_for, inspector, outsider, drafts
):
    batch = issue_documents_in_batch(drafts, actor=inspector)
    client = client_for(outsider)
    before = counts()

    shown = client.get(f"/api/documents/batches/{batch.pk}")
    started = client.post(
        "/api/documents/batches",
        data={"documents": [drafts[0].pk]},
        content_type="application/json",
    )

    assert shown.status_code == 404
    assert started.status_code == 404
    assert started.json() == {"detail": f"未找到编号为 {drafts[0].pk} 的文书，或您无权查看。"}
    assert counts() == before


def test_the_api_refuses_an_empty_batch(client_for, inspector):
    response = client_for(inspector).post(
        "/api/documents/batches", data={"documents": []}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "请至少选择一份草稿文书再批量签发。"}
    assert DocumentBatch.objects.count() == 0
