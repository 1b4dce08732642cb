"""The capability table as documented is the table in force (issue 14)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from zhifa.core import access

DOC = Path(__file__).resolve().parents[3] / "docs" / "access.md"


def test_docs_access_md_is_what_zhifa_access_prints():
    out = StringIO()
    call_command("access", "--markdown", stdout=out)

    assert out.getvalue() == DOC.read_text(encoding="utf-8"), (
        "能力表已变化：运行 zhifa access --markdown > docs/access.md 并检查差异。"
    )


def test_every_capability_has_a_chinese_label_and_a_dotted_name():
    for cap in access.capabilities():
        assert cap.label.strip(), cap.action
        assert cap.action in ("public", "signed_in") or "." in cap.action, cap.action
