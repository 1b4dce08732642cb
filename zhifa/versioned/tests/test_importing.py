"""The shared import check: a file that cannot be read is one file error, nothing else."""

from __future__ import annotations

from zhifa.core.tabular import ImportFileError, RowError
from zhifa.versioned.importing import ImportReport, ParsedItem, validate_file
from zhifa.versioned.services import ImportOutcome


def test_a_file_that_cannot_be_read_reports_only_its_file_error():
    def check(report: ImportReport, content: bytes) -> None:
        report.rows.append(ParsedItem(row=2, values={"code": "A-1"}))
        report.errors.append(RowError(3, "事项编码", "", "请填写事项编码。"))
        raise ImportFileError("无法读取该 Excel 文件。")

    report = validate_file(file_name="清单.xlsx", content=b"PK", check=check)
    assert report.file_error == "无法读取该 Excel 文件。"
    assert report.rows == []
    assert report.errors == []
    assert report.ok is False
    assert ImportOutcome(report).written is False


def test_a_clean_file_is_ok_and_names_its_rows():
    def check(report: ImportReport, content: bytes) -> None:
        report.rows.append(ParsedItem(row=2, values={"code": "A-1"}))
        report.rows.append(ParsedItem(row=4, values={"code": "A-2"}))

    report = validate_file(file_name="清单.csv", content=b"", check=check)
    assert report.ok is True
    assert report.file_error == ""
    assert report.row_count == 2
    assert [parsed.row for parsed in report.rows] == [2, 4]
    assert ImportOutcome(report).written is True


def test_one_bad_row_makes_the_whole_file_unwritable():
    def check(report: ImportReport, content: bytes) -> None:
        report.rows.append(ParsedItem(row=2, values={"code": "A-1"}))
        report.errors.append(RowError(3, "事项编码", "", "请填写事项编码。"))

    report = validate_file(file_name="清单.csv", content=b"", check=check)
    assert report.ok is False
    assert report.bad_rows == [3]
    assert ImportOutcome(report).written is False
