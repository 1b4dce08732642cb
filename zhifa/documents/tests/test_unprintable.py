"""No document is issued unreadable: a face that is not installed, or a character no configured
face can draw, is refused before a number is reserved; with no font at all, rendering fails with a
message instead of crashing the process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from zhifa.audit.models import AuditRecord
from zhifa.documents import rendering
from zhifa.documents.models import Document, DocumentNumber, DocumentStatus, NumberSequence
from zhifa.documents.services import create_draft, issue_document

from .conftest import ISSUE_DATE, preview_content

REPO = Path(__file__).resolve().parents[3]
HIEROGLYPH = "\U00013000"  # 𓀀: in no CJK face, so the check never depends on a font release


@pytest.fixture(autouse=True)
def fonts_installed() -> None:
    missing = rendering.missing_fonts()
    if missing:
        reason = os.environ.get("ZHIFA_FONTS_SKIP_REASON") or "；".join(missing)
        if os.environ.get("ZHIFA_REQUIRE_BROWSER"):
            pytest.fail("CI 要求文书字体齐全：" + reason)
        pytest.skip(reason)


def counts() -> tuple[int, int, int, int]:
    return (
        AuditRecord.objects.count(),
        DocumentNumber.objects.count(),
        NumberSequence.objects.count(),
        Document.objects.filter(status=DocumentStatus.ISSUED).count(),
    )


def draft_with(contact: str, *, inspector, health_agency, zhoushan_enterprise, preview_kind):
    return create_draft(
        kind=preview_kind,
        organisation=health_agency,
        actor=inspector,
        recipient_enterprise=zhoushan_enterprise,
        context=preview_content() | {"contact": contact},
    )


def test_a_character_no_configured_face_can_draw_is_refused_before_a_number_is_taken(
    inspector, health_agency, zhoushan_enterprise, preview_kind, tmp_path
):
    draft = draft_with(
        f"联系人：王{HIEROGLYPH}，电话：0580-2000000",
        inspector=inspector,
        health_agency=health_agency,
        zhoushan_enterprise=zhoushan_enterprise,
        preview_kind=preview_kind,
    )
    before = counts()
    with pytest.raises(ValidationError) as caught:
        issue_document(draft, actor=inspector, issue_date=ISSUE_DATE)
    assert caught.value.messages == [
        "文书“行政执法检查预告通知书”（草稿）中有文书字体无法显示的字符，不能签发："
        "联系方式中的“𓀀”（U+13000）。"
        "请修改草稿改用常用字（或由系统管理员配置包含这些字符的字体）后再签发。"
    ]
    assert counts() == before
    draft.refresh_from_db()
    assert (draft.status, draft.number, draft.verification_code, draft.pdf_sm3) == (
        DocumentStatus.DRAFT,
        None,
        None,
        "",
    )
    assert not (tmp_path / "media" / "documents").exists()


def test_a_rare_character_only_the_full_face_has_is_issued(
    inspector, health_agency, zhoushan_enterprise, preview_kind
):
    # 堃 and 喆 are outside GB 2312: not in the compact copies, only in the full faces.
    draft = draft_with(
        "联系人：王堃喆，电话：0580-2000000",
        inspector=inspector,
        health_agency=health_agency,
        zhoushan_enterprise=zhoushan_enterprise,
        preview_kind=preview_kind,
    )
    issued = issue_document(draft, actor=inspector, issue_date=ISSUE_DATE)
    assert issued.status == DocumentStatus.ISSUED
    assert issued.number_text == "舟卫执预\u30142026\u30151号"
    with issued.pdf_file.open("rb") as handle:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert "联系人：王堃喆，电话：0580-2000000" in text


def test_a_face_fontconfig_does_not_know_is_named_and_nothing_is_numbered(
    settings, inspector, health_agency, zhoushan_enterprise, preview_kind
):
    draft = draft_with(
        "联系人：王检查，电话：0580-2000000",
        inspector=inspector,
        health_agency=health_agency,
        zhoushan_enterprise=zhoushan_enterprise,
        preview_kind=preview_kind,
    )
    before = counts()
    settings.ZHIFA_DOCUMENT_FONTS = {"kaiti": {"family": "方正楷体_GBK"}}
    rendering.reset_stylesheet()
    try:
        with pytest.raises(ValidationError) as caught:
            issue_document(draft, actor=inspector, issue_date=ISSUE_DATE)
    finally:
        settings.ZHIFA_DOCUMENT_FONTS = {}
        rendering.reset_stylesheet()
    assert caught.value.messages == [
        "本机缺少文书字体，文书“行政执法检查预告通知书”（草稿）现在不能签发："
        "未安装楷体字体“方正楷体_GBK”。"
        "请系统管理员安装文书字体（见使用说明“文书字体”）后再签发；文书未编号，草稿保持不变。"
    ]
    assert counts() == before
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (DocumentStatus.DRAFT, None)


def test_rendering_refuses_a_character_no_face_can_draw():
    context = rendering.sample_context("reminder_letter") | {
        "recipient": f"舟山{HIEROGLYPH}\U00013001有限公司"
    }
    with pytest.raises(rendering.RenderError) as caught:
        rendering.render("reminder_letter", context)
    assert str(caught.value) == (
        "文书中有文书字体无法显示的字符：“𓀀”（U+13000）、“𓀁”（U+13001）。"
        "请改用常用字，或由系统管理员配置包含这些字符的字体后再试。"
    )


def test_the_check_names_each_field_and_passes_spaces_and_the_templates_own_wording():
    context = rendering.sample_context("inspection_notice") | {
        "place": f"舟山市定海区{HIEROGLYPH}路 1 号\u200b",
        "officers": [{"name": f"王{HIEROGLYPH}", "cert_no": "33090012345"}],
    }
    assert rendering.unprintable_in("inspection_notice", context) == [
        "检查地点中的“𓀀”（U+13000）",
        "执法人员及执法证号中的“𓀀”（U+13000）",
    ]
    assert (
        rendering.unprintable_in("inspection_notice", rendering.sample_context("inspection_notice"))
        == []
    )


EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>
"""

NO_FONT_SCRIPT = """
import django
django.setup()
from zhifa.documents import rendering
print("；".join(rendering.missing_fonts()))
try:
    rendering.render("reminder_letter", rendering.sample_context("reminder_letter"))
except rendering.RenderError as error:
    print(error)
"""


def empty_fontconfig(tmp_path: Path) -> dict[str, str]:
    """The environment of a machine where fontconfig reaches no font at all."""
    (tmp_path / "fonts").mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        EMPTY_FONTCONFIG.format(fonts=tmp_path / "fonts", cache=tmp_path / "fontcache"),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("FONTCONFIG")}
    return env | {
        "FONTCONFIG_FILE": str(conf),
        "DJANGO_SETTINGS_MODULE": "zhifa.settings",
        "ZHIFA_VAR_DIR": str(tmp_path / "var"),
    }


def test_with_no_font_reachable_rendering_fails_with_a_message_instead_of_crashing(tmp_path):
    # Without the check, Pango dereferences a missing font here and the process dies (SIGSEGV).
    result = subprocess.run(
        [sys.executable, "-c", NO_FONT_SCRIPT],
        cwd=REPO,
        env=empty_fontconfig(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stdout) == (
        0,
        "未安装仿宋字体“Noto Serif CJK SC”；未安装小标宋字体“Noto Serif CJK SC”；"
        "未安装楷体字体“LXGW WenKai”；未安装黑体字体“Noto Sans CJK SC”\n"
        "本机缺少文书字体，不能生成 PDF：未安装仿宋字体“Noto Serif CJK SC”；"
        "未安装小标宋字体“Noto Serif CJK SC”；未安装楷体字体“LXGW WenKai”；"
        "未安装黑体字体“Noto Sans CJK SC”。"
        "请系统管理员安装文书字体（见使用说明“文书字体”）后再试。\n",
    )
