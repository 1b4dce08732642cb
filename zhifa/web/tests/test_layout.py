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
    assert '<a href="/inspections/results/">检查结果</a>' in html
    assert 'data-testid="tabbar"' not in html


def test_the_top_bar_counts_the_inspectors_unread_messages(client_for, inspector):
    from zhifa.notifications import services as messages

    messages.notify([inspector], "approval_requested", "待审批", "", "/", actor=None)
    html = client_for(inspector).get("/").content.decode()
    assert '<span class="unread-count" data-testid="unread-count">1</span>' in html
