"""The crawler behind the every-page tests (zhifa_testing.pages) finds each page a persona can
reach once, skips files, sign-out and machine interfaces, and finds the same list every time."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import resolve

import zhifa_testing as testing
from zhifa_testing import pages

pytestmark = pytest.mark.django_db


def name_of(path: str) -> str:
    return resolve(urlsplit(path).path).view_name


@pytest.fixture
def three_enterprises(zhoushan):
    return [
        testing.enterprise(name, region=zhoushan, industry="餐饮业")
        for name in ("舟山甲酒楼有限公司", "舟山乙酒楼有限公司", "舟山丙酒楼有限公司")
    ]


def test_the_inspector_reaches_each_page_once_by_its_links(
    client_for, inspector, three_enterprises
):
    found = pages.pages_for(client_for(inspector))
    assert found[:4] == ["/", "/inspections/inbox/", "/notifications/", "/supervision/inbox/"]
    patterns = [pages.pattern_of(p) for p in found]
    assert len(patterns) == len(set(patterns))
    enterprise_pages = [p for p in found if name_of(p) == "registry:enterprise_detail"]
    assert len(enterprise_pages) == 1
    assert "/registry/enterprises/" in found
    assert "/accounts/password/" in found


def test_files_sign_out_and_machine_interfaces_are_not_pages(
    client_for, inspector, three_enterprises
):
    found = pages.pages_for(client_for(inspector))
    names = {name_of(p) for p in found}
    assert "logout" not in names
    assert [n for n in names if "export" in n or "template" in n or "download" in n] == []
    assert [p for p in found if p.startswith(("/api/", "/open311/", "/hotline/"))] == []
    assert pages.pattern_of("/documents/1/file.pdf") is None
    assert pages.pattern_of("/admin/org/user/") is None
    assert pages.pattern_of("/admin/") == ("admin/", "admin:index")


def test_the_crawl_finds_the_same_list_every_time(client_for, supervisor, three_enterprises):
    client = client_for(supervisor)
    assert pages.pages_for(client) == pages.pages_for(client)


def test_a_visitor_reaches_the_public_pages_and_the_login_form(client_for, three_enterprises):
    found = pages.pages_for(client_for(None))
    assert "login" in {name_of(p) for p in found}
    assert "/plans/public/" in found
    assert "/inspections/results/" in found
    assert [p for p in found if p.startswith(("/inspections/inbox/", "/registry/"))] == []


def test_links_are_read_relative_to_the_page_and_other_sites_left_out():
    html = '<a href="../b/?x=1#top">b</a><a href="https://gov.cn/">g</a><a href="mailto:a@b">m</a>'
    assert pages.links_in(html, "/a/c/") == ["/a/b/?x=1"]
