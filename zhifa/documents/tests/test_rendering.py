"""Official documents render to DOCX and PDF in the GB/T 9704-2012 layout, measured from the files.

No database: rendering is a pure function of kind, context and template. The PDF is read back with
pypdf; positions come from the text matrices of the page content, so they are what a printer sees.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import statistics
import zipfile
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from pypdf import PdfReader

from zhifa.documents import build_templates, layout, rendering
from zhifa.documents.prohibitions import PROHIBITIONS_FILE
from zhifa.documents.specs import GENERIC_LETTER, SPECS
from zhifa.documents.tests.test_prohibitions import VERIFIED_SECTIONS

INSPECTION = [code for code, spec in SPECS.items() if spec.inspection]
SUPERVISION = [code for code, spec in SPECS.items() if not spec.inspection]
PT_PER_MM = 72 / 25.4
A4_PT = (595.28, 841.89)


@pytest.fixture(scope="module", autouse=True)
def fonts_installed() -> None:
    missing = rendering.missing_fonts()
    if missing:
        reason = os.environ.get("ZHIFA_FONTS_SKIP_REASON") or (
            "文书字体缺失（python3 run.py test 会安装 fonts-noto-cjk、fonts-lxgw-wenkai）："
            + "；".join(missing)
        )
        if os.environ.get("ZHIFA_REQUIRE_BROWSER"):
            pytest.fail("CI 要求文书字体齐全：" + reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def rendered() -> dict[str, rendering.Rendered]:
    return {code: rendering.render(code, rendering.sample_context(code)) for code in SPECS}


def pdf(rendered: dict[str, rendering.Rendered], code: str) -> PdfReader:
    return PdfReader(io.BytesIO(rendered[code].pdf))


def text_lines(page: Any) -> list[tuple[float, float, float, str]]:
    """(x mm from left, baseline mm from top, font size pt, text) of every shown text on a page."""
    height = float(page.mediabox.height)
    shown: list[tuple[float, float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        shown.append((x / PT_PER_MM, (height - y) / PT_PER_MM, size * tm[0] * cm[0], text.strip()))

    page.extract_text(visitor_text=visit)
    return shown


def test_every_seeded_kind_has_a_spec_and_a_committed_default_template() -> None:
    from importlib import import_module

    seeded = [
        *import_module("zhifa.documents.migrations.0002_seed_document_kinds").KINDS,
        *import_module("zhifa.documents.migrations.0009_seed_supervision_kinds").KINDS,
    ]
    assert {code: (s.name, s.abbreviation) for code, s in SPECS.items()} == {
        code: (name, abbreviation) for code, name, abbreviation in seeded
    }
    for code in SPECS:
        assert rendering.default_template(code)[:2] == b"PK"


def test_the_committed_templates_are_exactly_what_build_templates_builds() -> None:
    for code, spec in SPECS.items():
        assert build_templates.build(spec) == rendering.default_template(code), code
    generic = build_templates.build(GENERIC_LETTER)
    assert generic == (rendering.TEMPLATE_DIR / f"{GENERIC_LETTER.code}.docx").read_bytes()


@pytest.mark.parametrize("code", list(SPECS))
def test_the_docx_opens_with_the_a4_page_setup_and_the_filled_in_text(
    rendered: dict[str, rendering.Rendered], code: str
) -> None:
    doc = Document(io.BytesIO(rendered[code].docx))
    section = doc.sections[0]
    # python-docx stores twentieths of a point: 210 mm is 11906 twips, 0.01 mm off.
    measured = [
        section.page_width,
        section.page_height,
        section.top_margin,
        section.left_margin,
        section.bottom_margin,
        section.right_margin,
    ]
    assert [round(length.mm, 1) for length in measured] == [210, 297, 37, 28, 35, 26]
    text = "\n".join(p.text for p in doc.paragraphs)
    tables = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    context = rendering.sample_context(code)
    for expected in (
        context["issuer"],
        context["number"],
        SPECS[code].name,
        rendering.date_text(context["date"]),
    ):
        assert expected in text
    assert context["recipient"] in text + tables
    assert "{{" not in text + tables and "{%" not in text + tables
    # — {PAGE} —: odd pages right, even pages left (python-docx's .text leaves out the field).
    assert doc.settings.odd_and_even_pages_header_footer
    # Two-sided: the 28 mm left margin is the inside (订口) margin, mirrored on even pages.
    assert doc.settings.element.find(qn("w:mirrorMargins")) is not None
    for footer, alignment in (
        (section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT),
    ):
        assert footer.text == "—  —"
        assert [f.get(qn("w:instr")) for f in footer._p.iter(qn("w:fldSimple"))] == ["PAGE"]
        assert footer.paragraph_format.alignment == alignment
    with zipfile.ZipFile(io.BytesIO(rendered[code].docx)) as archive:
        assert any(name.startswith("word/media/") for name in archive.namelist())  # the QR code


@pytest.mark.parametrize("code", list(SPECS))
def test_the_pdf_is_a4_with_the_expected_text_and_page_numbers(
    rendered: dict[str, rendering.Rendered], code: str
) -> None:
    reader = pdf(rendered, code)
    context = rendering.sample_context(code)
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A4_PT[0], abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(A4_PT[1], abs=0.5)
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = text.replace("\n", "")
    for expected in (
        context["issuer"],
        context["number"],
        SPECS[code].name,
        context["recipient"],
        rendering.date_text(context["date"]),
        "核验码：K7Q4-M2XD",
    ):
        assert expected in flat, expected
    for number, page in enumerate(reader.pages, start=1):
        lines = text_lines(page)
        assert lines[-1][3] == f"— {number} —"
        # 4号 digits 7 mm below the text block: odd pages right (右空一字), even pages left.
        x, baseline, size, _ = lines[-1]
        assert size == pytest.approx(layout.SIZE_4, abs=0.01)
        assert baseline > layout.MARGIN_TOP_MM + layout.TEXT_HEIGHT_MM + layout.PAGE_NUMBER_GAP_MM
        if number % 2:
            assert x > layout.PAGE_WIDTH_MM / 2
        else:
            # Even pages are mirrored: the text block starts at the 26 mm outside margin.
            assert x == pytest.approx(layout.MARGIN_RIGHT_MM + layout.SIZE_4 / PT_PER_MM, abs=0.3)


@pytest.mark.parametrize("code", INSPECTION)
def test_inspection_documents_carry_the_five_prohibitions_on_the_back_page(
    rendered: dict[str, rendering.Rendered], code: str
) -> None:
    reader = pdf(rendered, code)
    assert_back_page_prints(reader, rendering.sample_context(code)["prohibitions"])


def assert_back_page_prints(reader: PdfReader, prohibitions: list[dict[str, Any]]) -> None:
    # Long rules wrap, so the page text is compared without its line breaks.
    last = "".join(reader.pages[-1].extract_text().split())
    assert "涉企行政检查“五个严禁”“八个不得”" in last
    for numeral, section in zip(build_templates.CN_NUMERALS, prohibitions, strict=False):
        assert f"{numeral}、{section['title']}" in last
        for rule in section["items"]:
            assert f"{rule}。" in last
    front = "".join(p.extract_text() for p in reader.pages[:-1])
    assert prohibitions[0]["title"] not in front


def test_the_verified_wording_of_the_data_file_prints_on_the_back_page() -> None:
    # The version documents issued now use, not the demo paraphrase of the sample context.
    versions = json.loads(PROHIBITIONS_FILE.read_text(encoding="utf-8"))["versions"]
    latest = max(versions, key=lambda v: v["effective_from"])
    assert latest["sections"] == VERIFIED_SECTIONS
    context = rendering.sample_context("inspection_preview_notice")
    context["prohibitions"] = latest["sections"]
    reader = PdfReader(io.BytesIO(rendering.render("inspection_preview_notice", context).pdf))
    assert_back_page_prints(reader, VERIFIED_SECTIONS)


@pytest.mark.parametrize("code", SUPERVISION)
def test_supervision_letters_have_no_back_page(
    rendered: dict[str, rendering.Rendered], code: str
) -> None:
    text = "".join(p.extract_text() for p in pdf(rendered, code).pages)
    assert "严禁" not in text
    deadline = rendering.sample_context(code).get("reply_deadline")
    if deadline is not None:  # the agency's 整改（执行）情况报告 sets no deadline
        assert f"于{deadline}前" in text.replace("\n", "")


@pytest.mark.parametrize("code", list(SPECS))
def test_the_first_line_starts_at_the_gbt_9704_margins(
    rendered: dict[str, rendering.Rendered], code: str
) -> None:
    lines = text_lines(pdf(rendered, code).pages[0])
    # Left: nothing prints left of the 28 mm margin, and the 受文者 line (flush left, 顶格)
    # starts exactly on it. Glyph origins are exact in the PDF, so 0.3 mm allows for rounding
    # only. Form kinds have no 受文者 line; their table text is inset by the 2 mm cell padding
    # plus half the 0.75 pt rule.
    assert min(x for x, _, _, _ in lines) >= layout.MARGIN_LEFT_MM - 0.3
    recipient = rendering.sample_context(code)["recipient"]
    if SPECS[code].greeting:
        start = next(x for x, _, _, text in lines if text == f"{recipient}：")
        assert start == pytest.approx(layout.MARGIN_LEFT_MM, abs=0.3)
    if any(block[0] == "fields" for block in SPECS[code].body):
        cell = next(x for x, _, _, text in lines if text.startswith(("检查", "受送达人")))
        assert cell == pytest.approx(layout.MARGIN_LEFT_MM + 2 + 0.375 / PT_PER_MM, abs=0.3)
    # Top: the red issuing-body mark is the first line. Its em box top (baseline minus the CJK
    # ideographic ascent of 0.88 em) must sit at the 37 mm margin: CSS centres the glyph in its
    # grid line, which puts it 0.0–0.5 mm below the margin; 1 mm is a tenth of a line pitch
    # (10.2 mm), far below the error a wrong margin or an extra blank line would make.
    _, baseline, size, text = lines[0]
    assert text == rendering.sample_context(code)["issuer"]
    assert size == pytest.approx(layout.ISSUER_SIZE, abs=0.01)
    top = baseline - 0.88 * size / PT_PER_MM
    assert layout.MARGIN_TOP_MM <= top <= layout.MARGIN_TOP_MM + 1.0


def test_the_body_runs_28_characters_a_line_on_a_22_line_grid(
    rendered: dict[str, rendering.Rendered],
) -> None:
    lines = text_lines(pdf(rendered, "inspection_preview_notice").pages[0])
    body = [line for line in lines if line[2] == pytest.approx(layout.SIZE_3, abs=0.01)]
    # Consecutive body lines are one line pitch (225 mm / 22) apart.
    gaps = [b[1] - a[1] for a, b in itertools.pairwise(body) if b[1] > a[1]]
    # (WeasyPrint places lines on its own rounding: a single gap may be 0.02 mm off.)
    assert statistics.median(gaps) == pytest.approx(layout.TEXT_HEIGHT_MM / 22, abs=0.03)
    # A first-line indent is exactly two characters of the 156/28 mm pitch.
    indented = [x for x, _, _, text in body if text.startswith("根据涉企行政检查")]
    assert indented == [pytest.approx(layout.MARGIN_LEFT_MM + 2 * 156 / 28, abs=0.05)]


@pytest.mark.parametrize("code", list(SPECS))
def test_every_font_in_the_pdf_is_embedded(
    rendered: dict[str, rendering.Rendered], code: str
) -> None:
    reader = pdf(rendered, code)
    seen = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
            # "-GB": the compact GB 2312 copy of the same face (fontcache.py).
            seen.add(str(font["/BaseFont"]).split("+", 1)[1].replace("-GB", ""))
    assert {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC"} <= seen


def test_the_date_prints_in_arabic_numerals_without_leading_zeros() -> None:
    import datetime

    assert rendering.date_text(datetime.date(2026, 3, 5)) == "2026年3月5日"


def test_a_draft_without_a_number_renders() -> None:
    context = rendering.sample_context("inspection_preview_notice") | {"number": ""}
    result = rendering.render("inspection_preview_notice", context)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(result.pdf)).pages)
    assert "〔2026〕" not in text
    assert "行政执法检查预告通知书" in text


def test_values_with_markup_characters_are_printed_as_text() -> None:
    context = rendering.sample_context("reminder_letter") | {"recipient": "A&B <测试> 公司"}
    result = rendering.render("reminder_letter", context)
    paragraphs = [p.text for p in Document(io.BytesIO(result.docx)).paragraphs]
    assert "A&B <测试> 公司：" in paragraphs
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(result.pdf)).pages)
    assert "A&B <测试> 公司" in text


def test_the_default_templates_pass_their_own_check() -> None:
    for code in SPECS:
        assert rendering.check_template(code, rendering.default_template(code)) == [], code


def _template_replacing(code: str, old: str, new: str) -> bytes:
    doc = Document(io.BytesIO(rendering.default_template(code)))
    for paragraph in doc.paragraphs:
        for run in paragraph.runs:
            if old in run.text:
                run.text = run.text.replace(old, new)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_check_template_names_an_unknown_and_a_missing_placeholder() -> None:
    template = _template_replacing("inspection_preview_notice", "{{ booking }}", "{{ bookng }}")
    assert rendering.check_template("inspection_preview_notice", template) == [
        "未知的占位符“bookng”：行政执法检查预告通知书不提供这项数据。",
        "缺少必需的占位符“booking”（预约指导办法）。",
    ]


def test_check_template_rejects_a_file_that_is_not_a_docx() -> None:
    assert rendering.check_template("urging_letter", b"not a word file") == [
        "文件不是有效的 Word（.docx）文档，请用 WPS 或 Word 另存为 .docx 后重新上传。"
    ]


def test_check_template_reports_a_syntax_error() -> None:
    template = _template_replacing("urging_letter", "{{ matter }}", "{% if matter %}{{ matter }}")
    problems = rendering.check_template("urging_letter", template)
    assert len(problems) == 1
    assert problems[0].startswith("模板占位符语法错误：")


def test_an_agency_template_renders_with_its_own_wording() -> None:
    template = _template_replacing(
        "inspection_preview_notice", "五、联系方式", "五、联系方式（工作日8:30—17:00）"
    )
    assert rendering.check_template("inspection_preview_notice", template) == []
    result = rendering.render(
        "inspection_preview_notice",
        rendering.sample_context("inspection_preview_notice"),
        template=template,
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(result.pdf)).pages)
    assert "五、联系方式（工作日8:30—17:00）" in text


def test_a_kind_without_a_spec_renders_as_the_generic_supervision_letter() -> None:
    # A region added 专项监督检查通知书 in the admin: no spec, no template of its own.
    context = rendering.sample_context("special_check_notice") | {"title": "专项监督检查通知书"}
    result = rendering.render("special_check_notice", context)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(result.pdf)).pages)
    flat = text.replace("\n", "")
    assert "专项监督检查通知书" in flat
    assert "现函告如下：" in flat
    assert "一、基本情况" in flat and "四、具体要求" in flat
    assert "请你单位于2026年12月27日前将办理情况书面回复本机关。" in flat
    assert (
        rendering.check_template(
            "special_check_notice", rendering.default_template("supervision_notice")
        )
        == []
    )


def test_a_character_outside_gb_2312_prints_from_the_full_face() -> None:
    # 堃 and 喆 are common in names but not in GB 2312, so not in the compact copy.
    context = rendering.sample_context("reminder_letter") | {"recipient": "舟山市堃喆口腔诊所"}
    result = rendering.render("reminder_letter", context)
    reader = PdfReader(io.BytesIO(result.pdf))
    assert "舟山市堃喆口腔诊所" in reader.pages[0].extract_text()
    names = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[1]
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert "Noto-Serif-CJK-SC" in names  # the full face, for the two rare characters


def test_a_deployment_points_a_role_at_its_own_font_file(settings: Any) -> None:
    wenkai = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
    if not os.path.isfile(wenkai):
        pytest.skip("未安装 fonts-lxgw-wenkai")
    settings.ZHIFA_DOCUMENT_FONTS = {
        "fangsong": {"family": "LXGWWenKai-Regular", "weight": 400, "file": wenkai}
    }
    rendering.reset_stylesheet()
    try:
        result = rendering.render("urging_letter", rendering.sample_context("urging_letter"))
    finally:
        settings.ZHIFA_DOCUMENT_FONTS = {}
        rendering.reset_stylesheet()
    page = PdfReader(io.BytesIO(result.pdf)).pages[0]
    body = [
        str(font.get_object()["/BaseFont"]).split("+", 1)[1]
        for font in page["/Resources"]["/Font"].values()
    ]
    assert any(name.startswith("LXGWWenKai-Regular") for name in body), body
    assert not any(name.startswith("Noto-Serif-CJK-SC-GB") and "Bold" not in name for name in body)


def test_a_full_page_holds_22_lines_of_28_characters() -> None:
    facts = [f"第{i}项情况。" for i in range(1, 70)] + ["一二三四五六七八九十" * 6]
    context = rendering.sample_context("urging_letter") | {"facts": facts}
    reader = PdfReader(io.BytesIO(rendering.render("urging_letter", context).pdf))
    second = text_lines(reader.pages[1])[:-1]  # without the page number
    assert len(second) == 22
    assert second[0][1] - layout.MARGIN_TOP_MM < layout.LINE_PITCH_MM
    assert second[-1][1] < layout.MARGIN_TOP_MM + layout.TEXT_HEIGHT_MM
    # The text block starts at the 28 mm 订口 on odd pages, the 26 mm 翻口 on even ones.
    full = [
        text
        for number, page in enumerate(reader.pages, start=1)
        for x, _, _, text in text_lines(page)
        if text.startswith("七八九十")
        and x
        == pytest.approx(layout.MARGIN_LEFT_MM if number % 2 else layout.MARGIN_RIGHT_MM, abs=0.3)
    ]
    assert [len(text) for text in full] == [28]  # the wrapped line of the 60-character fact


def _advance_mm(text: str, size_pt: float) -> float:
    """Width of ``text`` set in the 仿宋 face at ``size_pt``, from the font's own advance widths."""
    from fontTools.ttLib import TTFont

    from zhifa.documents import fontcache

    face = layout.fonts()["fangsong"]
    compact = fontcache.compact_copy(face)
    source = (str(compact), 0) if compact is not None else fontcache.source_of(face)
    assert source is not None
    font = TTFont(source[0], fontNumber=source[1], lazy=True)
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    units = sum(metrics[cmap[ord(char)]][0] for char in text)
    return units / font["head"].unitsPerEm * size_pt / PT_PER_MM


def test_two_sided_pages_mirror_the_margins_and_the_page_numbers() -> None:
    # Each 60-character fact wraps: its second line holds a full 28 characters, flush with the
    # left edge of the text block, on every page.
    facts = ["一二三四五六七八九十" * 6 for _ in range(20)]
    # The last page holds the last line of the body (the contact) with the signature: make that
    # a full line too (26 characters after the indent, then 28).
    context = rendering.sample_context("urging_letter") | {
        "facts": facts,
        "contact": ("一二三四五六七八九十" * 6)[:54],
    }
    reader = PdfReader(io.BytesIO(rendering.render("urging_letter", context).pdf))
    assert len(reader.pages) >= 3
    inside, outside = layout.MARGIN_LEFT_MM, layout.MARGIN_RIGHT_MM  # 订口 28 mm, 翻口 26 mm
    one_char = layout.SIZE_4 / PT_PER_MM
    for number, page in enumerate(reader.pages, start=1):
        odd = number % 2 == 1
        left, right = (inside, outside) if odd else (outside, inside)
        lines = text_lines(page)
        body = [line for line in lines if line[2] == pytest.approx(layout.SIZE_3, abs=0.01)]
        full = [x for x, _, _, text in body if text.startswith("七八九十") and len(text) == 28]
        assert full, f"第 {number} 页没有整行"
        assert full == [pytest.approx(left, abs=0.05)] * len(full), f"第 {number} 页"
        assert min(x for x, _, _, _ in body) == pytest.approx(left, abs=0.05)
        x, _, _, text = lines[-1]
        assert text == f"— {number} —"
        if odd:  # 右空一字 from the right edge of the text block
            end = x + _advance_mm(text, layout.SIZE_4)
            assert end == pytest.approx(layout.PAGE_WIDTH_MM - right - one_char, abs=0.1)
        else:  # 左空一字 from the left edge of the text block
            assert x == pytest.approx(left + one_char, abs=0.1)


@pytest.mark.parametrize(("extra_checks", "pages"), [(0, 3), (12, 4), (45, 5)])
def test_the_back_page_laid_out_once_prints_as_in_the_whole_document(
    extra_checks: int, pages: int
) -> None:
    # The front runs to two, three or four pages: the cached back page must take the next
    # number and side, and print exactly what laying out the whole document at once prints.
    context = rendering.sample_context("inspection_preview_notice")
    context["self_check"] = [
        *context["self_check"],
        *["核对从业人员健康证明是否在有效期内。"] * extra_checks,
    ]
    docx = rendering.render("inspection_preview_notice", context).docx
    html = rendering.document_html(Document(io.BytesIO(docx)))
    assert rendering.BACK_PAGE_START in html
    split = PdfReader(io.BytesIO(rendering.html_to_pdf(html)))
    whole = PdfReader(io.BytesIO(rendering._layout(html).write_pdf()))
    assert len(split.pages) == len(whole.pages) == pages
    for ours, reference in zip(split.pages, whole.pages, strict=True):
        assert text_lines(ours) == text_lines(reference)
    back = text_lines(split.pages[-1])
    assert back[0][3] == "涉企行政检查“五个严禁”“八个不得”"
    assert back[-1][3] == f"— {len(split.pages)} —"


def test_every_sample_context_is_complete_and_a_missing_field_is_named() -> None:
    for code in SPECS:
        assert rendering.context_problems(code, rendering.sample_context(code)) == [], code
    context = rendering.sample_context("inspection_preview_notice")
    del context["booking"], context["prohibitions"]
    context["date"] = "2026-11-27"
    assert rendering.context_problems("inspection_preview_notice", context) == [
        "缺少预约指导办法（booking）。",
        "缺少五个严禁、八个不得（prohibitions）。",
        "日期（date）必须是日期。",
    ]


def _agency_template() -> bytes:
    """A reminder letter an agency laid out itself in Word: direct formatting, its own font
    names, a table with merged cells, no ZF styles."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    for text, size, bold, font in (
        ("{{ issuer }}", 26, True, "方正小标宋简体"),
        ("{{ number }}", 16, False, "仿宋_GB2312"),
        ("{{ title }}", 22, True, "方正小标宋简体"),
    ):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size, run.font.bold = Pt(size), bold
        run.font.name = font
        run._r.get_or_add_rPr().rFonts.set(qn("w:eastAsia"), font)
    doc.add_paragraph("{{ recipient }}：")
    doc.add_paragraph("{{ matter }}{% for f in facts %}{{ f }}{% endfor %}")
    doc.add_paragraph("{% for q in problems %}{{ q }}{% endfor %}")
    doc.add_paragraph("{% for b in basis %}{{ b }}{% endfor %}")
    table = doc.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "督办事项"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "{{ requests_heading }}"
    table.cell(1, 1).merge(table.cell(1, 2)).text = "{{ requests[0] }}"
    table.cell(2, 1).text = "回复期限"
    table.cell(2, 2).text = "{{ reply_deadline }}"
    for text in ("{{ contact }}", "{{ issuer }}", "{{ date_text }}"):
        doc.add_paragraph(text)
    doc.add_paragraph("{{ qr_code }}核验码：{{ verification_code }}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_an_agency_laid_out_template_keeps_its_fonts_sizes_and_merged_cells() -> None:
    template = _agency_template()
    assert rendering.check_template("urging_letter", template) == []
    context = rendering.sample_context("urging_letter")
    result = rendering.render("urging_letter", context, template=template)
    html = rendering.document_html(Document(io.BytesIO(result.docx)))
    assert '<td colspan="3"' in html
    assert '<td rowspan="2"' in html
    page = PdfReader(io.BytesIO(result.pdf)).pages[0]
    lines: dict[str, tuple[float, float]] = {}
    for x, _, size, text in text_lines(page):
        lines.setdefault(text, (size, x))  # the first occurrence: the mark, not the signature
    # 方正小标宋简体 → the 小标宋 stand-in, at the template's own 26 pt and 22 pt.
    assert lines["舟山市司法局"][0] == pytest.approx(26, abs=0.01)
    assert lines["督办函"][0] == pytest.approx(22, abs=0.01)
    names = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[1].replace("-GB", "")
        for font in page["/Resources"]["/Font"].values()
    }
    assert "Noto-Serif-CJK-SC-Bold" in names
    text = page.extract_text()
    assert "核办企业反映问题并依法处理。" not in text  # requests[0] is 核实…, printed once
    assert "核实企业反映问题并依法处理。" in text
    assert "2026年12月27日" in text
    assert page["/Resources"]["/XObject"]  # the QR code image


def test_without_the_compact_copies_the_full_faces_are_embedded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZHIFA_DOCUMENT_FONT_CACHE", "0")
    rendering.reset_stylesheet()
    try:
        result = rendering.render("reminder_letter", rendering.sample_context("reminder_letter"))
    finally:
        monkeypatch.undo()
        rendering.reset_stylesheet()
    page = PdfReader(io.BytesIO(result.pdf)).pages[0]
    names = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[1]
        for font in page["/Resources"]["/Font"].values()
    }
    assert names == {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC"}
