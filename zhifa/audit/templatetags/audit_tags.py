from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from zhifa.audit.models import AuditRecord

register = template.Library()


@register.inclusion_tag("audit/_history.html")
def object_history(obj: models.Model, limit: int = 50) -> dict[str, Any]:
    """The audit records of ``obj``, newest first: ``{% object_history enterprise %}``."""
    records = list(
        AuditRecord.objects.for_object(obj).select_related("actor").order_by("-seq")[:limit]
    )
    return {"records": records}
