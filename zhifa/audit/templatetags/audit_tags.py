from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import template
from django.db import models

from zhifa.audit import display
from zhifa.audit.models import AuditRecord
from zhifa.core import access

register = template.Library()


@register.inclusion_tag("audit/_history.html", takes_context=True)
def object_history(context: dict[str, Any], obj: models.Model, limit: int = 50) -> dict[str, Any]:
    """The audit records of ``obj``, newest first: ``{% object_history enterprise %}``.

    Sequence numbers link to the record's page for those who may open the audit chain.
    """
    records = (
        AuditRecord.objects.for_object(obj)
        .select_related("actor__organisation", "actor__enterprise")
        .order_by("-seq")[:limit]
    )
    user = context.get("user")
    can_open = user is not None and access.can(user, "audit.view")
    entries = [
        HistoryEntry(
            seq=r.seq,
            at=r.at,
            actor=display.actor_name(r),
            label=display.action_label(r.action, r.summary),
            # An action without a name of its own already reads as its summary.
            summary=r.summary if display.has_own_label(r.action) else "",
        )
        for r in records
    ]
    return {"records": entries, "can_open": can_open}


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    at: dt.datetime
    actor: str
    label: str
    summary: str
