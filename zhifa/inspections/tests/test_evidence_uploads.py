# ruff: noqa: F811 — the case fixtures are shared from test_views and named as parameters here.
"""Evidence uploads are held to one size limit and an allow-list of types, checked by extension
and by content, on the page and in the API; a refused file writes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhifa.inspections.models import CaseFinding, FindingEvidence
from zhifa.inspections.tests.test_views import (  # noqa: F401  (fixtures)
    INSPECTION_DAY,
    _private_media,
    approved_case,
    at,
    new_case,
    notified_case,
    on_site_case,
    submitted_case,
    url,
)

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16


def _api(client, case, upload):
    return client.post(
        f"/api/inspections/cases/{case.pk}/findings",
        data={
            "item": "WJ-02",
            "result": "problem",
            "description": "健康证明过期。",
            "files": upload,
        },
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("工具.exe", b"MZ\x90\x00"),
            "证据文件“工具.exe”的类型（.exe）不受支持，只接受 JPG 图片（.jpg/.jpeg）、"
            "PNG 图片（.png）、PDF 文件（.pdf）、Word 文档（.docx）、Excel 表格（.xlsx）、"
            "OFD 文件（.ofd）。",
        ),
        (
            SimpleUploadedFile("现场.jpg", b"<html><script>alert(1)</script></html>"),
            "证据文件“现场.jpg”的内容不是 JPG 图片（扩展名与文件内容不符），"
            "请上传真实的 JPG 图片。",
        ),
    ],
)
def test_the_api_refuses_evidence_of_another_type_and_writes_nothing(
    client_for, inspector, on_site_case, items, upload, message
):
    with at(INSPECTION_DAY, 10):
        response = _api(client_for(inspector), on_site_case, upload)
    assert response.status_code == 400
    assert response.json() == {"detail": message, "errors": {"files": [message]}}
    assert (CaseFinding.objects.count(), FindingEvidence.objects.count()) == (0, 0)


def test_the_api_refuses_evidence_over_the_upload_limit(
    client_for, inspector, on_site_case, items, settings
):
    settings.ZHIFA_UPLOAD_MAX_MB = 1
    photo = SimpleUploadedFile("现场.jpg", JPEG + b"\x00" * (2 * 1024 * 1024))
    with at(INSPECTION_DAY, 10):
        response = _api(client_for(inspector), on_site_case, photo)
    message = "证据文件“现场.jpg”有 2.0 MB，超过 1.0 MB 的上限，请压缩或拆分后重新上传。"
    assert response.status_code == 400
    assert response.json() == {"detail": message, "errors": {"files": [message]}}
    assert (CaseFinding.objects.count(), FindingEvidence.objects.count()) == (0, 0)


def test_the_page_refuses_evidence_of_another_type_on_the_field(
    client_for, inspector, on_site_case, items
):
    prefix = f"item{items[1].pk}"
    with at(INSPECTION_DAY, 10):
        response = client_for(inspector).post(
            url("case_site", on_site_case.pk),
            {
                "item": items[1].pk,
                f"{prefix}-result": "problem",
                f"{prefix}-description": "健康合格证明过期。",
                f"{prefix}-evidence": [SimpleUploadedFile("现场.svg", b"<svg/>")],
            },
        )
    row = next(r for r in response.context["rows"] if r["item"] == items[1])
    assert row["form"].errors["evidence"] == [
        "证据照片或文件“现场.svg”的类型（.svg）不受支持，只接受 JPG 图片（.jpg/.jpeg）、"
        "PNG 图片（.png）、PDF 文件（.pdf）、Word 文档（.docx）、Excel 表格（.xlsx）、"
        "OFD 文件（.ofd）。"
    ]
    assert (CaseFinding.objects.count(), FindingEvidence.objects.count()) == (0, 0)


def test_accepted_evidence_is_hashed_in_pieces_from_a_spooled_file(
    client_for, inspector, on_site_case, items, settings
):
    from zhifa.audit.sm3 import sm3_hex

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # spooled to a temporary file, not memory
    content = JPEG + bytes(range(256)) * 40
    with at(INSPECTION_DAY, 10):
        response = _api(
            client_for(inspector), on_site_case, SimpleUploadedFile("现场.jpg", content)
        )
    assert response.status_code == 200
    assert FindingEvidence.objects.get().sm3 == sm3_hex(content)
