"""The supervisor's journey on a phone-sized page: record a session, find officers by name or
执法证号 and tick them, see them on the session."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_supervisor_records_a_session_and_its_attendees_on_a_phone(
    page, browser_login, supervisor, wang, li, jinzhong_officer
):
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(supervisor)
    page.goto("/training/new/")
    page.get_by_label("培训日期").fill("2026-03-10")
    page.get_by_label("培训形式").select_option(label="案例分析")
    page.get_by_label("培训主题").fill("行政检查典型案例分析")
    page.get_by_label("授课人").fill("钱律师")
    page.get_by_label("培训地点").fill("舟山市司法局三楼会议室")
    page.get_by_label("学时").fill("2.5")
    # One column: nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("按姓名或执法证号查找").fill("王建")
    page.wait_for_timeout(800)
    assert page.locator("#candidates").inner_text().count("（") == 1
    page.get_by_label("王建国（33090020260001）", exact=False).check()
    page.get_by_role("button", name="添加所选人员").click()
    page.wait_for_load_state("networkidle")
    assert "已登记参训人员 1 名。" in page.content()
    assert "王建国" in page.locator("table.list").inner_text()
