"""An inspector announces and draws through the pages, confirming each irreversible step, and
anyone then reads the public record without signing in."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from zhifa.draws.models import DrawResult, DrawStatus, DrawTask
from zhifa.draws.tests.conftest import VALUES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inspector_announces_and_draws_and_the_public_sees_the_record(
    browser_login, chromium, live_server, task, registry, officers, inspector, reveal_date, sources
):
    page = browser_login(inspector)
    page.goto(reverse("draws:draw_create") + f"?task={task.pk}")
    page.get_by_label("抽取任务名称").fill("第四季度公共场所卫生双随机抽查")
    page.get_by_label("随机源公布日期").fill(reveal_date.isoformat())
    for n, source in enumerate(sources):
        page.locator(f'input[name="sources-{n}-name"]').fill(source["name"])
        page.locator(f'input[name="sources-{n}-where"]').fill(source["where"])
        page.locator(f'input[name="sources-{n}-expected_on"]').fill(
            source["expected_on"].isoformat()
        )
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("draw-status").inner_text() == "草稿"

    page.get_by_role("link", name="公告").click()
    assert "公告后以下内容即对外公开，且不能更改" in page.content()
    page.get_by_role("button", name="确认公告").click()  # unchecked: the browser holds it back
    assert page.get_by_label("我已知悉").evaluate("el => el.validity.valueMissing") is True
    assert DrawTask.objects.get().status == DrawStatus.DRAFT
    page.get_by_label("我已知悉").check()
    page.get_by_role("button", name="确认公告").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("draw-status").inner_text() == "已公告"
    draw = DrawTask.objects.get()
    assert page.get_by_test_id("pool-sm3").inner_text() == draw.pool_sm3

    # The reveal date has come.
    DrawTask.objects.filter(pk=draw.pk).update(reveal_date=timezone.localdate())
    page.get_by_role("link", name="录入随机源并抽取").click()
    page.get_by_label("中国福利彩票双色球开奖号码").fill(VALUES[0])
    page.get_by_label("上证综合指数收盘点位").fill(VALUES[1])
    page.get_by_label("我已核对各随机源的公布取值").check()
    page.get_by_role("button", name="确认抽取").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("draw-status").inner_text() == "已抽取"
    assert page.get_by_test_id("result-total").inner_text() == "共抽中 10 户企业"
    draw.refresh_from_db()
    assert draw.status == DrawStatus.DRAWN

    anonymous = chromium.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    anonymous.goto(reverse("draws:public_list"))
    anonymous.get_by_role("link", name="第四季度公共场所卫生双随机抽查").click()
    assert anonymous.get_by_test_id("key-string").inner_text() == "3.8.9.14.22.27.31./3021.57/"
    assert anonymous.get_by_test_id("stratum-count-D").inner_text() == "5"
    assert anonymous.get_by_test_id("result-row").count() == DrawResult.objects.count() == 10
    first = DrawResult.objects.filter(draw=draw).first()
    officer = first.assignments.first().officer
    assert f"{officer.name}（{officer.cert_no}）" in anonymous.content()
    anonymous.context.close()
