"""On a phone a list's filter form folds behind 筛选 so that the list fills the first screen; the
button counts the filters set; on a laptop the form shows as before, with nothing to open."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from zhifa_testing import pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
TABBAR = 56
# To look at the pages: ZHIFA_LAYOUT_SCREENSHOTS=<folder> saves a screenshot of each size.
SHOTS = (
    Path(os.environ["ZHIFA_LAYOUT_SCREENSHOTS"])
    if os.environ.get("ZHIFA_LAYOUT_SCREENSHOTS")
    else None
)


def _signed_in(chromium, base, user, viewport):
    client = Client()
    client.force_login(user)
    context = chromium.new_context(base_url=base, locale="zh-CN", viewport=viewport, has_touch=True)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _first_row_top(page) -> float:
    box = page.locator("table.list tbody tr").first.bounding_box()
    assert box is not None, page.url
    return box["y"]


@pytest.mark.parametrize(
    ("username", "path", "filtered"),
    [
        # 检查案件: a search word and a type; the page number and an empty 状态 are no filters.
        ("inspector", "/inspections/", "?q=%E8%88%9F%E5%B1%B1&status=&kind=special&page=1"),
        # 问题清单: only overdue ones.
        ("supervisor", "/complaints/list/", "?overdue=on&page=1"),
    ],
)
def test_on_a_phone_the_list_comes_first_and_its_filters_open_from_筛选(
    chromium, live_server, tmp_path, username, path, filtered
):
    from zhifa.org.models import User

    with pages.world_at_moment(tmp_path):
        user = User.objects.get(username=username)
        page = _signed_in(chromium, live_server.url, user, PHONE)
        page.goto(path, wait_until="load")
        form = page.locator("form.filters").first
        toggle = page.get_by_test_id("filter-toggle")
        assert toggle.inner_text() == "筛选"
        assert not form.is_visible()
        assert _first_row_top(page) < PHONE["height"] - TABBAR
        if SHOTS:
            page.screenshot(path=str(SHOTS / f"{username}-390-folded.png"))

        toggle.tap()
        assert form.is_visible()
        assert form.get_by_role("button", name="查询").is_visible()
        if SHOTS:
            page.screenshot(path=str(SHOTS / f"{username}-390-open.png"))
        toggle.tap()
        assert not form.is_visible()

        # A filtered list still comes first, and says it is filtered.
        page.goto(path + filtered, wait_until="load")
        assert page.get_by_test_id("filter-toggle").inner_text() == (
            "筛选（2）" if username == "inspector" else "筛选（1）"
        )
        assert not page.locator("form.filters").first.is_visible()

        laptop = _signed_in(chromium, live_server.url, user, LAPTOP)
        laptop.goto(path, wait_until="load")
        assert laptop.locator("form.filters").first.is_visible()
        assert not laptop.get_by_test_id("filter-toggle").is_visible()
        if SHOTS:
            laptop.screenshot(path=str(SHOTS / f"{username}-1366.png"))
