"""The enterprise reports its 整改 with a photo on a 390×844 phone, and the officer sees it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

import zhifa_testing as testing
from zhifa.inspections.models import RectificationReport
from zhifa_testing import cases
from zhifa_testing.cases import at

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseeded"),
]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PNG = cases.PNG


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_enterprise_reports_its_rectification_with_a_photo_on_a_phone(
    chromium, live_server, tmp_path, inspector, approver, health_agency, enterprise, items
):
    case = cases.rectifying_case(
        inspector=inspector,
        approver=approver,
        organisation=health_agency,
        enterprise=enterprise.enterprise,
        items=items,
    )
    photo = tmp_path / "整改后.png"
    photo.write_bytes(PNG)
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    try:
        with at(dt.date(2026, 3, 20), tick=True):
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.goto("/accounts/login/")
            page.get_by_label("用户名").fill(enterprise.username)
            page.get_by_label("密码").fill(testing.DEMO_PASSWORD)
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("button", name="登录").click()
            page.goto(reverse("inspections:my_case", args=[case.pk]))
            form = page.get_by_test_id("rectification-form")
            form.get_by_label("整改情况").fill("2名服务员已体检并取得健康合格证明。")
            form.get_by_label("整改照片").set_input_files(str(photo))
            button = form.get_by_role("button", name="提交整改情况")
            box = button.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
            with page.expect_navigation(wait_until="load"):
                button.click()

            assert "已提交整改情况，执法人员复查时将查看。" in page.content()
            report = page.get_by_test_id("rectification-report")
            assert report.count() == 1
            assert "2名服务员已体检并取得健康合格证明。" in report.inner_text()
            assert report.locator("img").count() == 1
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()

    saved = RectificationReport.objects.get()
    assert (saved.is_late, saved.photos.count()) == (False, 1)
