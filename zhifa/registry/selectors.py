"""Read-side queries of the registry, shared by pages, exports and the API.

Every function starts from ``Model.objects.restrict(user)``: what a user cannot see never
enters a list.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from zhifa.org.models import Region
from zhifa.org.selectors import regions_with_ancestors
from zhifa.registry import rules
from zhifa.registry.models import Enterprise, EnterpriseImport


def region_prefix(value: str) -> str:
    """The code prefix of a region filter: a known region's subtree, else the digits given."""
    value = value.strip()
    if not value:
        return ""
    region = Region.objects.filter(code=value).first()
    return region.code_prefix if region is not None else value


def enterprises_for(
    user: Any,
    *,
    q: str = "",
    region: str = "",
    industry: str = "",
    credit_grade: str = "",
    override: bool = False,
) -> QuerySet[Enterprise]:
    """Enterprises the user may see; ``q`` matches part of the name or of the code, ``region``
    is a region code (its whole subtree) or a code prefix."""
    qs = Enterprise.objects.restrict(user)
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__icontains=q.upper()))
    prefix = region_prefix(region)
    if prefix:
        qs = qs.filter(region__code__startswith=prefix)
    if industry:
        qs = qs.filter(industry=industry)
    if credit_grade:
        qs = qs.filter(credit_grade=credit_grade)
    if override:
        qs = qs.filter(uscc_override=True)
    return qs.select_related("region", "uscc_override_by").prefetch_related("contacts")


def regions_in_use(user: Any) -> list[Region]:
    """The regions of the enterprises the user may see, with their ancestors, in code order."""
    codes = set(
        Enterprise.objects.restrict(user).order_by().values_list("region_id", flat=True).distinct()
    )
    return regions_with_ancestors(codes)


def industries_in_use(user: Any) -> list[str]:
    return list(
        Enterprise.objects.restrict(user)
        .exclude(industry="")
        .order_by("industry")
        .values_list("industry", flat=True)
        .distinct()
    )


def regions_for_registration(user: Any) -> QuerySet[Region]:
    """Regions the user may register enterprises in: the region subtrees of the organisations
    he keeps the registry for."""
    regions = rules.jurisdictions(user)
    if regions is None:
        return Region.objects.select_related("parent").order_by("code")
    condition = Q(pk__in=[])
    for region in regions:
        condition |= Q(code__startswith=region.code_prefix)
    return Region.objects.filter(condition).select_related("parent").order_by("code")


def recent_imports(user: Any, limit: int = 10) -> QuerySet[EnterpriseImport]:
    return EnterpriseImport.objects.restrict(user).select_related("created_by")[:limit]
