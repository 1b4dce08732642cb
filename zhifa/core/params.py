"""Numbers a request carries (a year, a page, a list of ids), checked before they reach a query.

A number Python takes happily can still be one no database column holds (``page`` of twenty
digits, ``year=-58``): every list endpoint and batch request reads its numbers through these
helpers, so that such a request is answered 400 with a Chinese reason instead of 500.
``ParamError`` becomes that 400 in the API (zhifa/api.py) and on pages (zhifa.web.middleware).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja.pagination import PageNumberPagination

YEAR_MIN = 2000
YEAR_MAX = 2100
# 25 rows a page reach 25 million rows: far beyond any list, far below what a 64-bit OFFSET holds.
PAGE_MAX = 1_000_000
# Primary keys are 64-bit (BigAutoField).
ID_MAX = 2**63 - 1


class ParamError(ValueError):
    """A request parameter out of range; ``str(error)`` is the Chinese reason (answered 400)."""


def year(value: int | None, *, name: str = "year") -> int | None:
    """``value`` when it is a year the platform can hold (or None when not given)."""
    if value is not None and not YEAR_MIN <= value <= YEAR_MAX:
        raise ParamError(
            f"参数 {name} 的取值“{value}”无效，请填写 {YEAR_MIN}–{YEAR_MAX} 之间的年度。"
        )
    return value


def page(value: int, *, name: str = "page") -> int:
    if not 1 <= value <= PAGE_MAX:
        raise ParamError(f"参数 {name} 的取值“{value}”无效，页码应为 1–{PAGE_MAX} 之间的整数。")
    return value


def ids(values: Iterable[int], *, name: str) -> list[int]:
    """The ids in the order given, each once; refuses one no database column can hold (an id
    that merely does not exist, 0 or -1 included, is the caller's "not found")."""
    wanted: list[int] = []
    for value in values:
        if not -ID_MAX - 1 <= value <= ID_MAX:
            raise ParamError(
                f"参数 {name} 中的编号“{value}”无效，超出了编号的取值范围（不超过 {ID_MAX}）。"
            )
        if value not in wanted:
            wanted.append(value)
    return wanted


def one_id(value: int | None, *, name: str) -> int | None:
    """An optional single id (None when not given)."""
    return None if value is None else ids([value], name=name)[0]


def is_digits(text: str) -> bool:
    """Only the ASCII digits 0–9: ``str.isdigit`` also takes "²" and "٣", which ``int`` refuses
    or reads as another number."""
    return text.isascii() and text.isdigit()


def page_from_text(raw: str | None) -> int:
    """A page number typed into a page's address, the way Django's ``Paginator.get_page``
    takes one: anything that is not a page number is page 1, a huge one the last page there is."""
    text = (raw or "").strip()
    if not is_digits(text) or int(text) < 1:
        return 1
    return min(int(text), PAGE_MAX)


def int_from_text(raw: str | None, *, name: str, minimum: int, maximum: int) -> int | None:
    """A whole number typed into a query string (None when blank), within the bounds."""
    text = (raw or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 20:
        raise ParamError(f"参数 {name} 的取值“{text[:30]}”无效，应为整数。")
    value = int(text)
    if not minimum <= value <= maximum:
        raise ParamError(f"参数 {name} 的取值“{value}”无效，应为 {minimum}–{maximum} 之间的整数。")
    return value


class Pagination(PageNumberPagination):
    """django-ninja's page-number pagination with the page number checked first."""

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: PageNumberPagination.Input,
        request: HttpRequest,
        **params: Any,
    ) -> Any:
        page(pagination.page)
        return super().paginate_queryset(queryset, pagination, request, **params)
