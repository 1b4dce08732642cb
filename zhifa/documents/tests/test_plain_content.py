"""The 文书内容 of a document's page reads as text, never as JSON (house rule)."""

from __future__ import annotations

import re

from django.urls import reverse


def content(html: str) -> list[str]:
    block = re.search(r"<h2>文书内容</h2>(.*?)</section>", html, re.S)
    assert block is not None
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in block.group(1).split("<dt>")]


def test_structured_content_reads_as_names_with_details(client_for, inspector, preview_draft):
    url = reverse("documents:document_detail", args=[preview_draft.pk])
    html = client_for(inspector).get(url).content.decode()

    rows = {row.split(" ", 1)[0]: row for row in content(html)[1:]}
    assert rows["检查事项"] == (
        "检查事项 医疗机构执业许可及执业活动情况（《医疗机构管理条例》第二十四条、第四十条） "
        "医疗废物分类收集、暂存及处置情况（《医疗废物管理条例》第十六条、第十七条）"
    )
    assert rows["执法人员"] == "执法人员 王海峰（33090021001234） 陈晓雯（33090021005678）"
    shown = html.split("<h2>文书内容</h2>")[1].split("</section>")[0]
    assert ("&quot;" in shown, "{" in shown, "[" in shown) == (False, False, False)
