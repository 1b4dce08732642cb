"""The public verification page and API: anyone with the code sees the issuing facts, the
recipient masked, and whether a file is the one issued (SM3)."""

from __future__ import annotations

import json

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhifa.documents.selectors import mask_name
from zhifa.documents.services import correct_document, issue_document

from .conftest import ISSUE_DATE

NUMBER_1 = "舟卫执预\u30142026\u30151号"
NUMBER_2 = "舟卫执预\u30142026\u30152号"


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def altered(data: bytes) -> bytes:
    """The same file with one byte changed (in the middle, away from the PDF header)."""
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("舟山海之味餐饮有限公司", "舟山***有限公司"),
        ("舟山海鲜酒楼有限公司", "舟山***有限公司"),
        ("舟山市卫生健康委员会", "舟山***委员会"),
        ("王五", "王*"),
        ("王小明", "王**"),
    ],
)
def test_recipient_names_are_masked(name, masked):
    assert mask_name(name) == masked


def test_anyone_sees_the_issuing_facts_with_the_recipient_masked(client, issued_preview):
    response = client.get(reverse("documents:verify", args=[issued_preview.verification_code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<dd data-testid="issuer">舟山市卫生健康委员会</dd>' in page
    assert f'<dd data-testid="number">{NUMBER_1}</dd>' in page
    assert '<dd data-testid="recipient">舟山***有限公司</dd>' in page
    assert '<dd data-testid="status">已签发，有效</dd>' in page
    assert "2026年12月1日" in page
    assert "舟山海鲜酒楼有限公司" not in page


def test_the_code_is_read_case_insensitively(client, issued_preview):
    url = reverse("documents:verify", args=[issued_preview.verification_code.lower()])
    assert client.get(url).status_code == 200


def test_an_unknown_code_is_not_found(client, issued_preview):
    assert client.get(reverse("documents:verify", args=["ABCDEFGHJK"])).status_code == 404


def test_the_unaltered_pdf_verifies(client, issued_preview):
    pdf = stored(issued_preview.pdf_file.name)
    response = client.post(
        reverse("documents:verify", args=[issued_preview.verification_code]),
        {"file": SimpleUploadedFile("notice.pdf", pdf, content_type="application/pdf")},
    )
    assert response.context["result"] == "一致"
    assert response.context["matched"] == "PDF"
    assert "所上传文件的 SM3 与签发时记录的 PDF 文件一致" in response.content.decode()


def test_the_unaltered_docx_verifies(client, issued_preview):
    docx = stored(issued_preview.docx_file.name)
    response = client.post(
        reverse("documents:verify", args=[issued_preview.verification_code]),
        {"file": SimpleUploadedFile("notice.docx", docx)},
    )
    assert (response.context["result"], response.context["matched"]) == ("一致", "DOCX")


def test_a_pdf_with_one_byte_changed_does_not_verify(client, issued_preview):
    pdf = altered(stored(issued_preview.pdf_file.name))
    response = client.post(
        reverse("documents:verify", args=[issued_preview.verification_code]),
        {"file": SimpleUploadedFile("notice.pdf", pdf, content_type="application/pdf")},
    )
    assert response.context["result"] == "不一致"
    assert "与签发时记录的 PDF 和 DOCX 均不一致" in response.content.decode()


def test_a_voided_document_says_which_document_corrected_it(client, issued_preview, inspector):
    issue_document(
        correct_document(issued_preview, {}, inspector), actor=inspector, issue_date=ISSUE_DATE
    )
    response = client.get(reverse("documents:verify", args=[issued_preview.verification_code]))
    assert f'<dd data-testid="status">已作废（已由更正文书 {NUMBER_2} 更正）</dd>' in (
        response.content.decode()
    )


def test_a_draft_has_no_public_page(client, preview_draft):
    assert preview_draft.verification_code is None
    assert client.get(reverse("documents:verify", args=["2222222222"])).status_code == 404


def test_the_api_shows_the_same_facts_without_login(client, issued_preview):
    code = issued_preview.verification_code
    response = client.get(f"/api/documents/verify/{code}")
    assert response.status_code == 200
    assert response.json() == {
        "verification_code": code,
        "issuer": "舟山市卫生健康委员会",
        "kind_name": "行政执法检查预告通知书",
        "number": NUMBER_1,
        "issue_date": "2026-12-01",
        "recipient": "舟山***有限公司",
        "status": "issued",
        "status_label": "已签发",
        "voided": False,
        "voided_by_number": "",
        "pdf_sm3": issued_preview.pdf_sm3,
        "docx_sm3": issued_preview.docx_sm3,
    }
    assert client.get("/api/documents/verify/ABCDEFGHJK").status_code == 404


def test_the_api_checks_an_uploaded_file(client, issued_preview):
    code = issued_preview.verification_code
    pdf = stored(issued_preview.pdf_file.name)
    same = client.post(
        f"/api/documents/verify/{code}", {"file": SimpleUploadedFile("a.pdf", pdf)}
    ).json()
    changed = client.post(
        f"/api/documents/verify/{code}", {"file": SimpleUploadedFile("a.pdf", altered(pdf))}
    ).json()
    assert (same["result"], same["matched"]) == ("一致", "pdf")
    assert (changed["result"], changed["matched"]) == ("不一致", "")


def test_the_openapi_schema_lists_the_document_endpoints(client, db):
    schema = json.loads(client.get("/api/openapi.json").content)
    paths = schema["paths"]
    assert "/api/documents/verify/{code}" in paths
    assert paths["/api/documents/verify/{code}"]["get"].get("security") in (None, [])
    assert "/api/documents/" in paths
    assert "/api/documents/{document_id}" in paths
    assert "/api/documents/{document_id}/issue" in paths


def test_the_qr_code_in_the_issued_pdf_decodes_to_the_documents_public_verification_url(
    issued_preview, client
):
    import io

    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(stored(issued_preview.pdf_file.name)))
    # WeasyPrint shares one resource dictionary between the pages, so every page lists the
    # image; the first page is where it is printed.
    decoded = []
    for image in reader.pages[0].images:
        picture = Image.open(io.BytesIO(image.data)).convert("L")
        # The white quiet zone a scanner sees around the code on paper.
        framed = Image.new("L", (picture.width + 40, picture.height + 40), 255)
        framed.paste(picture, (20, 20))
        decoded += [(result.format, result.text) for result in zxingcpp.read_barcodes(framed)]
    code = issued_preview.verification_code
    url = f"http://127.0.0.1:8000/documents/v/{code}/"
    assert decoded == [(zxingcpp.BarcodeFormat.QRCode, url)]
    page = client.get(url.removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200
    assert NUMBER_1 in page.content.decode()
