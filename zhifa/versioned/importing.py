"""Checking a list's spreadsheet before anything is written (see the package docstring).

The reading (headers by name, blank rows, sizes, cell text) is ``zhifa.core.tabular``'s; an app
gives the check of its rows, and ``validate_file`` turns a file that cannot be read at all into
the report's one file error, so every import reports the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from zhifa.core import tabular
from zhifa.core.tabular import ImportFileError


@dataclass
class ParsedItem:
    """One good row: its number as the person sees it (the header is row 1) and its values."""

    row: int
    values: dict[str, Any]


@dataclass
class ImportReport(tabular.ImportReport[ParsedItem]):
    pass


def validate_file(
    *, file_name: str, content: bytes, check: Callable[[ImportReport, bytes], None]
) -> ImportReport:
    """Read and check the whole file with ``check`` (which fills the report's rows and
    errors); nothing is written. A file that cannot be read leaves only its file error."""
    report = ImportReport(file_name=file_name)
    try:
        check(report, content)
    except ImportFileError as error:
        report.file_error = str(error)
        report.rows = []
        report.errors = []
    return report
