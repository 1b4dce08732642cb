"""A 文书 issued before 08:00 Beijing time is dated, numbered and listed by the Beijing day, though
the UTC date is still the day before."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from zhifa.documents.rendering import date_text
from zhifa.documents.services import issue_document

UTC = dt.UTC
MORNING = dt.datetime(2026, 12, 3, 23, 30, tzinfo=UTC)  # 2026-12-04 07:30 Beijing
NEW_YEAR = dt.datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 2027-01-01 00:30 Beijing


def pdf_text(document) -> str:
    pages = PdfReader(document.pdf_file.path).pages
    return "".join(page.extract_text() for page in pages).replace("\n", "")


def test_a_document_issued_at_0730_is_dated_that_beijing_day(preview_draft, inspector):
    with time_machine.travel(MORNING, tick=False):
        document = issue_document(preview_draft, actor=inspector)

    document.refresh_from_db()
    assert document.issue_date == dt.date(2026, 12, 4)
    assert document.context["date"] == "2026-12-04"
    assert "2026年12月4日" in pdf_text(document)
    assert "2026年12月3日" not in pdf_text(document)


def test_the_document_page_and_its_excel_row_show_the_beijing_issue_time(
    client_for, preview_draft, inspector
):
    with time_machine.travel(MORNING, tick=False):
        document = issue_document(preview_draft, actor=inspector)
    client = client_for(inspector)
    page = client.get(reverse("documents:document_detail", args=[document.pk]))
    export = client.get(reverse("documents:document_list"), {"export": "xlsx"})

    assert "王检查（2026-12-04 07:30）" in page.content.decode()
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert (rows[0][8], rows[0][9]) == ("成文日期", "签发时间")
    assert (rows[1][8], rows[1][9]) == ("2026-12-04", "2026-12-04 07:30:00")


def test_a_document_issued_after_midnight_on_new_years_day_is_numbered_in_the_new_year(
    preview_draft, inspector
):
    with time_machine.travel(NEW_YEAR, tick=False):
        document = issue_document(preview_draft, actor=inspector)

    assert document.issue_date == dt.date(2027, 1, 1)
    assert document.number_text == "舟卫执预\u30142027\u30151号"
    assert "2027年1月1日" in pdf_text(document)


def test_the_date_of_an_instant_is_its_beijing_day():
    assert date_text(MORNING) == "2026年12月4日"
    assert date_text(dt.date(2026, 12, 3)) == "2026年12月3日"
