"""Helpers shared by the training tests."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from zhifa.training.models import TrainingForm

DAY = dt.date(2026, 3, 10)


def session_data(**overrides):
    data = {
        "date": DAY,
        "form": TrainingForm.CASE_ANALYSIS,
        "topic": "行政检查典型案例分析",
        "trainer": "钱律师",
        "place": "舟山市司法局三楼会议室",
        "hours": "2.5",
    }
    data.update(overrides)
    return data


def workbook(rows, headers=("执法证号", "姓名", "学时", "成绩")) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
