from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from zhifa.audit.models import AuditRecord
from zhifa.org.models import Role

register = template.Library()


@register.inclusion_tag("audit/_history.html", takes_context=True)
def object_history(context: dict[str, Any], obj: models.Model, limit: int = 50) -> dict[str, Any]:
    """The audit records of ``obj``, newest first: ``{% object_history enterprise %}``.

    Sequence numbers link to the record's page for those who may open the audit chain.
    """
    records = list(
        AuditRecord.objects.for_object(obj).select_related("actor").order_by("-seq")[:limit]
    )
    user = context.get("user")
    can_open = bool(
        user is not None
        and user.is_authenticated
        and (user.is_admin or user.role == Role.SUPERVISOR)
    )
    return {"records": records, "can_open": can_open}
