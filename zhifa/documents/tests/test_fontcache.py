"""The compact copies of the document faces hold the same glyphs as the full faces, for fewer codes.

The first tests cut small faces built here, so they run without the document fonts; the last ones
compare the copies of the installed faces with the faces themselves.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.recordingPen import RecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont
from pypdf import PdfReader

from zhifa.documents import fontcache, layout, rendering
from zhifa.documents.tests.test_rendering import text_lines

KUN, ZHE, ZHONG = 0x5803, 0x5586, 0x4E2D  # 堃 and 喆 are outside GB 2312, 中 is in it


def small_face(family: str) -> TTFont:
    """A face of three glyphs: A, 中 and 堃, each a box of its own width."""
    builder = FontBuilder(1000, isTTF=True)
    names = [".notdef", "A", "zhong", "kun"]
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({0x41: "A", ZHONG: "zhong", KUN: "kun"})
    glyphs = {}
    for number, name in enumerate(names):
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((100, 700))
        pen.lineTo((500 + 100 * number, 700))
        pen.closePath()
        glyphs[name] = pen.glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (600 + 100 * n, 100) for n, name in enumerate(names)})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    return builder.font


@pytest.fixture
def var_dir(settings, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    return tmp_path / "var"


def test_a_face_is_cut_to_the_charset_and_kept_under_its_role_and_key(
    var_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "small.ttf"
    small_face("Small").save(source)
    face = layout.Face("heiti", "Small", 400, str(source))

    compact = fontcache.compact_copy(face)

    assert compact is not None
    assert compact.parent == var_dir / "fonts"
    assert compact.name.startswith("heiti-") and compact.suffix == ".font"
    assert [path.name for path in compact.parent.iterdir()] == [compact.name]  # no temp file left
    font = TTFont(compact)
    cmap = font.getBestCmap()
    assert {code: font["hmtx"][glyph] for code, glyph in cmap.items()} == {
        0x41: (700, 100),
        ZHONG: (800, 100),
    }
    # Made once: a second render takes the copy as it is.
    made = compact.stat().st_mtime_ns
    assert fontcache.compact_copy(face) == compact
    assert compact.stat().st_mtime_ns == made


def test_the_copy_of_a_face_in_a_collection_is_of_the_face_fontconfig_chose(
    var_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Noto CJK .ttc files hold JP, KR, SC, TC (and HK) faces; fontconfig says which one is SC.
    collection = TTCollection()
    collection.fonts = [small_face("Small JP"), small_face("Small SC")]
    source = tmp_path / "small.ttc"
    collection.save(source)
    monkeypatch.setattr(fontcache, "source_of", lambda face: (str(source), 1))

    compact = fontcache.compact_copy(layout.Face("fangsong", "Small SC", 400, ""))

    assert compact is not None
    assert TTFont(compact)["name"].getDebugName(1) == "Small SC"


def test_a_file_that_is_no_font_makes_no_copy_and_a_warning_in_the_log(
    var_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = tmp_path / "broken.ttf"
    source.write_bytes(b"\x00\x01\x00\x00" + b"not a font" * 10)

    with caplog.at_level(logging.WARNING, logger="zhifa.documents.fontcache"):
        compact = fontcache.compact_copy(layout.Face("kaiti", "Broken", 400, str(source)))

    assert compact is None
    assert not (var_dir / "fonts").exists() or not list((var_dir / "fonts").iterdir())
    assert [record.getMessage() for record in caplog.records] == [
        f"不能为字体 {source} 制作精简副本，文书改用完整字体"
    ]


@pytest.fixture(scope="module")
def installed_faces() -> dict[str, layout.Face]:
    missing = rendering.missing_fonts()
    if missing:
        pytest.skip("文书字体缺失：" + "；".join(missing))
    return layout.fonts()


@pytest.mark.parametrize("role", layout.ROLES)
def test_the_copy_of_each_document_face_draws_every_gb2312_character_as_the_full_face(
    installed_faces: dict[str, layout.Face], role: str
) -> None:
    face = installed_faces[role]
    source = fontcache.source_of(face)
    compact = fontcache.compact_copy(face)
    assert source is not None and compact is not None
    full, copy = TTFont(source[0], fontNumber=source[1], lazy=True), TTFont(compact, lazy=True)
    assert copy["name"].getDebugName(1) == full["name"].getDebugName(1) == face.family
    full_cmap, copy_cmap = full.getBestCmap(), copy.getBestCmap()
    wanted = set(full_cmap) & set(fontcache.charset())
    assert wanted <= set(copy_cmap)
    assert len(wanted) > 7000
    assert KUN in full_cmap and ZHE in full_cmap
    assert KUN not in copy_cmap and ZHE not in copy_cmap
    assert copy["head"].unitsPerEm == full["head"].unitsPerEm
    assert [copy["hmtx"][copy_cmap[code]] for code in sorted(wanted)] == [
        full["hmtx"][full_cmap[code]] for code in sorted(wanted)
    ]
    full_glyphs, copy_glyphs = full.getGlyphSet(), copy.getGlyphSet()
    for char in "行政执法检查通知书，（〔2026〕第1号）ABCxyz①—“”":
        drawn = []
        for glyphs, cmap in ((full_glyphs, full_cmap), (copy_glyphs, copy_cmap)):
            pen = RecordingPen()
            glyphs[cmap[ord(char)]].draw(pen)
            drawn.append(pen.value)
        assert drawn[0] == drawn[1], char


def test_a_line_printing_rare_characters_from_the_full_face_keeps_the_line_pitch(
    installed_faces: dict[str, layout.Face],
) -> None:
    # The copy keeps the face's BASE table, so a line mixing copy and full face sits on the same
    # grid as any other (HarfBuzz's copy dropped it and such a line stood 0.18 mm taller).
    context = rendering.sample_context("reminder_letter") | {"recipient": "舟山市堃喆口腔诊所"}
    page = PdfReader(io.BytesIO(rendering.render("reminder_letter", context).pdf)).pages[0]
    body = [line for line in text_lines(page) if line[2] == pytest.approx(layout.SIZE_3, abs=0.01)]
    baselines = sorted({round(y, 3) for _, y, _, _ in body})
    recipient = next(y for _, y, _, text in body if text.startswith("舟山市"))
    following = baselines[baselines.index(round(recipient, 3)) + 1]
    assert following - recipient == pytest.approx(layout.LINE_PITCH_MM, abs=0.03)
    assert "舟山市堃喆口腔诊所：" in page.extract_text()
