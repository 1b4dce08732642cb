"""Files handed to the public verification page and API, and scanned delivery receipts, are held
to the upload size limit and an allow-list of types; a request too large is answered 413 in
Chinese before it is read; an accepted file is hashed in pieces."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhifa.documents.models import Delivery, DocumentStatus
from zhifa.documents.services import deliver_document

MB = 1024 * 1024
TOO_LARGE = (
    "提交的内容过大（约 {size} MB），一次提交不能超过 1 MB。单个文件不能超过 1 MB，"
    "请压缩或拆分后分批上传。"
)


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def _verify_page(client, document, upload):
    return client.post(
        reverse("documents:verify", args=[document.verification_code]), {"file": upload}
    )


def _verify_api(client, document, upload):
    return client.post(f"/api/documents/verify/{document.verification_code}", {"file": upload})


def test_verification_refuses_a_file_over_the_upload_limit(client, issued_preview, settings):
    settings.ZHIFA_UPLOAD_MAX_MB = 1
    big = b"%PDF-1.7\n" + b"0" * (2 * MB)
    message = (
        "待核验的文件（PDF 或 DOCX）“大.pdf”有 2.0 MB，超过 1.0 MB 的上限，请压缩或拆分后重新上传。"
    )
    page = _verify_page(client, issued_preview, SimpleUploadedFile("大.pdf", big))
    assert page.context["form"].errors == {"file": [message]}
    assert page.context["result"] is None
    api = _verify_api(client, issued_preview, SimpleUploadedFile("大.pdf", big))
    assert (api.status_code, api.json()) == (
        400,
        {"detail": message.replace("待核验的文件（PDF 或 DOCX）", "待核验的文件")},
    )


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "notice.html",
            b"<html></html>",
            "的类型（.html）不受支持，只接受 PDF 文件（.pdf）、Word 文档（.docx）。",
        ),
        (
            "notice.pdf",
            b"\x89PNG\r\n\x1a\n0000",
            "的内容不是 PDF 文件（扩展名与文件内容不符），请上传真实的 PDF 文件。",
        ),
        (
            "notice.docx",
            b"PK\x03\x04 not a word document",
            "的内容不是 Word 文档（扩展名与文件内容不符），请上传真实的 Word 文档。",
        ),
    ],
)
def test_verification_refuses_a_file_of_another_type(client, issued_preview, name, content, reason):
    page = _verify_page(client, issued_preview, SimpleUploadedFile(name, content))
    assert page.context["form"].errors == {"file": [f"待核验的文件（PDF 或 DOCX）“{name}”{reason}"]}
    api = _verify_api(client, issued_preview, SimpleUploadedFile(name, content))
    assert (api.status_code, api.json()) == (400, {"detail": f"待核验的文件“{name}”{reason}"})


def test_a_verification_request_over_the_request_limit_is_413_unread(
    client, issued_preview, settings
):
    settings.ZHIFA_REQUEST_MAX_MB = 1
    settings.ZHIFA_UPLOAD_MAX_MB = 1
    big = b"%PDF-1.7\n" + b"0" * (3 * MB)
    page = _verify_page(client, issued_preview, SimpleUploadedFile("大.pdf", big))
    api = _verify_api(client, issued_preview, SimpleUploadedFile("大.pdf", big))
    assert page.status_code == 413
    assert TOO_LARGE.format(size="3.0") in page.content.decode()
    assert (api.status_code, api.json()) == (413, {"detail": TOO_LARGE.format(size="3.0")})


def test_a_file_spooled_to_disk_is_verified_in_pieces(client, issued_preview, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    pdf = stored(issued_preview.pdf_file.name)
    api = _verify_api(client, issued_preview, SimpleUploadedFile("notice.pdf", pdf))
    assert (api.status_code, api.json()["result"], api.json()["matched"]) == (200, "一致", "pdf")


def test_a_receipt_scan_of_another_type_is_refused_and_nothing_is_delivered(
    issued_preview, inspector
):
    scan = ContentFile(b"#!/bin/sh\necho", name="回证.sh")
    with pytest.raises(ValidationError) as refused:
        deliver_document(issued_preview, method="paper", actor=inspector, scan=scan)
    assert refused.value.message_dict == {
        "scan": [
            "送达回证扫描件“回证.sh”的类型（.sh）不受支持，只接受 PDF 文件（.pdf）、"
            "JPG 图片（.jpg/.jpeg）、PNG 图片（.png）、OFD 文件（.ofd）。"
        ]
    }
    issued_preview.refresh_from_db()
    assert (issued_preview.status, Delivery.objects.count()) == (DocumentStatus.ISSUED, 0)


def test_the_delivery_page_refuses_an_oversize_receipt_scan(
    client_for, inspector, issued_preview, settings
):
    settings.ZHIFA_UPLOAD_MAX_MB = 1
    scan = SimpleUploadedFile("回证.jpg", b"\xff\xd8\xff" + b"0" * (2 * MB))
    response = client_for(inspector).post(
        reverse("documents:document_deliver", args=[issued_preview.pk]),
        {"confirm": "on", "method": "paper", "scan": scan},
    )
    assert response.context["form"].errors == {
        "scan": ["送达回证扫描件“回证.jpg”有 2.0 MB，超过 1.0 MB 的上限，请压缩或拆分后重新上传。"]
    }
    issued_preview.refresh_from_db()
    assert (issued_preview.status, Delivery.objects.count()) == (DocumentStatus.ISSUED, 0)
