"""On a 390×844 phone (issue 17): the officer finds the enterprise by typing part of its name and
taps it; the approver reads what he approves, and neither page runs off the side."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

import zhifa_testing as testing
from zhifa.inspections import services
from zhifa.inspections.models import InspectionKind

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseeded"),
]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=True
    )


@pytest.fixture
def phone(chromium, live_server):
    contexts = []

    def _open(user):
        context = chromium.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(testing.DEMO_PASSWORD)
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="登录").click()
        return page

    yield _open
    for context in contexts:
        context.close()


def test_the_officer_on_a_phone_types_part_of_a_name_and_taps_the_enterprise(
    phone, inspector, zhoushan_enterprise, officer_one, officer_two, expired_officer
):
    with at(dt.date(2026, 3, 2)):
        page = phone(inspector)
        page.goto(reverse("inspections:case_create"))
        page.get_by_test_id("enterprise-search").press_sequentially("海鲜酒楼", delay=50)
        option = page.get_by_test_id("enterprise-option")
        option.wait_for()
        assert option.count() == 1
        option.tap()

        assert page.get_by_label("检查对象统一社会信用代码").input_value() == (
            zhoushan_enterprise.uscc
        )
        assert page.get_by_test_id("enterprise-chosen").inner_text() == (
            "已选择：舟山海鲜酒楼有限公司"
        )
        assert page.locator(f"input[name=officers][value='{officer_one.pk}']").is_checked()
        # The expired colleague is listed greyed out; a search narrows the list to one name.
        assert page.locator(f"input[name=officers][value='{expired_officer.pk}']").is_disabled()
        page.get_by_test_id("officer-search").fill("周执法")
        shown = page.locator("#id_officers > div:visible")
        assert shown.count() == 1
        assert shown.inner_text().strip().startswith("周执法（执法证")
        shown.locator("input").check()
        assert page.evaluate(OVERFLOW) == 0


def test_the_approver_on_a_phone_reads_the_officers_items_and_cap_before_approving(
    phone, inspector, approver, health_agency, zhoushan_enterprise, items, officer_one, officer_two
):
    with at(dt.date(2026, 3, 2)):
        case = services.create_case(
            organisation=health_agency,
            enterprise=zhoushan_enterprise,
            kind=InspectionKind.PLANNED,
            items=items,
            officers=[officer_one, officer_two],
            inspection_date=dt.date(2026, 3, 16),
            reason="2026年公共场所卫生双随机抽查。",
            actor=inspector,
        )
        services.submit_case(case, actor=inspector)
        page = phone(approver)
        page.goto(reverse("inspections:case_approve", args=[case.pk]))

        officers = page.get_by_test_id("approval-officers").inner_text()
        assert f"执法证 {officer_one.cert_no}" in officers
        assert f"执法证 {officer_two.cert_no}" in officers
        assert (
            "依据：《公共场所卫生管理条例》第八条"
            in page.get_by_test_id("approval-items").inner_text()
        )
        assert (
            page.get_by_test_id("approval-reason").inner_text() == "2026年公共场所卫生双随机抽查。"
        )
        assert page.get_by_test_id("approval-cap").inner_text() == (
            "舟山海鲜酒楼有限公司 2026 年已安排涉企行政检查 1 次（含本次），"
            "各部门合计每年上限 2 次。"
        )
        assert page.evaluate(OVERFLOW) == 0
        page.get_by_label("我已核对以上内容").check()
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="批准", exact=True).click()
        assert page.get_by_test_id("case-status").first.inner_text() == "已批准"
