"""A 1 MB .xlsx whose shared strings inflate to 1 GiB is refused before it is opened, with a
Chinese reason, and nothing is written."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhifa.registry.tests.helpers import row, xlsx_bytes

GIB = 1024**3
MIB = 1024 * 1024


def _zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip archive of (name, stored bytes, method, CRC-32, inflated size) members, written by
    hand so that a member can carry deflate data made without compressing a whole GiB."""
    out = io.BytesIO()
    central = []
    for name, data, method, crc, size in members:
        offset, encoded = out.tell(), name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
            )
        )
        out.write(encoded + data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    out.write(b"".join(central))
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0
        )
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A real enterprise import file whose xl/sharedStrings.xml holds one 1 GiB string: after a
    full flush every MiB of "A" deflates to the same bytes, so 1,024 copies of them are it."""
    good = zipfile.ZipFile(io.BytesIO(xlsx_bytes([row(1)])))
    members = [
        (info.filename, good.read(info.filename), zipfile.ZIP_STORED, info.CRC, info.file_size)
        for info in good.infolist()
    ]
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    tail = b"</t></si></sst>"
    chunk = b"A" * MIB
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [deflate.compress(head) + deflate.flush(zlib.Z_FULL_FLUSH)]
    parts += [deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)] * 1024
    parts.append(deflate.compress(tail) + deflate.flush())
    crc = zlib.crc32(head)
    for _ in range(1024):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + 1024 * MIB + len(tail)
    members.append(("xl/sharedStrings.xml", b"".join(parts), zipfile.ZIP_DEFLATED, crc, size))
    return _zip(members)


def test_the_bomb_is_a_small_file(bomb):
    info = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/sharedStrings.xml")
    assert (len(bomb) // (1024 * 1024), info.file_size // GIB) == (1, 1)


def test_the_import_page_refuses_the_bomb_unopened_and_writes_nothing(
    client_for, inspector, dinghai, counts, bomb
):
    response = client_for(inspector).post(
        reverse("registry:enterprise_import"), {"file": SimpleUploadedFile("名录.xlsx", bomb)}
    )
    assert response.status_code == 200
    assert response.context["report"].file_error == (
        "该 Excel 文件中有一部分解压后有 1024 MB，超过 200 MB 的上限，不像是正常的导入文件，"
        "已拒绝读取。请只保留要导入的数据，另存为新的 .xlsx 文件后再导入。"
    )
    assert counts() == (0, 0, 0)
