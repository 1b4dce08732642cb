from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook, load_workbook

from zhifa.audit.models import AuditRecord
from zhifa.discretion import importing, services
from zhifa.discretion.models import DiscretionItem

pytestmark = pytest.mark.django_db


def good_row(code: str, **overrides: str) -> dict[str, str]:
    data = {
        "事项编号": code,
        "清单": "不予处罚",
        "执法领域": "卫生健康",
        "违法行为编码": "GC-GS",
        "违法行为": "未按照规定公示公共场所卫生许可证",
        "违法依据法律法规": "《公共场所卫生管理条例实施细则》",
        "违法依据条款": "第三十七条第（八）项",
        "裁量依据法律法规": "《中华人民共和国行政处罚法》",
        "裁量依据条款": "第三十三条第一款",
        "首次违法年限": "",
        "危害程度上限": "无",
        "须检查前改正": "否",
        "改正期限": "5个工作日",
        "须无主观过错": "否",
        "处理结果": "不予行政处罚，责令限期改正",
        "转述": "是",
    }
    data.update(overrides)
    return data


def xlsx(rows: list[dict[str, str]], headers: tuple[str, ...] = importing.HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_clean_file_imports_every_row_with_one_audit_record(draft, legal_reviewer):
    content = xlsx(
        [
            good_row("GS-01"),
            good_row(
                "GS-02",
                **{
                    "清单": "减轻",
                    "违法行为编码": "GC-GS",
                    "危害程度上限": "一般",
                    "改正期限": "",
                    "违法所得上限(元)": "2,000",
                    "持续时间上限(日)": "30",
                    "法定从轻减轻情形(具备其一)": "主动消除或减轻危害后果；立功表现",
                    "罚款上限(元)": "1999.5",
                    "处罚幅度": "罚款 2000 元以下",
                },
            ),
        ]
    )
    outcome = services.import_items(
        version=draft, file_name="清单.xlsx", content=content, actor=legal_reviewer
    )
    assert outcome.written
    assert (outcome.created, outcome.updated, outcome.unchanged) == (2, 0, 0)
    second = draft.items.get(code="GS-02")
    assert second.kind == "mitigated"
    assert second.penalty_max == Decimal("1999.5")
    assert second.conditions == [
        {"kind": "harm_at_most", "level": "general"},
        {"kind": "amount_at_most", "measure": "illegal_income", "limit": "2000"},
        {"kind": "duration_at_most", "days": 30},
        {"kind": "statutory_circumstance", "any_of": ["eliminated_harm", "meritorious"]},
    ]
    assert draft.items.get(code="GS-01").conditions == [
        {"kind": "harm_at_most", "level": "none"},
        {"kind": "corrected_within", "days": 5, "working_days": True},
    ]
    record = AuditRecord.objects.get(action="discretion.item.import")
    assert record.after["created"] == ["GS-01", "GS-02"]
    assert record.after["file_name"] == "清单.xlsx"


def test_every_bad_row_is_reported_and_nothing_is_written(draft, legal_reviewer, counts):
    before = counts()
    content = xlsx(
        [
            good_row("GS-01"),
            good_row("GS-01", **{"危害程度上限": "很小"}),
            good_row("GS-03", **{"清单": "从轻处罚", "改正期限": "尽快"}),
            good_row("GS-04", **{"执法领域": "市场监管", "违法所得上限(元)": "-5"}),
        ]
    )
    outcome = services.import_items(
        version=draft, file_name="坏.xlsx", content=content, actor=legal_reviewer
    )
    assert not outcome.written
    assert outcome.report.bad_rows == [3, 4, 5]
    assert sorted((e.row, e.column) for e in outcome.report.errors) == [
        (3, "事项编号"),
        (3, "危害程度上限"),
        (4, "处罚幅度"),
        (4, "改正期限"),
        (5, "执法领域"),
        (5, "违法所得上限(元)"),
    ]
    messages = {(e.row, e.column): e.message for e in outcome.report.errors}
    assert messages[(3, "事项编号")] == ("与第 2 行的事项编号重复，同一编号在文件中只能出现一次。")
    assert messages[(4, "处罚幅度")].startswith("从轻处罚清单的事项须写明处罚幅度")
    assert counts() == before


def test_a_file_without_required_columns_is_refused_as_a_whole(draft, legal_reviewer, counts):
    before = counts()
    outcome = services.import_items(
        version=draft,
        file_name="缺列.xlsx",
        content=xlsx([good_row("GS-01")], headers=("事项编号", "清单")),
        actor=legal_reviewer,
    )
    assert outcome.report.file_error.startswith("第 1 行表头缺少必填列：执法领域、违法行为编码")
    assert counts() == before


def test_an_exported_version_imports_back_unchanged(published, draft, legal_reviewer):
    rows = [importing.item_row(i) for i in published.items.order_by("code")]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(importing.HEADERS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    revision = services.revise_version(published, label="修订", actor=legal_reviewer)
    outcome = services.import_items(
        version=revision, file_name="导出.xlsx", content=buffer.getvalue(), actor=legal_reviewer
    )
    assert outcome.written
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 2)


def test_import_into_a_published_version_is_refused(published, legal_reviewer):
    with pytest.raises(ValidationError, match="不能导入事项"):
        services.import_items(
            version=published,
            file_name="a.xlsx",
            content=xlsx([good_row("GS-01")]),
            actor=legal_reviewer,
        )


def test_import_by_an_inspector_is_refused(draft, inspector, counts):
    before = counts()
    with pytest.raises(PermissionDenied):
        services.import_items(
            version=draft, file_name="a.xlsx", content=xlsx([good_row("X-1")]), actor=inspector
        )
    assert counts() == before
    assert not DiscretionItem.objects.filter(code="X-1").exists()


def test_the_template_has_every_column_and_a_guide():
    workbook = load_workbook(io.BytesIO(importing.template_workbook()))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers == list(importing.HEADERS)
    assert "首次违法年限" in headers and "改正期限" in headers
    assert workbook.worksheets[1].title == "填写说明"
