"""An approver approves and publishes a plan through the pages, confirming each step, and anyone
then reads it without signing in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.plans.models import AnnualPlan, PlanStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_approver_publishes_a_plan_and_the_public_reads_it(
    browser_login, chromium, live_server, draft_plan, approver
):
    page = browser_login(approver)
    page.goto(reverse("plans:plan_detail", args=[draft_plan.pk]))
    assert page.get_by_test_id("plan-status").inner_text() == "草稿"

    page.get_by_role("link", name="批准计划").click()
    page.get_by_role("button", name="批准计划").click()  # not confirmed: refused, nothing changes
    assert page.get_by_role("alert").first.inner_text() == "请勾选确认后再提交。"
    assert AnnualPlan.objects.get().status == PlanStatus.DRAFT
    page.get_by_label("我已核对以上内容，确认办理").check()
    page.get_by_role("button", name="批准计划").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("plan-status").inner_text() == "已批准"

    page.get_by_role("link", name="公布计划").click()
    assert "此操作不可撤回" in page.content()
    page.get_by_label("我已核对以上内容，确认办理").check()
    page.get_by_role("button", name="公布计划").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("plan-status").inner_text() == "已公布"
    assert AnnualPlan.objects.get().status == PlanStatus.PUBLISHED

    anonymous = chromium.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    anonymous.goto(reverse("plans:public_plan_list"))
    assert anonymous.get_by_test_id("total").inner_text() == "共 1 份已公布的计划"
    anonymous.get_by_role("link", name="舟山市卫生健康委员会2026年度行政检查计划").click()
    assert anonymous.get_by_test_id("plan-status").inner_text() == "已公布"
    assert "《公共场所卫生管理条例》" in anonymous.content()
    assert anonymous.get_by_test_id("public-amendments").inner_text() == "本计划公布后未作调整。"
    anonymous.context.close()
