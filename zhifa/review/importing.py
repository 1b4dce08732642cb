"""The review standard's items as a spreadsheet: one row per item, so that an exported version
imports back as a new draft unchanged (``zhifa.versioned``: all or nothing, every bad row named).
"""

from __future__ import annotations

from typing import Any

from zhifa.core import tabular
from zhifa.core.tabular import Column, SheetSpec
from zhifa.review.models import ReviewStandard

VETO, SCORED = "否决项", "评分项"

COLUMNS: tuple[Column, ...] = (
    Column("类型", "kind", True, "“否决项”或“评分项”", VETO),
    Column(
        "类别或部分",
        "group",
        True,
        "否决项：主体、资格、证据、事实、定性、法律适用、程序；评分项：卷面、内容",
        "程序",
    ),
    Column("内容", "text", True, "否决情形或评查内容", "执法人员少于2人"),
    Column("分值", "points", False, "评分项的分值（最多一位小数）；否决项留空", ""),
    Column(
        "依据或扣分标准",
        "note",
        False,
        "否决项的依据；评分项的扣分标准",
        "《中华人民共和国行政处罚法》第四十二条",
    ),
)
HEADERS = tuple(c.header for c in COLUMNS)

SPEC = SheetSpec(
    document="案卷评查标准",
    row_noun="评查项目",
    one_per_row="每行填写一个否决项或评分项",
    headers=HEADERS,
    required=tuple(c.header for c in COLUMNS if c.required),
    keys={c.header: c.key for c in COLUMNS},
    max_bytes=2 * 1024 * 1024,
    max_rows=500,
    multiline=frozenset({"note"}),
)


def read_items(file_name: str, content: bytes) -> dict[str, Any]:
    """The items of the file in the shape ``services.import_standard`` takes, each with its row,
    and the rows of unknown type under ``errors``. Raises ``tabular.ImportFileError`` for a file
    that cannot be read."""
    veto_items: list[dict[str, Any]] = []
    scored_items: list[dict[str, Any]] = []
    errors: list[str] = []
    for row, values in tabular.read_rows(file_name, content, SPEC):
        kind = tabular.clean_text(values.get("kind"))
        group = tabular.clean_text(values.get("group"))
        text = tabular.clean_text(values.get("text"))
        note = tabular.clean_text(values.get("note"))
        if kind == SCORED:
            scored_items.append(
                {
                    "row": row,
                    "section": group,
                    "text": text,
                    "points": tabular.clean_text(values.get("points")),
                    "guidance": note,
                }
            )
        elif kind == VETO:
            veto_items.append({"row": row, "category": group, "text": text, "basis": note})
        else:
            errors.append(f"第 {row} 行：类型“{kind}”应为“否决项”或“评分项”。")
    return {"veto_items": veto_items, "scored_items": scored_items, "errors": errors}


def export_rows(standard: ReviewStandard) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [VETO, v.get_category_display(), v.text, "", v.basis]
        for v in standard.veto_items.order_by("code")
    ]
    rows += [
        [SCORED, s.get_section_display(), s.text, str(s.max_points), s.guidance]
        for s in standard.scored_items.order_by("code")
    ]
    return rows
