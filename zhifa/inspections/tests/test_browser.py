"""One case through every step in a real browser, as the real personas: the requester drafts and
submits, the approver approves, a late notice is refused naming the earliest lawful date, the date
is changed and approved again, the notice goes out; the enterprise signs for it and books guidance;
the officer pair checks in on their phones; findings, decision, re-check, publication, rating and
the supervisor's answer. Then an exempt 举报投诉 case goes on site without a notice."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

import zhifa_testing as testing
from zhifa.inspections.models import CaseStatus, InspectionCase

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseeded"),
]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=True
    )


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def open_as(chromium, live_server):
    """``open_as(user, phone=False)`` → that persona's browser page at the home page, signed in.

    Each persona keeps its browser; it signs in again when the time travelled has outlived its
    session (the idle timeout)."""
    pages = {}

    def _open(user, *, phone: bool = False):
        key = (getattr(user, "pk", None), phone)
        if key not in pages:
            options = {"base_url": live_server.url, "locale": "zh-CN", "accept_downloads": True}
            context = chromium.new_context(**options, **(PHONE if phone else {}))
            pages[key] = context.new_page()
            pages[key].set_default_timeout(15_000)
        page = pages[key]
        page.goto("/")
        # ``/`` is the public home for a visitor: a persona whose session has ended signs in.
        if user is not None and page.get_by_test_id("current-user").count() == 0:
            page.goto("/accounts/login/")
            page.get_by_label("用户名").fill(user.username)
            page.get_by_label("密码").fill(testing.DEMO_PASSWORD)
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("button", name="登录").click()
        return page

    yield _open
    for page in pages.values():
        page.context.close()


def submit(page, button: str) -> None:
    # Wait for the response page itself: the page before the click is already "loaded", and a
    # slow step (a notice is rendered to PDF) would otherwise be read before it answers.
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name=button, exact=True).click()


def status(page) -> str:
    return page.get_by_test_id("case-status").first.inner_text()


def test_one_case_walks_through_every_step_as_the_real_personas(
    open_as,
    inspector,
    second_inspector,
    approver,
    enterprise,
    supervisor,
    zhoushan_enterprise,
    items,
    officer_one,
    officer_two,
    health_lists,
):
    # The requester drafts the case and submits it.
    with at(dt.date(2026, 3, 2)):
        page = open_as(inspector)
        page.get_by_role("link", name="检查案件").first.click()
        page.get_by_role("link", name="新建检查").click()
        page.get_by_label("检查类型").select_option("planned")
        page.get_by_label("检查对象统一社会信用代码").fill(zhoushan_enterprise.uscc)
        for item in items:
            page.get_by_label(f"{item.code} {item.name}").check()
        for officer in (officer_one, officer_two):
            page.locator(f"input[name=officers][value='{officer.pk}']").check()
        page.locator("select[name=lead]").select_option(str(officer_one.pk))
        page.get_by_label("检查日期").fill("2026-03-16")
        page.get_by_label("检查时间").fill("09:00")
        page.get_by_label("检查事由").fill("2026年公共场所卫生双随机抽查。")
        submit(page, "保存草稿")
        assert status(page) == "草稿"
        submit(page, "提请审批")
        assert status(page) == "待审批"
        case = InspectionCase.objects.get()

        # The approver finds it in his inbox and approves it, confirming.
        boss = open_as(approver)
        boss.get_by_role("link", name="待办").first.click()
        boss.get_by_test_id("inbox-approve").get_by_role("link", name=case.reference).click()
        boss.get_by_role("link", name="批准", exact=True).click()
        boss.get_by_label("审批意见").fill("同意按计划检查。")
        boss.get_by_label("我已核对以上内容").check()
        submit(boss, "批准")
        assert status(boss) == "已批准"

    # Too late: the notice is refused, naming the earliest lawful date.
    with at(dt.date(2026, 3, 10)):
        page = open_as(inspector)
        page.goto(reverse("inspections:case_detail", args=[case.pk]))
        page.get_by_role("link", name="发出预告通知书").click()
        assert "最迟应于 2026年3月9日 发出" in page.get_by_test_id("notice-dates").inner_text()
        page.get_by_label("我已核对以上内容").check()
        submit(page, "发出预告通知书")
        assert page.get_by_test_id("form-error").inner_text() == (
            "预告通知书最迟应于2026年3月9日发出（检查日2026年3月16日前5个工作日），"
            "今天发出已经逾期。今天发出预告，最早可于2026年3月17日实施检查；"
            "请修改检查日期（修改后需重新审批）。"
        )
        case.refresh_from_db()
        assert (case.status, case.notice_id) == (CaseStatus.APPROVED, None)

        # The date moves to the 17th: the page warns, the case goes back for approval.
        page.get_by_role("link", name="返回").click()
        page.get_by_role("link", name="修改", exact=True).click()
        assert "案件将退回重新审批" in page.get_by_test_id("reapproval-warning").inner_text()
        page.get_by_label("检查日期").fill("2026-03-17")
        submit(page, "保存修改")
        assert status(page) == "待审批"

        boss = open_as(approver)
        boss.goto(reverse("inspections:case_approve", args=[case.pk]))
        boss.get_by_label("我已核对以上内容").check()
        submit(boss, "批准")
        assert status(boss) == "已批准"

        page.reload()
        page.get_by_role("link", name="发出预告通知书").click()
        assert "最迟应于 2026年3月10日 发出" in page.get_by_test_id("notice-dates").inner_text()
        page.get_by_label("我已核对以上内容").check()
        submit(page, "发出预告通知书")
        assert status(page) == "已预告"

        # The agency publishes a guidance time before the inspection.
        page.goto(reverse("inspections:slot_list"))
        page.get_by_label("开始时间").fill("2026-03-13T14:00")
        page.get_by_label("结束时间").fill("2026-03-13T15:00")
        page.get_by_label("方式/地点").fill("线上视频指导")
        page.get_by_label("指导人员").select_option(str(officer_one.pk))
        submit(page, "发布时段")
        assert page.get_by_test_id("slot-row").count() == 1

    # The enterprise signs for the notice and books the guidance time.
    with at(dt.date(2026, 3, 11)):
        firm = open_as(enterprise)
        firm.get_by_role("link", name="我的检查").first.click()
        firm.get_by_role("link", name=case.reference).click()
        submit(firm, "签收")
        assert firm.get_by_test_id("notice-confirmed").inner_text() == "已签收"
        firm.get_by_label("指导时段").select_option(index=1)
        firm.get_by_label("希望指导的问题").fill("从业人员健康证办理")
        submit(firm, "预约")
        booking = firm.get_by_test_id("booking").inner_text()
        assert booking.startswith("2026-03-13 14:00–15:00 线上视频指导（王检查）· 已预约")

    # Inspection day: the enterprise verifies the inspection and shows its check-in code on its
    # own phone, signed in; the officer pair checks in on theirs.
    with at(dt.date(2026, 3, 17), 9):
        door = open_as(enterprise, phone=True)
        door.goto(reverse("inspections:verify", args=[case.verify_code]))
        assert door.get_by_test_id("verdict").inner_text().startswith("真实有效 · 已经批准")
        assert door.get_by_test_id("officer").count() == 2
        assert f"执法证 {officer_one.cert_no}" in door.get_by_test_id("officers").inner_text()
        assert "严禁逐利检查" in door.get_by_test_id("prohibitions").inner_text()
        assert door.locator("[data-testid=checkin-qr] svg").count() == 1
        checkin = door.get_by_test_id("checkin-qr").get_by_role("link").get_attribute("href")

        first = open_as(second_inspector, phone=True)
        first.goto(checkin)
        submit(first, "周执法 签到")
        assert first.get_by_test_id("checked-in").inner_text() == "周执法 已签到"
        assert status(first) == "已预告"

        phone = open_as(inspector, phone=True)
        phone.goto(checkin)
        submit(phone, "王检查 签到")
        assert status(phone) == "现场检查中"

        # The 现场检查笔录, item by item, on the phone.
        phone.get_by_role("link", name="逐项记录检查情况").click()
        licence = phone.locator(f"#item-{items[0].pk}")
        licence.get_by_label("符合").check()
        with phone.expect_navigation(wait_until="load"):
            licence.get_by_role("button", name="保存").click()
        health = phone.locator(f"#item-{items[1].pk}")
        health.get_by_label("发现问题").check()
        health.get_by_label("检查情况").fill("2名服务员健康合格证明已过期。")
        health.locator("input[type=file]").set_input_files(
            {"name": "health.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8 photo"}
        )
        with phone.expect_navigation(wait_until="load"):
            health.get_by_role("button", name="保存").click()
        assert phone.get_by_test_id("site-progress").inner_text() == "2/2"
        phone.get_by_role("link", name="结束现场检查").click()
        phone.get_by_label("在场人").fill("陈经理（店长）")
        phone.get_by_label("当事人意见").fill("无异议，立即整改。")
        phone.get_by_label("我已核对以上内容").check()
        submit(phone, "结束现场检查并生成笔录")
        assert status(phone) == "待作出处理"

        # The decision, on the phone: nothing is preselected once a problem was found; the
        # violation is found by typing part of its name and picked with the keyboard, which
        # fills both provisions from the agency's lists; rectification within 10 working days,
        # no penalty for the problem.
        page = phone
        page.goto(reverse("inspections:case_decide", args=[case.pk]))
        assert page.get_by_label("处理结果").input_value() == ""
        assert page.locator("#id_outcome option").all_inner_texts() == [
            "请选择",
            "不予行政处罚",
            "责令改正",
            "立案查处（移交）",
        ]
        page.get_by_label("处理结果").select_option("rectify")
        page.get_by_label("整改期限（工作日）").fill("10")
        page.get_by_label("整改要求（每行一条）").fill("为从业人员办理健康合格证明")
        assert "裁量建议：一般处罚" in page.get_by_test_id("proposal-2").inner_text()
        page.locator("#id_f2_violation_code").press_sequentially("健康合格", delay=50)
        options = page.get_by_test_id("violation-option")
        options.first.wait_for()
        assert options.count() == 1
        assert options.first.inner_text().startswith("GC-JKZM 公共场所直接为顾客服务的人员")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.get_by_test_id("picked-2").wait_for()
        assert page.locator("#id_f2_violation_code").input_value() == "GC-JKZM"
        assert page.locator("#id_f2_violated_provision").input_value() == (
            "《公共场所卫生管理条例》第七条"
        )
        assert page.locator("#id_f2_penalty_provision").input_value() == (
            "《公共场所卫生管理条例》第十四条第（二）项"
        )
        page.get_by_label("第2项危害程度").select_option("minor")
        submit(page, "查看裁量建议")
        # Weighed against the picked violation's list items (none met without a correction).
        proposal = page.get_by_test_id("proposal-2").inner_text()
        assert "裁量建议：一般处罚" in proposal
        assert "三张清单中没有" not in proposal
        page.get_by_label("第2项处理决定").select_option("none")
        page.get_by_label("第2项未采纳裁量建议的理由").fill(
            "该条规定先责令限期改正，逾期不改正的方予处罚。"
        )
        page.get_by_label("我已核对以上内容").check()
        submit(page, "作出处理决定")
        assert status(page) == "整改中"
        assert page.get_by_test_id("case-outcome").inner_text() == "责令改正，整改期限 2026-03-31"
        finding = case.findings.get(position=2)
        assert (finding.violation_code, finding.violated_provision, finding.penalty_provision) == (
            "GC-JKZM",
            "《公共场所卫生管理条例》第七条",
            "《公共场所卫生管理条例》第十四条第（二）项",
        )
        order = case.case_documents.get(step="decision").document
        assert order.context["violations"][0]["violated"] == "《公共场所卫生管理条例》第七条"
        assert order.context["order_basis"] == "《公共场所卫生管理条例》第十四条第（二）项"

    # Re-check, publication, rating and objection, and the supervisor's answer.
    with at(dt.date(2026, 3, 31)):
        page = open_as(inspector)
        page.goto(reverse("inspections:case_detail", args=[case.pk]))
        page.get_by_role("link", name="复查").click()
        page.get_by_label("整改到位", exact=True).check()
        page.get_by_label("复查情况").fill("2名服务员已取得健康合格证明。")
        page.get_by_label("我已核对以上内容").check()
        submit(page, "记录复查")
        assert status(page) == "已办结"
        page.get_by_role("link", name="公示结果").click()
        page.get_by_label("我已核对以上内容").check()
        submit(page, "公示")
        assert page.get_by_test_id("publication").inner_text().startswith("已于 2026-03-31 公示")

        firm = open_as(enterprise)
        firm.goto(reverse("inspections:my_case", args=[case.pk]))
        assert "责令改正" in firm.get_by_test_id("result").inner_text()
        firm.get_by_label("5 星").check()
        firm.get_by_label("评价意见").fill("检查规范，指导到位。")
        submit(firm, "提交评价")
        assert firm.get_by_test_id("rating").inner_text() == "您的评价：5 星 检查规范，指导到位。"
        firm.get_by_text("对本次检查提出异议").click()
        firm.get_by_label("异议类别").select_option("procedure")
        firm.get_by_label("异议内容").fill("希望今后提前电话联系。")
        submit(firm, "提交异议")

        watcher = open_as(supervisor)
        watcher.get_by_role("link", name="待办").first.click()
        watcher.get_by_test_id("inbox-objections").get_by_role("link", name=case.reference).click()
        assert watcher.get_by_test_id("case-rating").inner_text() == "5 星 检查规范，指导到位。"
        watcher.get_by_test_id("objections").get_by_role("link", name="答复").click()
        watcher.get_by_label("答复").fill("已转告执法机关改进。")
        submit(watcher, "答复")
        assert "已答复：已转告执法机关改进。" in watcher.get_by_test_id("objections").inner_text()

        public = open_as(None)
        public.goto(reverse("inspections:public_results"))
        assert public.get_by_test_id("result-row").count() == 1
        assert "发现问题1项，处理结果：责令改正" in public.get_by_test_id("result-row").inner_text()

    case.refresh_from_db()
    assert (case.status, case.rating, case.inspection_date) == (
        CaseStatus.CLOSED,
        5,
        dt.date(2026, 3, 17),
    )
    assert list(case.case_documents.values_list("step", "document__kind__code")) == [
        ("notice", "inspection_preview_notice"),
        ("site_record", "onsite_inspection_record"),
        ("decision", "rectification_order"),
        ("recheck", "review_opinion"),
    ]


def test_an_exempt_complaint_case_goes_on_site_without_a_notice(
    open_as,
    inspector,
    second_inspector,
    approver,
    enterprise,
    zhoushan_enterprise,
    items,
    officer_one,
    officer_two,
):
    with at(dt.date(2026, 3, 2), 9):
        page = open_as(inspector)
        page.goto(reverse("inspections:case_create"))
        reason = page.get_by_label("免于预告理由")
        assert reason.is_hidden()
        page.get_by_label("检查类型").select_option("complaint")
        assert reason.is_visible()
        page.get_by_label("检查对象统一社会信用代码").fill(zhoushan_enterprise.uscc)
        page.get_by_label(f"{items[0].code} {items[0].name}").check()
        for officer in (officer_one, officer_two):
            page.locator(f"input[name=officers][value='{officer.pk}']").check()
        page.get_by_label("检查日期").fill("2026-03-02")
        page.get_by_label("检查时间").fill("10:00")
        reason.fill("12345热线转办：顾客反映浴池水质浑浊。")
        submit(page, "保存草稿")
        submit(page, "提请审批")
        case = InspectionCase.objects.get()

        boss = open_as(approver)
        boss.goto(reverse("inspections:case_approve", args=[case.pk]))
        assert "批准即同意免于预告" in boss.content()
        boss.get_by_label("我已核对以上内容").check()
        submit(boss, "批准")
        assert status(boss) == "已批准"

        door = open_as(enterprise, phone=True)
        door.goto(reverse("inspections:verify", args=[case.verify_code]))
        assert door.get_by_test_id("verdict").inner_text().startswith("真实有效 · 已经批准")
        checkin = door.get_by_test_id("checkin-qr").get_by_role("link").get_attribute("href")
        for user, name in ((inspector, "王检查"), (second_inspector, "周执法")):
            phone = open_as(user, phone=True)
            phone.goto(checkin)
            submit(phone, f"{name} 签到")
        assert status(phone) == "现场检查中"

    case.refresh_from_db()
    assert (case.status, case.notice_id, case.exemption_reason) == (
        CaseStatus.ON_SITE,
        None,
        "12345热线转办：顾客反映浴池水质浑浊。",
    )
