"""Reading and validating an inspection-item list (.xlsx, or .csv; Chinese headers).

Like the enterprise import (``zhifa.registry.importing``), the whole file is checked before
anything is written: ``validate_file`` returns a report of every bad row (the header being
row 1), its column and the reason in Chinese. ``services.import_items`` writes only when the
report is clean. A row whose 事项编码 is already on the organisation's list updates that item, so
an exported list imports back unchanged.
"""

from __future__ import annotations

from typing import Any

from zhifa.core import tabular
from zhifa.core.tabular import Column, RowError, SheetSpec, read_rows
from zhifa.org.models import EnforcementField, Organisation
from zhifa.plans import rules
from zhifa.plans.models import InspectionItem, InspectionMethod
from zhifa.versioned import importing as versioned
from zhifa.versioned.importing import ImportReport, ParsedItem

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000


COLUMNS: tuple[Column, ...] = (
    Column(
        "事项编码",
        "code",
        True,
        "本机关内唯一；英文字母、数字和 . _ - ；已有的编码表示修改该事项",
        "WJ-GGCS-01",
    ),
    Column("检查事项名称", "name", True, "不超过 200 字", "公共场所从业人员健康合格证明"),
    Column("执法领域", "field", True, "本机关的执法领域名称或代码，如 卫生健康", "卫生健康"),
    Column(
        "依据法律法规",
        "legal_basis_law",
        True,
        "法律法规全称，加书名号",
        "《公共场所卫生管理条例》",
    ),
    Column("条款", "legal_basis_article", True, "条、款、项，如 第七条", "第七条"),
    Column("检查标准", "standard", False, "可空", "直接为顾客服务的人员持有效健康合格证明上岗"),
    Column(
        "检查要点",
        "checklist",
        False,
        "检查时逐项核对的问题，一格内每行一条，或用“；”分隔",
        "从业人员是否均持有效健康合格证明；是否有患碍公共卫生疾病者直接为顾客服务",
    ),
    Column("检查方式", "method", True, rules.METHOD_TEXT + "之一", "现场检查"),
    Column(
        "适用行业",
        "industries",
        False,
        "GB/T 4754-2017 门类字母或大类两位代码，可带名称，多个用“；”分隔；"
        "抽取名录默认限于这些行业。空表示未设置：含本事项的计划任务须另行指定抽取行业，"
        "或明确选择“不限行业”",
        "61 住宿业；62 餐饮业；80 居民服务业",
    ),
    Column(
        "每家企业年度检查上限",
        "yearly_cap",
        False,
        f"1–{rules.MAX_CAP} 的整数，空为 1",
        "1",
    ),
    Column(
        "同事项检查间隔（日）",
        "quiet_period_days",
        False,
        f"0–{rules.MAX_QUIET_DAYS} 的整数，空为 180",
        "180",
    ),
    Column("有效", "is_active", False, "是 或 否，空为 是", "是"),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
REQUIRED_HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS if c.required)
_BY_HEADER = {c.header: c for c in COLUMNS}
SHEET = SheetSpec(
    document="检查事项清单",
    row_noun="检查事项",
    one_per_row="每行填写一个事项",
    headers=HEADERS,
    required=REQUIRED_HEADERS,
    keys={c.header: c.key for c in COLUMNS},
    max_bytes=MAX_FILE_BYTES,
    max_rows=MAX_ROWS,
    aliases={"(日)": "（日）"},
)
_HEADER_OF = {c.key: c.header for c in COLUMNS}


def field_lookup(organisation: Organisation) -> dict[str, EnforcementField]:
    """The organisation's fields by name and by code."""
    lookup: dict[str, EnforcementField] = {}
    for item in organisation.fields.all():
        lookup[item.name] = item
        lookup[item.code] = item
    return lookup


def validate_file(*, file_name: str, content: bytes, organisation: Organisation) -> ImportReport:
    """Read and check the whole file against ``organisation``'s list; nothing is written."""
    return versioned.validate_file(
        file_name=file_name,
        content=content,
        check=lambda report, content: _validate(report, content, organisation),
    )


def _validate(report: ImportReport, content: bytes, organisation: Organisation) -> None:
    raw_rows = read_rows(report.file_name, content, SHEET)

    fields = field_lookup(organisation)
    field_names = "、".join(sorted({f.name for f in fields.values()})) or "（本机关未设执法领域）"
    first_row_of: dict[str, int] = {}

    def add(number: int, key: str, value: Any, message: str) -> None:
        report.errors.append(RowError(number, _HEADER_OF[key], rules.clean_text(value), message))

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
                    f"与第 {first_row_of[code]} 行的事项编码重复，同一编码在文件中只能出现一次。",
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


def item_row(item: InspectionItem) -> list[Any]:
    """An item as a row of the import file (the export writes these, so it imports back)."""
    return [
        item.code,
        item.name,
        item.field.name,
        item.legal_basis_law,
        item.legal_basis_article,
        item.standard,
        "\n".join(item.checklist or []),
        str(InspectionMethod(item.method).label),
        rules.industries_cell(item.industries or []),
        item.yearly_cap,
        item.quiet_period_days,
        "是" if item.is_active else "否",
    ]


def template_workbook() -> bytes:
    """The import template: the headers and one example row, and a sheet explaining them."""
    return tabular.template_workbook("检查事项清单", COLUMNS)
