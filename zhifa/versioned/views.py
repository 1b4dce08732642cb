"""Page helpers every published versioned list uses: the public object or 404, the .xlsx
export that imports back, the blank import template (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import models
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from zhifa.core.exports import XLSX_TYPE, xlsx_response

M = TypeVar("M", bound=models.Model)


def public_or_404(rows: models.QuerySet[M], pk: int, message: str) -> M:
    """A row of ``rows`` (the app's published ones); 404 with ``message`` when there is none,
    so that a draft's existence does not leak to the public."""
    found = rows.filter(pk=pk).first()
    if found is None:
        raise Http404(message)
    return found


def export(
    title: str, headers: Sequence[str], items: models.QuerySet[M], row: Callable[[M], Sequence[Any]]
) -> HttpResponse:
    """``items`` as .xlsx with the import file's headers, so that the export imports back."""

    def rows() -> Iterator[Sequence[Any]]:
        for item in items.iterator(chunk_size=1000):
            yield row(item)

    return xlsx_response(title, list(headers), rows())


def template(content: bytes, file_name: str) -> HttpResponse:
    """The blank import workbook as a download."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, file_name) or ""
    return response
