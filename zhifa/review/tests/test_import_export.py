"""The standard's items export to .xlsx and import back as a new draft; a bad file writes
nothing and names each bad row."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from zhifa.review.models import ReviewStandard, StandardStatus

pytestmark = pytest.mark.django_db

META = {
    "label": "第二版",
    "source_note": "测绘地理信息行政处罚案卷评查标准",
    "appearance_points": "20",
    "content_points": "80",
    "excellent_min": "90",
    "good_min": "80",
    "pass_min": "60",
}


def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_exported_standard_imports_back_unchanged_as_a_new_draft(
    client_for, supervisor, standard
):
    client = client_for(supervisor)
    exported = client.get(reverse("review:standard_export", args=[standard.pk])).content
    response = client.post(
        reverse("review:standard_import"),
        {**META, "file": SimpleUploadedFile("标准.xlsx", exported)},
    )
    assert response.status_code == 302
    draft = ReviewStandard.objects.get(label="第二版")
    assert draft.status == StandardStatus.DRAFT

    def items(s):
        return (
            [(v.category, v.text, v.basis) for v in s.veto_items.order_by("code")],
            [
                (i.section, i.text, i.max_points, i.guidance)
                for i in s.scored_items.order_by("code")
            ],
        )

    assert items(draft) == items(standard)


def test_a_bad_file_writes_nothing_and_names_each_bad_row(client_for, supervisor, justice_bureau):
    content = _xlsx(
        [
            ["类型", "类别或部分", "内容", "分值", "依据或扣分标准"],
            ["否决项", "程序", "执法人员少于2人", "", "行政处罚法第四十二条"],
            ["加分项", "卷面", "装订整齐", "1", ""],
            ["评分项", "卷宗", "卷宗封面", "2", ""],
            ["评分项", "内容", "检查记录完整", "二十", ""],
        ]
    )
    response = client_for(supervisor).post(
        reverse("review:standard_import"),
        {**META, "file": SimpleUploadedFile("标准.xlsx", content)},
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert list(errors) == [
        "第 3 行：类型“加分项”应为“否决项”或“评分项”。",
        "第 4 行：部分“卷宗”应为“卷面”或“内容”。",
        "第 5 行：分值应为数字（可保留一位小数），而不是“二十”。",
    ]
    assert ReviewStandard.objects.count() == 0


def test_an_inspector_may_not_import_a_standard(client_for, inspector):
    response = client_for(inspector).post(reverse("review:standard_import"), META)
    assert response.status_code == 403
    assert ReviewStandard.objects.count() == 0
