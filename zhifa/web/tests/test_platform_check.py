"""``zhifa check`` (the ``platformcheck`` command): one line per item, 正常/警告/错误, exit 1 on any
error, for monitoring."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from zhifa.documents import rendering
from zhifa.documents.models import DocumentBatch
from zhifa.documents.services import create_draft, issue_documents_in_batch
from zhifa.documents.tests.conftest import kind, preview_content
from zhifa.inspections.models import InspectionCase, InspectionKind
from zhifa.workdays.models import HolidayYear

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOT_YET_2027 = (
    "2027 年的节假日安排尚未载入：国务院办公厅发布2027年部分节假日安排的通知后，"
    "请尽快按通知录入并由另一名系统管理员复核；未载入前，凡计算到2027 年的工作日期限"
    "（如检查预告、整改期限）都无法办理。"
)
MISSING_2027 = (
    "2027 年的节假日安排尚未载入，无法计算工作日。请系统管理员在“工作日 → 节假日安排”中按"
    "国务院办公厅关于2027年部分节假日安排的通知录入并经另一名系统管理员复核"
    "（或运行 zhifa workdays load --year 2027 从 chinesecalendar 载入）后再试。"
)


@pytest.fixture(autouse=True)
def years_through_2026(monkeypatch, tmp_path):
    """2026 loaded (the shipped data), nothing after it, whatever the installed library holds;
    a browser where ZHIFA_CHROMIUM points."""
    HolidayYear.objects.filter(year__gte=2027).delete()
    browser = tmp_path / "chromium"
    browser.write_text("")
    monkeypatch.setenv("ZHIFA_CHROMIUM", str(browser))
    return browser


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))


def check(*options: str) -> tuple[int, list[str]]:
    out = StringIO()
    try:
        call_command("platformcheck", *options, stdout=out)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue().splitlines()
    return 0, out.getvalue().splitlines()


def without_fonts_line(lines: list[str]) -> list[str]:
    """The lines but the fonts one, which names this machine's font files."""
    (fonts,) = [line for line in lines if "文书字体：" in line]
    assert fonts.startswith("正常  文书字体：仿宋 ")
    assert fonts.endswith("；示例文书排版正常")
    return [line for line in lines if line != fonts]


def fonts_present() -> None:
    if rendering.missing_fonts():
        pytest.skip("文书字体缺失：" + "；".join(rendering.missing_fonts()))


def test_a_ready_platform_reports_every_item_and_exits_0(years_through_2026):
    fonts_present()
    with at(dt.date(2026, 10, 31)):
        code, lines = check()
    assert code == 0
    assert without_fonts_line(lines) == [
        f"正常  数据库：已连接（{connection.vendor}），迁移已全部执行",
        "正常  系统配置：Django 系统检查未发现问题",
        f"正常  浏览器：{years_through_2026}（仅浏览器测试需要）",
        "正常  2026 年节假日安排：已载入",
        "正常  2027 年节假日安排：尚未载入，国务院通常于当年 11 月前后公布",
        "正常  批量签发：没有待办的批次",
        "正常  逾期事项：没有逾期未补办或逾期未公示的案件",
        "共 8 项：正常 8 项，警告 0 项，错误 0 项。",
    ]


def test_from_1_november_a_missing_next_year_is_a_warning(monkeypatch, tmp_path):
    fonts_present()
    monkeypatch.setenv("ZHIFA_CHROMIUM", str(tmp_path / "no-chromium"))
    with at(dt.date(2026, 11, 1)):
        code, lines = check()
    assert code == 0
    assert without_fonts_line(lines)[2:5] == [
        f"警告  浏览器：未找到 {tmp_path / 'no-chromium'}：仅浏览器测试需要，运行平台不受影响",
        "正常  2026 年节假日安排：已载入",
        f"警告  2027 年节假日安排：{NOT_YET_2027}",
    ]
    assert lines[-1] == "共 8 项：正常 6 项，警告 2 项，错误 0 项。"


def test_a_missing_current_year_is_an_error_and_exits_1():
    fonts_present()
    with at(dt.date(2027, 1, 4)):
        code, lines = check()
    assert code == 1
    assert without_fonts_line(lines)[3:5] == [
        f"错误  2027 年节假日安排：{MISSING_2027}",
        "正常  2028 年节假日安排：尚未载入，国务院通常于当年 11 月前后公布",
    ]
    assert lines[-1] == "共 8 项：正常 7 项，警告 0 项，错误 1 项。"


def test_ci_may_take_a_missing_current_year_as_a_warning_and_exit_0():
    fonts_present()
    with at(dt.date(2027, 1, 4)):
        code, lines = check("--missing-year-is-warning")
    assert code == 0
    assert without_fonts_line(lines)[3] == f"警告  2027 年节假日安排：{MISSING_2027}"
    assert lines[-1] == "共 8 项：正常 7 项，警告 1 项，错误 0 项。"


def test_a_face_that_is_not_installed_is_an_error_and_exits_1(settings):
    settings.ZHIFA_DOCUMENT_FONTS = {"heiti": {"family": "方正黑体_GBK"}}
    rendering.reset_stylesheet()
    try:
        with at(dt.date(2026, 10, 31)):
            code, lines = check()
    finally:
        settings.ZHIFA_DOCUMENT_FONTS = {}
        rendering.reset_stylesheet()
    assert code == 1
    assert lines[2] == (
        "错误  文书字体：未安装黑体字体“方正黑体_GBK”。文书不能签发：请安装 fonts-noto-cjk、"
        "fonts-lxgw-wenkai，或用 ZHIFA_FONT_* 设置指向本机已有的字体"
    )
    assert lines[-1] == "共 8 项：正常 7 项，警告 0 项，错误 1 项。"


def test_a_stalled_batch_and_overdue_cases_are_warnings(
    inspector, health_agency, zhoushan, zhoushan_enterprise
):
    fonts_present()
    preview_kind = kind("inspection_preview_notice", "行政执法检查预告通知书", "执预", 30)
    drafts = [
        create_draft(
            kind=preview_kind,
            organisation=health_agency,
            actor=inspector,
            recipient_enterprise=zhoushan_enterprise,
            context=preview_content(),
        )
        for _ in range(2)
    ]
    with at(dt.date(2026, 10, 30), hour=9):
        issue_documents_in_batch(drafts[:1], actor=inspector, title="十月预告")
    with at(dt.date(2026, 10, 30), hour=10):
        issue_documents_in_batch(drafts[1:], actor=inspector, title="十月预告（二）")
    InspectionCase.objects.create(
        reference="JC20260000001",
        organisation=health_agency,
        region=zhoushan,
        enterprise=zhoushan_enterprise,
        kind=InspectionKind.PLANNED,
        title="公共场所卫生检查",
        inspection_date=dt.date(2026, 9, 1),
        requested_by=inspector,
        decided_at=dt.datetime(2026, 9, 2, 10, tzinfo=SHANGHAI),
        publish_due=dt.date(2026, 9, 30),
    )
    with at(dt.date(2026, 10, 30), hour=10):  # the second batch was queued a moment ago
        code, lines = check()
    assert code == 0
    assert DocumentBatch.objects.count() == 2
    assert without_fonts_line(lines)[5:] == [
        "警告  批量签发：2 个批次未完成，其中 1 个超过 10 分钟没有进展："
        "请运行 zhifa documents run-batches（宜由定时任务每几分钟运行一次）",
        "警告  逾期事项：0 件逾期未补办、1 件逾期未公示：运行 zhifa inspections overdue 查看明细",
        "共 8 项：正常 6 项，警告 2 项，错误 0 项。",
    ]
