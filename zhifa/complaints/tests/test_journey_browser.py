"""The whole way of issue 16 in a real browser, each person on a phone-sized page: a shop owner
files anonymously, 舟山市司法局 hands it to 卫健委, the inspector answers with evidence, the bureau
verifies, and the shop owner — with nothing but his tracking code — is satisfied: 销号."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

import zhifa_testing as testing
from zhifa.complaints.models import Complaint, EventKind, Status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseeded"),
]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PDF = b"%PDF-1.4\n%zhifa\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _fresh_counters():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=True):
        yield


def _phone(chromium, live_server, user=None):
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    if user is not None:
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(testing.DEMO_PASSWORD)
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="登录").click()
    return page


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_an_anonymous_complaint_goes_from_a_phone_to_销号_through_bureau_and_agency(
    chromium, live_server, clock, justice_bureau, health_agency, supervisor, inspector, tmp_path
):
    # The shop owner, not signed in.
    owner = _phone(chromium, live_server)
    owner.goto("/complaints/file/")
    owner.get_by_label("乱收费、乱罚款、乱检查、乱查封").check()
    owner.get_by_label("问题发生地").select_option("330900")
    owner.get_by_label("被反映的执法机关").fill("卫生")
    owner.get_by_role("option", name="舟山市卫生健康委员会").click()
    owner.get_by_label("反映内容").fill(
        "一个月内卫健委来店检查三次，每次都要求重新提交同样的材料。"
    )
    owner.get_by_test_id("anonymous").check()
    _fits(owner)
    with owner.expect_navigation(wait_until="load"):
        owner.get_by_role("button", name="提交").click()
    code = owner.get_by_test_id("tracking-code").inner_text().replace(" ", "")
    item = Complaint.objects.get()
    assert (item.status, item.tracking_code) == (Status.RECEIVED, code)

    # 舟山市司法局 hands it to 卫健委.
    bureau = _phone(chromium, live_server, supervisor)
    bureau.goto(f"/complaints/{item.pk}/")
    _fits(bureau)
    assert bureau.get_by_test_id("status").inner_text() == "待分办"
    bureau.get_by_label("承办单位").fill("舟山市卫生健康委员会")
    with bureau.expect_navigation(wait_until="load"):
        bureau.get_by_role("button", name="分办", exact=True).click()
    _fits(bureau)
    assert bureau.get_by_test_id("status").inner_text() == "办理中"
    assert "2026年12月8日前" in bureau.get_by_test_id("deadline").inner_text()

    # The inspector answers from the agency's inbox, with a PDF of the correction.
    evidence = tmp_path / "整改说明.pdf"
    evidence.write_bytes(PDF)
    agency = _phone(chromium, live_server, inspector)
    agency.goto("/complaints/inbox/")
    _fits(agency)
    with agency.expect_navigation(wait_until="load"):
        agency.get_by_role("link", name=item.number).click()
    _fits(agency)
    # The agency never learns who complained (here: nobody, and no 查询码 either).
    assert agency.get_by_test_id("identity").count() == 0
    assert code not in agency.content()
    agency.get_by_label("办理结果").fill("已合并为一次检查，材料不再重复提交，并向企业说明。")
    agency.locator("[data-testid=answer-form] input[type=file]").set_input_files(str(evidence))
    with agency.expect_navigation(wait_until="load"):
        agency.get_by_role("button", name="提交办理结果").click()
    item.refresh_from_db()
    assert item.status == Status.ANSWERED
    assert [f.name for f in item.files.all()] == ["整改说明.pdf"]

    # The bureau verifies.
    bureau.goto(f"/complaints/{item.pk}/")
    with bureau.expect_navigation(wait_until="load"):
        bureau.get_by_role("button", name="核实", exact=True).click()
    assert bureau.get_by_test_id("status").inner_text() == "待评价"

    # The shop owner, on a new phone session, comes back with his code and is satisfied.
    owner = _phone(chromium, live_server)
    owner.goto("/complaints/track/")
    owner.get_by_label("查询码").fill(code)
    with owner.expect_navigation(wait_until="load"):
        owner.get_by_role("button", name="查询").click()
    _fits(owner)
    assert "已合并为一次检查" in owner.get_by_test_id("answer").inner_text()
    owner.get_by_label("满意", exact=True).check()
    with owner.expect_navigation(wait_until="load"):
        owner.get_by_role("button", name="提交评价").click()
    with owner.expect_navigation(wait_until="load"):
        owner.get_by_role("button", name="确认提交评价").click()
    _fits(owner)
    assert owner.get_by_test_id("status").inner_text() == "已销号"

    item.refresh_from_db()
    assert (item.status, item.satisfaction) == (Status.CLOSED, "satisfied")
    assert [e.kind for e in item.events.all()] == [
        EventKind.RECEIVED,
        EventKind.ASSIGNED,
        EventKind.ANSWERED,
        EventKind.VERIFIED,
        EventKind.RATED,
        EventKind.CLOSED,
    ]
