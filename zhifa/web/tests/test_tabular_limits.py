"""The shared import reader (zhifa.core.tabular) refuses what no real import file holds — an .xlsx
inflating past the limit, a cell longer than Excel allows, a sheet that breaks off — with a
Chinese reason instead of running out of memory or answering 500."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from zhifa.core.tabular import ImportFileError, read_table

REFUSED = (
    "，不像是正常的导入文件，已拒绝读取。请只保留要导入的数据，另存为新的 .xlsx 文件后再导入。"
)


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_cell_text(content: bytes, placeholder: str, text: str) -> bytes:
    """``content`` with ``placeholder`` in the sheet replaced by ``text`` (openpyxl itself cuts
    what it writes to 32,767 characters, so longer cells are put in by hand)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(placeholder.encode(), text.encode())
            archive.writestr(info.filename, data)
    return buffer.getvalue()


def read(name: str, content: bytes) -> list[tuple[int, list[str]]]:
    return list(read_table(name, content))


def test_an_ordinary_file_reads_as_before():
    assert read("a.xlsx", xlsx([["名称"], ["舟山海鲜酒楼有限公司"]])) == [
        (1, ["名称"]),
        (2, ["舟山海鲜酒楼有限公司"]),
    ]


def test_a_file_inflating_past_the_configured_limit_is_refused_unopened(settings):
    settings.ZHIFA_IMPORT_MAX_UNZIPPED_MB = 1
    content = xlsx([["名称"]] + [[f"舟山测试企业{n}有限公司"] for n in range(20_000)])
    with pytest.raises(ImportFileError) as refused:
        read("a.xlsx", content)
    assert str(refused.value) == "该 Excel 文件中有一部分解压后有 3 MB，超过 1 MB 的上限" + REFUSED


def test_a_stretch_of_text_no_cell_can_hold_is_refused_before_parsing():
    content = with_cell_text(xlsx([["名称"], ["LONGTEXT"]]), "LONGTEXT", "A" * 700_000)
    with pytest.raises(ImportFileError) as refused:
        read("a.xlsx", content)
    assert str(refused.value) == (
        "该 Excel 文件中有单元格的内容超过 32767 个字符（Excel 单元格的上限）" + REFUSED
    )


def test_a_cell_longer_than_excel_allows_is_refused_naming_row_and_column():
    content = with_cell_text(
        xlsx([["名称", "住所"], ["舟山海鲜酒楼有限公司", "LONGTEXT"]]), "LONGTEXT", "舟" * 40_000
    )
    with pytest.raises(ImportFileError) as refused:
        read("a.xlsx", content)
    assert str(refused.value) == (
        "第 2 行第 2 列（B 列）有 40000 个字符，超过单元格上限 32767 个字符，请缩短后重新导入。"
    )


def test_a_csv_cell_longer_than_excel_allows_is_refused_naming_row_and_column():
    content = ("名称,住所\n舟山海鲜酒楼有限公司," + "舟" * 40_000 + "\n").encode()
    with pytest.raises(ImportFileError) as refused:
        read("a.csv", content)
    assert str(refused.value) == (
        "第 2 行第 2 列（B 列）有 40000 个字符，超过单元格上限 32767 个字符，请缩短后重新导入。"
    )


def test_a_csv_field_beyond_the_csv_modules_limit_is_refused_in_chinese():
    content = ('名称\n"' + "舟" * 200_000 + '"\n').encode()
    with pytest.raises(ImportFileError) as refused:
        read("a.csv", content)
    assert str(refused.value) == (
        "CSV 文件第 2 行附近有单元格的内容超过 32767 个字符（Excel 单元格的上限），"
        "请检查引号是否成对，或缩短后重新导入。"
    )


def test_a_sheet_that_breaks_off_midway_is_a_corrupt_file_not_a_crash():
    good = zipfile.ZipFile(io.BytesIO(xlsx([["名称"], ["甲"], ["乙"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in good.infolist():
            data = good.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b"</row>") + 6] + b'<row r="2"><c r="A2" t="inl'
            archive.writestr(info.filename, data)
    with pytest.raises(ImportFileError) as refused:
        read("a.xlsx", buffer.getvalue())
    assert str(refused.value) == (
        "无法读取该 Excel 文件：文件已损坏或不是 .xlsx 格式。请用 Excel 打开后另存为 .xlsx 再导入。"
    )
