"""Render an official document (文书) to DOCX and PDF.

The kind's .docx template (docxtpl placeholders) is the single source: ``render`` fills it with
docxtpl, giving the DOCX an office edits; the same rendered document is then read back with
python-docx (paragraph styles, alignment, runs, tables, page breaks, inline images), written as
HTML and laid out by WeasyPrint with the GB/T 9704-2012 stylesheet in ``pdf/gbt9704.css``. No
office suite is involved, which keeps a render in the tens of milliseconds.
"""

from __future__ import annotations

import atexit
import base64
import datetime
import functools
import html
import io
import re
import string
import threading
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import qrcode
import qrcode.constants
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, Template, TemplateError

from zhifa.core import timefmt
from zhifa.documents import fontcache, fontcheck, layout
from zhifa.documents.specs import LABELS, KindSpec, spec_for
from zhifa.documents.specs import sample_context as _sample_context

TEMPLATE_DIR = Path(__file__).resolve().parent / "docx"
CSS_PATH = Path(__file__).resolve().parent / "pdf" / "gbt9704.css"
QR_SIZE_MM = 22.0

__all__ = [
    "Rendered",
    "check_template",
    "context_problems",
    "default_template",
    "render",
    "sample_context",
    "unprintable_in",
]


@dataclass(frozen=True)
class Rendered:
    docx: bytes
    pdf: bytes


class RenderError(ValueError):
    """A template or context that cannot be rendered; the message is Chinese."""


def _spec(kind_code: str) -> KindSpec:
    """The kind's spec; a kind a region added in the admin, without a spec of its own, renders
    as the generic supervision letter (``specs.GENERIC_LETTER``) rather than failing at issue."""
    return spec_for(kind_code)


def default_template(kind_code: str) -> bytes:
    """The committed default .docx template of the kind (the generic letter's for a kind
    without a spec)."""
    return (TEMPLATE_DIR / f"{_spec(kind_code).code}.docx").read_bytes()


def sample_context(kind_code: str) -> dict[str, Any]:
    """A realistic demo context for every kind."""
    _spec(kind_code)
    return _sample_context(kind_code)


def date_text(value: datetime.date) -> str:
    """成文日期 in Arabic numerals without leading zeros: 2026年11月27日 (GB/T 9704 §7.3.5.1);
    an instant is dated by its Beijing day."""
    return timefmt.chinese_date(value)


def qr_png(url: str) -> bytes:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=1)
    code.add_data(url)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()


# --- checking uploaded templates ------------------------------------------------------------


def check_template(kind_code: str, template: bytes) -> list[str]:
    """Problems of an uploaded template in Chinese, each naming its placeholder; [] = fine."""
    spec = _spec(kind_code)
    try:
        tpl = DocxTemplate(io.BytesIO(template))
        tpl.init_docx()
    except Exception:
        return ["文件不是有效的 Word（.docx）文档，请用 WPS 或 Word 另存为 .docx 后重新上传。"]
    try:
        used = tpl.get_undeclared_template_variables()
    except TemplateError as error:
        return [f"模板占位符语法错误：{error}。"]
    problems = [
        f"未知的占位符“{name}”：{spec.name}不提供这项数据。" for name in sorted(used - spec.known)
    ]
    problems += [
        f"缺少必需的占位符“{name}”（{LABELS.get(name, name)}）。"
        for name in sorted(spec.required - used)
    ]
    return problems


# --- rendering ------------------------------------------------------------------------------

CONTEXT_COMMON = (
    "issuer",
    "number",
    "title",
    "recipient",
    "date",
    "verification_code",
    "verification_url",
)


def context_problems(kind_code: str, context: Mapping[str, Any]) -> list[str]:
    """What the context lacks for the kind's default template, in Chinese; [] = complete.

    ``render`` itself prints what it is given (a missing value prints as nothing), so a caller
    that must not issue an incomplete document checks here first.
    """
    spec = _spec(kind_code)
    names = [*CONTEXT_COMMON, *spec.fields, *(["prohibitions"] if spec.inspection else [])]
    problems = [f"缺少{LABELS.get(n, n)}（{n}）。" for n in names if n not in context]
    if "date" in context and not isinstance(context["date"], datetime.date):
        problems.append("日期（date）必须是日期。")
    return problems


def _namespace(value: Any) -> Any:
    """Mappings as attribute objects, so ``p.items`` in a template is the data, not dict.items."""
    if isinstance(value, Mapping):
        return SimpleNamespace(**{str(k): _namespace(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return [_namespace(v) for v in value]
    return value


def _prepare(tpl: DocxTemplate, context: Mapping[str, Any]) -> dict[str, Any]:
    prepared: dict[str, Any] = {k: _namespace(v) for k, v in context.items()}
    when = context.get("date")
    if isinstance(when, datetime.date):
        prepared["date_text"] = date_text(when)
    else:
        prepared.setdefault("date_text", "")
    url = str(context.get("verification_url") or "")
    prepared["qr_code"] = (
        InlineImage(tpl, io.BytesIO(qr_png(url)), width=Mm(QR_SIZE_MM)) if url else ""
    )
    return prepared


class _CompilingOnceEnvironment(Environment):
    """docxtpl compiles the XML of each part of the template anew for every document; that XML
    is the same for every document of a template, so each distinct source is compiled once."""

    CACHE_SIZE = 64

    def __init__(self) -> None:
        super().__init__(autoescape=True)
        self._compiled: dict[str, Template] = {}
        self._lock = threading.Lock()

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._lock:
            found = self._compiled.get(source)
        if found is None:
            found = super().from_string(source)
            with self._lock:
                if len(self._compiled) >= self.CACHE_SIZE:
                    self._compiled.pop(next(iter(self._compiled)))
                self._compiled[source] = found
        return found


_JINJA = _CompilingOnceEnvironment()


def render(
    kind_code: str, context: Mapping[str, Any], *, template: bytes | None = None
) -> Rendered:
    """Fill the kind's template (or ``template``) with ``context``: the DOCX and its PDF."""
    tpl = _filled(kind_code, context, template)
    out = io.BytesIO()
    tpl.save(out)
    # The rendered document object is exactly what was saved: convert it without re-reading.
    return Rendered(docx=out.getvalue(), pdf=html_to_pdf(document_html(tpl.docx)))


def _filled(kind_code: str, context: Mapping[str, Any], template: bytes | None) -> DocxTemplate:
    _spec(kind_code)
    source = template if template is not None else default_template(kind_code)
    tpl = DocxTemplate(io.BytesIO(source))
    try:
        tpl.render(_prepare(tpl, context), jinja_env=_JINJA, autoescape=True)
    except TemplateError as error:
        raise RenderError(f"模板填充失败：{error}。") from error
    return tpl


def readable_html(docx: bytes) -> str:
    """An issued .docx as HTML to read on a page: the same conversion its PDF is laid out from,
    so the page says word for word what the PDF says (a webview that cannot show a PDF inline,
    WeChat's or DingTalk's, shows this)."""
    from docx import Document

    return _body(document_html(Document(io.BytesIO(docx))))


def draft_html(kind_code: str, context: Mapping[str, Any]) -> str:
    """A draft as it would read once issued, from the kind's template; no PDF is laid out."""
    return _body(document_html(_filled(kind_code, context, None).docx))


def _body(document: str) -> str:
    return document.removeprefix(HTML_HEAD).removesuffix(HTML_END)


# --- DOCX → HTML ----------------------------------------------------------------------------

STYLE_CLASSES = {
    "ZF Issuer": "issuer",
    "ZF Number": "number",
    "ZF Title": "title",
    "ZF Flush": "flush",
    "ZF Body": "body",
    "ZF Heading": "heading",
    "ZF Sign": "sign",
    "ZF Verify": "verify",
    "ZF Cell": "cell",
    "ZF Back Title": "back-title",
    "Normal": "plain",
}
ALIGN_CSS = {
    WD_ALIGN_PARAGRAPH.LEFT: "left",
    WD_ALIGN_PARAGRAPH.CENTER: "center",
    WD_ALIGN_PARAGRAPH.RIGHT: "right",
    WD_ALIGN_PARAGRAPH.JUSTIFY: "justify",
    WD_ALIGN_PARAGRAPH.DISTRIBUTE: "justify",
}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EMU_PER_MM = 36000
HTML_HEAD = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>'
HTML_END = "</body></html>"


def _attr(element: Any, path: str, name: str) -> str | None:
    found = element.find(path)
    return None if found is None else found.get(qn(name))


class _Converter:
    def __init__(self, doc: DocumentObject) -> None:
        self.doc = doc
        self.part = doc.part
        self.style_names = {s.style_id: s.name for s in doc.styles}
        self.styles = {s.style_id: s for s in doc.styles}
        self.break_next = False

    def html(self) -> str:
        parts = [HTML_HEAD]
        parts.extend(self._blocks(self.doc.element.body))
        parts.append(HTML_END)
        return "".join(parts)

    def _blocks(self, container: Any) -> Iterator[str]:
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                yield from self._paragraph(child)
            elif child.tag == qn("w:tbl"):
                yield self._break_marker()
                yield self._table(child)

    def _break_marker(self) -> str:
        if self.break_next:
            self.break_next = False
            return '<div class="page-break"></div>'
        return ""

    def _paragraph(self, p: Any) -> Iterator[str]:
        ppr = p.find(qn("w:pPr"))
        style_id = _attr(p, f"{W}pPr/{W}pStyle", "w:val") if ppr is not None else None
        style_name = self.style_names.get(style_id or "", "Normal")
        css_class = STYLE_CLASSES.get(style_name)
        inline: list[str] = []
        if css_class is None:
            css_class = "plain"
            inline += self._style_css(style_id)
        if ppr is not None:
            if ppr.find(qn("w:pageBreakBefore")) is not None:
                self.break_next = True
            jc = _attr(ppr, qn("w:jc"), "w:val")
            if jc:
                inline.append(
                    "text-align:"
                    + {"center": "center", "right": "right", "end": "right", "both": "justify"}.get(
                        jc, "left"
                    )
                )
            indent = ppr.find(qn("w:ind"))
            if indent is not None:
                inline += self._indent_css(indent)
            bottom = ppr.find(f"{W}pBdr/{W}bottom")
            if bottom is not None:
                size = int(bottom.get(qn("w:sz"), "4")) / 8
                color = bottom.get(qn("w:color"), "000000")
                color = "000000" if color == "auto" else color
                space = int(bottom.get(qn("w:space"), "0"))
                inline.append(f"border-bottom:{size:.2f}pt solid #{color};padding-bottom:{space}pt")
        yield self._break_marker()
        content: list[str] = []
        trailing_break = False
        for run in p.iter(qn("w:r")):
            for piece, is_page_break in self._run(run):
                if is_page_break:
                    trailing_break = True
                else:
                    content.append(piece)
        style_attr = f' style="{";".join(inline)}"' if inline else ""
        yield f'<p class="{css_class}"{style_attr}>{"".join(content)}</p>'
        if trailing_break:
            self.break_next = True

    @staticmethod
    def _indent_css(indent: Any) -> list[str]:
        """w:ind: first-line indent in characters (hundredths) or twips, left/right in twips."""
        css = []
        chars = indent.get(qn("w:firstLineChars"))
        first = indent.get(qn("w:firstLine"))
        if chars is not None:
            css.append(f"text-indent:{int(chars) / 100 * layout.CHAR_PITCH_MM:.2f}mm")
        elif first is not None:
            css.append(f"text-indent:{int(first) / 20:.1f}pt")
        for side in ("left", "right"):
            value = indent.get(qn(f"w:{side}")) or indent.get(
                qn(f"w:{'start' if side == 'left' else 'end'}")
            )
            if value is not None:
                css.append(f"margin-{side}:{int(value) / 20:.1f}pt")
        return css

    def _style_css(self, style_id: str | None) -> list[str]:
        """Formatting of a style that is not one of ours (an agency's own template)."""
        style = self.styles.get(style_id or "")
        if style is None:
            return []
        css = []
        font = getattr(style, "font", None)
        if font is not None:
            if font.size is not None:
                css.append(f"font-size:{font.size.pt}pt")
            if font.bold:
                css.append("font-weight:700")
        alignment = getattr(getattr(style, "paragraph_format", None), "alignment", None)
        if alignment in ALIGN_CSS:
            css.append(f"text-align:{ALIGN_CSS[alignment]}")
        return css

    def _run(self, run: Any) -> Iterator[tuple[str, bool]]:
        rpr = run.find(qn("w:rPr"))
        css: list[str] = []
        classes: list[str] = []
        if rpr is not None:
            bold = rpr.find(qn("w:b"))
            if bold is not None and bold.get(qn("w:val"), "true") not in ("0", "false"):
                css.append("font-weight:700")
            color = _attr(rpr, qn("w:color"), "w:val")
            if color and color != "auto":
                css.append(f"color:#{color}")
            size = _attr(rpr, qn("w:sz"), "w:val")
            if size:
                css.append(f"font-size:{int(size) / 2}pt")
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is not None:
                name = fonts.get(qn("w:eastAsia")) or fonts.get(qn("w:ascii"))
                role = layout.role_of_font_name(name, bold=bold is not None)
                if role:
                    classes.append(f"f-{role}")
            if rpr.find(qn("w:u")) is not None:
                css.append("text-decoration:underline")
        pieces: list[str] = []
        for child in run.iterchildren():
            tag = child.tag
            if tag == qn("w:t"):
                pieces.append(html.escape(child.text or ""))
            elif tag == qn("w:tab"):
                pieces.append("\u3000\u3000")
            elif tag == qn("w:br"):
                if child.get(qn("w:type")) == "page":
                    yield self._wrap(pieces, css, classes), False
                    pieces = []
                    yield "", True
                else:
                    pieces.append("<br>")
            elif tag == qn("w:drawing"):
                pieces.append(self._image(child))
        yield self._wrap(pieces, css, classes), False

    @staticmethod
    def _wrap(pieces: list[str], css: list[str], classes: list[str]) -> str:
        text = "".join(pieces)
        if not text or (not css and not classes):
            return text
        class_attr = f' class="{" ".join(classes)}"' if classes else ""
        style_attr = f' style="{";".join(css)}"' if css else ""
        return f"<span{class_attr}{style_attr}>{text}</span>"

    def _image(self, drawing: Any) -> str:
        blip = next(
            drawing.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"), None
        )
        if blip is None:
            return ""
        rel = blip.get(qn("r:embed"))
        if not rel or rel not in self.part.related_parts:
            return ""
        image = self.part.related_parts[rel]
        extent = next(
            drawing.iter(
                "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
            ),
            None,
        )
        size = ""
        if extent is not None:
            width = int(extent.get("cx", "0")) / EMU_PER_MM
            height = int(extent.get("cy", "0")) / EMU_PER_MM
            size = f' style="width:{width:.2f}mm;height:{height:.2f}mm"'
        data = base64.b64encode(image.blob).decode("ascii")
        return f'<img src="data:{image.content_type};base64,{data}"{size} alt="">'

    def _table(self, tbl: Any) -> str:
        rows = tbl.findall(qn("w:tr"))
        grid: list[list[tuple[int, Any]]] = []
        for row in rows:
            column = 0
            cells = []
            for tc in row.findall(qn("w:tc")):
                span = int(_attr(tc, f"{W}tcPr/{W}gridSpan", "w:val") or "1")
                cells.append((column, tc))
                column += span
            grid.append(cells)
        out = ["<table>"]
        for r, cells in enumerate(grid):
            out.append("<tr>")
            for column, tc in cells:
                tcpr = tc.find(qn("w:tcPr"))
                merge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
                if merge is not None and merge.get(qn("w:val")) != "restart":
                    continue  # covered by the cell above
                attrs = ""
                span = int(_attr(tc, f"{W}tcPr/{W}gridSpan", "w:val") or "1")
                if span > 1:
                    attrs += f' colspan="{span}"'
                if merge is not None:
                    attrs += f' rowspan="{self._rowspan(grid, r, column)}"'
                width = _attr(tc, f"{W}tcPr/{W}tcW", "w:w")
                if width and _attr(tc, f"{W}tcPr/{W}tcW", "w:type") == "dxa":
                    attrs += f' style="width:{int(width) / 20:.1f}pt"'
                inner = "".join(self._blocks(tc))
                out.append(f"<td{attrs}>{inner}</td>")
            out.append("</tr>")
        out.append("</table>")
        return "".join(out)

    @staticmethod
    def _rowspan(grid: list[list[tuple[int, Any]]], start: int, column: int) -> int:
        span = 1
        for cells in grid[start + 1 :]:
            below = next((tc for col, tc in cells if col == column), None)
            merge = None if below is None else below.find(f"{W}tcPr/{W}vMerge")
            if merge is None or merge.get(qn("w:val")) == "restart":
                break
            span += 1
        return span


def document_html(doc: DocumentObject) -> str:
    """The body of a python-docx document as HTML for the GB/T 9704 stylesheet."""
    return _Converter(doc).html()


# --- HTML → PDF -----------------------------------------------------------------------------


def _family(face: layout.Face) -> str:
    return f'"zhifa-{face.role}"' if face.file else f'"{face.family}"'


def stylesheet_text() -> str:
    faces = layout.fonts()
    values: dict[str, Any] = {
        "top": layout.MARGIN_TOP_MM,
        "right": layout.MARGIN_RIGHT_MM,
        "bottom": layout.MARGIN_BOTTOM_MM,
        "left": layout.MARGIN_LEFT_MM,
        "size_2": layout.SIZE_2,
        "size_3": layout.SIZE_3,
        "size_4": layout.SIZE_4,
        "size_small_4": layout.SIZE_SMALL_4,
        "issuer_size": layout.ISSUER_SIZE,
        # A hair under the exact pitch, so the 22nd line and the 28th character still fit when
        # the layout engine's rounding adds up (0.01 pt a line, 0.3 pt over a page).
        "line": f"{layout.LINE_PITCH_PT - 0.01:.3f}",
        "letter_spacing": f"{layout.CHAR_PITCH_PT - layout.SIZE_3 - 0.01:.3f}",
        "indent": f"{2 * layout.CHAR_PITCH_MM:.3f}",
        "sign_indent": f"{4 * layout.CHAR_PITCH_MM:.3f}",
        "page_number_gap": layout.PAGE_NUMBER_GAP_MM,
        "red": layout.RED,
    }
    font_faces = []
    for role, face in faces.items():
        family = _family(face)
        if face.file:
            url = Path(face.file).resolve().as_uri()
            font_faces.append(
                f'@font-face {{ font-family: "zhifa-{role}"; src: url("{url}"); '
                f"font-weight: {face.weight}; }}"
            )
        compact = fontcache.compact_copy(face)
        if compact is not None:
            font_faces.append(
                f'@font-face {{ font-family: "{face.family} GB"; src: url("{compact.as_uri()}"); '
                f"font-weight: {face.weight}; }}"
            )
            family = f'"{face.family} GB", {family}'
        values[f"{role}_family"] = family
        values[f"{role}_weight"] = face.weight
    css = string.Template(CSS_PATH.read_text(encoding="utf-8")).substitute(values)
    return "\n".join([*font_faces, css])


@functools.cache
def _weasy() -> tuple[Any, Any]:
    """WeasyPrint's font configuration and the parsed stylesheet, made once per process."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    return font_config, CSS(string=stylesheet_text(), font_config=font_config)


# Release WeasyPrint's fontconfig objects while the interpreter is still whole.
atexit.register(_weasy.cache_clear)


def reset_stylesheet() -> None:
    """Forget the cached stylesheet and back pages (after the font settings change)."""
    _weasy.cache_clear()
    _back_pages.cache_clear()
    fontcheck.reset()


# The back page of inspection documents (五个严禁, 八个不得) starts at this page break. Its text
# is the same in every document of a prohibitions version, so it is laid out once per version
# and page position, and only its drawing is repeated.
BACK_PAGE_START = '<div class="page-break"></div><p class="back-title">'


def _layout(document: str) -> Any:
    from weasyprint import HTML

    font_config, stylesheet = _weasy()
    return HTML(string=document).render(stylesheets=[stylesheet], font_config=font_config)


@functools.lru_cache(maxsize=16)
def _back_pages(back: str, preceding: int) -> tuple[Any, ...]:
    """The laid-out pages of ``back`` (HTML body content) printed after ``preceding`` pages.

    Empty pages stand in for the document before it, so the back page gets its number (— 3 —)
    and its side (订口 left or right) exactly as if laid out in the whole document.
    """
    filler = '<div class="page-break"></div>'.join(['<p class="plain"></p>'] * preceding)
    laid_out = _layout(f"{HTML_HEAD}{filler}{back}{HTML_END}")
    return tuple(laid_out.pages[preceding:])


def html_to_pdf(document: str) -> bytes:
    """The PDF of ``document``; RenderError (nothing laid out) when the faces cannot print it."""
    _refuse_unprintable(document)
    front, found, back = document.rpartition(BACK_PAGE_START)
    if not found or not back.endswith(HTML_END) or not front.startswith(HTML_HEAD):
        return bytes(_layout(document).write_pdf())
    laid_out = _layout(front + HTML_END)
    pages = _back_pages(found + back.removesuffix(HTML_END), len(laid_out.pages))
    # WeasyPrint's documented way of combining pages of several renders into one PDF. The cached
    # pages hold Pango layouts, which are not safe to draw from two threads at once (a batch
    # thread and a request in the same process).
    with _BACK_PAGES_LOCK:
        return bytes(laid_out.copy([*laid_out.pages, *pages]).write_pdf())


_BACK_PAGES_LOCK = threading.Lock()


def docx_to_pdf(docx: bytes) -> bytes:
    """Lay out any .docx (for instance a DOCX an office edited) as a GB/T 9704 PDF."""
    from docx import Document

    return html_to_pdf(document_html(Document(io.BytesIO(docx))))


def missing_fonts() -> list[str]:
    """The configured faces this machine cannot supply, in Chinese; [] when all are present.

    WeasyPrint would silently fall back to another face (or crash with none), so rendering and
    issuing check first: a font file must exist, a family name must be known to fontconfig.
    """
    return fontcheck.font_problems()


def render_problems(kind_code: str = "reminder_letter") -> list[str]:
    """Why this machine cannot render documents, in Chinese; [] when a sample document of
    ``kind_code`` renders. For what must stop before it makes anything (``zhifa demo load``,
    ``zhifa check``)."""
    missing = missing_fonts()
    if missing:
        return missing
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return [
            f"无法加载排版库 WeasyPrint（{error}），请安装 Pango"
            "（Debian：libpango-1.0-0、libpangoft2-1.0-0）"
        ]
    try:
        render(kind_code, sample_context(kind_code))
    except Exception as error:
        return [f"示例文书（{_spec(kind_code).name}）排版失败：{error}"]
    return []


# --- what the faces cannot print ------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_TEXT_RUN = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
# What the stylesheet and the platform add to every document around its context: page numbers
# (— 3 —), the 文号's brackets and the characters of a 核验码.
_FIXED_TEXT = "— 0123456789 —〔〕号" + "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@functools.cache
def _template_text(kind_code: str) -> str:
    """The fixed wording of the kind's default template: headings, labels, the back page."""
    parts: list[str] = []
    with zipfile.ZipFile(TEMPLATE_DIR / f"{_spec(kind_code).code}.docx") as package:
        for name in package.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
                xml = package.read(name).decode("utf-8")
                parts.extend(html.unescape(text) for text in _TEXT_RUN.findall(xml))
    return "".join(parts)


def _strings(value: Any) -> Iterator[str]:
    """Every text ``value`` can print as: strings, numbers and dates, inside lists and mappings."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, datetime.date):
        yield str(value)
        yield date_text(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)
    else:
        yield str(value)


def unprintable_in(
    kind_code: str, context: Mapping[str, Any], *, extra: Mapping[str, str] | None = None
) -> list[str]:
    """The characters of a document no configured face can draw, each named with the field it is
    in (``["受文者名称中的“𓀀”（U+13000）"]``); [] when all can be printed.

    Checks what the default template of the kind prints: its own wording, every value of
    ``context`` and ``extra`` (label → text, e.g. the 文号 a document is about to receive).
    """
    _spec(kind_code)
    texts: dict[str, list[str]] = {"文书模板": [_template_text(kind_code), _FIXED_TEXT]}
    for key, value in context.items():
        texts.setdefault(LABELS.get(key, "文书内容"), []).extend(_strings(value))
    for label, text in (extra or {}).items():
        texts.setdefault(label, []).append(text)
    return fontcheck.undrawable_problems(texts)


def _refuse_unprintable(document: str) -> None:
    """Lay out nothing the faces cannot print: a missing face would come out as boxes in some
    other font, or crash Pango when there is no font at all."""
    missing = fontcheck.font_problems()
    if missing:
        raise RenderError(
            "本机缺少文书字体，不能生成 PDF：" + "；".join(missing) + "。"
            "请系统管理员安装文书字体（见使用说明“文书字体”）后再试。"
        )
    chars = fontcheck.undrawable(html.unescape(_TAG.sub("", document)))
    if chars:
        raise RenderError(
            "文书中有文书字体无法显示的字符："
            + "、".join(fontcheck.describe(c) for c in chars)
            + "。请改用常用字，或由系统管理员配置包含这些字符的字体后再试。"
        )
