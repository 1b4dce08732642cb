"""Pages of document numbers. Thin: scope, validate, render."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from zhifa.documents import selectors
from zhifa.documents.forms import NumberFilterForm
from zhifa.documents.models import DocumentNumber
from zhifa.org.models import Role
from zhifa.org.scoping import require_role

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _export(numbers: QuerySet[DocumentNumber]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("文号台账")
    sheet.append(
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
        ]
    )
    for n in numbers.iterator(chunk_size=2000):
        sheet.append(
            [
                n.text,
                n.organisation.name,
                n.kind.name,
                n.year,
                n.number,
                n.get_status_display(),
                _local(n.reserved_at),
                str(n.reserved_by) if n.reserved_by else "",
                _local(n.used_at),
                _local(n.voided_at),
                n.void_reason,
                n.used_by_label,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    filename = f"文号台账-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
