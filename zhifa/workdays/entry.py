"""A year's arrangement as an administrator enters it from the State Council notice.

The same content arrives from the entry page, a JSON file or an .xlsx file
(``zhifa workdays load --file``; the formats are in docs/workdays.md). Each reader gives an
``ArrangementData`` whose rows remember where they came from ("放假第 2 行", "“放假”表第 3 行"),
so that ``check`` names the row and the field of every problem. Nothing here writes anything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from zhifa.core import textinput, timefmt
from zhifa.core.tabular import ImportFileError, check_xlsx_archive, clean_text
from zhifa.workdays import statutory
from zhifa.workdays.models import WEEKDAY_NAMES, HolidayKind

JSON_KEYS = ("year", "notice_number", "notice_date", "notice_url", "holidays", "makeup_workdays")
NOTICE_SHEET, HOLIDAY_SHEET, MAKEUP_SHEET = "通知", "放假", "调休上班"
NOTICE_ROWS = {"年度": "year", "通知文号": "notice_number", "通知日期": "notice_date"}
NOTICE_ROWS["通知网址"] = "notice_url"


@dataclass(frozen=True)
class Problem:
    where: str  # "年度", "放假第 2 行 最后一天"
    message: str

    def __str__(self) -> str:
        return f"{self.where}：{self.message}"


@dataclass
class HolidayRange:
    name: str
    first: dt.date | None
    last: dt.date | None
    row: str  # "放假第 1 行"

    def days(self) -> list[dt.date]:
        if self.first is None or self.last is None or self.last < self.first:
            return []
        return [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def label(self) -> str:
        span = (
            f"{_md(self.first)}至{_md(self.last)}" if self.first != self.last else _md(self.first)
        )
        return f"{self.name or gettext('未命名')}，{span}"


@dataclass
class MakeupDay:
    date: dt.date | None
    name: str
    row: str  # "调休上班第 1 行"


@dataclass
class ArrangementData:
    year: int | None = None
    notice_number: str = ""
    notice_date: dt.date | None = None
    notice_url: str = ""
    holidays: list[HolidayRange] = field(default_factory=list)
    makeup_workdays: list[MakeupDay] = field(default_factory=list)

    def holidays_json(self) -> list[dict[str, str]]:
        return [
            {"name": h.name, "first": _iso(h.first), "last": _iso(h.last)} for h in self.holidays
        ]

    def makeup_json(self) -> list[dict[str, str]]:
        return [{"date": _iso(m.date), "name": m.name} for m in self.makeup_workdays]

    def to_json(self) -> dict[str, Any]:
        """The JSON file format (docs/workdays.md): what ``from_json`` reads back."""
        return {
            "year": self.year,
            "notice_number": self.notice_number,
            "notice_date": _iso(self.notice_date),
            "notice_url": self.notice_url,
            "holidays": self.holidays_json(),
            "makeup_workdays": self.makeup_json(),
        }


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _md(day: dt.date | None) -> str:
    return f"{day.month}月{day.day}日" if day else "?"


def _weekday(day: dt.date) -> str:
    return WEEKDAY_NAMES[day.weekday()]


class _Reader:
    """Typed values from text or cells, collecting a Problem for each one that is not."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def date(self, value: Any, where: str, label: str) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return timefmt.wall_date(value)
        if isinstance(value, dt.date):
            return value
        text = clean_text(value)
        if not text:
            self.problems.append(Problem(where, gettext("请填写%(label)s。") % {"label": label}))
            return None
        try:
            if len(text) != 10:
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            self.problems.append(
                Problem(
                    where,
                    gettext(
                        "%(label)s“%(value)s”不是有效日期，请按 YYYY-MM-DD 填写，例如 2027-02-05。"
                    )
                    % {"label": label, "value": text},
                )
            )
            return None

    def text(self, value: Any, where: str) -> str:
        """Stripped text; a control character or direction override is a Problem (the page,
        the JSON file and the .xlsx file are refused alike, as every other input is)."""
        text = clean_text(value)
        reason = textinput.problem(text)
        if reason:
            self.problems.append(Problem(where, reason))
        return text

    def year(self, value: Any) -> int | None:
        text = clean_text(value)
        if not text:
            self.problems.append(Problem(gettext("年度"), gettext("请填写年度，例如 2027。")))
            return None
        try:
            return int(text)
        except ValueError:
            self.problems.append(
                Problem(
                    gettext("年度"),
                    gettext("年度“%(value)s”不是整数，请填写四位数的年份，例如 2027。")
                    % {"value": text},
                )
            )
            return None


def from_rows(
    *,
    year: Any,
    notice_number: Any,
    notice_date: Any,
    notice_url: Any,
    holidays: Iterable[tuple[str, Any, Any, Any]],
    makeup_workdays: Iterable[tuple[str, Any, Any]],
) -> tuple[ArrangementData, list[Problem]]:
    """Rows as (where, name, first, last) and (where, date, name); blank rows left out."""
    reader = _Reader()
    data = ArrangementData(
        year=reader.year(year),
        notice_number=reader.text(notice_number, gettext("通知文号")),
        notice_url=reader.text(notice_url, gettext("通知网址")),
    )
    if clean_text(notice_date) or isinstance(notice_date, dt.date):
        data.notice_date = reader.date(notice_date, gettext("通知日期"), gettext("通知日期"))
    for where, name, first, last in holidays:
        if not any(clean_text(v) for v in (name, first, last)):
            continue
        data.holidays.append(
            HolidayRange(
                name=reader.text(name, f"{where} {gettext('节日')}"),
                first=reader.date(first, f"{where} {gettext('第一天')}", gettext("第一天")),
                last=reader.date(last, f"{where} {gettext('最后一天')}", gettext("最后一天")),
                row=where,
            )
        )
    for where, day, name in makeup_workdays:
        if not any(clean_text(v) for v in (day, name)):
            continue
        data.makeup_workdays.append(
            MakeupDay(
                date=reader.date(day, f"{where} {gettext('日期')}", gettext("日期")),
                name=reader.text(name, f"{where} {gettext('节日')}"),
                row=where,
            )
        )
    return data, reader.problems


def from_json(content: bytes) -> tuple[ArrangementData, list[Problem]]:
    """The JSON file format; a file that is not such JSON is one Problem."""
    file_problem = gettext("文件")
    try:
        raw = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return ArrangementData(), [
            Problem(
                file_problem,
                gettext("不是有效的 JSON（%(error)s），请按 docs/workdays.md 的格式填写。")
                % {"error": error},
            )
        ]
    if not isinstance(raw, dict):
        return ArrangementData(), [
            Problem(file_problem, gettext("JSON 的最外层须是一个对象（{…}），请按示例填写。"))
        ]
    problems = [
        Problem(
            file_problem,
            gettext("未知的项“%(key)s”：可用的项是 %(keys)s。")
            % {"key": key, "keys": "、".join(JSON_KEYS)},
        )
        for key in raw
        if key not in JSON_KEYS
    ]

    def items(key: str, label: str) -> list[dict[str, Any]]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            problems.append(
                Problem(
                    label,
                    gettext("“%(key)s”须是对象的列表，例如 %(example)s。")
                    % {
                        "key": key,
                        "example": '[{"name": "元旦", "first": "2027-01-01", "last": "2027-01-03"}]'
                        if key == "holidays"
                        else '[{"date": "2027-01-04", "name": "元旦"}]',
                    },
                )
            )
            return []
        return value

    holidays = items("holidays", gettext("放假安排"))
    makeup = items("makeup_workdays", gettext("调休上班日"))
    data, read_problems = from_rows(
        year=raw.get("year"),
        notice_number=raw.get("notice_number"),
        notice_date=raw.get("notice_date"),
        notice_url=raw.get("notice_url"),
        holidays=[
            (
                gettext("放假安排第 %(n)s 项") % {"n": n},
                row.get("name"),
                row.get("first"),
                row.get("last"),
            )
            for n, row in enumerate(holidays, start=1)
        ],
        makeup_workdays=[
            (gettext("调休上班日第 %(n)s 项") % {"n": n}, row.get("date"), row.get("name"))
            for n, row in enumerate(makeup, start=1)
        ],
    )
    return data, problems + read_problems


def _sheet_rows(workbook: Any, name: str, problems: list[Problem]) -> list[tuple[int, list[Any]]]:
    if name not in workbook.sheetnames:
        problems.append(
            Problem(
                gettext("文件"),
                gettext("缺少名为“%(name)s”的工作表：工作簿须有“通知”“放假”“调休上班”三张表。")
                % {"name": name},
            )
        )
        return []
    rows = []
    for number, cells in enumerate(workbook[name].iter_rows(values_only=True), start=1):
        values = list(cells)
        if any(clean_text(v) for v in values):
            rows.append((number, values + [None] * 3))
    return rows


def from_xlsx(content: bytes) -> tuple[ArrangementData, list[Problem]]:
    """The .xlsx format: sheets 通知 (项目, 内容), 放假 (节日, 第一天, 最后一天) and
    调休上班 (日期, 节日)."""
    try:
        # The same inflation and cell-length limits as every other import, before opening.
        check_xlsx_archive(content)
    except ImportFileError as error:
        return ArrangementData(), [Problem(gettext("文件"), str(error))]
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError):
        return ArrangementData(), [
            Problem(
                gettext("文件"),
                gettext("无法读取该 .xlsx 文件：请确认它是 Excel 2007 及以上格式且未加密。"),
            )
        ]
    problems: list[Problem] = []
    notice: dict[str, Any] = {}
    for number, cells in _sheet_rows(workbook, NOTICE_SHEET, problems):
        key = clean_text(cells[0]).rstrip("：:*")
        if key in ("项目", ""):
            continue
        if key not in NOTICE_ROWS:
            problems.append(
                Problem(
                    gettext("“通知”表第 %(n)s 行") % {"n": number},
                    gettext("未知的项目“%(key)s”：A 列只能是 %(keys)s。")
                    % {"key": key, "keys": "、".join(NOTICE_ROWS)},
                )
            )
            continue
        notice[NOTICE_ROWS[key]] = cells[1]
    holidays = [
        (gettext("“放假”表第 %(n)s 行") % {"n": number}, cells[0], cells[1], cells[2])
        for number, cells in _sheet_rows(workbook, HOLIDAY_SHEET, problems)
        if clean_text(cells[0]) != "节日"
    ]
    makeup = [
        (gettext("“调休上班”表第 %(n)s 行") % {"n": number}, cells[0], cells[1])
        for number, cells in _sheet_rows(workbook, MAKEUP_SHEET, problems)
        if clean_text(cells[0]) != "日期"
    ]
    workbook.close()
    data, read_problems = from_rows(
        year=notice.get("year"),
        notice_number=notice.get("notice_number"),
        notice_date=notice.get("notice_date"),
        notice_url=notice.get("notice_url"),
        holidays=holidays,
        makeup_workdays=makeup,
    )
    return data, problems + read_problems


def from_file(name: str, content: bytes) -> tuple[ArrangementData, list[Problem]]:
    lower = name.lower()
    if lower.endswith(".json"):
        return from_json(content)
    if lower.endswith(".xlsx"):
        return from_xlsx(content)
    return ArrangementData(), [
        Problem(
            gettext("文件"),
            gettext("不支持的文件类型“%(name)s”：请提供 .json 或 .xlsx 文件。") % {"name": name},
        )
    ]


def from_record(arrangement: Any) -> ArrangementData:
    """A stored arrangement back as data (for review, correction and re-checking)."""
    data, _ = from_rows(
        year=arrangement.year,
        notice_number=arrangement.notice_number,
        notice_date=arrangement.notice_date,
        notice_url=arrangement.notice_url,
        holidays=[
            (gettext("放假第 %(n)s 行") % {"n": n}, h["name"], h["first"], h["last"])
            for n, h in enumerate(arrangement.holidays, start=1)
        ],
        makeup_workdays=[
            (gettext("调休上班第 %(n)s 行") % {"n": n}, m["date"], m["name"])
            for n, m in enumerate(arrangement.makeup_workdays, start=1)
        ],
    )
    return data


_url = URLValidator(schemes=["http", "https"])


def _check_notice(data: ArrangementData, problems: list[Problem]) -> None:
    if not data.notice_number:
        problems.append(
            Problem(gettext("通知文号"), gettext("请填写通知文号，例如“国办发明电〔2025〕7号”。"))
        )
    if data.notice_date is None:
        if not any(p.where == gettext("通知日期") for p in problems):
            problems.append(
                Problem(gettext("通知日期"), gettext("请填写通知的成文日期，例如 2025-11-04。"))
            )
    else:
        today = timezone.localdate()
        if data.notice_date > today:
            problems.append(
                Problem(
                    gettext("通知日期"),
                    gettext("通知日期 %(date)s 晚于今天（%(today)s）：请填写通知落款的成文日期。")
                    % {"date": data.notice_date.isoformat(), "today": today.isoformat()},
                )
            )
        if data.year is not None and data.notice_date.year not in (data.year - 1, data.year):
            problems.append(
                Problem(
                    gettext("通知日期"),
                    gettext(
                        "通知日期 %(date)s 与年度 %(year)s 不符：%(year)s 年的节假日安排通知"
                        "应在 %(before)s 年或 %(year)s 年发布，请核对年度和通知日期。"
                    )
                    % {
                        "date": data.notice_date.isoformat(),
                        "year": data.year,
                        "before": data.year - 1,
                    },
                )
            )
    if not data.notice_url:
        problems.append(
            Problem(
                gettext("通知网址"),
                gettext("请填写通知原文的网址（以 http:// 或 https:// 开头），便于复核人对照。"),
            )
        )
    else:
        try:
            _url(data.notice_url)
        except ValidationError:
            problems.append(
                Problem(
                    gettext("通知网址"),
                    gettext(
                        "“%(url)s”不是有效网址：请填写以 http:// 或 https:// 开头的通知原文地址。"
                    )
                    % {"url": data.notice_url},
                )
            )


def _in_year(day: dt.date | None, year: int | None, where: str, problems: list[Problem]) -> bool:
    if day is None:
        return False
    if year is not None and day.year != year:
        problems.append(
            Problem(
                where,
                gettext("%(date)s 不在 %(year)s 年内：请改正日期，或改填 %(date_year)s 年的安排。")
                % {"date": day.isoformat(), "year": year, "date_year": day.year},
            )
        )
        return False
    return True


def _check_holidays(data: ArrangementData, problems: list[Problem]) -> list[HolidayRange]:
    """The rows' own problems; returns the rows that are whole and inside the year."""
    if not data.holidays:
        problems.append(
            Problem(
                gettext("放假安排"),
                gettext("请至少填写一项放假安排（节日、第一天、最后一天），按通知逐项填写。"),
            )
        )
    valid = []
    for row in data.holidays:
        if not row.name:
            problems.append(
                Problem(
                    f"{row.row} {gettext('节日')}",
                    gettext("请填写节日名称，例如“春节”；合并放假可写“国庆节、中秋节”。"),
                )
            )
        first_ok = _in_year(row.first, data.year, f"{row.row} {gettext('第一天')}", problems)
        last_ok = _in_year(row.last, data.year, f"{row.row} {gettext('最后一天')}", problems)
        if first_ok and last_ok and row.first and row.last:
            if row.last < row.first:
                problems.append(
                    Problem(
                        f"{row.row} {gettext('最后一天')}",
                        gettext("最后一天 %(last)s 早于第一天 %(first)s：请核对通知中的起止日期。")
                        % {"last": row.last.isoformat(), "first": row.first.isoformat()},
                    )
                )
            else:
                valid.append(row)
    ordered = sorted(valid, key=lambda r: r.first or dt.date.min)
    for before, after in itertools.pairwise(ordered):
        if after.first and before.last and after.first <= before.last:
            problems.append(
                Problem(
                    after.row,
                    gettext(
                        "（%(after)s）与%(before_row)s（%(before)s）的日期重叠："
                        "同一天只能属于一项放假安排，合并放假请写成一行。"
                    )
                    % {
                        "after": after.label(),
                        "before_row": before.row,
                        "before": before.label(),
                    },
                )
            )
    return valid


def _check_makeup(
    data: ArrangementData, holidays: list[HolidayRange], problems: list[Problem]
) -> None:
    off = {day: row for row in holidays for day in row.days()}
    seen: dict[dt.date, MakeupDay] = {}
    for row in data.makeup_workdays:
        where = f"{row.row} {gettext('日期')}"
        if not row.name:
            problems.append(
                Problem(
                    f"{row.row} {gettext('节日')}",
                    gettext("请填写该调休上班日所属的节日，例如“春节”。"),
                )
            )
        if not _in_year(row.date, data.year, where, problems) or row.date is None:
            continue
        day = row.date
        if day.weekday() < 5:
            problems.append(
                Problem(
                    where,
                    gettext(
                        "%(date)s 是%(weekday)s，本来就是工作日，不能登记为调休上班日："
                        "调休上班日只能是周六或周日。"
                    )
                    % {"date": day.isoformat(), "weekday": _weekday(day)},
                )
            )
        if day in off:
            problems.append(
                Problem(
                    where,
                    gettext("%(date)s 在%(row)s（%(label)s）的放假日期内，不能同时是调休上班日。")
                    % {"date": day.isoformat(), "row": off[day].row, "label": off[day].label()},
                )
            )
        if day in seen:
            problems.append(
                Problem(
                    where,
                    gettext("%(date)s 已在%(row)s填写过，请删去重复的一行。")
                    % {"date": day.isoformat(), "row": seen[day].row},
                )
            )
        seen.setdefault(day, row)


def _check_statutory(
    data: ArrangementData, holidays: list[HolidayRange], problems: list[Problem]
) -> None:
    if data.year is None:
        return
    rules = statutory.rules_for(data.year)
    days = statutory.statutory_days(data.year)
    off = {day for row in holidays for day in row.days()}
    by_festival: dict[str, list[statutory.StatutoryDay]] = {}
    for day in days:
        by_festival.setdefault(day.festival, []).append(day)
    for day in days:
        if day.date in off:
            continue
        festival = by_festival[day.festival]
        problems.append(
            Problem(
                gettext("放假安排"),
                gettext(
                    "%(date)s（%(weekday)s，%(note)s）是法定节假日%(festival)s，但不在任何一项"
                    "放假安排内：按%(basis)s，%(festival)s放假 %(count)s 天（%(notes)s）。"
                    "请核对通知，把它纳入%(festival)s的放假日期。"
                )
                % {
                    "date": day.date.isoformat(),
                    "weekday": _weekday(day.date),
                    "note": day.note,
                    "festival": day.festival,
                    "basis": rules.basis,
                    "count": len(festival),
                    "notes": "、".join(d.note for d in festival),
                },
            )
        )


def check(data: ArrangementData, read: Iterable[Problem] = ()) -> list[Problem]:
    """Every problem of the content, each naming its field or row; [] when it may be saved.

    ``read`` are the problems the reader already found (values that are not dates…): they come
    first, and are not reported twice.
    """
    problems: list[Problem] = list(read)
    if data.year is not None:
        try:
            statutory.rules_for(data.year)
        except statutory.YearOutsideRules as error:
            problems.append(Problem(gettext("年度"), str(error)))
            data = dataclasses.replace(data, year=None)
    _check_notice(data, problems)
    holidays = _check_holidays(data, problems)
    _check_makeup(data, holidays, problems)
    if not any(
        p.where.endswith(gettext("第一天")) or p.where.endswith(gettext("最后一天"))
        for p in problems
    ):
        _check_statutory(data, holidays, problems)
    return problems


def expand(data: ArrangementData) -> dict[dt.date, tuple[str, str]]:
    """Every date the arrangement lists, mapped to (kind, festival name); for checked data."""
    days: dict[dt.date, tuple[str, str]] = {}
    for row in data.holidays:
        for day in row.days():
            days[day] = (HolidayKind.HOLIDAY.value, row.name)
    for makeup in data.makeup_workdays:
        if makeup.date is not None:
            days[makeup.date] = (HolidayKind.MAKEUP_WORKDAY.value, makeup.name)
    return dict(sorted(days.items()))


def group(
    days: dict[dt.date, tuple[str, str]],
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Listed days as holiday ranges (consecutive dates, same name) and make-up days, as stored."""
    holidays: list[dict[str, str]] = []
    makeup: list[dict[str, str]] = []
    for day, (kind, name) in sorted(days.items()):
        if kind == HolidayKind.MAKEUP_WORKDAY:
            makeup.append({"date": day.isoformat(), "name": name})
            continue
        last = holidays[-1] if holidays else None
        if (
            last is not None
            and last["name"] == name
            and dt.date.fromisoformat(last["last"]) + dt.timedelta(days=1) == day
        ):
            last["last"] = day.isoformat()
        else:
            holidays.append({"name": name, "first": day.isoformat(), "last": day.isoformat()})
    return holidays, makeup
