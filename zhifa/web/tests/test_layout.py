"""The frame of every page on a phone (issue 17): the menu folds behind a button, a tab bar holds
each role's main places, and the site has its own icon."""

from __future__ import annotations

import pytest

from zhifa.web.context_processors import menu_for, tabs_for

pytestmark = pytest.mark.django_db


def tabs(user):
    return [label for label, _ in tabs_for(user, menu_for(user))]


def test_each_role_has_its_main_places_as_tabs(
    inspector, approver, enterprise, supervisor, social_supervisor, admin_user
):
    assert tabs(inspector) == ["首页", "待办", "检查案件", "企业名录"]
    assert tabs(approver) == ["首页", "待办", "检查案件", "企业名录"]
    assert tabs(enterprise) == ["首页", "我的检查", "收到的文书", "我的投诉", "企业自查"]
    assert tabs(supervisor) == ["首页", "问题清单", "监督文书", "案卷评查"]
    assert tabs(social_supervisor) == ["首页", "待办", "我的伴随监督", "伴随检查案件"]
    assert tabs(admin_user) == ["首页", "待办", "检查案件", "系统管理"]
    assert tabs(None) == []


def test_the_inbox_marks_its_own_tab_not_the_case_list(client_for, inspector):
    response = client_for(inspector).get("/inspections/inbox/")
    assert [label for label, _, current in response.context["tab_items"] if current] == ["待办"]
    html = response.content.decode()
    assert 'data-testid="menu-button"' in html
    assert 'data-testid="tabbar"' in html
    assert 'href="/inspections/inbox/" aria-current="page">待办</a>' in html


def test_a_visitor_sees_the_public_menu_and_a_login_link_but_no_tabs(client_for):
    html = client_for(None).get("/plans/public/").content.decode()
    assert 'data-testid="login-link"' in html
    assert '<a href="/inspections/results/">检查结果公示</a>' in html
    assert 'data-testid="tabbar"' not in html


def test_without_the_message_centre_there_is_no_unread_link(client_for, inspector):
    response = client_for(inspector).get("/")
    assert response.context["unread_url"] is None
    assert 'data-testid="unread-link"' not in response.content.decode()


def test_every_page_links_the_icon_and_favicon_ico_answers_with_it(client_for):
    client = client_for(None)
    assert (
        'rel="icon" href="/static/zhifa/favicon.svg"'
        in client.get("/plans/public/").content.decode()
    )
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def test_the_admin_site_links_the_icon_too(client_for, admin_user):
    html = client_for(admin_user).get("/admin/").content.decode()
    assert 'rel="icon" href="/static/zhifa/favicon.svg"' in html
