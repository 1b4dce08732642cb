"""Read-side queries of guidance lists and self-checks, shared by pages, exports, the API and
other apps (the inspection case calls ``search_items`` and ``self_corrections``).

Published versions are public; drafts are seen by curators through ``visible_to``. Self-checks
are seen by their enterprise and administrators only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.fields.files import FieldFile

from zhifa.compliance import search
from zhifa.compliance.models import (
    Answer,
    GuidanceItem,
    GuidanceVersion,
    SelfCheck,
    SelfCheckAnswer,
    VersionStatus,
)
from zhifa.org.scoping import visible_to
from zhifa.registry.models import Enterprise
from zhifa.versioned.models import PUBLIC_STATUSES


def search_items(
    query: str,
    *,
    field: str | None = None,
    industry: str | None = None,
    limit: int = 10,
) -> list[search.SearchHit]:
    """Items of the published guidance lists ranked by relevance to ``query`` (best first),
    optionally only of one enforcement field (code, e.g. ``"market"``) or for one industry (as
    in the enterprise register; items that name no industry apply to all)."""
    return search.search(query, field=field, industry=industry, limit=limit).hits


def public_versions() -> QuerySet[GuidanceVersion]:
    return (
        GuidanceVersion.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("region")
        .annotate(item_count=Count("items"))
        .order_by("status", "-published_at")
    )


def versions_for(user: Any) -> QuerySet[GuidanceVersion]:
    """Every version the user may see: published ones, and drafts of the user's region."""
    drafts = visible_to(user, GuidanceVersion.objects.filter(status=VersionStatus.DRAFT))
    return (
        GuidanceVersion.objects.filter(
            Q(status__in=PUBLIC_STATUSES) | Q(pk__in=drafts.values("pk"))
        )
        .select_related("region")
        .annotate(item_count=Count("items"))
        .order_by("-created_at")
    )


def public_items(
    version: GuidanceVersion, *, field: str = "", industry: str = ""
) -> QuerySet[GuidanceItem]:
    qs = GuidanceItem.objects.filter(version=version).select_related("field")
    if field:
        qs = qs.filter(field__code=field)
    items = list(qs)
    if industry:
        keep = [i.pk for i in items if not i.industries or industry in i.industries]
        qs = qs.filter(pk__in=keep)
    return qs.order_by("position", "code")


def self_checks_for(user: Any) -> QuerySet[SelfCheck]:
    return (
        visible_to(user, SelfCheck.objects.select_related("enterprise", "version"))
        .annotate(
            total=Count("answers"),
            gaps=Count("answers", filter=Q(answers__answer=Answer.VIOLATES)),
            corrected=Count("answers", filter=Q(answers__corrected_on__isnull=False)),
        )
        .order_by(*SelfCheck._meta.ordering or ["-pk"])
    )


@dataclass(frozen=True)
class Correction:
    """A gap an enterprise found in its self-check and corrected, with its evidence."""

    corrected_on: dt.date
    item_code: str
    title: str
    inspection_item_codes: tuple[str, ...]
    evidence: FieldFile
    note: str
    problem: str
    self_check_id: int
    answer_id: int


def self_corrections(
    enterprise: Enterprise,
    *,
    since: dt.date | None = None,
    item_codes: Iterable[str] | None = None,
) -> list[Correction]:
    """The enterprise's corrected self-check gaps, oldest first.

    ``since`` keeps corrections made on or after that date; ``item_codes`` keeps those whose
    guidance item code, or one of whose inspection-item codes, is in it (an inspection case
    passes the codes of its inspection items)."""
    qs = (
        SelfCheckAnswer.objects.filter(
            self_check__enterprise=enterprise,
            answer=Answer.VIOLATES,
            corrected_on__isnull=False,
        )
        .select_related("item")
        .order_by("corrected_on", "pk")
    )
    if since is not None:
        qs = qs.filter(corrected_on__gte=since)
    wanted = set(item_codes) if item_codes is not None else None
    result: list[Correction] = []
    for answer in qs:
        codes = tuple(answer.item.inspection_item_codes or ())
        if wanted is not None and answer.item.code not in wanted and not wanted.intersection(codes):
            continue
        assert answer.corrected_on is not None
        result.append(
            Correction(
                corrected_on=answer.corrected_on,
                item_code=answer.item.code,
                title=answer.item.title,
                inspection_item_codes=codes,
                evidence=answer.evidence,
                note=answer.correction_note,
                problem=answer.note,
                self_check_id=answer.self_check_id,
                answer_id=answer.pk,
            )
        )
    return result


def industries() -> list[str]:
    """Industry labels named by published items, for the search filter (from the search index,
    which already holds them, so a page view does not read every item)."""
    return sorted(search.current_index().by_industry)
