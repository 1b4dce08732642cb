"""A 文书 opens as a page to read (title, 文号, body, signature and date, verification code), with
its downloads beside it: a WeChat or DingTalk webview cannot show a PDF inline."""

from __future__ import annotations

import lxml.html
from django.urls import reverse

from zhifa.documents.services import deliver_document


def paper_lines(response) -> list[str]:
    (paper,) = lxml.html.fromstring(response.content).xpath('//*[@data-testid="paper"]')
    lines = (" ".join(p.text_content().split()) for p in paper.iter("p"))
    return [line for line in lines if line]


def test_the_inspector_reads_the_issued_document_on_its_page(client_for, inspector, issued_preview):
    response = client_for(inspector).get(
        reverse("documents:document_detail", args=[issued_preview.pk])
    )

    lines = paper_lines(response)
    assert lines[:3] == [
        "舟山市卫生健康委员会",
        issued_preview.number_text,
        "行政执法检查预告通知书",
    ]
    assert "舟山海鲜酒楼有限公司：" in lines
    assert "2026年12月1日" in lines
    assert any(issued_preview.verification_code in line for line in lines)
    body = response.content.decode()
    assert body.index('data-testid="download-pdf"') < body.index('data-testid="paper"')
    assert "草稿预览" not in body


def test_the_enterprise_reads_the_document_sent_to_it_and_signs_for_it_below(
    client_for, inspector, enterprise, issued_preview
):
    deliver_document(issued_preview, method="portal", actor=inspector)
    client = client_for(enterprise)
    inbox = client.get(reverse("documents:received_list")).content.decode()
    link = reverse("documents:document_detail", args=[issued_preview.pk])
    assert f'href="{link}"' in inbox

    response = client.get(link)

    assert paper_lines(response)[:3] == [
        "舟山市卫生健康委员会",
        issued_preview.number_text,
        "行政执法检查预告通知书",
    ]
    assert "确认签收" in response.content.decode()


def test_a_draft_reads_as_it_will_once_issued_marked_as_a_preview(
    client_for, inspector, preview_draft
):
    response = client_for(inspector).get(
        reverse("documents:document_detail", args=[preview_draft.pk])
    )

    lines = paper_lines(response)
    assert lines[:3] == ["舟山市卫生健康委员会", "〔签发时编号〕", "行政执法检查预告通知书"]
    assert "草稿预览：文号、核验码签发时生成" in response.content.decode()
