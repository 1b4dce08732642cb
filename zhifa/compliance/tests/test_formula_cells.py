"""A guidance item whose text a spreadsheet would run as a formula exports as plain text and the
export imports back into another version unchanged."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from zhifa.compliance import services
from zhifa.compliance.tests.conftest import item_data

TITLE = '=HYPERLINK("http://evil.example/","合规事项")'


def test_a_formula_like_item_exports_as_text_and_imports_back_unchanged(
    client_for, draft, curator, zhoushan
):
    services.add_item(
        draft, data=item_data(title=TITLE, advice="-开业前申请食品经营许可。"), actor=curator
    )
    response = client_for(curator).get(reverse("compliance:version_export", args=[draft.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = {sheet.cell(1, c).value: sheet.cell(2, c) for c in range(1, sheet.max_column + 1)}
    assert [
        (c.value, c.data_type, c.quotePrefix) for c in (cells["合规事项"], cells["合规建议"])
    ] == [
        (TITLE, "s", True),
        ("-开业前申请食品经营许可。", "s", True),
    ]

    other = services.create_version(
        region=zhoushan,
        data={"publisher": "舟山市司法局", "label": "2027版", "title": "舟山市合规指导清单"},
        actor=curator,
    )
    outcome = services.import_items(
        other, file_name="导出.xlsx", content=response.content, actor=curator
    )
    assert outcome.report.ok
    item = other.items.get()
    assert (item.title, item.advice) == (TITLE, "-开业前申请食品经营许可。")
