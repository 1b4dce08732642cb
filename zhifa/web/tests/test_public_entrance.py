"""The public entrance (issue 17): ``/`` for a visitor who is not signed in, the signed-out menu,
the login page's way back, and 文书核验 by typed code."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC_TITLES = [
    "计划公开",
    "抽取公示",
    "检查结果公示",
    "合规指导",
    "三张清单",
    "文书核验",
    "反映问题",
    "查询办理进度",
]


def tiles(body: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<a class="tile" href="([^"]+)" data-testid="public-page"><strong>([^<]+)</strong>', body
    )


def test_an_anonymous_visitor_reads_the_public_home_at_the_root_without_a_redirect(client):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "涉企行政执法公开服务" in body
    assert [title for _, title in tiles(body)] == PUBLIC_TITLES
    assert [href for href, _ in tiles(body)] == [
        "/plans/public/",
        "/draws/public/",
        "/inspections/results/",
        "/compliance/",
        "/discretion/",
        "/verify/",
        "/complaints/file/",
        "/complaints/track/",
    ]
    assert "哪些轻微违法可以不罚、从轻或减轻处罚" in body
    assert f'href="{reverse("login")}">登录</a>' in body


def test_every_page_the_public_home_links_opens_for_an_anonymous_visitor(client):
    body = client.get("/").content.decode()
    assert {href: client.get(href).status_code for href, _ in tiles(body)} == {
        href: 200 for href, _ in tiles(body)
    }


def test_signed_out_pages_carry_the_public_menu_and_signed_in_ones_do_not(client, inspector):
    menu = re.compile(r'data-testid="public-nav">(.*?)</nav>', re.S)
    page = client.get("/draws/public/").content.decode()
    labels = re.findall(r">([^<]+)</a>", menu.search(page)[1])
    assert labels == [
        "公开首页",
        "计划公开",
        "抽取公示",
        "检查结果",
        "合规指导",
        "三张清单",
        "文书核验",
        "反映问题",
        "登录",
    ]
    client.force_login(inspector)
    assert 'data-testid="public-nav"' not in client.get("/draws/public/").content.decode()


def test_a_signed_in_inspector_keeps_the_workspace_home(client, inspector):
    client.force_login(inspector)
    body = client.get("/").content.decode()
    assert "执法工作台" in body
    assert "涉企行政执法公开服务" not in body


def test_the_login_page_links_back_to_the_public_home_and_to_password_reset(client):
    body = client.get(reverse("login")).content.decode()
    assert '<a href="/">返回公开首页</a>' in body
    assert f'<a href="{reverse("password_reset")}">忘记密码</a>' in body


def test_an_unknown_verification_code_is_answered_in_chinese_naming_the_field(client):
    body = client.get(reverse("verify_entry"), {"code": "NOSUCH"}).content.decode()
    assert "核验码：没有找到核验码为“NOSUCH”的文书" in body


def test_the_verification_entry_without_a_code_shows_the_form(client):
    response = client.get(reverse("verify_entry"))
    assert response.status_code == 200
    assert '<input name="code" value=""' in response.content.decode()
