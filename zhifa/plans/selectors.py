"""Read-side queries of inspection items and plans, shared by pages, exports and the API.

Lists for signed-in users start from ``visible_to``; the public ones show published plans only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from zhifa.org.models import Organisation, Region
from zhifa.org.scoping import visible_to
from zhifa.plans.models import (
    AmendmentStatus,
    AnnualPlan,
    FrequencyPolicy,
    InspectionItem,
    PlanAmendment,
    PlanStatus,
    PlanTask,
)
from zhifa.registry.models import Enterprise


def effective_yearly_cap(region: Region | str) -> int:
    """The yearly cap on inspections of one enterprise across agencies in ``region``: the
    nearest policy up the region's ancestors, else ``ZHIFA_YEARLY_INSPECTION_CAP``."""
    current: Region | None = (
        region if isinstance(region, Region) else Region.objects.filter(code=region).first()
    )
    seen: set[str] = set()
    while current is not None and current.code not in seen:
        seen.add(current.code)
        policy = FrequencyPolicy.objects.filter(region_id=current.code).first()
        if policy is not None:
            return int(policy.yearly_cap_across_agencies)
        current = current.parent
    return int(settings.ZHIFA_YEARLY_INSPECTION_CAP)


# --- Items ------------------------------------------------------------------------------------


def items_for(
    user: Any,
    *,
    q: str = "",
    field: str = "",
    method: str = "",
    organisation: int | None = None,
    active: str = "",
) -> QuerySet[InspectionItem]:
    """Items the user may see; ``q`` matches part of the code, the name or the law."""
    qs = visible_to(user, InspectionItem.objects.all())
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(code__icontains=q) | Q(name__icontains=q) | Q(legal_basis_law__icontains=q)
        )
    if field:
        qs = qs.filter(field__code=field)
    if method:
        qs = qs.filter(method=method)
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    if active == "1":
        qs = qs.filter(is_active=True)
    elif active == "0":
        qs = qs.filter(is_active=False)
    return qs.select_related("organisation", "field")


def organisations_for_items(user: Any) -> QuerySet[Organisation]:
    """The enforcing organisations whose lists the user may see."""
    from zhifa.org.models import OrganisationKind

    return visible_to(user, Organisation.objects.filter(kind__in=OrganisationKind.enforcing()))


# --- Plans ------------------------------------------------------------------------------------


def _with_parts(qs: QuerySet[AnnualPlan]) -> QuerySet[AnnualPlan]:
    return qs.select_related("organisation__region", "created_by", "approved_by", "published_by")


def plans_for(
    user: Any, *, year: int | None = None, status: str = "", organisation: int | None = None
) -> QuerySet[AnnualPlan]:
    qs = visible_to(user, AnnualPlan.objects.all())
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    return _with_parts(qs)


def published_plans(
    *, year: int | None = None, organisation: int | None = None, region: str = ""
) -> QuerySet[AnnualPlan]:
    """Published plans, for everyone (no login)."""
    qs = AnnualPlan.objects.filter(status=PlanStatus.PUBLISHED)
    if year:
        qs = qs.filter(year=year)
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    if region:
        found = Region.objects.filter(code=region).first()
        qs = qs.filter(
            organisation__region__code__startswith=found.code_prefix if found else region
        )
    return _with_parts(qs).order_by("-year", "organisation__region_id", "organisation__name")


def published_years() -> list[int]:
    return list(
        AnnualPlan.objects.filter(status=PlanStatus.PUBLISHED)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def published_agencies() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(plans__status=PlanStatus.PUBLISHED)
        .distinct()
        .order_by("region_id", "name")
    )


def plan_items(plan: AnnualPlan) -> QuerySet[InspectionItem]:
    return plan.items.select_related("field").order_by("code")


def plan_tasks(plan: AnnualPlan) -> QuerySet[PlanTask]:
    return plan.tasks.select_related("field", "region").prefetch_related(
        Prefetch("items", queryset=InspectionItem.objects.order_by("code"))
    )


def tasks_by_quarter(plan: AnnualPlan) -> list[tuple[int, list[PlanTask]]]:
    tasks = list(plan_tasks(plan))
    return [(q, [t for t in tasks if t.quarter == q]) for q in (1, 2, 3, 4)]


def plan_amendments(plan: AnnualPlan, *, published_only: bool = False) -> QuerySet[PlanAmendment]:
    qs = plan.amendments.select_related("created_by", "published_by")
    if published_only:
        qs = qs.filter(status=AmendmentStatus.PUBLISHED)
    return qs.order_by("number")


def sampling_ratios_for(enterprise: Enterprise, year: int) -> list[tuple[str, Decimal]]:
    """(agency, ratio in %) for each plan published for ``year`` by an agency whose region holds
    the enterprise: the ratio of the stratum of its credit grade, else of the stratum of every
    grade. Published plans are public, hence no scoping."""
    plans = published_plans(year=year, region=enterprise.region_id[:2]).prefetch_related("strata")
    found = []
    for plan in plans:
        if not enterprise.region_id.startswith(plan.organisation.region.code_prefix):
            continue
        strata = {s.credit_grade: s.sampling_ratio for s in plan.strata.all()}
        ratio = strata.get(enterprise.credit_grade, strata.get(""))
        if ratio is not None:
            found.append((plan.organisation.name, ratio))
    return found
