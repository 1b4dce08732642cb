"""Files people upload: one size limit, an allow-list of types checked by extension and by content.

Every file field and file endpoint checks its upload here (``check_upload`` or the form field
``UploadField``): evidence photos and documents, scanned delivery receipts, files handed in for
verification, import files. The limit is ``ZHIFA_UPLOAD_MAX_MB`` unless a caller gives its own;
a type is accepted only when both the extension and the first bytes (the "magic number", or for
zip-based formats the part that names the format) agree. Nothing here reads a file whole: the
checks read its first bytes or a zip's directory, and digests go through ``chunks()``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings

from zhifa.core.textinput import problem

MB = 1024 * 1024
_HEAD = 16


def _zip_holding(part: str) -> Callable[[Any, bytes], bool]:
    def matches(upload: Any, head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            upload.seek(0)
            with zipfile.ZipFile(upload) as archive:  # reads the central directory only
                return part in archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return False
        finally:
            upload.seek(0)

    return matches


def _starts_with(*magic: bytes) -> Callable[[Any, bytes], bool]:
    return lambda upload, head: head.startswith(magic)


@dataclass(frozen=True)
class FileType:
    label: str
    extensions: tuple[str, ...]
    matches: Callable[[Any, bytes], bool]


PDF = FileType("PDF 文件", (".pdf",), _starts_with(b"%PDF-"))
JPEG = FileType("JPG 图片", (".jpg", ".jpeg"), _starts_with(b"\xff\xd8"))
PNG = FileType("PNG 图片", (".png",), _starts_with(b"\x89PNG\r\n\x1a\n"))
DOCX = FileType("Word 文档", (".docx",), _zip_holding("word/document.xml"))
XLSX = FileType("Excel 表格", (".xlsx",), _zip_holding("xl/workbook.xml"))
OFD = FileType("OFD 文件", (".ofd",), _zip_holding("OFD.xml"))
# Import files: macro-enabled workbooks are read as data only (zhifa/core/tabular.py).
SPREADSHEET = FileType("Excel 表格", (".xlsx", ".xlsm"), _zip_holding("xl/workbook.xml"))
CSV = FileType("CSV 文件", (".csv",), lambda upload, head: b"\x00" not in head)

# What each kind of upload may be.
EVIDENCE = (JPEG, PNG, PDF, DOCX, XLSX, OFD)
RECEIPT = (PDF, JPEG, PNG, OFD)
VERIFIABLE = (PDF, DOCX)
IMPORT = (SPREADSHEET, CSV)


class UploadError(ValueError):
    """An upload refused; ``str(error)`` is the Chinese reason, naming the file."""


def max_upload_bytes() -> int:
    return int(settings.ZHIFA_UPLOAD_MAX_MB) * MB


def _size(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{max(1, size // 1024)} KB"


def _allowed(types: Sequence[FileType]) -> str:
    return "、".join(f"{t.label}（{'/'.join(t.extensions)}）" for t in types)


def check_upload(
    upload: Any, *, types: Sequence[FileType], label: str, max_bytes: int | None = None
) -> FileType:
    """The type of ``upload`` if it may be accepted as ``label``; UploadError otherwise."""
    name = PurePath(getattr(upload, "name", "") or "").name
    if problem(name):
        raise UploadError(f"{label}的文件名含有不可见的控制字符或换行，请将文件改名后重新上传。")
    shown = name[:60] or "未命名文件"
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    size = int(getattr(upload, "size", 0) or 0)
    if size == 0:
        raise UploadError(f"{label}“{shown}”是空文件，请重新选择。")
    if size > limit:
        raise UploadError(
            f"{label}“{shown}”有 {_size(size)}，超过 {_size(limit)} 的上限，"
            "请压缩或拆分后重新上传。"
        )
    suffix = PurePath(name).suffix.lower()
    kind = next((t for t in types if suffix in t.extensions), None)
    if kind is None:
        raise UploadError(
            f"{label}“{shown}”的类型（{suffix or '无扩展名'}）不受支持，只接受 {_allowed(types)}。"
        )
    upload.seek(0)
    head = upload.read(_HEAD)
    upload.seek(0)
    if not kind.matches(upload, head):
        raise UploadError(
            f"{label}“{shown}”的内容不是 {kind.label}（扩展名与文件内容不符），"
            f"请上传真实的 {kind.label}。"
        )
    return kind


def chunks(upload: Any) -> Iterator[bytes]:
    """The upload's content in pieces, from the start, leaving it at the start again."""
    upload.seek(0)
    if hasattr(upload, "chunks"):
        yield from upload.chunks()
    else:
        while piece := upload.read(64 * 1024):
            yield piece
    upload.seek(0)


class UploadField(forms.FileField):
    """A file field that checks its upload with ``check_upload`` (one file)."""

    def __init__(
        self, *, types: Sequence[FileType], max_bytes: int | None = None, **kwargs: Any
    ) -> None:
        self.types = tuple(types)
        self.max_bytes = max_bytes
        super().__init__(**kwargs)

    def check(self, upload: Any) -> Any:
        if upload:
            try:
                check_upload(
                    upload,
                    types=self.types,
                    label=str(self.label or "文件"),
                    max_bytes=self.max_bytes,
                )
            except UploadError as error:
                raise forms.ValidationError(str(error), code="upload") from None
        return upload

    def clean(self, data: Any, initial: Any = None) -> Any:
        return self.check(super().clean(data, initial))
