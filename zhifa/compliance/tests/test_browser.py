"""An anonymous visitor searches the guidance list and sees the expected item highlighted."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_anonymous_visitor_finds_the_expired_licence_item(page, demo_version):
    page.goto(reverse("compliance:version_list"))
    page.get_by_label("您想了解什么").fill("食品经营许可证过期")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_load_state("networkidle")
    first = page.get_by_test_id("hit").first
    assert first.get_attribute("data-code") == "HG-SP-02"
    assert first.locator("h3 mark").first.inner_text() == "食品经营许可证过期"
    first.get_by_role("link").click()
    assert page.get_by_test_id("item-title").inner_text() == (
        "HG-SP-02 食品经营许可证过期未延续仍继续经营"
    )
    assert (
        page.get_by_test_id("legal-basis").inner_text() == "《中华人民共和国食品安全法》第三十五条"
    )
