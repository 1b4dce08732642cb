"""Read-side queries of document numbers; every list starts from ``visible_to``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zhifa.documents.models import DocumentKind, DocumentNumber
from zhifa.org.models import Organisation
from zhifa.org.scoping import visible_to


def numbers_for(
    user: Any,
    *,
    q: str = "",
    kind: DocumentKind | None = None,
    year: int | None = None,
    status: str = "",
    organisation: Organisation | None = None,
) -> QuerySet[DocumentNumber]:
    qs = visible_to(user, DocumentNumber.objects.all())
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
    visible = visible_to(user, DocumentNumber.objects.all())
    return Organisation.objects.filter(
        pk__in=visible.values("organisation_id").distinct()
    ).order_by("region_id", "name")


def years_in_use(user: Any) -> list[int]:
    visible = visible_to(user, DocumentNumber.objects.all())
    return list(visible.order_by("-year").values_list("year", flat=True).distinct())
