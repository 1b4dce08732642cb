"""Pages of document numbers. Thin: scope, validate, render."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhifa.documents import selectors
from zhifa.documents.forms import NumberFilterForm
from zhifa.documents.models import DocumentNumber
from zhifa.org.models import Role
from zhifa.org.scoping import require_role
from zhifa.web.exports import local_time, xlsx_response

NUMBER_ROLES = (*Role.agency_roles(), Role.SUPERVISOR)
NUMBER_ROLES_MESSAGE = "文号台账仅限执法机关工作人员、执法监督人员和系统管理员查看。"


@login_required
@require_GET
def number_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_role(user, *NUMBER_ROLES, message=NUMBER_ROLES_MESSAGE)
    form = NumberFilterForm(request.GET or None, user=user)
    numbers = selectors.numbers_for(user, **form.filters())
    if request.GET.get("export") == "xlsx":
        return _export(numbers)
    page = Paginator(numbers, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/number_list.html",
        {"form": form, "page": page, "total": page.paginator.count},
    )


def _export(numbers: QuerySet[DocumentNumber]) -> HttpResponse:
    def rows() -> Iterator[Sequence[Any]]:
        for n in numbers.iterator(chunk_size=2000):
            yield (
                [
                    n.text,
                    n.organisation.name,
                    n.kind.name,
                    n.year,
                    n.number,
                    n.get_status_display(),
                    local_time(n.reserved_at),
                    str(n.reserved_by) if n.reserved_by else "",
                    local_time(n.used_at),
                    local_time(n.voided_at),
                    n.void_reason,
                    n.used_by_label,
                ]
            )

    return xlsx_response(
        "文号台账",
        [
            "文号",
            "机构",
            "文书种类",
            "年度",
            "序号",
            "状态",
            "预留时间",
            "预留人",
            "使用时间",
            "作废时间",
            "作废原因",
            "使用文书",
        ],
        rows(),
    )
