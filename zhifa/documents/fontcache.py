"""Compact copies of the document faces, so each PDF subsets a small font instead of a huge one.

A CJK face holds 30,000–65,000 glyphs (Noto CJK: 20 MB, four languages). WeasyPrint subsets every
face it uses anew for every PDF, and with faces that size the subsetting, not the layout, is most
of a render. The first render in a process therefore makes, once per face, a compact copy holding
the GB 2312 characters (all of 6,763 hanzi and its symbols) plus ASCII and the common punctuation
with HarfBuzz's subsetter, and keeps it in ``VAR_DIR/fonts``. The stylesheet lists the compact copy
first and the full face second, so a rare character (a 生僻字 in a name) still prints, from the
full face. Both are the same design; the PDF embeds whichever glyphs it used.
"""

from __future__ import annotations

import ctypes.util
import functools
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

from zhifa.documents.layout import Face

CHARSET_VERSION = "gb2312-1"


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


@functools.cache
def _harfbuzz() -> tuple[object, object, object] | None:
    try:
        from cffi import FFI
    except ImportError:  # pragma: no cover - cffi comes with WeasyPrint
        return None
    ffi = FFI()
    ffi.cdef(
        """
        typedef struct hb_blob_t hb_blob_t;
        typedef struct hb_face_t hb_face_t;
        typedef struct hb_set_t hb_set_t;
        typedef struct hb_subset_input_t hb_subset_input_t;
        hb_blob_t *hb_blob_create_from_file_or_fail (const char *file_name);
        void hb_blob_destroy (hb_blob_t *blob);
        const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
        hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
        void hb_face_destroy (hb_face_t *face);
        hb_blob_t *hb_face_reference_blob (hb_face_t *face);
        void hb_set_add (hb_set_t *set, uint32_t codepoint);
        hb_subset_input_t *hb_subset_input_create_or_fail (void);
        void hb_subset_input_destroy (hb_subset_input_t *input);
        hb_set_t *hb_subset_input_unicode_set (hb_subset_input_t *input);
        hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
        """
    )
    names = {"harfbuzz": "libharfbuzz.so.0", "harfbuzz-subset": "libharfbuzz-subset.so.0"}
    try:
        libs = [ffi.dlopen(ctypes.util.find_library(n) or soname) for n, soname in names.items()]
    except OSError:
        return None
    return ffi, libs[0], libs[1]


def _subset(path: str, index: int, codes: tuple[int, ...]) -> bytes | None:
    loaded = _harfbuzz()
    if loaded is None:
        return None
    ffi, hb, hbs = loaded
    blob = hb.hb_blob_create_from_file_or_fail(os.fsencode(path))  # type: ignore[attr-defined]
    if blob == ffi.NULL:  # type: ignore[attr-defined]
        return None
    face = hb.hb_face_create(blob, index)  # type: ignore[attr-defined]
    subset_input = hbs.hb_subset_input_create_or_fail()  # type: ignore[attr-defined]
    unicodes = hbs.hb_subset_input_unicode_set(subset_input)  # type: ignore[attr-defined]
    for code in codes:
        hb.hb_set_add(unicodes, code)  # type: ignore[attr-defined]
    result = hbs.hb_subset_or_fail(face, subset_input)  # type: ignore[attr-defined]
    data = None
    if result != ffi.NULL:  # type: ignore[attr-defined]
        out = hb.hb_face_reference_blob(result)  # type: ignore[attr-defined]
        length = ffi.new("unsigned int *")  # type: ignore[attr-defined]
        pointer = hb.hb_blob_get_data(out, length)  # type: ignore[attr-defined]
        data = bytes(ffi.buffer(pointer, length[0])) if length[0] else None  # type: ignore[attr-defined]
        hb.hb_blob_destroy(out)  # type: ignore[attr-defined]
        hb.hb_face_destroy(result)  # type: ignore[attr-defined]
    hbs.hb_subset_input_destroy(subset_input)  # type: ignore[attr-defined]
    hb.hb_face_destroy(face)  # type: ignore[attr-defined]
    hb.hb_blob_destroy(blob)  # type: ignore[attr-defined]
    return data


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
