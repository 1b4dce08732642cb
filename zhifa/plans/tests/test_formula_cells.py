"""An inspection item whose text a spreadsheet would run as a formula exports as plain text and
the export imports back unchanged."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from zhifa.plans import services
from zhifa.plans.models import InspectionItem
from zhifa.plans.tests.conftest import item_data

NAME = '=HYPERLINK("http://evil.example/","查看检查标准")'


def test_a_formula_like_item_exports_as_text_and_imports_back_unchanged(
    client_for, health_agency, inspector
):
    services.create_item(
        organisation=health_agency,
        data=item_data("WJ-EQ-01", name=NAME, standard="+建立卫生责任制度"),
        actor=inspector,
    )
    response = client_for(inspector).get("/plans/items/export/")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = {sheet.cell(1, c).value: sheet.cell(2, c) for c in range(1, sheet.max_column + 1)}
    assert [
        (c.value, c.data_type, c.quotePrefix) for c in (cells["检查事项名称"], cells["检查标准"])
    ] == [
        (NAME, "s", True),
        ("+建立卫生责任制度", "s", True),
    ]

    outcome = services.import_items(
        organisation=health_agency, file_name="导出.xlsx", content=response.content, actor=inspector
    )
    assert outcome.report.errors == []
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 1)
    item = InspectionItem.objects.get(code="WJ-EQ-01")
    assert (item.name, item.standard) == (NAME, "+建立卫生责任制度")
