"""Importing a guidance list: every bad row reported, nothing written on error; exports import
back unchanged."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from zhifa.audit.models import AuditRecord
from zhifa.compliance import importing, services
from zhifa.compliance.models import GuidanceItem
from zhifa.compliance.tests.conftest import item_data

HEADER = list(importing.HEADERS)


def _row(**overrides: str) -> list[str]:
    data = item_data(**overrides)
    return [
        data["code"],
        data["field"],
        data["title"],
        data["violations"],
        data["legal_basis_law"],
        data["legal_basis_article"],
        data["legal_basis_text"],
        data["liability"],
        data["advice"],
        data["industries"],
        data["inspection_item_codes"],
    ]


def _xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_good_file_fills_the_draft_in_row_order(draft, curator):
    content = _xlsx([_row(code="A-2"), _row(code="A-1", field="市场监管", industries="")])
    outcome = services.import_items(draft, file_name="清单.xlsx", content=content, actor=curator)
    assert outcome.report.ok
    assert (outcome.created, outcome.updated) == (2, 0)
    items = list(GuidanceItem.objects.filter(version=draft).order_by("position"))
    assert [(i.code, i.position, i.industries) for i in items] == [
        ("A-2", 1, ["餐饮业", "零售业"]),
        ("A-1", 2, []),
    ]
    record = AuditRecord.objects.get(action="compliance.item.import")
    assert record.after["rows"] == 2
    assert record.after["created"] == 2


def test_importing_again_counts_what_changed_and_saves_only_that(draft, curator):
    first = _xlsx([_row(code="A-1"), _row(code="A-2")])
    services.import_items(draft, file_name="清单.xlsx", content=first, actor=curator)
    untouched = GuidanceItem.objects.get(code="A-1").pk

    again = services.import_items(draft, file_name="清单.xlsx", content=first, actor=curator)
    changed = _xlsx([_row(code="A-1"), _row(code="A-2", title="食品经营许可证过期未延续")])
    edited = services.import_items(draft, file_name="清单2.xlsx", content=changed, actor=curator)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (edited.created, edited.updated, edited.unchanged) == (0, 1, 1)
    assert GuidanceItem.objects.get(code="A-2").title == "食品经营许可证过期未延续"
    assert GuidanceItem.objects.get(code="A-1").pk == untouched
    assert (
        AuditRecord.objects.filter(action="compliance.item.import")
        .last()
        .summary.endswith("（新增 0，更新 1，未变 1）")
    )


def test_every_bad_row_is_reported_and_nothing_is_written(draft, curator):
    count = AuditRecord.objects.count()
    content = _xlsx(
        [
            _row(code="OK-1"),
            _row(code="坏 编码", title=""),
            _row(code="OK-1"),
            _row(code="OK-3", field="航天"),
            _row(code="OK-4", inspection_item_codes="SJ SP 01"),
        ]
    )
    outcome = services.import_items(draft, file_name="清单.xlsx", content=content, actor=curator)
    assert not outcome.report.ok
    assert outcome.report.bad_rows == [3, 4, 5, 6]
    found = {(e.row, e.column) for e in outcome.report.errors}
    assert found == {
        (3, "合规事项"),
        (3, "条目编码"),
        (4, "条目编码"),
        (5, "执法领域"),
        (6, "对应检查事项编码"),
    }
    duplicate = next(e for e in outcome.report.errors if e.row == 4)
    assert duplicate.message == "与第 2 行的条目编码重复，同一编码在清单中只能出现一次。"
    assert GuidanceItem.objects.count() == 0
    assert AuditRecord.objects.count() == count


def test_a_file_without_the_required_headers_is_refused_whole(draft, curator):
    outcome = services.import_items(
        draft, file_name="x.csv", content="编码,名称\nA,B\n".encode(), actor=curator
    )
    assert outcome.report.file_error.startswith("第 1 行表头缺少必填列：条目编码、执法领域")
    assert GuidanceItem.objects.count() == 0


def test_an_exported_list_imports_back_unchanged(demo_version, draft, curator, client):
    from django.urls import reverse

    response = client.get(reverse("compliance:version_export", args=[demo_version.pk]))
    assert response.status_code == 200
    outcome = services.import_items(
        draft, file_name="导出.xlsx", content=response.content, actor=curator
    )
    assert outcome.report.ok
    assert outcome.created == 108
    keys = ("code", "title", "legal_basis_article", "industries", "inspection_item_codes")
    original = list(demo_version.items.order_by("position").values_list(*keys))
    copied = list(draft.items.order_by("position").values_list(*keys))
    assert copied == original


def test_the_template_has_the_headers_and_a_guide(client):
    from django.urls import reverse

    response = client.get(reverse("compliance:import_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == HEADER
    assert workbook.sheetnames == ["合规指导清单", "填写说明"]
