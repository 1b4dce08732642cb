"""Each persona signs in through a real Chromium, lands on its own workbench, and is refused
another agency's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

import zhifa_testing as testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("persona", "title"),
    [
        ("inspector", "执法工作台"),
        ("approver", "审批工作台"),
        ("legal_reviewer", "法制审核工作台"),
        ("supervisor", "执法监督工作台"),
        ("social_supervisor", "社会监督员工作台"),
        ("enterprise", "企业服务台"),
        ("outsider", "执法工作台"),
        ("admin_user", "系统管理工作台"),
    ],
)
def test_each_persona_signs_in_to_its_own_workbench(request, browser_login, persona, title):
    user = request.getfixturevalue(persona)
    page = browser_login(user)
    assert page.get_by_test_id("home-title").inner_text() == title
    assert page.get_by_test_id("current-user").inner_text() == user.display_name


def test_a_wrong_password_is_refused_in_chinese(page, inspector):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("inspector")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码不正确，请重新输入。"


def test_outsider_is_refused_an_officer_page_of_another_agency(
    browser_login, outsider, health_agency
):
    officer = testing.officer("周执法", organisation=health_agency)
    page = browser_login(outsider)
    response = page.goto(reverse("org:officer_detail", args=[officer.pk]))
    assert response is not None
    assert response.status == 404
    assert "周执法" not in page.content()
    assert page.get_by_role("heading", level=1).inner_text() == "未找到"


def test_inspector_opens_an_officer_page_of_its_own_agency(browser_login, inspector, health_agency):
    officer = testing.officer("周执法", organisation=health_agency)
    page = browser_login(inspector)
    response = page.goto(reverse("org:officer_detail", args=[officer.pk]))
    assert response is not None
    assert response.status == 200
    assert "周执法" in page.content()
