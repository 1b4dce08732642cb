"""A legal reviewer publishes a draft list through the pages, confirming the step; an inspector
then evaluates a finding against it; anyone reads the published list without signing in."""

from __future__ import annotations

import pytest
from django.urls import reverse

import zhifa_testing as testing
from zhifa.discretion.models import DiscretionVersion, VersionStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_publishes_and_an_inspector_evaluates(
    browser_login, chromium, live_server, draft, legal_reviewer, inspector
):
    page = browser_login(legal_reviewer)
    page.goto(reverse("discretion:version_detail", args=[draft.pk]))
    page.get_by_role("link", name="公布").click()
    page.get_by_role("button", name="确认公布").click()  # not confirmed: refused
    assert page.get_by_role("alert").first.inner_text() == "请勾选确认后再提交。"
    assert DiscretionVersion.objects.get().status == VersionStatus.DRAFT
    page.get_by_label("我已核对，确认办理").check()
    page.get_by_role("button", name="确认公布").click()
    page.wait_for_load_state("networkidle")
    assert DiscretionVersion.objects.get().status == VersionStatus.PUBLISHED
    page.context.close()

    officer = chromium.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    officer.goto("/accounts/login/")
    officer.get_by_label("用户名").fill(inspector.username)
    officer.get_by_label("密码").fill(testing.DEMO_PASSWORD)
    officer.get_by_role("button", name="登录").click()
    officer.goto(reverse("discretion:evaluate"))
    officer.get_by_label("违法行为编码").fill("GC-JKZM")
    officer.get_by_label("检查（发现）日期").fill("2026-06-15")
    officer.get_by_label("危害后果", exact=True).select_option("minor")
    officer.get_by_label("检查发现前已主动改正").check()
    officer.get_by_role("button", name="评估").click()
    officer.wait_for_load_state("networkidle")
    assert officer.get_by_test_id("proposed").inner_text() == "不予处罚"
    assert "首次违法：近2年内无同类违法记录（满足）" in officer.content()
    officer.context.close()

    anonymous = chromium.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    anonymous.goto(reverse("discretion:public_list"))
    assert anonymous.get_by_test_id("total").inner_text() == "共 2 项"
    anonymous.context.close()
