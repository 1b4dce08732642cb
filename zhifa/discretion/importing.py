"""Reading and validating the three lists as a spreadsheet (.xlsx, or .csv; Chinese headers).

One row is one item. Conditions are in columns a person can fill (首次违法年限, 危害程度上限,
须检查前改正, 改正期限 …), never as JSON. The whole file is checked before anything is written:
``validate_file`` reports every bad row, its column and the reason in Chinese, and
``services.import_items`` writes only a clean report. A row whose 事项编号 is already in the
draft updates that item, so an exported version imports back unchanged.
"""

from __future__ import annotations

from typing import Any

from zhifa.core import tabular
from zhifa.core.tabular import Column, RowError, SheetSpec, read_rows
from zhifa.discretion import rules
from zhifa.discretion.conditions import (
    CONDITION_COLUMNS,
    CONDITION_HEADERS,
    columns_from_conditions,
    parse_conditions,
    plain_amount,
)
from zhifa.discretion.models import DiscretionItem, ListKind
from zhifa.org.models import EnforcementField, Organisation
from zhifa.versioned import importing as versioned
from zhifa.versioned.importing import ImportReport, ParsedItem

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

_BASE_COLUMNS: tuple[Column, ...] = (
    Column("事项编号", "code", True, "本版本内唯一；英文字母、数字和 . _ - ", "SC-BY-001"),
    Column("清单", "kind", True, rules.KIND_TEXT + "之一（免予处罚、免罚亦可）", "不予处罚"),
    Column("执法领域", "field", True, "本机关的执法领域名称或代码，如 市场监管", "市场监管"),
    Column(
        "违法行为编码",
        "violation_code",
        True,
        "同一违法行为在三张清单中使用同一编码",
        "SP-JYXK-GQ",
    ),
    Column(
        "违法行为",
        "violation",
        True,
        "违法行为的表述",
        "食品经营许可证载明事项变化未按规定申请变更",
    ),
    Column(
        "违法依据法律法规",
        "violation_basis_law",
        True,
        "全称，加书名号",
        "《食品经营许可和备案管理办法》",
    ),
    Column("违法依据条款", "violation_basis_article", True, "如 第二十七条", "第二十七条"),
    Column(
        "裁量依据法律法规",
        "discretion_basis_law",
        True,
        "全称，加书名号",
        "《中华人民共和国行政处罚法》",
    ),
    Column(
        "裁量依据条款", "discretion_basis_article", True, "如 第三十三条第一款", "第三十三条第一款"
    ),
)
_CONDITION_COLUMNS: tuple[Column, ...] = tuple(
    Column(header, key, False, rule, example) for key, header, rule, example in CONDITION_COLUMNS
)
_TAIL_COLUMNS: tuple[Column, ...] = (
    Column("处理结果", "outcome", True, "如 不予行政处罚，责令改正", "不予行政处罚，责令限期改正"),
    Column("罚款下限(元)", "penalty_min", False, "从轻、减轻清单填写；不予处罚清单留空", ""),
    Column("罚款上限(元)", "penalty_max", False, "不低于下限", ""),
    Column("处罚幅度", "penalty_text", False, "如 警告；罚款 5000 元以上 1 万元以下", ""),
    Column("对应合规指导事项编码", "compliance_item_code", False, "可空", ""),
    Column("出处", "source", False, "据以编制的清单及其序号", ""),
    Column("转述", "is_paraphrased", False, "是 或 否：未逐字核对原文的填 是", "否"),
)
COLUMNS: tuple[Column, ...] = _BASE_COLUMNS + _CONDITION_COLUMNS + _TAIL_COLUMNS
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
REQUIRED_HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS if c.required)
SHEET = SheetSpec(
    document="裁量清单",
    row_noun="清单事项",
    one_per_row="每行填写一个事项",
    headers=HEADERS,
    required=REQUIRED_HEADERS,
    keys={c.header: c.key for c in COLUMNS},
    max_bytes=MAX_FILE_BYTES,
    max_rows=MAX_ROWS,
    aliases={"（元）": "(元)", "（日）": "(日)", "（具备其一）": "(具备其一)"},
)
_HEADER_OF = {c.key: c.header for c in COLUMNS}


def field_lookup(organisation: Organisation) -> dict[str, EnforcementField]:
    """The fields an organisation's items may be in (its own; all when it has none set)."""
    fields = list(organisation.fields.all()) or list(EnforcementField.objects.all())
    lookup: dict[str, EnforcementField] = {}
    for item in fields:
        lookup[item.name] = item
        lookup[item.code] = item
    return lookup


def validate_file(*, file_name: str, content: bytes, organisation: Organisation) -> ImportReport:
    """Read and check the whole file; nothing is written."""
    return versioned.validate_file(
        file_name=file_name,
        content=content,
        check=lambda report, content: _validate(report, content, organisation),
    )


def _header(key: str) -> str:
    if key == "conditions":
        return "适用条件"
    return _HEADER_OF.get(key) or CONDITION_HEADERS.get(key, key)


def _validate(report: ImportReport, content: bytes, organisation: Organisation) -> None:
    raw_rows = read_rows(report.file_name, content, SHEET)
    fields = field_lookup(organisation)
    field_names = "、".join(sorted({f.name for f in fields.values()}))
    first_row_of: dict[str, int] = {}

    def add(number: int, key: str, value: Any, message: str) -> None:
        report.errors.append(RowError(number, _header(key), rules.clean_text(value), message))

    for number, values in raw_rows:
        cleaned, errors = rules.check_item(values)
        for key, message in errors.items():
            add(number, key, values.get(key, ""), message)
        code = cleaned["code"]
        if code and "code" not in errors:
            if code in first_row_of:
                add(
                    number,
                    "code",
                    code,
                    f"与第 {first_row_of[code]} 行的事项编号重复，同一编号在文件中只能出现一次。",
                )
            first_row_of.setdefault(code, number)
        field_text = rules.clean_text(values.get("field", ""))
        field_obj = fields.get(field_text)
        if not field_text:
            add(number, "field", "", f"请填写执法领域：{field_names}之一。")
        elif field_obj is None:
            add(
                number,
                "field",
                field_text,
                f"执法领域“{field_text}”不是{organisation.name}的执法领域，应为{field_names}之一。",
            )
        cleaned["field"] = field_obj
        report.rows.append(ParsedItem(row=number, values=cleaned))


# --- Template and export ----------------------------------------------------------------------


def _money(value: Any) -> str:
    return plain_amount(value) if value is not None else ""


def item_row(item: DiscretionItem) -> list[Any]:
    """An item as a row of the import file (the export writes these, so it imports back)."""
    cells = columns_from_conditions(parse_conditions(item.conditions))
    return [
        item.code,
        str(ListKind(item.kind).label),
        item.field.name,
        item.violation_code,
        item.violation,
        item.violation_basis_law,
        item.violation_basis_article,
        item.discretion_basis_law,
        item.discretion_basis_article,
        *(cells[key] for key, *_ in CONDITION_COLUMNS),
        item.outcome,
        _money(item.penalty_min),
        _money(item.penalty_max),
        item.penalty_text,
        item.compliance_item_code,
        item.source,
        "是" if item.is_paraphrased else "否",
    ]


def template_workbook() -> bytes:
    return tabular.template_workbook("裁量清单", COLUMNS)
