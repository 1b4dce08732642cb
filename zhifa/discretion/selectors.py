"""Read-side queries of the three lists, shared by pages, exports and the API.

Curation lists start from ``visible_to``; the public ones show published (in-force) items and,
on request, superseded versions as history. Drafts are never public.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from zhifa.discretion.engine import Evaluation, Finding, evaluate
from zhifa.discretion.models import DiscretionItem, DiscretionVersion, ListKind, VersionStatus
from zhifa.org.models import EnforcementField, Organisation, OrganisationKind
from zhifa.org.scoping import visible_to
from zhifa.versioned.models import PUBLIC_STATUSES


def versions_for(user: Any, *, status: str = "", q: str = "") -> QuerySet[DiscretionVersion]:
    qs = visible_to(user, DiscretionVersion.objects.all())
    if status:
        qs = qs.filter(status=status)
    q = q.strip()
    if q:
        qs = qs.filter(Q(label__icontains=q) | Q(issuer__icontains=q))
    return (
        qs.select_related("organisation")
        .annotate(item_count=Count("items"))
        .order_by("organisation_id", "-created_at", "pk")
    )


def organisations_for_curation(user: Any) -> QuerySet[Organisation]:
    return visible_to(user, Organisation.objects.filter(kind__in=OrganisationKind.enforcing()))


def public_versions(*, include_superseded: bool = False) -> QuerySet[DiscretionVersion]:
    statuses = PUBLIC_STATUSES if include_superseded else (VersionStatus.PUBLISHED,)
    return (
        DiscretionVersion.objects.filter(status__in=statuses)
        .select_related("organisation")
        .annotate(item_count=Count("items"))
        .order_by("organisation__region_id", "organisation__name", "-published_at")
    )


def published_items(
    *,
    kind: str = "",
    field: str = "",
    version: int | None = None,
    q: str = "",
    violation_code: str = "",
) -> QuerySet[DiscretionItem]:
    """Items of the published (in-force) versions."""
    qs = DiscretionItem.objects.filter(version__status=VersionStatus.PUBLISHED)
    return _filter_items(qs, kind=kind, field=field, version=version, q=q, code=violation_code)


def public_item(pk: int) -> DiscretionItem | None:
    """An item of a published or superseded version (drafts are not public)."""
    return (
        DiscretionItem.objects.filter(pk=pk, version__status__in=PUBLIC_STATUSES)
        .select_related("version__organisation", "field")
        .first()
    )


def _filter_items(
    qs: QuerySet[DiscretionItem],
    *,
    kind: str = "",
    field: str = "",
    version: int | None = None,
    q: str = "",
    code: str = "",
) -> QuerySet[DiscretionItem]:
    if kind:
        qs = qs.filter(kind=kind)
    if field:
        qs = qs.filter(field__code=field)
    if version:
        qs = qs.filter(version_id=version)
    if code:
        qs = qs.filter(violation_code=code)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(code__icontains=q)
            | Q(violation__icontains=q)
            | Q(violation_code__icontains=q)
            | Q(violation_basis_law__icontains=q)
        )
    return qs.select_related("version__organisation", "field").order_by(
        "version__organisation__region_id", "version_id", "code"
    )


def version_items(
    version: DiscretionVersion, *, kind: str = "", field: str = "", q: str = ""
) -> QuerySet[DiscretionItem]:
    return _filter_items(version.items.all(), kind=kind, field=field, q=q)


def public_fields() -> QuerySet[EnforcementField]:
    return EnforcementField.objects.filter(
        discretion_items__version__status=VersionStatus.PUBLISHED
    ).distinct()


def published_version_of(organisation_id: int | None) -> DiscretionVersion | None:
    """The version in force for an organisation: the one the inspections app evaluates with."""
    if organisation_id is None:
        return None
    return (
        DiscretionVersion.objects.filter(
            organisation_id=organisation_id, status=VersionStatus.PUBLISHED
        )
        .select_related("organisation")
        .first()
    )


def violation_choices(version: DiscretionVersion | None = None) -> list[tuple[str, str]]:
    """(violation_code, first description) of the published items, for the evaluate form."""
    qs = (
        version.items.all()
        if version is not None
        else DiscretionItem.objects.filter(version__status=VersionStatus.PUBLISHED)
    )
    seen: dict[str, str] = {}
    for code, text in qs.order_by("violation_code", "code").values_list(
        "violation_code", "violation"
    ):
        seen.setdefault(code, text)
    return [(code, f"{code} {text[:40]}") for code, text in seen.items()]


@dataclass(frozen=True)
class ViolationChoice:
    """One violation of the lists in force, as a decision picks it: the code the engine weighs,
    its description, the list items that name it, and the two provisions a decision records."""

    violation_code: str
    violation: str
    listed_as: tuple[str, ...]
    violated_provision: str
    penalty_provision: str


# The list a violation is described from when several name it: the exemption list first.
_KIND_ORDER: dict[str, int] = {ListKind.EXEMPT: 0, ListKind.MITIGATED: 1, ListKind.LIGHTER: 2}


def _choices(items: list[DiscretionItem]) -> list[ViolationChoice]:
    grouped: dict[str, list[DiscretionItem]] = {}
    for item in items:
        grouped.setdefault(item.violation_code, []).append(item)
    choices = []
    for code, group in grouped.items():
        group.sort(key=lambda i: (_KIND_ORDER.get(i.kind, 9), i.code))
        first = group[0]
        choices.append(
            ViolationChoice(
                violation_code=code,
                violation=first.violation,
                listed_as=tuple(f"{ListKind(i.kind).label}清单 {i.code}" for i in group),
                violated_provision=first.violated_provision,
                penalty_provision=first.penalty_provision,
            )
        )
    return choices


def violations_in_force(
    organisation_id: int | None, *, q: str = "", limit: int = 8
) -> list[ViolationChoice]:
    """The violations of the lists ``organisation_id`` has in force (the ones its decisions are
    weighed against) whose code, item number, description or law contains ``q``; an exact code
    first. Nothing for an empty ``q``."""
    version = published_version_of(organisation_id)
    q = q.strip()
    if version is None or not q:
        return []
    matching = version.items.filter(
        Q(violation_code__icontains=q)
        | Q(code__icontains=q)
        | Q(violation__icontains=q)
        | Q(violation_basis_law__icontains=q)
    )
    codes = list(
        dict.fromkeys(
            matching.order_by("violation_code", "code").values_list("violation_code", flat=True)
        )
    )
    codes.sort(key=lambda c: c.upper() != q.upper())
    codes = codes[:limit]
    items = list(version.items.filter(violation_code__in=codes))
    by_code = {c.violation_code: c for c in _choices(items)}
    return [by_code[c] for c in codes]


def violation_in_force(organisation_id: int | None, code: str) -> ViolationChoice | None:
    """The violation of the lists in force whose violation code, or one of whose item numbers,
    is ``code`` (letter case aside): what an officer may type without searching."""
    version = published_version_of(organisation_id)
    code = code.strip()
    if version is None or not code:
        return None
    hit = (
        version.items.filter(Q(violation_code__iexact=code) | Q(code__iexact=code))
        .order_by("violation_code")
        .values_list("violation_code", flat=True)
        .first()
    )
    if hit is None:
        return None
    return _choices(list(version.items.filter(violation_code=hit)))[0]


def unknown_violation(organisation_id: int | None, code: str) -> str:
    """Why ``code`` is refused, naming it, and what to do instead."""
    if published_version_of(organisation_id) is None:
        return (
            f"裁量清单中没有编码为「{code}」的事项：本机关尚未公布现行裁量清单，"
            "请将此项留空，按行政处罚法判断。"
        )
    return (
        f"裁量清单中没有编码为「{code}」的事项：请输入违法行为名称或编码，"
        "从本机关现行裁量清单中查找并选择；清单未列入的违法行为，请将此项留空，按行政处罚法判断。"
    )


def evaluate_for(organisation_id: int | None, finding: Finding) -> Evaluation:
    """The engine's answer for a finding of ``organisation_id``'s case, against the lists that
    organisation has in force (the statute alone when it has none). The inspections app calls
    this at the decision step."""
    return evaluate(finding, version=published_version_of(organisation_id))
