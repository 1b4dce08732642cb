"""Build the default .docx template of every document kind with python-docx.

The committed files in zhifa/documents/docx/ are exactly what ``build_all()`` writes (a test
compares them byte for byte), so a change of layout is a change here, re-run with

    .venv/bin/python -m zhifa.documents.build_templates

The templates carry the GB/T 9704-2012 page setup themselves (A4, margins, fonts, 22 lines of
3号 text, the red issuing-body mark and rule, ``— 1 —`` page numbers odd right / even left), so
they look right when an agency opens them in WPS or Word to customise them.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from zhifa.documents import layout
from zhifa.documents.specs import GENERIC_LETTER, SPECS, Block, KindSpec

TEMPLATE_DIR = Path(__file__).resolve().parent / "docx"
FIXED_TIME = datetime.datetime(2026, 1, 1, 0, 0, 0)

# Paragraph styles: name → (role, size pt, bold, alignment, first-line indent in characters, red)
STYLES: dict[str, tuple[str, float, bool, WD_ALIGN_PARAGRAPH, int, bool]] = {
    "ZF Issuer": ("xiaobiaosong", layout.ISSUER_SIZE, True, WD_ALIGN_PARAGRAPH.CENTER, 0, True),
    "ZF Number": ("fangsong", layout.SIZE_3, False, WD_ALIGN_PARAGRAPH.CENTER, 0, False),
    "ZF Title": ("xiaobiaosong", layout.SIZE_2, True, WD_ALIGN_PARAGRAPH.CENTER, 0, False),
    "ZF Flush": ("fangsong", layout.SIZE_3, False, WD_ALIGN_PARAGRAPH.LEFT, 0, False),
    "ZF Body": ("fangsong", layout.SIZE_3, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, False),
    "ZF Heading": ("heiti", layout.SIZE_3, False, WD_ALIGN_PARAGRAPH.LEFT, 2, False),
    "ZF Sign": ("fangsong", layout.SIZE_3, False, WD_ALIGN_PARAGRAPH.RIGHT, 0, False),
    "ZF Verify": ("fangsong", layout.SIZE_SMALL_4, False, WD_ALIGN_PARAGRAPH.LEFT, 0, False),
    "ZF Cell": ("fangsong", layout.SIZE_3, False, WD_ALIGN_PARAGRAPH.LEFT, 0, False),
    "ZF Back Title": ("heiti", layout.SIZE_2, False, WD_ALIGN_PARAGRAPH.CENTER, 0, False),
    "ZF Page Number": ("fangsong", layout.SIZE_4, False, WD_ALIGN_PARAGRAPH.RIGHT, 0, False),
}
CN_NUMERALS = "一二三四五六七八九十"


def _set_fonts(rpr_owner: object, family: str) -> None:
    """ascii, hAnsi and eastAsia fonts: python-docx's font.name sets only the first two."""
    rpr = rpr_owner.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), family)


def _add_styles(doc: DocumentObject) -> None:
    faces = layout.DEFAULT_FONTS
    normal = doc.styles["Normal"]
    normal.font.size = Pt(layout.SIZE_3)
    _set_fonts(normal.element, faces["fangsong"]["family"])
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(round(layout.LINE_PITCH_PT, 1))
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    for name, (role, size, bold, align, indent, red) in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size = Pt(size)
        style.font.bold = bold
        if red:
            style.font.color.rgb = RGBColor.from_string(layout.RED)
        _set_fonts(style.element, faces[role]["family"])
        style.paragraph_format.alignment = align
        if indent:
            style.paragraph_format.first_line_indent = Pt(size * indent)
        if name == "ZF Issuer":
            # At least one grid line, so Word and WPS never clip the large red mark.
            style.paragraph_format.line_spacing = Pt(round(layout.LINE_PITCH_PT, 1))
            style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
        if name == "ZF Sign":
            style.paragraph_format.right_indent = Pt(layout.SIZE_3 * 4)  # 右空四字
        if name == "ZF Page Number":
            style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _red_rule(paragraph: Paragraph) -> None:
    """The red separating rule under the document number (版头中的分隔线), as a bottom border."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "12"),
        ("w:space", "8"),
        ("w:color", layout.RED),
    ):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _page_number(paragraph: Paragraph) -> None:
    """``— {PAGE} —``: a PAGE field between two 一字线."""
    paragraph.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(" —")


# w:settings children that must precede w:mirrorMargins (ECMA-376 CT_Settings sequence).
_BEFORE_MIRROR_MARGINS = {
    "writeProtection",
    "view",
    "zoom",
    "removePersonalInformation",
    "removeDateAndTime",
    "doNotDisplayPageBoundaries",
    "displayBackgroundShape",
    "printPostScriptOverText",
    "printFractionalCharacterWidth",
    "printFormsData",
    "embedTrueTypeFonts",
    "embedSystemFonts",
    "saveSubsetFonts",
    "saveFormsData",
}


def _mirror_margins(doc: DocumentObject) -> None:
    """Printed on both sides, the 28 mm 订口 is the inside margin: left on odd pages, right on
    even ones. Word and WPS read the left/right margins as inside/outside under mirrorMargins."""
    settings = doc.settings.element
    if settings.find(qn("w:mirrorMargins")) is not None:
        return
    element = OxmlElement("w:mirrorMargins")
    for child in settings.iterchildren():
        if child.tag.rpartition("}")[2] not in _BEFORE_MIRROR_MARGINS:
            child.addprevious(element)
            return
    settings.append(element)


def _setup_section(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width = Mm(layout.PAGE_WIDTH_MM)
    section.page_height = Mm(layout.PAGE_HEIGHT_MM)
    section.top_margin = Mm(layout.MARGIN_TOP_MM)
    section.bottom_margin = Mm(layout.MARGIN_BOTTOM_MM)
    section.left_margin = Mm(layout.MARGIN_LEFT_MM)
    section.right_margin = Mm(layout.MARGIN_RIGHT_MM)
    section.header_distance = Mm(15)
    # The 一字线 of the page number sits 7 mm below the text block.
    section.footer_distance = Mm(layout.MARGIN_BOTTOM_MM - layout.PAGE_NUMBER_GAP_MM - 5)
    # 22 lines of text per page on Word's document grid.
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(layout.LINE_PITCH_PT * 20)))
    doc.settings.odd_and_even_pages_header_footer = True
    _mirror_margins(doc)
    odd = section.footer.paragraphs[0]
    odd.style = doc.styles["ZF Page Number"]
    odd.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(layout.SIZE_4)  # 右空一字
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.style = doc.styles["ZF Page Number"]
    even.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(layout.SIZE_4)  # 左空一字
    _page_number(even)


def _tag(doc: DocumentObject, text: str) -> None:
    doc.add_paragraph(text, style="ZF Body")


def _table(doc: DocumentObject, rows: list[list[str]], widths_mm: list[float]) -> None:
    table = doc.add_table(rows=len(rows), cols=len(widths_mm))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = Mm(widths_mm[c])
            paragraph = cell.paragraphs[0]
            paragraph.style = doc.styles["ZF Cell"]
            if value:
                paragraph.add_run(value)


def _block(doc: DocumentObject, block: Block) -> None:
    kind = block[0]
    if kind == "p":
        doc.add_paragraph(block[1], style="ZF Body")
    elif kind == "flush":
        doc.add_paragraph(block[1], style="ZF Flush")
    elif kind == "h":
        doc.add_paragraph(block[1], style="ZF Heading")
    elif kind == "for":
        _, var, name, text = block
        _tag(doc, f"{{%p for {name} in {var} %}}")
        doc.add_paragraph(text, style="ZF Body")
        _tag(doc, "{%p endfor %}")
    elif kind == "if":
        _tag(doc, f"{{%p if {block[1]} %}}")
    elif kind == "endif":
        _tag(doc, "{%p endif %}")
    elif kind == "fields":
        _table(doc, [[label, value] for label, value in block[1]], [36.0, 120.0])
    elif kind == "table":
        _, headers, var, name, cells = block
        width = layout.TEXT_WIDTH_MM
        first = 16.0
        rest = (width - first) / (len(headers) - 1)
        widths = [first] + [rest] * (len(headers) - 1)
        blank = [""] * (len(headers) - 1)
        _table(
            doc,
            [
                list(headers),
                [f"{{%tr for {name} in {var} %}}", *blank],
                list(cells),
                ["{%tr endfor %}", *blank],
            ],
            widths,
        )
    else:  # pragma: no cover - a programming error in specs.py
        raise ValueError(f"未知的模板块类型：{kind}")


def build(spec: KindSpec) -> bytes:
    """The default template of one kind, as reproducible .docx bytes."""
    doc = Document()
    _add_styles(doc)
    _setup_section(doc)
    body = doc.paragraphs[0] if doc.paragraphs else None
    if body is not None:  # python-docx's blank document has no paragraph; be safe if it does
        body._p.getparent().remove(body._p)
    doc.add_paragraph("{{ issuer }}", style="ZF Issuer")
    doc.add_paragraph("", style="ZF Flush")
    number = doc.add_paragraph("{{ number }}", style="ZF Number")
    _red_rule(number)
    doc.add_paragraph("", style="ZF Flush")
    doc.add_paragraph("{{ title }}", style="ZF Title")
    doc.add_paragraph("", style="ZF Flush")
    if spec.greeting:
        doc.add_paragraph("{{ recipient }}：", style="ZF Flush")
    for block in spec.body:
        _block(doc, block)
    # The blank line before the signature is a (empty) signature line: the stylesheet keeps the
    # last body line, the signature, the date and the verification block on one page.
    doc.add_paragraph("", style="ZF Sign")
    doc.add_paragraph("{{ issuer }}", style="ZF Sign")
    doc.add_paragraph("{{ date_text }}", style="ZF Sign")
    doc.add_paragraph("", style="ZF Flush")
    verify = doc.add_paragraph("{{ qr_code }}", style="ZF Verify")
    verify.add_run(
        "　核验码：{{ verification_code }}（扫描二维码或访问 {{ verification_url }} 核验）"
    )
    if spec.inspection:
        # The back page: 涉企行政检查“五个严禁”“八个不得”.
        doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        doc.add_paragraph("涉企行政检查“五个严禁”“八个不得”", style="ZF Back Title")
        doc.add_paragraph("", style="ZF Flush")
        _tag(doc, "{%p for p in prohibitions %}")
        doc.add_paragraph(
            f'{{{{ "{CN_NUMERALS}"[loop.index0] }}}}、{{{{ p.title }}}}', style="ZF Heading"
        )
        _tag(doc, "{%p for rule in p.items %}")
        doc.add_paragraph("{{ rule }}。", style="ZF Body")
        _tag(doc, "{%p endfor %}")
        _tag(doc, "{%p endfor %}")
    props = doc.core_properties
    props.title = spec.name
    props.author = "zhifa"
    props.last_modified_by = "zhifa"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.revision = 1
    raw = io.BytesIO()
    doc.save(raw)
    return normalise_zip(raw.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps, so two builds give identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def build_all(directory: Path = TEMPLATE_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    # The generic letter: what a kind a region adds without a spec of its own prints with.
    for code, spec in [*SPECS.items(), (GENERIC_LETTER.code, GENERIC_LETTER)]:
        path = directory / f"{code}.docx"
        path.write_bytes(build(spec))
        written.append(path)
    return written


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")

    django.setup()
    for written_path in build_all():
        print(written_path)
