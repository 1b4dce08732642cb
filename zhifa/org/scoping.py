"""The one place that decides which objects a user may see (``visible_to``).

A model opts in by naming its paths, e.g. ``scope_org_path = "organisation"`` (the
Organisation that owns it; ``""`` for Organisation itself), ``scope_region_path = "region"``
(the Region it lies in) and ``scope_enterprise_path = "pk"`` (the Enterprise it concerns):

- an agency user (执法人员, 负责人, 法制审核) sees its own organisation's objects, and objects that
  only carry a region when they lie in its organisation's region subtree;
- a supervisor (执法监督人员 or 监督机关负责人, of a 司法局 or 司法所) sees everything of the
  organisations in its region subtree, and region-bound objects there; a 司法所 or contact point
  also sees what lies in its region whichever agency it belongs to;
- an enterprise user sees only objects of its own enterprise;
- an administrator sees everything; anyone else sees nothing.

Unseen objects are 404 to the views (``get_visible_or_404``), never 403, so that their existence
does not leak.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from zhifa.core.access import RestrictedManager, RestrictedQuerySet
from zhifa.org.roles import Role

__all__ = ["RestrictedManager", "RestrictedQuerySet", "visibility_filter", "visible_to"]

M = TypeVar("M", bound=models.Model)


def _path(prefix: str, rest: str) -> str:
    return f"{prefix}__{rest}" if prefix else rest


def _org_of(user: Any, organisation_id: int) -> Any:
    if getattr(user, "organisation_id", None) == organisation_id and user.organisation:
        return user.organisation
    from zhifa.org.models import Organisation

    return Organisation.objects.select_related("region").filter(pk=organisation_id).first()


def _region_prefix_of_org(user: Any, organisation_id: int) -> str | None:
    org = _org_of(user, organisation_id)
    return org.region.code_prefix if org is not None else None


def _grant_filter(
    user: Any, role: str, organisation_id: int | None, model: type[models.Model]
) -> Q | None:
    """What one of the user's roles lets him see of ``model``; None for nothing."""
    org_path: str | None = getattr(model, "scope_org_path", None)
    region_path: str | None = getattr(model, "scope_region_path", None)
    enterprise_path: str | None = getattr(model, "scope_enterprise_path", None)

    if role in Role.agency_roles() and organisation_id:
        if org_path is not None:
            return Q(**{_path(org_path, "pk"): organisation_id})
        prefix = _region_prefix_of_org(user, organisation_id)
        if region_path is not None and prefix:
            return Q(**{_path(region_path, "pk__startswith"): prefix})
    elif role in Role.supervising_roles() and organisation_id:
        from zhifa.org.models import OrganisationKind

        org = _org_of(user, organisation_id)
        prefix = org.region.code_prefix if org is not None else None
        if prefix:
            by_org = (
                Q(**{_path(org_path, "region__pk__startswith"): prefix})
                if org_path is not None
                else None
            )
            by_region = (
                Q(**{_path(region_path, "pk__startswith"): prefix})
                if region_path is not None
                else None
            )
            if (
                by_org is not None
                and by_region is not None
                and org.kind in OrganisationKind.local()
            ):
                # A 司法所 assists the county bureau for its township: it sees what happens
                # there (《行政执法监督条例》第六条第二款), whichever agency did it.
                return by_org | by_region
            return by_org if by_org is not None else by_region
    elif role == Role.ENTERPRISE and user.enterprise_id and enterprise_path is not None:
        lookup = "pk" if enterprise_path in ("", "pk") else _path(enterprise_path, "pk")
        return Q(**{lookup: user.enterprise_id})
    return None


def visibility_filter(user: Any, model: type[models.Model]) -> Q | None:
    """The Q a queryset of ``model`` is filtered by for ``user``; None means unrestricted.
    A user with several roles sees what any of them shows him."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_admin:
        return None
    found = [
        condition
        for role, organisation_id in user.grants()
        if (condition := _grant_filter(user, role, organisation_id, model)) is not None
    ]
    if not found:
        return Q(pk__in=[])
    combined = found[0]
    for condition in found[1:]:
        combined |= condition
    return combined


def visible_to(user: Any, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """``queryset`` narrowed to what ``user`` may see. Every list view and endpoint uses this."""
    condition = visibility_filter(user, queryset.model)
    return queryset if condition is None else queryset.filter(condition)


def get_visible_or_404(user: Any, queryset: models.QuerySet[M], **lookup: Any) -> M:
    try:
        return visible_to(user, queryset).get(**lookup)
    except ObjectDoesNotExist:
        raise Http404("未找到该对象，或您无权查看。") from None


def require_role(user: Any, *roles: str, message: str | None = None) -> None:
    """403 unless ``user`` holds one of ``roles`` (administrators always pass)."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied("请先登录。")
    if user.is_admin or user.has_role(*roles):
        return
    allowed = "、".join(str(Role(r).label) for r in roles)
    raise PermissionDenied(message or f"此操作仅限{allowed}办理。")
