"""Who a message goes to: the people who may act on the object it is about.

The callers (the services above) name the candidates (the users of an organisation, of an
enterprise, the supervisors) and the capability the message asks them to use; a candidate gets
the message only when the capability table lets him act and the object is among the rows he may
see, so a message never leads to a 403 or a 404. Administrators are never candidates: they may
do everything and are told nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q

from zhifa.core import access
from zhifa.org.models import Role, User


def _active(users: models.QuerySet[User]) -> models.QuerySet[User]:
    return (
        users.filter(is_active=True)
        .exclude(role=Role.ADMIN)
        .exclude(is_superuser=True)
        .distinct()
        .order_by("pk")
    )


def at_organisation(organisation_id: int | None) -> models.QuerySet[User]:
    """Users of an organisation, by their account or by a role granted there."""
    if organisation_id is None:
        return User.objects.none()
    return _active(
        User.objects.filter(
            Q(organisation_id=organisation_id) | Q(role_grants__organisation_id=organisation_id)
        )
    )


def of_enterprise(enterprise_id: int | None) -> models.QuerySet[User]:
    if enterprise_id is None:
        return User.objects.none()
    return _active(User.objects.filter(enterprise_id=enterprise_id, role=Role.ENTERPRISE))


def supervisors() -> models.QuerySet[User]:
    """Everyone holding a supervising role; ``who_may`` narrows them to the object's region."""
    roles = Role.supervising_roles()
    return _active(User.objects.filter(Q(role__in=roles) | Q(role_grants__role__in=roles)))


def who_may(action: str, obj: Any, candidates: Iterable[Any]) -> list[Any]:
    """The candidates who see ``obj`` and may do ``action`` to it."""
    found = []
    rows = type(obj)._default_manager
    for user in candidates:
        if not access.can(user, action, obj):
            continue
        if hasattr(rows, "restrict") and not rows.restrict(user).filter(pk=obj.pk).exists():
            continue
        found.append(user)
    return found
