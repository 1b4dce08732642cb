"""A NUL, another control character or a direction override in an enterprise's name is refused
wherever the name comes in — the form, the API, a CSV or .xlsx import — naming the field (and
the row), and nothing is written; exports of names stored before stay readable."""

from __future__ import annotations

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

import zhifa_testing as testing
from zhifa.registry.tests.helpers import code, csv_bytes, row, xlsx_bytes
from zhifa.registry.tests.test_api import payload
from zhifa.registry.tests.test_pages import CREATE_URL, form_post

IMPORT_URL = reverse("registry:enterprise_import")
EXPORT_URL = reverse("registry:enterprise_export")
NUL_IN_NAME = "企业名称：含有不可见的控制字符（第 3 个字符，U+0000），请删除后重新填写。"


def test_the_form_refuses_a_nul_in_the_name_and_names_the_field(
    client_for, inspector, dinghai, counts
):
    response = client_for(inspector).post(CREATE_URL, form_post(name="舟山\x00新登记有限公司"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"name": [NUL_IN_NAME]}
    assert NUL_IN_NAME in response.content.decode()
    assert counts() == (0, 0, 0)


def test_the_form_refuses_a_direction_override_in_the_name(client_for, inspector, dinghai, counts):
    response = client_for(inspector).post(CREATE_URL, form_post(name="舟山新登记\u202e司公限有"))
    assert response.context["form"].errors == {
        "name": [
            "企业名称：含有改变文字显示方向的控制字符（第 6 个字符，U+202E），"
            "会使文字显示得与实际内容不同，请删除后重新填写。"
        ]
    }
    assert counts() == (0, 0, 0)


def test_a_nul_in_a_choice_is_refused_before_it_is_looked_up(
    client_for, inspector, dinghai, counts
):
    # PostgreSQL answers a NUL in a query with an error: the value must not reach the lookup.
    response = client_for(inspector).post(CREATE_URL, form_post(region="3309\x0002"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "region": ["所在区划：含有不可见的控制字符（第 5 个字符，U+0000），请删除后重新填写。"]
    }
    assert counts() == (0, 0, 0)


def test_the_form_refuses_a_line_break_in_a_one_line_field(client_for, inspector, dinghai, counts):
    response = client_for(inspector).post(CREATE_URL, form_post(address="定海区\n新路 3 号"))
    assert response.context["form"].errors == {
        "address": ["住所：不能换行或含制表符，请写在一行内。"]
    }
    assert counts() == (0, 0, 0)


def test_the_api_refuses_a_nul_in_the_name_and_names_the_field(
    client_for, inspector, dinghai, counts
):
    response = client_for(inspector).post(
        "/api/registry/enterprises",
        data=json.dumps(payload(name="接口\x00登记有限公司")),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "请求格式有误，请按各字段的提示改正后重新提交。",
        "errors": {
            "name": ["name：含有不可见的控制字符（第 3 个字符，U+0000），请删除后重新填写。"]
        },
    }
    assert counts() == (0, 0, 0)


def test_the_api_refuses_a_control_character_in_a_query_parameter(client_for, inspector):
    response = client_for(inspector).get("/api/registry/enterprises", {"q": "舟山\x07"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "参数 q 含有不可见的控制字符（第 3 个字符，U+0007），请删除后重新填写。"
    }


def test_a_list_page_refuses_a_nul_in_its_query_string(client_for, inspector):
    response = client_for(inspector).get(reverse("registry:enterprise_list"), {"q": "\x00"})
    assert response.status_code == 400
    assert (
        "网址中的查询条件含有不可见的控制字符（第 1 个字符，U+0000），请删除后重新填写。"
        in response.content.decode()
    )


def test_a_csv_import_refuses_a_nul_naming_the_row_and_writes_nothing(
    client_for, inspector, dinghai, counts
):
    content = csv_bytes([row(1), row(2, 企业名称="舟山\x00测试有限公司"), row(3)])
    response = client_for(inspector).post(
        IMPORT_URL, {"file": SimpleUploadedFile("名录.csv", content)}
    )
    assert response.status_code == 200
    assert (
        "文件中有 1 处含有不能保存的字符，未导入任何数据：第 3 行“企业名称”含有不可见的"
        "控制字符（第 3 个字符，U+0000），请删除后重新填写。"
    ) in response.content.decode()
    assert counts() == (0, 0, 0)


def test_an_xlsx_import_refuses_a_direction_override_naming_the_row(
    client_for, inspector, dinghai, counts
):
    content = xlsx_bytes([row(1), row(2), row(3, 法定代表人="张\u202e三")])
    response = client_for(inspector).post(
        IMPORT_URL, {"file": SimpleUploadedFile("名录.xlsx", content)}
    )
    assert response.status_code == 200
    assert (
        "第 4 行“法定代表人”含有改变文字显示方向的控制字符（第 2 个字符，U+202E），"
        "会使文字显示得与实际内容不同，请删除后重新填写。"
    ) in response.content.decode()
    assert counts() == (0, 0, 0)


def test_an_import_keeps_line_breaks_in_the_review_note_only(client_for, approver, dinghai, counts):
    content = csv_bytes([row(1, 住所="定海区\n测试路 1 号")])
    response = client_for(approver).post(
        IMPORT_URL, {"file": SimpleUploadedFile("名录.csv", content)}
    )
    assert "第 2 行“住所”不能换行或含制表符，请写在一行内。" in response.content.decode()
    assert counts() == (0, 0, 0)


def test_the_export_of_a_name_stored_before_the_checks_still_opens(client_for, inspector, dinghai):
    # ESC rather than NUL: PostgreSQL itself refuses a NUL, so only the SQLite demo could hold one.
    testing.enterprise("舟山\x1b旧数据有限公司", region=dinghai, serial=77)
    response = client_for(inspector).get(EXPORT_URL)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert [(r[0], r[1]) for r in rows[1:]] == [(code(77, "330902"), "舟山\ufffd旧数据有限公司")]
