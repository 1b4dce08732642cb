"""Entering a year on a phone and confirming it as a second administrator, in a real browser.

Set ``ZHIFA_SCREENSHOTS=/some/dir`` to keep a screenshot of each page at 390 and 1366 px.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import zhifa_testing as testing
from zhifa.workdays import selectors, services
from zhifa.workdays.models import HolidayArrangement, HolidayYear
from zhifa.workdays.tests.conftest import SAMPLE_2026

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def shot(page, name: str) -> None:
    folder = os.environ.get("ZHIFA_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def signed_in(chromium, live_server, user, size):
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", **size)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(testing.DEMO_PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="登录").click()
    return page


def test_a_year_is_entered_on_a_phone_and_confirmed_by_another_admin(chromium, live_server):
    # An earlier transactional test may have flushed what the migrations loaded.
    services.load_all_from_package(actor=None)
    first = testing.user("admin", role="admin", display_name="录入管理员")
    second = testing.user("admin2", role="admin", display_name="复核管理员")
    services.delete_holiday_year(HolidayYear.objects.get(year=2026), actor=first)
    sample = json.loads(SAMPLE_2026.read_text(encoding="utf-8"))

    page = signed_in(chromium, live_server, first, PHONE)
    page.goto("/workdays/years/")
    shot(page, "years-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto("/workdays/years/new/?year=2026")
    page.fill("input[name=notice_number]", sample["notice_number"])
    page.fill("input[name=notice_date]", sample["notice_date"])
    page.fill("input[name=notice_url]", sample["notice_url"])
    for n, row in enumerate(sample["holidays"]):
        page.fill(f"input[name=h-{n}-name]", row["name"])
        page.fill(f"input[name=h-{n}-first]", row["first"])
        page.fill(f"input[name=h-{n}-last]", "2026-06-20" if n == 4 else row["last"])
    for n, row in enumerate(sample["makeup_workdays"]):
        page.fill(f"input[name=m-{n}-date]", row["date"])
        page.fill(f"input[name=m-{n}-name]", row["name"])
    shot(page, "entry-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="核对并预览日历").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("year-calendar").count() == 1
    shot(page, "preview-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("button", name="保存待复核").click()
    page.wait_for_url("**/workdays/years/2026/")
    assert page.get_by_test_id("own-entry").is_visible()
    shot(page, "pending-own-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert selectors.is_year_loaded(2026) is False

    reviewer = signed_in(chromium, live_server, second, DESKTOP)
    reviewer.goto("/workdays/years/2026/")
    shot(reviewer, "pending-review-1366")
    reviewer.get_by_label("我已对照通知原文逐日核对放假和调休上班日期").check()
    reviewer.get_by_role("button", name="复核确认").click()
    reviewer.wait_for_url("**/workdays/years/2026/")
    assert reviewer.get_by_test_id("current").is_visible()
    shot(reviewer, "confirmed-1366")
    assert selectors.is_year_loaded(2026) is True
    arrangement = HolidayArrangement.objects.get(year=2026, confirmed_by=second)
    assert arrangement.holidays[4] == {
        "name": "端午节",
        "first": "2026-06-19",
        "last": "2026-06-20",
    }
    # The package has 2026 with 端午 until 06-21, a Sunday: no working day differs.
    assert arrangement.differences == []
    for context in (page.context, reviewer.context):
        context.close()
