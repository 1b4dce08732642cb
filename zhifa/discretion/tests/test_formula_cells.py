"""A list item whose text a spreadsheet would run as a formula exports as plain text and the
export imports back into a revision unchanged."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhifa.discretion import services
from zhifa.discretion.tests.conftest import item_data, version_data

pytestmark = pytest.mark.django_db
VIOLATION = '=HYPERLINK("http://evil.example/","违法行为")'


def test_a_formula_like_item_exports_as_text_and_imports_back_unchanged(
    client_for, health_agency, legal_reviewer
):
    version = services.create_version(
        organisation=health_agency, data=version_data(), actor=legal_reviewer
    )
    services.create_item(
        version=version,
        data=item_data(violation=VIOLATION, outcome="@不予行政处罚，责令改正"),
        actor=legal_reviewer,
    )
    response = client_for(legal_reviewer).get(
        reverse("discretion:version_export", args=[version.pk])
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = {sheet.cell(1, c).value: sheet.cell(2, c) for c in range(1, sheet.max_column + 1)}
    assert [
        (c.value, c.data_type, c.quotePrefix) for c in (cells["违法行为"], cells["处理结果"])
    ] == [
        (VIOLATION, "s", True),
        ("@不予行政处罚，责令改正", "s", True),
    ]

    published = services.publish_version(version, actor=legal_reviewer)
    revision = services.revise_version(published, label="修订", actor=legal_reviewer)
    outcome = services.import_items(
        version=revision, file_name="导出.xlsx", content=response.content, actor=legal_reviewer
    )
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 1)
    item = revision.items.get()
    assert (item.violation, item.outcome) == (VIOLATION, "@不予行政处罚，责令改正")
