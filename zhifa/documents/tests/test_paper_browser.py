"""The enterprise reads a 文书 sent to it on a 390 px phone, in a real browser: the 文书 fits the
screen and is read as text, no PDF viewer needed.

Set ``ZHIFA_SCREENSHOTS=/some/dir`` to keep a screenshot of the page.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import zhifa_testing as testing
from zhifa.documents.services import deliver_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_the_enterprise_reads_a_notice_on_a_phone(
    chromium, live_server, inspector, enterprise, issued_preview
):
    deliver_document(issued_preview, method="portal", actor=inspector)
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(enterprise.username)
    page.get_by_label("密码").fill(testing.DEMO_PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="登录").click()

    page.goto(f"/documents/{issued_preview.pk}/")

    paper = page.get_by_test_id("paper")
    assert paper.is_visible()
    box = paper.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert paper.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert paper.get_by_text("行政执法检查预告通知书", exact=True).is_visible()
    folder = os.environ.get("ZHIFA_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / "document-paper-390.png"), full_page=True)
    context.close()
