"""The import page (upload, error report, template download) and the Excel export."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

import zhifa_testing as testing
from zhifa.registry import importing, rules
from zhifa.registry.models import Contact, Enterprise
from zhifa.registry.services import register_enterprise
from zhifa.registry.tests.helpers import code, csv_bytes, row, wrong_check, xlsx_bytes

IMPORT_URL = reverse("registry:enterprise_import")
TEMPLATE_URL = reverse("registry:import_template")
EXPORT_URL = reverse("registry:enterprise_export")


def upload(content: bytes, name: str = "名录.xlsx") -> dict:
    return {"file": SimpleUploadedFile(name, content)}


def sheet_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


# --- Import page ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login_from_the_import_page(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={IMPORT_URL}"


@pytest.mark.parametrize("persona", ["supervisor", "enterprise"])
def test_read_only_roles_get_403_on_the_import_page_and_nothing_changes(
    client_for, request, persona, dinghai, counts
):
    client = client_for(request.getfixturevalue(persona))
    before = counts()
    assert client.get(IMPORT_URL).status_code == 403
    response = client.post(IMPORT_URL, upload(xlsx_bytes([row(1)])))
    assert response.status_code == 403
    assert rules.WRITE_DENIED in response.content.decode()
    assert counts() == before


def test_a_good_file_is_imported_and_the_user_sent_to_the_list(
    client_for, inspector, dinghai, counts
):
    response = client_for(inspector).post(
        IMPORT_URL, upload(csv_bytes([row(n) for n in range(1, 4)]), "三家.csv"), follow=True
    )
    assert response.redirect_chain == [(reverse("registry:enterprise_list"), 302)]
    assert "已导入文件“三家.csv”，登记企业 3 家。" in response.content.decode()
    assert counts() == (3, 3, 1)
    page = client_for(inspector).get(IMPORT_URL)
    assert [b.file_name for b in page.context["recent_imports"]] == ["三家.csv"]


def test_a_bad_file_shows_every_problem_in_a_table_and_writes_nothing(
    client_for, inspector, dinghai, counts
):
    rows = [row(1), row(2, 企业名称=""), row(3, 联系人手机="12")]
    response = client_for(inspector).post(IMPORT_URL, upload(xlsx_bytes(rows)))
    assert response.status_code == 200
    body = response.content.decode()
    assert "未导入任何数据。" in body
    assert "共 3 行企业数据，其中 2 行有错误（共 2 处）" in body
    assert "<td>第 3 行</td><td>企业名称</td><td>（空）</td><td>请填写企业名称。</td>" in body
    assert (
        "<td>第 4 行</td><td>联系人手机</td><td>12</td>"
        "<td>手机号应为以 1 开头的 11 位数字，实际为“12”，请核对后重新填写。</td>"
    ) in body
    assert counts() == (0, 0, 0)


def test_a_file_without_the_required_columns_says_which(client_for, inspector, dinghai, counts):
    content = csv_bytes([row(1)], headers=("企业名称", "统一社会信用代码"))
    response = client_for(inspector).post(IMPORT_URL, upload(content, "x.csv"))
    assert "第 1 行表头缺少必填列：所在区划代码、信用风险分类。" in response.content.decode()
    assert counts() == (0, 0, 0)


def test_posting_without_a_file_asks_for_one(client_for, inspector, counts):
    response = client_for(inspector).post(IMPORT_URL, {})
    assert response.context["form"].errors["file"] == ["请选择要导入的 .xlsx 或 .csv 文件。"]
    assert counts() == (0, 0, 0)


def test_the_template_is_downloaded_as_xlsx(client_for, supervisor):
    response = client_for(supervisor).get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == importing.XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response)
    assert rows[0] == importing.HEADERS
    assert rows[1][0] == importing.EXAMPLE_USCC


# --- Export -----------------------------------------------------------------------------------


@pytest.fixture
def exported(approver, dinghai, putuo, yuci):
    register_enterprise(
        data={
            "uscc": code(1),
            "name": "定海导出测试有限公司",
            "legal_representative": "张三",
            "address": "定海区导出路 1 号",
            "region": "330902",
            "industry": "渔业",
            "credit_grade": "A",
            "contact_name": "李四",
            "contact_mobile": "13800000001",
            "contact_email": "lisi@example.com",
        },
        actor=approver,
    )
    register_enterprise(
        data={
            "uscc": wrong_check(code(2, "330903")),
            "name": "普陀导出测试有限公司",
            "region": "330903",
            "credit_grade": "D",
            "uscc_override": True,
            "uscc_override_reason": "已核对营业执照原件",
        },
        actor=approver,
    )
    testing.enterprise("榆次导出测试有限公司", region=yuci, serial=3)


def test_the_export_has_the_import_headers_and_the_visible_enterprises(
    client_for, supervisor, exported
):
    response = client_for(supervisor).get(EXPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == importing.XLSX_TYPE
    assert sheet_rows(response) == [
        importing.HEADERS,
        (
            code(1),
            "定海导出测试有限公司",
            "张三",
            "定海区导出路 1 号",
            "330902",
            "渔业",
            "04",
            "A",
            "李四",
            "13800000001",
            "lisi@example.com",
            None,
        ),
        (
            wrong_check(code(2, "330903")),
            "普陀导出测试有限公司",
            None,
            None,
            "330903",
            None,
            None,
            "D",
            None,
            None,
            None,
            "已核对营业执照原件",
        ),
    ]


def test_the_export_follows_the_filters(client_for, supervisor, exported):
    response = client_for(supervisor).get(EXPORT_URL, {"credit_grade": "D"})
    assert [r[1] for r in sheet_rows(response)] == ["企业名称", "普陀导出测试有限公司"]


def test_outsider_exports_only_jinzhong(client_for, outsider, exported):
    response = client_for(outsider).get(EXPORT_URL)
    assert [r[1] for r in sheet_rows(response)] == ["企业名称", "榆次导出测试有限公司"]


@pytest.mark.django_db
def test_anonymous_export_goes_to_login(client):
    assert client.get(EXPORT_URL).status_code == 302


def test_an_export_reads_back_in_as_already_registered(client_for, approver, exported, counts):
    response = client_for(approver).get(EXPORT_URL)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    before = counts()
    page = client_for(approver).post(IMPORT_URL, upload(content, "导出.xlsx"))
    errors = page.context["report"].errors
    assert [(e.row, e.column) for e in errors] == [(2, "统一社会信用代码"), (3, "统一社会信用代码")]
    assert all("已在企业名录中登记" in e.message for e in errors)
    assert counts() == before
    assert Enterprise.objects.count() == 3
    assert Contact.objects.count() == 1
