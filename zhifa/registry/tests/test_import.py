"""Importing enterprise lists from .xlsx and .csv: the whole file is checked first, every bad row
is reported, and a good file is written at once with one audit record."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from zhifa.audit.models import AuditRecord
from zhifa.audit.sm3 import sm3_hex
from zhifa.registry import importing, rules
from zhifa.registry.importing import RowError
from zhifa.registry.models import Contact, Enterprise, EnterpriseImport
from zhifa.registry.services import import_enterprises, register_enterprise
from zhifa.registry.tests.helpers import code, csv_bytes, row, wrong_check, xlsx_bytes


def run(actor, content: bytes, file_name: str = "名录.xlsx"):
    return import_enterprises(file_name=file_name, content=content, actor=actor)


# --- Good files -------------------------------------------------------------------------------


def test_an_xlsx_file_is_imported_in_one_batch_with_one_audit_record(inspector, dinghai, counts):
    content = xlsx_bytes([row(n) for n in range(1, 26)])
    outcome = run(inspector, content, "舟山名录.xlsx")
    assert outcome.report.errors == []
    assert outcome.created == 25
    assert counts() == (25, 25, 1)
    batch = EnterpriseImport.objects.get()
    assert (batch.file_name, batch.file_sm3, batch.file_size, batch.row_count) == (
        "舟山名录.xlsx",
        sm3_hex(content),
        len(content),
        25,
    )
    assert (batch.contact_count, batch.override_count, batch.created_by) == (25, 0, inspector)
    record = AuditRecord.objects.get()
    assert (record.action, record.object_type, record.object_id, record.region_id) == (
        "registry.enterprise.import",
        "registry.enterpriseimport",
        str(batch.pk),
        "330900",
    )
    assert record.after == {
        "file_name": "舟山名录.xlsx",
        "file_sm3": sm3_hex(content),
        "file_size": len(content),
        "row_count": 25,
        "contact_count": 25,
        "override_count": 0,
        "overrides": [],
    }
    assert record.summary == "导入企业名录文件“舟山名录.xlsx”，登记企业 25 家"
    first = Enterprise.objects.get(uscc=code(1))
    assert (
        first.name,
        first.legal_representative,
        first.address,
        first.region_id,
        first.industry,
        first.industry_code,
        first.credit_grade,
        first.import_batch,
    ) == (
        "舟山测试企业1有限公司",
        "张三",
        "浙江省舟山市定海区测试路 1 号",
        "330902",
        "水产品加工",
        "13",
        "B",
        batch,
    )
    assert list(first.contacts.values_list("name", "mobile", "email", "is_primary")) == [
        ("李四", "13800000001", "contact1@example.com", True)
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_a_csv_file_is_imported_in_utf8_with_or_without_bom_and_in_gb18030(
    inspector, dinghai, counts, encoding
):
    rows = [row(n) for n in range(1, 8)]
    rows[2]["联系人"] = rows[2]["联系人手机"] = rows[2]["联系人邮箱"] = ""
    outcome = run(inspector, csv_bytes(rows, encoding=encoding), "名录.csv")
    assert outcome.report.errors == []
    assert outcome.created == 7
    assert counts() == (7, 6, 1)
    assert Enterprise.objects.get(uscc=code(1)).name == "舟山测试企业1有限公司"


def test_numbers_typed_into_excel_cells_are_read_as_text(inspector, dinghai, counts):
    data = row(1)
    data["所在区划代码"] = 330902
    data["联系人手机"] = 13800000001
    content = xlsx_bytes([data])
    outcome = run(inspector, content)
    assert outcome.report.errors == []
    contact = Contact.objects.get()
    assert (contact.enterprise.region_id, contact.mobile) == ("330902", "13800000001")


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(inspector, dinghai):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(importing.HEADERS))
    sheet.append([row(1)[h] for h in importing.HEADERS])
    sheet.append([])
    sheet.append([row(2, 企业名称="")[h] for h in importing.HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = run(inspector, buffer.getvalue())
    assert outcome.report.errors == [RowError(4, "企业名称", "", "请填写企业名称。")]
    assert Enterprise.objects.count() == 0


def test_headers_may_be_in_any_order_with_optional_columns_left_out(inspector, dinghai, counts):
    headers = ("所在区划代码", "企业名称", "信用风险分类", "统一社会信用代码")
    content = csv_bytes([row(1), row(2)], headers=headers)
    outcome = run(inspector, content, "精简.csv")
    assert outcome.created == 2
    assert counts() == (2, 0, 1)


def test_approver_imports_a_failing_code_with_a_review_note(approver, dinghai, counts):
    bad = wrong_check(code(2))
    rows = [row(1), row(2, 统一社会信用代码=bad, 校验位复核说明="已核对营业执照原件")]
    outcome = run(approver, xlsx_bytes(rows))
    assert outcome.report.errors == []
    assert counts() == (2, 2, 1)
    enterprise = Enterprise.objects.get(uscc=bad)
    assert (
        enterprise.uscc_override,
        enterprise.uscc_override_reason,
        enterprise.uscc_override_by,
    ) == (True, "已核对营业执照原件", approver)
    assert Enterprise.objects.get(uscc=code(1)).uscc_override is False
    record = AuditRecord.objects.get()
    assert record.after["override_count"] == 1
    assert record.after["overrides"] == [{"uscc": bad, "row": 3, "reason": "已核对营业执照原件"}]


def test_an_inspectors_review_note_is_refused_and_nothing_is_written(inspector, dinghai, counts):
    bad = wrong_check(code(2))
    rows = [row(1), row(2, 统一社会信用代码=bad, 校验位复核说明="已核对营业执照原件")]
    outcome = run(inspector, xlsx_bytes(rows))
    assert outcome.report.errors == [
        RowError(3, "校验位复核说明", "已核对营业执照原件", rules.OVERRIDE_DENIED)
    ]
    assert counts() == (0, 0, 0)


# --- Bad files --------------------------------------------------------------------------------


def test_every_bad_row_is_reported_with_row_column_and_reason_and_nothing_is_written(
    inspector, dinghai, yuci, counts
):
    register_enterprise(
        data={
            "uscc": code(90),
            "name": "已登记企业",
            "region": "330902",
            "credit_grade": "A",
        },
        actor=inspector,
    )
    before = counts()
    bad_check = wrong_check(code(3))
    rows = [
        row(1),  # row 2: good
        row(2, 统一社会信用代码="91330902ABC"),  # row 3
        row(3, 统一社会信用代码=bad_check),  # row 4
        row(4, 统一社会信用代码=code(1)),  # row 5: duplicate of row 2
        row(5, 统一社会信用代码=code(90)),  # row 6: already registered
        row(6, 所在区划代码="339999"),  # row 7
        row(7, 所在区划代码="140702"),  # row 8: outside 舟山
        row(8, 信用风险分类="E"),  # row 9
        row(9, 联系人手机="1380000000"),  # row 10
        row(10, 联系人邮箱="lisi@"),  # row 11
        row(11, 企业名称="", 信用风险分类=""),  # row 12: two problems
        row(12),  # row 13: good
    ]
    outcome = run(inspector, xlsx_bytes(rows))
    assert outcome.batch is None
    assert outcome.report.errors == [
        RowError(
            3,
            "统一社会信用代码",
            "91330902ABC",
            "统一社会信用代码应为 18 位，实际为 11 位。请核对后重新填写。",
        ),
        RowError(
            4,
            "统一社会信用代码",
            bad_check,
            f"统一社会信用代码“{bad_check}”校验位错误：第 18 位应为“{code(3)[17]}”，"
            f"实际为“{bad_check[17]}”。请核对代码；确属真实代码时，"
            "须由执法机关负责人或系统管理员人工复核后登记。",
        ),
        RowError(
            5,
            "统一社会信用代码",
            code(1),
            "与第 2 行的统一社会信用代码重复，同一代码只能登记一次。",
        ),
        RowError(
            6,
            "统一社会信用代码",
            code(90),
            f"统一社会信用代码“{code(90)}”已在企业名录中登记，不能重复导入；"
            "如需修改该企业信息，请在企业详情页编辑。",
        ),
        RowError(
            7,
            "所在区划代码",
            "339999",
            "行政区划代码“339999”不存在，请按 GB/T 2260 行政区划代码填写，如 330902。",
        ),
        RowError(
            8,
            "所在区划代码",
            "140702",
            "所在区划“山西省晋中市榆次区（140702）”不在您所在机构的管辖范围（浙江省舟山市）内，"
            "请填写辖区内的区划。",
        ),
        RowError(9, "信用风险分类", "E", "信用风险分类应为 A、B、C、D 之一，实际为“E”。"),
        RowError(
            10,
            "联系人手机",
            "1380000000",
            "手机号应为以 1 开头的 11 位数字，实际为“1380000000”，请核对后重新填写。",
        ),
        RowError(
            11,
            "联系人邮箱",
            "lisi@",
            "电子邮箱“lisi@”格式不正确，请填写如 name@example.com 的地址。",
        ),
        RowError(12, "企业名称", "", "请填写企业名称。"),
        RowError(12, "信用风险分类", "", "请填写信用风险分类（A、B、C、D 之一）。"),
    ]
    assert outcome.report.bad_rows == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert counts() == before
    assert EnterpriseImport.objects.count() == 0


def test_an_approver_is_told_to_fill_in_the_review_note(approver, dinghai, counts):
    bad = wrong_check(code(3))
    outcome = run(approver, xlsx_bytes([row(3, 统一社会信用代码=bad)]))
    assert [e.message for e in outcome.report.errors] == [
        f"统一社会信用代码“{bad}”校验位错误：第 18 位应为“{code(3)[17]}”，"
        f"实际为“{bad[17]}”。请核对代码；确属登记机关赋码的真实代码时，"
        "请在“校验位复核说明”列写明复核依据。"
    ]
    assert counts() == (0, 0, 0)


def test_missing_required_columns_are_one_clear_error(inspector, dinghai, counts):
    headers = ("企业名称", "住所", "行业")
    outcome = run(inspector, csv_bytes([row(1)], headers=headers), "缺列.csv")
    assert outcome.report.errors == []
    assert outcome.report.file_error == (
        "第 1 行表头缺少必填列：统一社会信用代码、所在区划代码、信用风险分类。"
        "请使用导入模板，表头须在第 1 行，列名为：" + "、".join(importing.HEADERS) + "。"
    )
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("file_name", "content", "message"),
    [
        (
            "名录.xls",
            b"whatever",
            "不支持的文件类型“.xls”：请上传 .xlsx（Excel 2007 及以上）或 .csv 文件。"
            "旧版 .xls 文件请在 Excel 中另存为 .xlsx。",
        ),
        (
            "名录.xlsx",
            b"not a zip file",
            "无法读取该 Excel 文件：文件已损坏或不是 .xlsx 格式。"
            "请用 Excel 打开后另存为 .xlsx 再导入。",
        ),
        ("名录.csv", b"", "上传的文件是空的，请选择填好的企业名录文件。"),
        (
            "名录.csv",
            ",".join(importing.HEADERS).encode(),
            "文件中只有表头，没有企业数据。请从第 2 行起每行填写一家企业。",
        ),
        (
            "名录.csv",
            b"\n\n",
            "第 1 行应为表头，但它是空的。请使用导入模板，表头须在第 1 行。",
        ),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(
    inspector, dinghai, counts, file_name, content, message
):
    outcome = run(inspector, content, file_name)
    assert outcome.report.file_error == message
    assert counts() == (0, 0, 0)


def test_a_repeated_header_is_refused(inspector, dinghai):
    headers = (*importing.HEADERS, "企业名称")
    outcome = run(inspector, csv_bytes([row(1)], headers=headers), "x.csv")
    assert outcome.report.file_error == (
        "表头中“企业名称”出现了两次（第 2 列和第 13 列），请删除重复的列。"
    )


@pytest.mark.parametrize("persona", ["supervisor", "enterprise"])
def test_read_only_roles_may_not_import(request, persona, dinghai, counts):
    user = request.getfixturevalue(persona)
    before = counts()
    with pytest.raises(PermissionDenied):
        run(user, xlsx_bytes([row(1)]))
    assert counts() == before


# --- The template -----------------------------------------------------------------------------


def test_the_template_has_the_headers_one_example_row_and_a_guide():
    workbook = load_workbook(io.BytesIO(importing.template_workbook()))
    sheet = workbook["企业名录"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == importing.HEADERS
    assert rows[1] == tuple(c.example or None for c in importing.COLUMNS)
    assert len(rows) == 2
    assert rules.check_uscc(rows[1][0]).needs_override is False
    guide = workbook["填写说明"]
    assert [r[:2] for r in guide.iter_rows(min_row=2, max_row=13, values_only=True)] == [
        (c.header, "必填" if c.required else "选填") for c in importing.COLUMNS
    ]


def test_the_templates_example_row_is_not_imported_by_mistake(inspector, dinghai, counts):
    outcome = run(inspector, importing.template_workbook(), "企业名录导入模板.xlsx")
    assert outcome.report.errors == [
        RowError(
            2,
            "统一社会信用代码",
            importing.EXAMPLE_USCC,
            "这是导入模板中的示例行，请删除后再导入。",
        )
    ]
    assert counts() == (0, 0, 0)
