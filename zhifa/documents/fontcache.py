"""Compact copies of the document faces, so each PDF subsets a small font instead of a huge one.

A CJK face holds 30,000–65,000 glyphs (Noto CJK: 20 MB, four languages). WeasyPrint subsets every
face it uses anew for every PDF, and with faces that size the subsetting, not the layout, is most
of a render. The first render therefore makes, once per face, a compact copy holding the GB 2312
characters (all of 6,763 hanzi and its symbols) plus ASCII and the common punctuation, and keeps it
in ``VAR_DIR/fonts``. The stylesheet lists the compact copy first and the full face second, so a
rare character (a 生僻字 in a name) still prints, from the full face. Both are the same design; the
PDF embeds whichever glyphs it used.

The cutting is fontTools' subsetter (fontTools comes with WeasyPrint), in place of our own C
bindings to HarfBuzz's. It is pure Python and much slower: about 20 CPU seconds for a Noto CJK face,
a minute for the four default faces, where HarfBuzz took one second. That is paid once per machine:
the copies stay in ``VAR_DIR/fonts`` under a key of the face file, its size and time and
``CHARSET_VERSION``, and a render with them costs what it did. What is ours, because no library
does it: the character set, finding the face and its number in a .ttc through fontconfig, the
cache key, and the write: several processes may make the same copy at once, so each writes a file
of its own and renames it into place, and none reads a half-written font.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from fontTools import subset

from zhifa.documents.layout import Face

logger = logging.getLogger(__name__)

# 2: made by fontTools instead of HarfBuzz (the same glyphs; CFF subroutines flattened).
CHARSET_VERSION = "gb2312-2"


@functools.cache
def charset() -> tuple[int, ...]:
    """GB 2312 (hanzi and symbol rows), ASCII, Latin-1 and the punctuation official texts use."""
    codes: set[int] = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    for start, end in ((0x2000, 0x2070), (0x2150, 0x2190), (0x2460, 0x2500), (0x3000, 0x3040)):
        codes |= set(range(start, end))
    codes |= set(range(0xFF00, 0xFFF0))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                codes.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return tuple(sorted(codes))


def fc_match_available() -> bool:
    return shutil.which("fc-match") is not None


def source_of(face: Face) -> tuple[str, int] | None:
    """The font file and face index that render ``face``: its configured file, or fontconfig's."""
    if face.file:
        return (face.file, 0) if Path(face.file).is_file() else None
    if not fc_match_available():
        return None
    weight = "bold" if face.weight >= 600 else "regular"
    result = subprocess.run(
        ["fc-match", "--format=%{file}\n%{index}\n%{family}", f"{face.family}:weight={weight}"],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.split("\n")
    if len(lines) < 3 or face.family not in lines[2].split(","):
        return None  # fontconfig substituted another family: the face is not installed
    return lines[0], int(lines[1] or 0)


def _subset(path: str, index: int, codes: tuple[int, ...]) -> bytes | None:
    """Face ``index`` of ``path`` cut down to ``codes`` (and the glyphs its layout reaches)."""
    # Desubroutinized: fontTools' pruning of unused CFF subroutines costs 30 s on a Noto CJK face,
    # flattening them a third of that, and the copy grows by a tenth. WeasyPrint flattens the
    # subroutines of every face it embeds anyway. Layout features and hinting as fontTools'
    # defaults, which are HarfBuzz's: the same glyphs as the full face for the same text.
    options = subset.Options(font_number=index, desubroutinize=True)
    out = io.BytesIO()
    try:
        with subset.load_font(path, options, dontLoadGlyphNames=True) as font:
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=codes)
            subsetter.subset(font)
            subset.save_font(font, out, options)
    except Exception:  # a face fontTools cannot cut renders from the full face, only slower
        logger.warning("不能为字体 %s 制作精简副本，文书改用完整字体", path, exc_info=True)
        return None
    return out.getvalue() or None


def prepare(faces: list[Face]) -> None:
    """Cut the compact copies now, outside any request or transaction: the first cut takes
    about a minute of processor time, and a document issued meanwhile would hold its database
    transaction open that long. The test suite calls it once at its start."""
    for face in faces:
        compact_copy(face)


def compact_copy(face: Face) -> Path | None:
    """The compact copy of ``face`` (made on first use), or None when it cannot be made."""
    if os.environ.get("ZHIFA_DOCUMENT_FONT_CACHE", "1") == "0":
        return None
    source = source_of(face)
    if source is None:
        return None
    path, index = source
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    key = f"{path}|{index}|{stat.st_size}|{stat.st_mtime_ns}|{CHARSET_VERSION}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    directory = Path(settings.VAR_DIR) / "fonts"
    target = directory / f"{face.role}-{digest}.font"
    if target.is_file():
        return target
    data = _subset(path, index, charset())
    if not data:
        return None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(target)  # atomic: concurrent first renders both write the same bytes
    except OSError:
        return None  # a read-only var directory: render from the full faces, only slower
    return target
