from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import Workbook, load_workbook

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.plans import importing, services
from zhifa.plans.models import InspectionItem

pytestmark = pytest.mark.django_db


def good_row(code: str, **overrides: str) -> dict[str, str]:
    data = {
        "事项编码": code,
        "检查事项名称": f"检查事项{code}",
        "执法领域": "卫生健康",
        "依据法律法规": "《公共场所卫生管理条例》",
        "条款": "第六条",
        "检查标准": "建立卫生责任制度",
        "检查要点": "是否建立卫生管理制度\n是否开展从业人员卫生知识培训；培训是否有记录",
        "检查方式": "现场检查",
        "每家企业年度检查上限": "1",
        "同事项检查间隔（日）": "180",
        "有效": "是",
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


def test_a_good_file_creates_every_item_with_one_audit_record(health_agency, inspector):
    content = xlsx([good_row("WJ-01"), good_row("WJ-02", 检查方式="书面核查")])
    outcome = services.import_items(
        organisation=health_agency, file_name="清单.xlsx", content=content, actor=inspector
    )
    assert outcome.written
    assert (outcome.created, outcome.updated, outcome.unchanged) == (2, 0, 0)
    items = list(InspectionItem.objects.order_by("code"))
    assert [(i.code, i.method) for i in items] == [("WJ-01", "onsite"), ("WJ-02", "written")]
    assert items[0].checklist == [
        "是否建立卫生管理制度",
        "是否开展从业人员卫生知识培训",
        "培训是否有记录",
    ]
    record = AuditRecord.objects.get(action="plans.item.import")
    assert record.after["created"] == ["WJ-01", "WJ-02"]
    assert record.after["file_name"] == "清单.xlsx"
    assert verify_chain().ok


def test_a_row_citing_a_repealed_law_is_refused_with_what_replaces_it(
    health_agency, inspector, counts
):
    content = xlsx([good_row("WJ-01"), good_row("WJ-02", 依据法律法规="《大气污染防治法》")])
    before = counts()
    with time_machine.travel(dt.date(2026, 11, 27)):
        outcome = services.import_items(
            organisation=health_agency, file_name="清单.xlsx", content=content, actor=inspector
        )

    assert not outcome.written
    assert [(e.row, e.column, e.message) for e in outcome.report.errors] == [
        (
            3,
            "依据法律法规",
            "依据法律法规：《中华人民共和国大气污染防治法》已于2026年8月15日废止"
            "（《中华人民共和国生态环境法典》第一千二百四十二条），"
            "请改引《中华人民共和国生态环境法典》。",
        )
    ]
    assert counts() == before


def test_a_file_with_several_bad_rows_reports_each_and_writes_nothing(
    health_agency, inspector, counts
):
    content = xlsx(
        [
            good_row("WJ-01"),
            good_row("WJ-01"),
            good_row("坏 码", 检查方式="飞行检查"),
            good_row("WJ-04", 执法领域="生态环境", 依据法律法规="环境保护法"),
            good_row("WJ-05", 每家企业年度检查上限="两次", 条款=""),
        ]
    )
    before = counts()
    outcome = services.import_items(
        organisation=health_agency, file_name="坏清单.xlsx", content=content, actor=inspector
    )
    assert not outcome.written
    found = [(e.row, e.column) for e in outcome.report.errors]
    assert found == [
        (3, "事项编码"),
        (4, "事项编码"),
        (4, "检查方式"),
        (5, "依据法律法规"),
        (5, "执法领域"),
        (6, "条款"),
        (6, "每家企业年度检查上限"),
    ]
    assert outcome.report.bad_rows == [3, 4, 5, 6]
    messages = {(e.row, e.column): e.message for e in outcome.report.errors}
    assert messages[(3, "事项编码")] == "与第 2 行的事项编码重复，同一编码在文件中只能出现一次。"
    assert messages[(5, "执法领域")] == (
        "执法领域“生态环境”不是舟山市卫生健康委员会的执法领域，应为卫生健康之一。"
    )
    assert messages[(6, "每家企业年度检查上限")] == (
        "每家企业年度检查上限应为整数（1–12），“两次”不是整数。"
    )
    assert counts() == before


def test_missing_headers_are_a_file_error(health_agency, inspector):
    content = xlsx([good_row("WJ-01")], headers=("事项编码", "检查事项名称"))
    outcome = services.import_items(
        organisation=health_agency, file_name="x.xlsx", content=content, actor=inspector
    )
    assert outcome.report.file_error.startswith(
        "第 1 行表头缺少必填列：执法领域、依据法律法规、条款、检查方式。"
    )
    assert InspectionItem.objects.count() == 0


def test_an_export_imports_back_unchanged(client_for, health_agency, inspector, item, counts):
    services.create_item(
        organisation=health_agency,
        data={
            "code": "WJ-SS-01",
            "name": "集中式供水单位卫生许可证",
            "field": "health",
            "legal_basis_law": "《生活饮用水卫生监督管理办法》",
            "legal_basis_article": "第七条",
            "method": "written",
            "is_active": False,
        },
        actor=inspector,
    )
    response = client_for(inspector).get("/plans/items/export/")
    assert response.status_code == 200
    content = response.content
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[1]] == list(importing.HEADERS)
    before = counts()
    outcome = services.import_items(
        organisation=health_agency, file_name="导出.xlsx", content=content, actor=inspector
    )
    assert outcome.report.errors == []
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 2)
    after = counts()
    assert after["items"] == before["items"]
    assert after["audit"] == before["audit"] + 1
    item.refresh_from_db()
    assert item.checklist == ["从业人员是否均持有效健康合格证明", "是否建立从业人员健康档案"]


def test_reimport_with_a_changed_row_updates_that_item(health_agency, inspector, item):
    content = xlsx([good_row("WJ-GGCS-01", 检查事项名称="改后的名称")])
    outcome = services.import_items(
        organisation=health_agency, file_name="改.xlsx", content=content, actor=inspector
    )
    assert (outcome.created, outcome.updated) == (0, 1)
    item.refresh_from_db()
    assert item.name == "改后的名称"
