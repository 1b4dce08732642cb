"""Reading a spreadsheet someone filled in (.xlsx or .csv, Chinese headers in row 1).

Every import (enterprises, inspection items, …) reads its file the same way: the header row is
matched by name, in any order, tolerating “*” and “（必填）” marks; blank rows are passed over;
each row becomes a dict by column key with the spreadsheet's own row number, so that every
error a validator finds names the row a person sees. Nothing here writes anything.

An .xlsx is a zip archive, and a small one can inflate to gigabytes (one 1 GiB string in a
1 MB file): before it is opened, every part's inflated size is checked against
``ZHIFA_IMPORT_MAX_UNZIPPED_MB`` and the sheets are streamed once looking for text longer than
a cell can hold. No cell may exceed Excel's own limit of 32,767 characters, nor hold a control
character (zhifa.core.textinput).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Generic, TypeVar

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from zhifa.core.textinput import MULTILINE_FIELDS, problem

MB = 1024 * 1024
# Excel's own limit for the text of one cell.
MAX_CELL_CHARS = 32_767
# The most bytes a cell of MAX_CELL_CHARS can take in the sheet's XML (a character escaped as
# &#x10FFFF; is 10 bytes): a longer stretch without a tag is no cell anyone typed.
_MAX_XML_TEXT = MAX_CELL_CHARS * 10
# Parts openpyxl parses whole (styles, workbook, themes, relationships …) are small in every
# real workbook; only the sheets and the shared strings grow with the data.
_MAX_OTHER_PART = 20 * MB
_DATA_PART = re.compile(r"xl/(worksheets/[^/]+|sharedStrings)\.xml", re.IGNORECASE)
_CORRUPT_XLSX = (
    "无法读取该 Excel 文件：文件已损坏或不是 .xlsx 格式。请用 Excel 打开后另存为 .xlsx 再导入。"
)


def clean_text(value: Any) -> str:
    """A cell or form value as stripped text; numbers lose a trailing “.0”."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "").strip()


class ImportFileError(ValueError):
    """The file as a whole cannot be read; ``str(error)`` is the Chinese reason."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    message: str


def _kind(file_name: str) -> str:
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".csv":
        return "csv"
    raise ImportFileError(
        f"不支持的文件类型“{suffix or '无扩展名'}”：请上传 .xlsx（Excel 2007 及以上）"
        "或 .csv 文件。旧版 .xls 文件请在 Excel 中另存为 .xlsx。"
    )


def _mb(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size / 1024:.0f} KB"


def _refused_archive(reason: str) -> ImportFileError:
    return ImportFileError(
        f"{reason}，不像是正常的导入文件，已拒绝读取。"
        "请只保留要导入的数据，另存为新的 .xlsx 文件后再导入。"
    )


def check_xlsx_archive(content: bytes) -> None:
    """Refuse an .xlsx that would inflate beyond the configured limit, or whose sheets hold a
    stretch of text no cell can; reads each sheet as a stream, never whole."""
    limit = settings.ZHIFA_IMPORT_MAX_UNZIPPED_MB * MB
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(_CORRUPT_XLSX) from None
    total = 0
    with archive:
        for info in members:
            total += info.file_size
            data_part = bool(_DATA_PART.fullmatch(info.filename))
            part_limit = limit if data_part else min(limit, _MAX_OTHER_PART)
            if info.file_size > part_limit:
                raise _refused_archive(
                    f"该 Excel 文件中有一部分解压后有 {_mb(info.file_size)}，"
                    f"超过 {_mb(part_limit)} 的上限"
                )
            if total > limit:
                raise _refused_archive(f"该 Excel 文件解压后超过 {_mb(limit)} 的上限")
            if data_part:
                _scan_text_lengths(archive, info)


def _scan_text_lengths(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    # Any text of 2 × _MAX_XML_TEXT bytes covers one whole aligned block without "<".
    try:
        with archive.open(info) as part:
            while True:
                block = part.read(_MAX_XML_TEXT)
                if len(block) == _MAX_XML_TEXT and b"<" not in block:
                    raise _refused_archive(
                        f"该 Excel 文件中有单元格的内容超过 {MAX_CELL_CHARS} 个字符"
                        "（Excel 单元格的上限）"
                    )
                if len(block) < _MAX_XML_TEXT:
                    return
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise ImportFileError(_CORRUPT_XLSX) from None


def _xlsx_rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    check_xlsx_archive(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):
        raise ImportFileError(_CORRUPT_XLSX) from None
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size; read whatever rows are there.
        sheet.reset_dimensions()  # type: ignore[union-attr]
        try:
            yield from sheet.iter_rows(values_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):
            # A sheet that stops parsing midway (expat and lxml errors are SyntaxErrors).
            raise ImportFileError(_CORRUPT_XLSX) from None
    finally:
        workbook.close()


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (which covers GBK and GB2312)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFileError(
            "无法识别 CSV 文件的字符编码：请另存为“CSV UTF-8”或 GB18030（GBK）编码后再导入。"
        ) from None


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    text = decode_csv(content)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from reader
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise ImportFileError(
                f"CSV 文件第 {reader.line_num} 行附近有单元格的内容超过 {MAX_CELL_CHARS} 个字符"
                "（Excel 单元格的上限），请检查引号是否成对，或缩短后重新导入。"
            ) from None
        raise ImportFileError(f"CSV 文件格式有误：{error}。请检查引号是否成对。") from None


def read_table(file_name: str, content: bytes) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) of every row, the header row (number 1) included."""
    kind = _kind(file_name)
    rows: Iterator[Any] = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)
    for number, row in enumerate(rows, start=1):
        cells = [clean_text(cell) for cell in row]
        for index, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                raise ImportFileError(
                    f"第 {number} 行第 {index + 1} 列（{get_column_letter(index + 1)} 列）有 "
                    f"{len(cell)} 个字符，超过单元格上限 {MAX_CELL_CHARS} 个字符，"
                    "请缩短后重新导入。"
                )
        yield number, cells


def _text_problems(rows: list[tuple[int, dict[str, str]]], spec: SheetSpec) -> list[str]:
    """“第 N 行“列名”：原因” for each cell holding a character no text may hold (core.textinput)."""
    header_of = {key: header for header, key in spec.keys.items()}
    multiline = spec.multiline if spec.multiline is not None else MULTILINE_FIELDS
    found: list[str] = []
    for number, values in rows:
        for key, value in values.items():
            reason = problem(value, multiline=key in multiline)
            if reason:
                found.append(f"第 {number} 行“{header_of.get(key, key)}”{reason.rstrip('。')}")
    return found


R = TypeVar("R")


@dataclass
class ImportReport(Generic[R]):
    """What validating a file found: the parsed rows, or every error by row and column."""

    file_name: str
    rows: list[R] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors and bool(self.rows)

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    @property
    def row_count(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Column:
    """One column of an import file: its header, the key its values go under, and the help text."""

    header: str
    key: str
    required: bool
    rule: str
    example: str


@dataclass(frozen=True)
class SheetSpec:
    """What one kind of import file holds, and how its messages name it."""

    document: str  # 企业名录 / 检查事项清单: "请选择填好的{document}文件"
    row_noun: str  # 企业数据 / 检查事项: "文件超过 N 行{row_noun}"
    one_per_row: str  # 每行填写一家企业
    headers: tuple[str, ...]
    required: tuple[str, ...]
    keys: Mapping[str, str]  # header → the key of the value in each row's dict
    max_bytes: int
    max_rows: int
    # Header spellings taken as another header, e.g. "(日)" written for "（日）".
    aliases: Mapping[str, str] = field(default_factory=dict)
    # Keys whose cells may hold line breaks; None: those of zhifa.core.textinput.MULTILINE_FIELDS.
    multiline: frozenset[str] | None = None


def header_name(raw: str, aliases: Mapping[str, str] | None = None) -> str:
    name = raw.strip().replace(" ", "").replace("\u3000", "")
    for suffix in ("*", "＊", "（必填）", "(必填)", "（选填）", "(选填)"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    for written, meant in (aliases or {}).items():
        name = name.replace(written, meant)
    return name


def read_header(cells: list[str], spec: SheetSpec) -> dict[str, int]:
    """header → column index; refuses a repeated or a missing required column."""
    positions: dict[str, int] = {}
    for index, raw in enumerate(cells):
        name = header_name(raw, spec.aliases)
        if not name:
            continue
        if name in positions:
            raise ImportFileError(
                f"表头中“{name}”出现了两次（第 {positions[name] + 1} 列和第 {index + 1} 列），"
                "请删除重复的列。"
            )
        positions[name] = index
    missing = [h for h in spec.required if h not in positions]
    if missing:
        raise ImportFileError(
            "第 1 行表头缺少必填列：" + "、".join(missing) + "。请使用导入模板，表头须在第 1 行，"
            "列名为：" + "、".join(spec.headers) + "。"
        )
    return positions


def read_rows(file_name: str, content: bytes, spec: SheetSpec) -> list[tuple[int, dict[str, str]]]:
    """(row number, values by key) of every non-blank row under the header."""
    if not content:
        raise ImportFileError(f"上传的文件是空的，请选择填好的{spec.document}文件。")
    if len(content) > spec.max_bytes:
        raise ImportFileError(
            f"文件超过 {spec.max_bytes // (1024 * 1024)} MB，请拆分为多个文件分批导入。"
        )
    table = read_table(file_name, content)
    first = next(table, None)
    if first is None or not any(first[1]):
        raise ImportFileError("第 1 行应为表头，但它是空的。请使用导入模板，表头须在第 1 行。")
    positions = read_header(first[1], spec)
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in table:
        if not any(cells):
            continue
        if len(rows) >= spec.max_rows:
            raise ImportFileError(
                f"文件超过 {spec.max_rows} 行{spec.row_noun}，请拆分为多个文件分批导入。"
            )
        rows.append(
            (
                number,
                {
                    spec.keys[name]: (cells[index] if index < len(cells) else "")
                    for name, index in positions.items()
                    if name in spec.keys
                },
            )
        )
    if not rows:
        raise ImportFileError(
            f"文件中只有表头，没有{spec.row_noun}。请从第 2 行起{spec.one_per_row}。"
        )
    problems = _text_problems(rows, spec)
    if problems:
        shown = "；".join(problems[:10])
        more = f"；另有 {len(problems) - 10} 处" if len(problems) > 10 else ""
        raise ImportFileError(
            f"文件中有 {len(problems)} 处含有不能保存的字符，未导入任何数据：{shown}{more}。"
        )
    return rows


# Text a spreadsheet program would take for a formula (or, after a tab or carriage return, a
# cell it re-parses) when the cell is typed or edited: “=HYPERLINK(…)” in a name is injection.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _export_text(value: str) -> str:
    # A control character left from before the input checks would make the file unwritable.
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)


def append_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """Append one row to a sheet written for people to open. Text that a spreadsheet would take
    for a formula stays text (data type “s” with Excel's quote prefix, the same as typing a
    leading apostrophe), so it shows and re-imports as written and never runs; numbers, dates
    and negative numbers stay what they are."""
    cells: list[Any] = []
    guarded: list[int] = []
    for index, value in enumerate(values):
        if isinstance(value, str):
            value = _export_text(value)
            if value.startswith(_FORMULA_START):
                guarded.append(index)
                if isinstance(sheet, WriteOnlyWorksheet):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    value = cell
        cells.append(value)
    sheet.append(cells)
    if guarded and isinstance(sheet, Worksheet):
        for index in guarded:
            cell = sheet.cell(row=sheet.max_row, column=index + 1)
            cell.value = cells[index]
            cell.data_type = "s"
            cell.quotePrefix = True


def template_workbook(title: str, columns: tuple[Column, ...]) -> bytes:
    """An import template: the headers and one example row, and a sheet explaining them."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    append_row(sheet, [c.header for c in columns])
    append_row(sheet, [c.example for c in columns])
    for index, column in enumerate(columns):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(12, len(column.header) * 2 + 4)
        # Text format for whole columns, so that Excel keeps what is typed (an all-digit code
        # typed into a number cell would lose its last digits).
        dimension.number_format = "@"
    guide = workbook.create_sheet("填写说明")
    append_row(guide, ["列名", "是否必填", "填写要求", "示例"])
    for column in columns:
        required = "必填" if column.required else "选填"
        append_row(guide, [column.header, required, column.rule, column.example])
    guide.append([])
    append_row(
        guide,
        [
            "说明",
            "",
            "表头须在第 1 行；第 2 行为示例，导入前请删除或改写。整个文件先全部校验，"
            "有任何一行出错则不导入任何数据，并列出每一处错误的行号、列名和原因。",
            "",
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


M = TypeVar("M")


@dataclass
class Upserted(Generic[M]):
    """What an import did to a list keyed by code: rows to create (not yet saved), codes
    created and updated, and how many rows changed nothing."""

    new: list[M] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


def upsert_by_code(
    rows: Iterable[Mapping[str, Any]],
    existing: Mapping[str, M],
    *,
    make: Callable[[Mapping[str, Any]], M],
    snapshot: Callable[[M], Any],
    save: Callable[[M], None],
) -> Upserted[M]:
    """Each row updates the existing object of its ``code`` (saved only when its snapshot
    changed) or becomes a new unsaved object for the caller to ``bulk_create``."""
    result: Upserted[M] = Upserted()
    for values in rows:
        obj = existing.get(values["code"])
        if obj is None:
            result.new.append(make(values))
            result.created.append(values["code"])
            continue
        before = snapshot(obj)
        for key, value in values.items():
            setattr(obj, key, value)
        if snapshot(obj) == before:
            result.unchanged += 1
            continue
        save(obj)
        result.updated.append(values["code"])
    return result
