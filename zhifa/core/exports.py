"""The one way list pages answer "导出 Excel": a streamed-in-memory .xlsx download."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook

from zhifa.core import timefmt
from zhifa.core.tabular import append_row

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def local_time(value: dt.datetime | None) -> str:
    """A timestamp as people in Asia/Shanghai read it; spreadsheets get no time zones."""
    return timefmt.fmt_datetime(value, seconds=True)


def xlsx_response(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """One sheet named ``title``; the file is ``<title>-<today>.xlsx``. Every cell goes through
    ``append_row``, so no text from the database becomes a live formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    append_row(sheet, headers)
    for row in rows:
        append_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
