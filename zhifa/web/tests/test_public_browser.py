"""On a 390 px phone, a visitor finds the public pages from ``/`` and resets a forgotten password
with the SMS code, through the real pages (issue 17)."""

from __future__ import annotations

import re

import pytest

import zhifa_testing as testing

NEW_PASSWORD = "Haixian-2026!"


@pytest.fixture
def sms(settings):
    settings.ZHIFA_SMS_BACKEND = "zhifa_testing.RecordingSMSBackend"
    testing.RecordingSMSBackend.sent = []
    return testing.RecordingSMSBackend.sent


def overflows(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_a_visitor_on_a_phone_finds_the_public_pages_and_resets_a_password_by_sms(
    page, inspector, sms
):
    inspector.mobile = "13812345678"
    inspector.save(update_fields=["mobile"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    assert page.get_by_test_id("public-home-title").inner_text() == "涉企行政执法公开服务"
    assert page.get_by_test_id("public-page").count() == 8
    assert not overflows(page)

    page.get_by_test_id("public-login").get_by_role("link", name="登录").click()
    page.get_by_role("link", name="忘记密码").click()
    page.get_by_label("用户名").fill("inspector")
    page.get_by_label("发送到登记的手机号码（短信）").check()
    page.get_by_role("button", name="获取验证码").click()
    assert "验证码已经发出" in page.get_by_test_id("reset-sent").inner_text()
    assert not overflows(page)
    code = re.search(r"验证码为 (\d{6})", sms[-1][1])[1]
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="重置密码").click()
    assert "密码已重置，请用新密码登录。" in page.locator(".messages").inner_text()

    page.get_by_label("用户名").fill("inspector")
    page.get_by_label("密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="登录").click()
    assert page.get_by_test_id("current-user").inner_text() == "王检查"
