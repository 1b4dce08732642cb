"""Reading and validating a compliance guidance list (.xlsx, or .csv; Chinese headers).

The whole file is checked before anything is written: ``validate_file`` returns a report of
every bad row (the header being row 1), its column and the reason in Chinese.
``services.import_items`` writes only when the report is clean. The file fills a draft version:
a row whose 条目编码 is already in the draft updates that item (saved only when something
changed, ``tabular.upsert_by_code``), so an exported list imports back unchanged. The order of
the rows is the order of the list.
"""

from __future__ import annotations

from typing import Any

from zhifa.compliance import rules
from zhifa.compliance.models import GuidanceItem
from zhifa.core import tabular
from zhifa.core.tabular import Column, RowError, SheetSpec, clean_text, read_rows
from zhifa.org.models import EnforcementField
from zhifa.versioned import importing as versioned
from zhifa.versioned.importing import ImportReport, ParsedItem

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000

COLUMNS: tuple[Column, ...] = (
    Column("条目编码", "code", True, "本清单内唯一；英文字母、数字和 . _ - ", "HG-SP-01"),
    Column("执法领域", "field", True, "执法领域名称或代码，如 市场监管 或 market", "市场监管"),
    Column("合规事项", "title", True, "不超过 200 字", "未取得食品经营许可从事餐饮服务"),
    Column(
        "常见违法行为",
        "violations",
        True,
        "企业常见的违法情形，可写多条",
        "未办理食品经营许可证即开业；超出许可范围经营",
    ),
    Column(
        "法律依据",
        "legal_basis_law",
        True,
        "法律法规全称，加书名号",
        "《中华人民共和国食品安全法》",
    ),
    Column("条款", "legal_basis_article", True, "条、款、项，如 第三十五条", "第三十五条"),
    Column(
        "条文内容（摘要）",
        "legal_basis_text",
        False,
        "条文原文或忠实摘要；摘要请注明“（摘要）”",
        "从事食品销售、餐饮服务，应当依法取得许可（摘要）。",
    ),
    Column(
        "责任后果",
        "liability",
        True,
        "违反时的法律责任，写明条款",
        "依照第一百二十二条没收违法所得，并处罚款。",
    ),
    Column("合规建议", "advice", True, "企业可以怎样做到合规", "开业前申请食品经营许可。"),
    Column(
        "适用行业",
        "industries",
        False,
        "与企业名录的行业名称一致，多个用“、”分隔；空表示所有行业",
        "餐饮业、零售业",
    ),
    Column(
        "对应检查事项编码",
        "inspection_item_codes",
        False,
        "检查事项清单中的事项编码，多个用“、”分隔",
        "SJ-SP-01",
    ),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
SHEET = SheetSpec(
    document="合规指导清单",
    row_noun="合规指导条目",
    one_per_row="每行填写一个条目",
    headers=HEADERS,
    required=tuple(c.header for c in COLUMNS if c.required),
    keys={c.header: c.key for c in COLUMNS},
    max_bytes=MAX_FILE_BYTES,
    max_rows=MAX_ROWS,
    aliases={"(摘要)": "（摘要）"},
)
_HEADER_OF = {c.key: c.header for c in COLUMNS}


def field_lookup() -> dict[str, EnforcementField]:
    """Every enforcement field by name and by code."""
    lookup: dict[str, EnforcementField] = {}
    for item in EnforcementField.objects.all():
        lookup[item.name] = item
        lookup[item.code] = item
    return lookup


def field_names() -> str:
    return "、".join(EnforcementField.objects.order_by("code").values_list("name", flat=True))


def validate_file(*, file_name: str, content: bytes) -> ImportReport:
    """Read and check the whole file; nothing is written."""
    return versioned.validate_file(file_name=file_name, content=content, check=_validate)


def _validate(report: ImportReport, content: bytes) -> None:
    raw_rows = read_rows(report.file_name, content, SHEET)
    fields = field_lookup()
    names = field_names() or "（尚未设置执法领域）"
    first_row_of: dict[str, int] = {}

    def add(number: int, key: str, value: Any, message: str) -> None:
        report.errors.append(RowError(number, _HEADER_OF[key], clean_text(value), message))

    for position, (number, values) in enumerate(raw_rows, start=1):
        cleaned, errors = rules.check_item({**values, "position": position})
        for key, message in errors.items():
            add(number, key, values.get(key, ""), message)
        code = cleaned["code"]
        if code and "code" not in errors:
            if code in first_row_of:
                add(
                    number,
                    "code",
                    code,
                    f"与第 {first_row_of[code]} 行的条目编码重复，同一编码在清单中只能出现一次。",
                )
            first_row_of.setdefault(code, number)
        field_text = clean_text(values.get("field", ""))
        field_obj = fields.get(field_text)
        if not field_text:
            add(number, "field", "", f"请填写执法领域：{names}之一。")
        elif field_obj is None:
            add(number, "field", field_text, f"执法领域“{field_text}”不存在，应为{names}之一。")
        cleaned["field"] = field_obj
        report.rows.append(ParsedItem(row=number, values=cleaned))


def item_row(item: GuidanceItem) -> list[Any]:
    """An item as a row of the import file (the export writes these, so it imports back)."""
    return [
        item.code,
        item.field.name,
        item.title,
        item.violations,
        item.legal_basis_law,
        item.legal_basis_article,
        item.legal_basis_text,
        item.liability,
        item.advice,
        "、".join(item.industries or []),
        "、".join(item.inspection_item_codes or []),
    ]


def template_workbook() -> bytes:
    return tabular.template_workbook("合规指导清单", COLUMNS)
