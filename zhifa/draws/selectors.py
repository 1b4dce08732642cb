"""Read-side queries of draws, shared by the pages and the API.

Lists and look-ups for signed-in users start from ``visible_to``; the public ones show announced
draws only (never a draft, nor one cancelled before its announcement).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from zhifa.draws.models import (
    DrawResult,
    DrawStatus,
    DrawTask,
    OfficerAssignment,
    OfficerConflict,
)
from zhifa.org.models import User
from zhifa.org.scoping import get_visible_or_404, visible_to


def draws() -> QuerySet[DrawTask]:
    """Every draw with what its pages and the API show alongside it."""
    return DrawTask.objects.select_related("task__plan", "organisation", "region", "created_by")


def visible_draws(
    user: User, *, q: str = "", status: str = "", year: int | None = None
) -> QuerySet[DrawTask]:
    """The draws ``user`` may see, by title or task name, status and plan year."""
    found = visible_to(user, draws())
    if q:
        found = found.filter(Q(title__icontains=q) | Q(task__name__icontains=q))
    if status:
        found = found.filter(status=status)
    if year is not None:
        found = found.filter(task__plan__year=year)
    return found


def visible_draw(user: User, pk: int) -> DrawTask:
    """One draw ``user`` may see; 404 otherwise, so another agency's draws are not revealed."""
    return get_visible_or_404(user, draws(), pk=pk)


def draw_results(draw: DrawTask) -> QuerySet[DrawResult]:
    """The enterprises drawn, with their officers, in the order of the record."""
    return (
        DrawResult.objects.filter(draw=draw)
        .select_related("stratum", "enterprise")
        .prefetch_related(
            Prefetch("assignments", queryset=OfficerAssignment.objects.select_related("officer"))
        )
        .order_by("stratum__code", "sequence")
    )


def results_of(found: QuerySet[DrawTask]) -> QuerySet[DrawResult]:
    """The results of several draws, draw by draw, for the export."""
    return (
        DrawResult.objects.filter(draw__in=found)
        .select_related("draw", "stratum", "enterprise")
        .prefetch_related(
            Prefetch("assignments", queryset=OfficerAssignment.objects.select_related("officer"))
        )
        .order_by("draw_id", "stratum__code", "sequence")
    )


def visible_conflicts(
    user: User, *, q: str = "", active_only: bool = False
) -> QuerySet[OfficerConflict]:
    """The 回避 declarations ``user`` may see, by officer, enterprise name or USCC."""
    found = visible_to(
        user, OfficerConflict.objects.select_related("officer", "enterprise", "declared_by")
    )
    if q:
        found = found.filter(
            Q(officer__name__icontains=q)
            | Q(enterprise__name__icontains=q)
            | Q(enterprise__uscc__icontains=q)
        )
    if active_only:
        found = found.filter(is_active=True)
    return found


def visible_conflict(user: User, pk: int) -> OfficerConflict:
    return get_visible_or_404(user, OfficerConflict.objects.select_related("officer"), pk=pk)


# Statuses a visitor may filter the public list by.
PUBLIC_STATUSES = (DrawStatus.ANNOUNCED, DrawStatus.DRAWN, DrawStatus.CANCELLED)


def public_draws(*, q: str = "", status: str = "") -> QuerySet[DrawTask]:
    """Announced draws for the public, newest announcement first."""
    found = draws().filter(announced_at__isnull=False).exclude(status=DrawStatus.DRAFT)
    if q:
        found = found.filter(
            Q(title__icontains=q) | Q(organisation__name__icontains=q) | Q(task__name__icontains=q)
        )
    if status in PUBLIC_STATUSES:
        found = found.filter(status=status)
    return found.order_by("-announced_at", "-pk")


def public_draw(pk: int) -> DrawTask:
    """One announced draw; 404 for drafts and draws cancelled before their announcement."""
    return get_object_or_404(public_draws(), pk=pk)
