"""In a real browser the inspector issues a 预告通知书 with confirmation and downloads its PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.audit.sm3 import sm3_hex
from zhifa.documents.models import Document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_inspector_issues_a_preview_notice_and_downloads_its_pdf(
    browser_login, inspector, preview_draft
):
    page = browser_login(inspector)
    page.goto(reverse("documents:document_detail", args=[preview_draft.pk]))
    page.get_by_role("link", name="签发").click()
    page.get_by_label("成文日期").fill("2026-12-01")
    page.get_by_label("我已核对以上内容，确认办理").check()
    page.get_by_role("button", name="签发文书").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("document-number").inner_text() == "舟卫执预\u30142026\u30151号"

    with page.expect_download() as info:
        page.get_by_test_id("download-pdf").click()
    download = info.value
    data = open(download.path(), "rb").read()  # noqa: SIM115

    document = Document.objects.get(pk=preview_draft.pk)
    assert download.suggested_filename == "舟卫执预\u30142026\u30151号.pdf"
    assert data.startswith(b"%PDF")
    assert sm3_hex(data) == document.pdf_sm3
    assert page.get_by_test_id("pdf-sm3").inner_text() == document.pdf_sm3


def test_the_inspector_batch_issues_ticked_drafts_and_watches_the_progress(
    browser_login, inspector, drafts
):
    from playwright.sync_api import expect

    from zhifa.documents.models import DocumentBatch

    page = browser_login(inspector)
    page.goto(reverse("documents:document_list") + "?status=draft")
    for name in ("东港水产有限公司", "定海渔具商行", "普陀民宿有限公司", "岱山船舶修造厂"):
        page.get_by_label(f"选择“{name}”的行政执法检查预告通知书").check()
    page.get_by_role("button", name="批量签发所选草稿").click()
    expect(page.get_by_role("heading", name="批量签发 4 份文书")).to_be_visible()
    page.get_by_label("成文日期").fill("2026-12-01")
    page.get_by_label("我已核对以上内容，确认办理").check()
    page.get_by_role("button", name="开始批量签发").click()

    # The page polls with htmx until the worker thread has finished.
    expect(page.get_by_test_id("batch-counts")).to_have_text(
        "已办理 4/4 份：签发 3 份，失败 1 份", timeout=60_000
    )
    failures = page.get_by_test_id("batch-failures")
    expect(failures).to_contain_text("受送达人“定海渔具商行”的《行政执法检查预告通知书》")
    batch = DocumentBatch.objects.get()
    assert (batch.status, batch.done, batch.failed) == ("finished_with_errors", 3, 1)
