"""The social supervisor's phone journey in a real browser (390×844): he opens the inspection he
accepted, checks in on site and reports a breach; the supervising bureau finds it in its list of
problems raised by social supervisors."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

import zhifa_testing as testing
from zhifa.social import services
from zhifa.social.models import ProblemStatus, Report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseeded"),
]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
INSPECTION_DAY = dt.date(2026, 3, 16)


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=True
    )


def _sign_in(chromium, live_server, user, *, phone: bool):
    options = {"base_url": live_server.url, "locale": "zh-CN"}
    context = chromium.new_context(**options, **(PHONE if phone else {}))
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(testing.DEMO_PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="登录").click()
    return page


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_social_supervisor_reports_a_breach_from_his_phone(
    chromium, live_server, approved_case, registry, supervisor, social_supervisor
):
    # The bureau draws until 陈代表 is drawn (the others decline), and she accepts.
    with at(dt.date(2026, 3, 3)):
        for _ in range(len(registry)):
            offer = services.draw_social_supervisor(approved_case, actor=supervisor)
            if offer.supervisor.user_id == social_supervisor.pk:
                services.accept_assignment(offer, actor=social_supervisor)
                break
            services.decline_assignment(offer, actor=offer.supervisor.user, reason="当天出差。")

    with at(INSPECTION_DAY, 9):
        page = _sign_in(chromium, live_server, social_supervisor, phone=True)
        page.goto("/social/mine/")
        _fits(page)
        with page.expect_navigation(wait_until="load"):
            page.get_by_test_id(f"assignment-{approved_case.reference}").click()
        assert page.get_by_test_id("assignment-status").inner_text() == "已接受"
        _fits(page)
        with page.expect_navigation(wait_until="load"):
            page.get_by_test_id("checkin").click()
        assert "已到场签到" in page.get_by_test_id("checked-in").inner_text()
        with page.expect_navigation(wait_until="load"):
            page.get_by_test_id("report").click()
        _fits(page)
        page.locator("input[name=point_1][value=breached]").check()
        page.locator("input[name=note_1]").fill("执法人员要求店主购买指定品牌的消毒设备")
        page.locator("input[name=credentials][value=some]").check()
        page.locator("input[name=attitude][value='2']").check()
        page.get_by_label("其他情况").fill("只有一名执法人员出示了执法证。")
        page.once("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation(wait_until="load"):
            page.get_by_test_id("submit-report").click()
        assert "已提交反馈，您反映的问题已送交执法监督机关处理。" in page.content()
        page.context.close()

        report = Report.objects.get()
        assert report.problem_status == ProblemStatus.PENDING
        assert report.points.get(position=1).note == "执法人员要求店主购买指定品牌的消毒设备"

        bureau = _sign_in(chromium, live_server, supervisor, phone=False)
        bureau.goto("/social/problems/")
        assert bureau.get_by_test_id("pending-count").inner_text() == "待处理 1 件"
        rows = bureau.get_by_test_id("problems").locator("tbody tr")
        assert rows.count() == 1
        assert approved_case.enterprise.name in rows.first.inner_text()
        assert "待处理" in rows.first.inner_text()
        with bureau.expect_navigation(wait_until="load"):
            rows.first.get_by_role("link").click()
        link = bureau.get_by_test_id("to-document").get_attribute("href")
        assert link == f"/supervision/letters/new/?source=social_report&source_pk={report.pk}"
        bureau.context.close()
