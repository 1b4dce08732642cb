"""Read-side queries of documents and their numbers; every list starts from
``Model.objects.restrict(user)``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zhifa.documents import rules
from zhifa.documents.models import (
    BatchStatus,
    Delivery,
    DeliveryMethod,
    Document,
    DocumentBatch,
    DocumentBatchItem,
    DocumentKind,
    DocumentNumber,
    DocumentStatus,
    ProhibitionsVersion,
    received_condition,
)
from zhifa.documents.prohibitions import shipped_sections
from zhifa.org.models import Organisation
from zhifa.org.scoping import get_visible_or_404


def numbers_for(
    user: Any,
    *,
    q: str = "",
    kind: DocumentKind | None = None,
    year: int | None = None,
    status: str = "",
    organisation: Organisation | None = None,
) -> QuerySet[DocumentNumber]:
    qs = DocumentNumber.objects.restrict(user)
    q = q.strip()
    if q:
        qs = qs.filter(text__icontains=q)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if year is not None:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.select_related("organisation", "kind", "reserved_by").order_by(
        "-year", "organisation__name", "kind__sort_order", "-number"
    )


def organisations_with_numbers(user: Any) -> QuerySet[Organisation]:
    """Choices for the organisation filter: visible organisations that have issued numbers."""
    visible = DocumentNumber.objects.restrict(user)
    return Organisation.objects.filter(
        pk__in=visible.values("organisation_id").distinct()
    ).order_by("region_id", "name")


def years_in_use(user: Any) -> list[int]:
    visible = DocumentNumber.objects.restrict(user)
    return list(visible.order_by("-year").values_list("year", flat=True).distinct())


# --- 五个严禁 / 八个不得 ------------------------------------------------------------------------


def current_prohibitions_version(on: dt.date | None = None) -> ProhibitionsVersion | None:
    on = on or timezone.localdate()
    return (
        ProhibitionsVersion.objects.filter(effective_from__lte=on)
        .order_by("-effective_from", "-pk")
        .first()
    )


def current_prohibitions(on: dt.date | None = None) -> list[dict[str, Any]]:
    """The sections ``[{"title": …, "items": […]}]`` in force on ``on`` (default today), as
    printed on the back page of inspection documents.

    With no version in the database (a flushed test database) the data file is read, so an
    inspection document never goes out without them.
    """
    on = on or timezone.localdate()
    version = current_prohibitions_version(on)
    if version is not None:
        return [dict(section) for section in version.sections]
    if ProhibitionsVersion.objects.exists():
        return []
    return shipped_sections(on)


# --- Documents --------------------------------------------------------------------------------

RECEIVED_STATUSES = (DocumentStatus.DELIVERED, DocumentStatus.ARCHIVED)


def documents_visible(user: Any) -> QuerySet[Document]:
    """Every document ``user`` may open (``Document.objects.restrict``, which says how)."""
    return Document.objects.restrict(user)


FILE_TYPES: dict[str, tuple[str, str, str]] = {
    "pdf": ("pdf_file", "application/pdf", ".pdf"),
    "docx": (
        "docx_file",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
}


def document_file(document: Document, fmt: str) -> tuple[str, str, str]:
    """(storage name, download name, content type) of the issued document's ``fmt`` file; 404
    for an unknown format or a draft."""
    if fmt not in FILE_TYPES:
        raise Http404("没有这种文件格式，可下载 pdf 或 docx。")
    attribute, content_type, suffix = FILE_TYPES[fmt]
    stored = getattr(document, attribute)
    if not stored.name:
        raise Http404("该文书尚未签发，没有可下载的文件。")
    return stored.name, f"{document.number_text or document.title}{suffix}", content_type


def document_for(user: Any, pk: int) -> Document:
    """The document ``pk`` if ``user`` may see it, else 404 (never 403)."""
    found = (
        documents_visible(user)
        .select_related(
            "kind",
            "organisation",
            "region",
            "recipient_enterprise",
            "recipient_organisation",
            "number",
            "created_by",
            "issued_by",
            "archived_by",
            "voided_by__number",
            "corrects__number",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("未找到该文书，或您无权查看。")
    return found


def documents_for(
    user: Any,
    *,
    q: str = "",
    kind: DocumentKind | None = None,
    status: str = "",
    year: int | None = None,
) -> QuerySet[Document]:
    qs = documents_visible(user)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(number__text__icontains=q)
            | Q(recipient_name__icontains=q)
            | Q(title__icontains=q)
            | Q(verification_code=q.upper())
        )
    if kind is not None:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if year is not None:
        qs = qs.filter(Q(issue_date__year=year) | Q(issue_date__isnull=True, created_at__year=year))
    return qs.select_related("kind", "organisation", "number", "voided_by__number").order_by(
        "-created_at", "-pk"
    )


def received_documents(user: Any) -> QuerySet[Document]:
    """What the user's enterprise or organisation received (the portal's inbox)."""
    qs = Document.objects.none()
    if user.is_enterprise_user:
        qs = Document.objects.filter(recipient_enterprise_id=user.enterprise_id)
    else:
        organisations = rules.recipient_organisations(user)
        if organisations:
            qs = Document.objects.filter(recipient_organisation_id__in=organisations)
    return (
        qs.filter(received_condition())
        .distinct()
        .select_related("kind", "organisation", "number")
        .order_by("-issued_at", "-pk")
    )


def pending_portal_delivery(document: Document) -> Delivery | None:
    return document.deliveries.filter(
        method=DeliveryMethod.PORTAL, confirmed_at__isnull=True
    ).first()


def document_years(user: Any) -> list[int]:
    visible = documents_visible(user)
    years = {d.year for d in visible.dates("created_at", "year")}
    years |= {d.year for d in visible.exclude(issue_date=None).dates("issue_date", "year")}
    return sorted(years, reverse=True)


def document_by_code(code: str) -> Document | None:
    """The issued document carrying verification ``code`` (case-insensitive), for the public."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return (
        Document.objects.exclude(status=DocumentStatus.DRAFT)
        .select_related("kind", "organisation", "number", "voided_by__number")
        .filter(verification_code=code)
        .first()
    )


# --- Public verification ----------------------------------------------------------------------

ORGANISATION_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "委员会",
    "合作社",
    "事务所",
    "公司",
    "中心",
    "医院",
    "学校",
    "商行",
    "局",
    "厂",
    "店",
    "馆",
    "所",
    "部",
    "院",
)


def mask_name(name: str, *, is_person: bool | None = None) -> str:
    """A recipient as the public page shows it: 舟山海之味餐饮有限公司 → 舟山***有限公司,
    a person's name 王小明 → 王**."""
    name = (name or "").strip()
    if not name:
        return ""
    suffix = next((s for s in ORGANISATION_SUFFIXES if name.endswith(s)), "")
    if is_person is None:
        is_person = not suffix and len(name) <= 4
    if is_person:
        return name[0] + "*" * max(len(name) - 1, 1)
    if not suffix:
        suffix = name[-2:] if len(name) > 4 else ""
    head = name[:2]
    if len(name) <= len(head) + len(suffix):
        return head[:1] + "***" + suffix
    return head + "***" + suffix


def masked_recipient(document: Document) -> str:
    is_org = document.recipient_enterprise_id is not None or bool(
        document.recipient_organisation_id
    )
    return mask_name(document.recipient_name, is_person=False if is_org else None)


# --- Batches (批量签发) -------------------------------------------------------------------------


def batches_for(user: Any, *, status: str = "") -> QuerySet[DocumentBatch]:
    qs = DocumentBatch.objects.restrict(user)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("organisation", "kind", "created_by").order_by("-created_at", "-pk")


def batch_for(user: Any, pk: int) -> DocumentBatch:
    """The batch ``pk`` if ``user`` may see it, else 404 (never 403)."""
    return get_visible_or_404(
        user, DocumentBatch.objects.select_related("organisation", "kind", "created_by"), pk=pk
    )


def batch_items(batch: DocumentBatch, *, status: str = "") -> QuerySet[DocumentBatchItem]:
    qs = batch.items.all()
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("document__kind", "document__number").order_by("position")


def unfinished_batches() -> QuerySet[DocumentBatch]:
    """Every batch still queued or running, whoever made it (for ``zhifa check``)."""
    return DocumentBatch.objects.filter(status__in=(BatchStatus.QUEUED, BatchStatus.RUNNING))


def stalled_batches(*, now: dt.datetime, stale_after: dt.timedelta) -> QuerySet[DocumentBatch]:
    """Unfinished batches no worker has moved for ``stale_after``: queued that long, or running
    with no progress that long. ``zhifa documents run-batches`` takes them up."""
    cutoff = now - stale_after
    return unfinished_batches().filter(
        Q(status=BatchStatus.QUEUED, created_at__lt=cutoff)
        | Q(status=BatchStatus.RUNNING, heartbeat_at__lt=cutoff)
        | Q(status=BatchStatus.RUNNING, heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
