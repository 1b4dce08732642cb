"""Reading the attendance of a session from a filled-in sheet (.xlsx or .csv): columns 执法证号,
姓名, 学时, 成绩. Every row is checked before anything is written, and every bad row is reported
with its row number (the header being row 1), its column and the reason in Chinese."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zhifa.core import tabular
from zhifa.core.tabular import Column, RowError, SheetSpec, clean_text, read_rows
from zhifa.org.models import Officer
from zhifa.training import rules
from zhifa.training.models import MAX_HOURS, TrainingSession
from zhifa.training.rules import parse_decimal

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000

COLUMNS: tuple[Column, ...] = (
    Column("执法证号", "cert_no", True, "参训人员的执法证号", "33090020260001"),
    Column("姓名", "name", True, "与执法人员名录中的姓名一致", "王建国"),
    Column("学时", "hours", False, "认定学时，最多一位小数；空表示本次培训的学时", "2.5"),
    Column("成绩", "score", False, "考试成绩 0 至 100 分；非考试请留空", "86"),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
SHEET = SheetSpec(
    document="参训人员",
    row_noun="参训记录",
    one_per_row="每行填写一名参训人员",
    headers=HEADERS,
    required=("执法证号", "姓名"),
    keys={c.header: c.key for c in COLUMNS},
    max_bytes=MAX_FILE_BYTES,
    max_rows=MAX_ROWS,
    multiline=frozenset(),
)


@dataclass
class AttendanceRow:
    row: int
    officer: Officer
    hours: Decimal
    score: Decimal | None


@dataclass
class AttendanceReport(tabular.ImportReport[AttendanceRow]):
    rows: list[AttendanceRow] = field(default_factory=list)
    created: int = 0
    updated: int = 0


def validate(report: AttendanceReport, session: TrainingSession, content: bytes) -> None:
    """Fill ``report`` with the parsed rows or every error; raises ImportFileError when the
    file as a whole cannot be read. Nothing is written."""
    raw = read_rows(report.file_name, content, SHEET)
    wanted = {clean_text(values.get("cert_no", "")) for _, values in raw}
    officers = {
        o.cert_no: o
        for o in Officer.objects.select_related("organisation__region").filter(cert_no__in=wanted)
    }
    first_row_of: dict[str, int] = {}

    def add(number: int, column: str, value: Any, message: str) -> None:
        report.errors.append(RowError(number, column, clean_text(value), message))

    for number, values in raw:
        cert_no = clean_text(values.get("cert_no", ""))
        name = clean_text(values.get("name", ""))
        bad = len(report.errors)
        officer = officers.get(cert_no)
        if not cert_no:
            add(number, "执法证号", "", "请填写执法证号。")
        elif cert_no in first_row_of:
            add(
                number,
                "执法证号",
                cert_no,
                f"与第 {first_row_of[cert_no]} 行重复，同一人只能填写一行。",
            )
        elif officer is None:
            add(number, "执法证号", cert_no, "执法人员名录中没有这个执法证号，请核对。")
        else:
            reason = rules.attendee_refusal(session.organiser, officer)
            if reason:
                add(number, "执法证号", cert_no, reason)
            elif not name:
                add(
                    number, "姓名", "", f"请填写姓名（执法证号 {cert_no} 登记的是{officer.name}）。"
                )
            elif name != officer.name:
                add(
                    number,
                    "姓名",
                    name,
                    f"姓名与执法证号不符：执法证号 {cert_no} 登记的是{officer.name}。",
                )
        if cert_no:
            first_row_of.setdefault(cert_no, number)
        hours_text = clean_text(values.get("hours", ""))
        hours = session.hours
        if hours_text:
            try:
                hours = parse_decimal(hours_text, label="学时", low=Decimal("0"), high=MAX_HOURS)
            except ValueError as error:
                add(number, "学时", hours_text, str(error))
        score_text = clean_text(values.get("score", ""))
        score: Decimal | None = None
        if session.is_exam:
            if not score_text:
                add(number, "成绩", "", "本次培训是考试，请填写成绩（0 至 100 分）。")
            else:
                try:
                    score = parse_decimal(
                        score_text, label="成绩", low=Decimal("0"), high=Decimal("100")
                    )
                except ValueError as error:
                    add(number, "成绩", score_text, str(error))
        elif score_text:
            add(
                number,
                "成绩",
                score_text,
                f"本次培训的形式是{session.get_form_display()}，不是考试，成绩请留空。",
            )
        if len(report.errors) == bad and officer is not None:
            report.rows.append(AttendanceRow(number, officer, hours, score))


def template_workbook() -> bytes:
    return tabular.template_workbook("参训人员", COLUMNS)
