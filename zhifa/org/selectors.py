"""Read-side queries of organisations and officers, shared by pages, exports and the API.

Every function starts from ``visible_to(user, …)``: what a user cannot see never enters a list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhifa.org.models import (
    CertificateStatus,
    EnforcementField,
    Officer,
    Organisation,
    Region,
)
from zhifa.org.scoping import visible_to


class Eligibility:
    """The computed "today" filter of the officer list (not a stored field)."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"

    choices = [
        (ELIGIBLE, "今日可参与执法"),
        (INELIGIBLE, "今日不可参与执法"),
        (EXPIRED, "执法证已过期"),
        (NOT_YET_VALID, "执法证尚未生效"),
    ]


def eligible_on_q(day: dt.date) -> Q:
    """Officers whose 执法证 is valid, in force and not expired on ``day``."""
    return Q(
        cert_status=CertificateStatus.VALID,
        cert_valid_from__lte=day,
        cert_valid_until__gte=day,
    )


def eligibility_q(eligibility: str, day: dt.date) -> Q:
    if eligibility == Eligibility.ELIGIBLE:
        return eligible_on_q(day)
    if eligibility == Eligibility.INELIGIBLE:
        return ~eligible_on_q(day)
    if eligibility == Eligibility.EXPIRED:
        return Q(cert_valid_until__lt=day)
    if eligibility == Eligibility.NOT_YET_VALID:
        return Q(cert_valid_from__gt=day)
    raise ValueError(f"未知的执法资格筛选“{eligibility}”。")


def organisations_for(
    user: Any,
    *,
    q: str = "",
    kind: str = "",
    region_prefix: str = "",
) -> QuerySet[Organisation]:
    qs = visible_to(user, Organisation.objects.all())
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if region_prefix:
        qs = qs.filter(region__code__startswith=region_prefix)
    return qs.select_related("region", "parent").prefetch_related("fields")


def officers_for(
    user: Any,
    *,
    q: str = "",
    organisation_id: int | None = None,
    field_id: int | None = None,
    status: str = "",
    eligibility: str = "",
    on: dt.date | None = None,
) -> QuerySet[Officer]:
    qs = visible_to(user, Officer.objects.all())
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(cert_no__icontains=q))
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if field_id is not None:
        qs = qs.filter(fields__pk=field_id)
    if status:
        qs = qs.filter(cert_status=status)
    if eligibility:
        qs = qs.filter(eligibility_q(eligibility, on or timezone.localdate()))
    return qs.select_related("organisation").prefetch_related("fields")


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    """Choices for organisation filters: the organisations the user may see."""
    return visible_to(user, Organisation.objects.all()).select_related("region")


def fields_in_use(user: Any) -> QuerySet[EnforcementField]:
    """Enforcement fields of the organisations the user may see (all fields for admins)."""
    if user.is_admin:
        return EnforcementField.objects.all()
    return EnforcementField.objects.filter(
        organisations__in=visible_to(user, Organisation.objects.all())
    ).distinct()


def regions_with_ancestors(codes: set[str]) -> list[Region]:
    """The regions with these codes and all their ancestors, in code order, parents attached."""
    found: dict[str, Region] = {}
    pending = set(codes)
    while pending:
        batch = Region.objects.filter(code__in=pending)
        pending = set()
        for region in batch:
            found[region.code] = region
            if region.parent_id and region.parent_id not in found:
                pending.add(region.parent_id)
    regions = sorted(found.values(), key=lambda r: r.code)
    for region in regions:
        # full_name walks parents; give it the ones already loaded instead of a query each.
        if region.parent_id:
            region.parent = found[region.parent_id]
    return regions


def regions_of_visible_organisations(user: Any) -> list[Region]:
    """The regions the user's organisations lie in, with their ancestors, in code order."""
    codes = set(
        visible_to(user, Organisation.objects.all()).values_list("region_id", flat=True).distinct()
    )
    return regions_with_ancestors(codes)
