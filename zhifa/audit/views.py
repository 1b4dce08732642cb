"""Pages of the audit chain: the record list, a record with its before/after, chain checking.

Open to 执法监督人员 (records of their region subtree) and 系统管理员 (everything).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from zhifa.audit import selectors
from zhifa.audit.forms import RecordFilterForm
from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.core.access import NOT_FOUND, requires
from zhifa.core.exports import local_time, xlsx_response

EXPORT_LIMIT = 100_000


@login_required
@requires("audit.view")
@require_GET
def record_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = RecordFilterForm(request.GET or None, user=user)
    records = selectors.records_for(user, **form.filters())
    if request.GET.get("export") == "xlsx":
        return _export(records)
    records = records.select_related("actor__organisation", "actor__enterprise")
    page = Paginator(records, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/record_list.html",
        {"form": form, "page": page, "total": page.paginator.count},
    )


@login_required
# Whether one may open the chain at all does not depend on the record: asked first, so a
# user without the capability reads why (403) whichever record he names.
@requires("audit.view", AuditRecord, kwarg="seq", field="seq")
@require_GET
def record_detail(request: HttpRequest, seq: int) -> HttpResponse:
    user = request.user
    visible = AuditRecord.objects.restrict(user)
    record = visible.filter(seq=seq).first()
    if record is None:
        raise Http404(NOT_FOUND)
    return render(
        request,
        "audit/record_detail.html",
        {
            "record": record,
            "rows": selectors.diff_rows(record),
            "object_type_label": selectors.object_type_label(record.object_type),
            "previous": visible.filter(seq__lt=seq).order_by("-seq").first(),
            "next": visible.filter(seq__gt=seq).order_by("seq").first(),
        },
    )


@login_required
@requires("audit.view")
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    """Check the whole chain; htmx swaps in the result, a plain form post gets a page."""
    report = verify_chain()
    broken_visible = (
        report.broken_seq is not None
        and AuditRecord.objects.restrict(request.user).filter(seq=report.broken_seq).exists()
    )
    context = {"report": report, "checked_at": timezone.now(), "broken_visible": broken_visible}
    template = (
        "audit/_chain_status.html" if request.headers.get("HX-Request") else "audit/verify.html"
    )
    return render(request, template, context)


def _export(records: QuerySet[AuditRecord]) -> HttpResponse:
    def rows() -> Iterator[Sequence[Any]]:
        chosen = records.select_related("actor__organisation", "actor__enterprise")[:EXPORT_LIMIT]
        for r in chosen.iterator(chunk_size=2000):
            yield (
                [
                    r.seq,
                    local_time(r.at),
                    r.actor_name,
                    r.action_name,
                    selectors.object_type_name(r.object_type),
                    r.object_id,
                    r.summary,
                    r.hash,
                ]
            )

    return xlsx_response(
        "审计记录",
        ["序号", "时间", "操作人", "操作", "对象类型", "对象标识", "摘要", "本记录摘要"],
        rows(),
    )
