"""Whether the configured document faces are installed and can draw a given text.

WeasyPrint never refuses a text: a face that fontconfig does not know is silently replaced by
whatever it has (on a bare Debian, DejaVu, which has no hanzi: every character of the document
prints as a .notdef box), and with no font reachable at all Pango crashes the process. An official
document once issued keeps its 文号, SM3 and 核验码 for good, so the faces and the characters are
checked before anything is numbered or laid out (``issue_document``, ``html_to_pdf``, ``zhifa demo
load``, ``zhifa check``).

Each configured face is resolved to its file as ``fontcache.source_of`` does (the configured file,
or fontconfig's match for the family, refused when fontconfig substitutes another family), and its
character map is read once per process with fontTools. A character passes when any configured
face maps it: a rare character (a 生僻字 in a name) that only the full face holds still prints, as
the stylesheet falls back from the compact GB 2312 copy to the full face.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from zhifa.documents import fontcache, layout


@dataclass(frozen=True)
class ResolvedFace:
    """A configured face found on this machine: its file, face index and the code points it maps."""

    face: layout.Face
    path: str
    index: int
    codepoints: frozenset[int]


# Only faces that were found are kept: once an administrator installs a missing face, the next
# check finds it without a restart.
_resolved: dict[layout.Face, ResolvedFace] = {}
_coverage: dict[tuple[layout.Face, ...], frozenset[int]] = {}
_lock = threading.Lock()


def reset() -> None:
    """Forget the faces found so far (after the font settings or the installed fonts change)."""
    with _lock:
        _resolved.clear()
        _coverage.clear()


def _read_cmap(path: str, index: int) -> frozenset[int] | None:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            cmap = font.getBestCmap()
    except Exception:  # fontTools raises many kinds of error for a file that is not a font
        return None
    return frozenset(cmap) if cmap else None


def resolve(face: layout.Face) -> ResolvedFace | None:
    """The file and character map of ``face`` on this machine; None when it is not there."""
    found = _resolved.get(face)
    if found is not None:
        return found
    source = fontcache.source_of(face)
    if source is None:
        return None
    path, index = source
    codepoints = _read_cmap(path, index)
    if codepoints is None:
        return None
    found = ResolvedFace(face, path, index, codepoints)
    with _lock:
        _resolved[face] = found
    return found


def _problem(face: layout.Face) -> str:
    label = layout.ROLE_NAMES[face.role]
    if face.file:
        if not Path(face.file).is_file():
            return f"{label}字体文件不存在：{face.file}"
        return f"{label}字体文件无法读取或不是字体文件：{face.file}"
    return f"未安装{label}字体“{face.family}”"


def font_problems() -> list[str]:
    """The configured faces this machine cannot supply, in Chinese; [] when all are present."""
    faces = layout.fonts().values()
    if any(not face.file for face in faces) and not fontcache.fc_match_available():
        return ["未找到 fontconfig（fc-match），无法确认文书字体是否安装。"]
    return [_problem(face) for face in faces if resolve(face) is None]


def resolved_faces() -> dict[str, ResolvedFace | None]:
    """Each role's face as found on this machine (None: missing), for ``zhifa check``."""
    return {role: resolve(face) for role, face in layout.fonts().items()}


def coverage() -> frozenset[int]:
    """Every code point some configured face maps (the faces found; missing ones add nothing)."""
    key = tuple(layout.fonts().values())
    found = _coverage.get(key)
    if found is not None:
        return found
    union: set[int] = set()
    resolved = [resolve(face) for face in key]
    for one in resolved:
        if one is not None:
            union |= one.codepoints
    found = frozenset(union)
    if all(one is not None for one in resolved):
        with _lock:
            _coverage[key] = found
    return found


def _needs_glyph(char: str) -> bool:
    """False for what is laid out without a glyph: spaces, line breaks, format characters
    (zero-width space, soft hyphen …) and variation selectors."""
    if char.isspace():
        return False
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
        return False
    return unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp", "Zs")


def undrawable(text: str) -> list[str]:
    """The distinct characters of ``text`` no configured face can draw, in order of appearance."""
    covered = coverage()
    missing: dict[str, None] = {}
    for char in set(text):
        if ord(char) not in covered and _needs_glyph(char):
            missing[char] = None
    return sorted(missing, key=text.index)


def describe(char: str) -> str:
    """``“𓀀”（U+13000）``: the character and its code point, which names it when it is invisible."""
    return f"“{char}”（U+{ord(char):04X}）"


def undrawable_problems(texts: Mapping[str, str | Iterable[str]]) -> list[str]:
    """For each labelled text (label → text), the characters no configured face can draw:
    ``["受文者名称中的“𓀀”（U+13000）"]``; [] when every character can be drawn."""
    problems = []
    for label, value in texts.items():
        text = value if isinstance(value, str) else "".join(value)
        chars = undrawable(text)
        if chars:
            problems.append(f"{label}中的{'、'.join(describe(c) for c in chars)}")
    return problems
