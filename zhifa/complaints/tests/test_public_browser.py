"""The complainant's phone journey in a real browser (390×844, as in a WeChat webview): a shop
owner files a complaint anonymously and follows it with the tracking code; once the bureau has
verified the agency's answer, he rates it with the code and the item is 销号. No page is wider
than the phone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from zhifa.complaints import services
from zhifa.complaints.models import Channel, Complaint, Status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseeded"),
]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CONTENT = "11月20日上午，市卫健委执法人员到店检查，要求购买指定厂家的消毒柜，否则罚款。"


@pytest.fixture(autouse=True)
def _fresh_counters():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=True):
        yield


def _phone(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_shop_owner_files_anonymously_from_his_phone_and_follows_it_by_code(
    chromium, live_server, clock, justice_bureau, health_agency, tmp_path
):
    photo = tmp_path / "门店.png"
    photo.write_bytes(PNG)
    page = _phone(chromium, live_server)

    page.goto("/complaints/file/")
    _fits(page)
    page.get_by_label("乱收费、乱罚款、乱检查、乱查封").check()
    page.get_by_label("问题发生地").select_option("330900")
    page.get_by_label("被反映的执法机关").fill("卫生")
    page.get_by_role("option", name="舟山市卫生健康委员会").click()
    assert page.get_by_label("被反映的执法机关").input_value() == "舟山市卫生健康委员会"
    page.get_by_label("反映内容").fill(CONTENT)
    page.locator("#id_files").set_input_files(str(photo))
    assert page.locator("#files-chosen").inner_text() == "已选择 1 个：门店.png"
    page.locator("#id_complainant_name").fill("周老板")
    page.get_by_test_id("anonymous").check()
    # 匿名反映 hides the contact details and empties what was typed.
    assert not page.get_by_test_id("contact").is_visible()
    assert page.locator("#id_complainant_name").input_value() == ""
    _fits(page)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="提交").click()

    _fits(page)
    item = Complaint.objects.get()
    code = item.tracking_code
    assert page.get_by_test_id("tracking-code").inner_text() == (
        f"{code[:4]} {code[4:8]} {code[8:]}"
    )
    assert page.get_by_test_id("complaint-number").inner_text() == item.number
    assert "请保存查询码" in page.get_by_test_id("receipt").inner_text()
    assert (item.channel, item.is_anonymous, item.complainant_name) == (
        Channel.ANONYMOUS,
        True,
        "",
    )
    assert item.agency == health_agency
    assert [f.name for f in item.files.all()] == ["门店.png"]

    with page.expect_navigation(wait_until="load"):
        page.get_by_test_id("to-tracking").click()
    _fits(page)
    assert page.url.endswith("/complaints/track/item/")
    assert page.get_by_test_id("status").inner_text() == "已受理，等待司法局分办"
    assert code not in page.url

    # On another phone (a new session) the code, typed loosely, finds it again.
    other = _phone(chromium, live_server)
    other.goto("/complaints/track/")
    _fits(other)
    other.get_by_label("查询码").fill(f"{code[:4].lower()}-{code[4:8]} {code[8:].lower()}")
    with other.expect_navigation(wait_until="load"):
        other.get_by_role("button", name="查询").click()
    _fits(other)
    assert other.get_by_test_id("status").inner_text() == "已受理，等待司法局分办"
    assert other.get_by_test_id("agency").inner_text() == "舟山市卫生健康委员会"


def test_the_complainant_confirms_the_verified_answer_with_his_code_and_it_is_closed(
    chromium, live_server, clock, justice_bureau, health_agency, supervisor, inspector
):
    item = services.file_complaint(
        channel=Channel.ANONYMOUS,
        category="si-luan",
        content=CONTENT,
        agency=health_agency,
        is_anonymous=True,
    )
    services.assign(item, agency=health_agency, actor=supervisor)
    services.answer(item, actor=inspector, text="已核查，不再要求购买指定厂家产品，并向企业致歉。")
    services.verify(item, actor=supervisor, note="经电话核实，情况属实。")
    page = _phone(chromium, live_server)

    page.goto("/complaints/track/")
    page.get_by_label("查询码").fill(item.tracking_code.lower())
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="查询").click()
    _fits(page)
    assert page.get_by_test_id("status").inner_text() == "待评价：办理结果已经司法局核实，请您评价"
    assert "已核查，不再要求购买指定厂家产品" in page.get_by_test_id("answer").inner_text()

    # 不满意 without a reason is refused on the page, naming the field.
    page.get_by_label("不满意").check()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="提交评价").click()
    assert page.get_by_test_id("error-comment").inner_text() == "不满意时请说明理由，以便重新办理。"
    _fits(page)

    page.get_by_label("满意", exact=True).check()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="提交评价").click()
    _fits(page)
    assert page.get_by_test_id("confirm-choice").inner_text() == "满意"
    item.refresh_from_db()
    assert item.status == Status.VERIFIED
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="确认提交评价").click()

    _fits(page)
    assert page.get_by_test_id("status").inner_text() == "已销号"
    assert "该问题已于" in page.get_by_test_id("closed-note").inner_text()
    item.refresh_from_db()
    assert (item.status, item.satisfaction) == (Status.CLOSED, "satisfied")
