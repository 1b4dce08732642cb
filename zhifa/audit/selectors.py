"""Read-side queries of the audit chain; every list starts from ``visible_to``."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.org.scoping import visible_to


def records_for(
    user: Any,
    *,
    action: str = "",
    object_type: str = "",
    actor: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditRecord]:
    """Records the user may see, newest first; dates are local (Asia/Shanghai) and inclusive."""
    qs = visible_to(user, AuditRecord.objects.all())
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    actor = actor.strip()
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    object_id = object_id.strip()
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from is not None:
        qs = qs.filter(at__gte=_start_of(date_from))
    if date_to is not None:
        qs = qs.filter(at__lt=_start_of(date_to + dt.timedelta(days=1)))
    return qs.order_by("-seq")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def actions_in_use(user: Any) -> list[str]:
    qs = visible_to(user, AuditRecord.objects.all())
    return list(qs.order_by("action").values_list("action", flat=True).distinct())


def object_types_in_use(user: Any) -> list[tuple[str, str]]:
    """(object type, its readable name) of the records the user may see."""
    qs = visible_to(user, AuditRecord.objects.all())
    types = qs.order_by("object_type").values_list("object_type", flat=True).distinct()
    return [(t, object_type_label(t)) for t in types]


def _model_for(object_type: str) -> Any:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    model = _model_for(object_type)
    return f"{model._meta.verbose_name}（{object_type}）" if model is not None else object_type


@dataclass(frozen=True)
class DiffRow:
    key: str
    label: str
    before: str
    after: str
    changed: bool


def _display(value: Any) -> str:
    if value is None:
        return "—"
    if value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _field_labels(object_type: str) -> dict[str, str]:
    model = _model_for(object_type)
    if model is None:
        return {}
    labels: dict[str, str] = {}
    for field in model._meta.concrete_fields:
        labels[field.name] = str(field.verbose_name)
        labels[field.attname] = str(field.verbose_name)
    return labels


def diff_rows(record: AuditRecord) -> list[DiffRow]:
    """Before and after side by side, one row per key; changed rows are flagged.

    Data that is not a mapping (a list, a single value) is shown as one row named “值”.
    """
    before, after = record.before, record.after
    if not isinstance(before, dict | None) or not isinstance(after, dict | None):
        return [
            DiffRow("", "值", _display(before), _display(after), before != after),
        ]
    before_map: dict[str, Any] = before or {}
    after_map: dict[str, Any] = after or {}
    keys = list(before_map)
    keys += [k for k in after_map if k not in before_map]
    labels = _field_labels(record.object_type)
    missing = object()
    rows = []
    for key in keys:
        old = before_map.get(key, missing)
        new = after_map.get(key, missing)
        rows.append(
            DiffRow(
                key=key,
                label=labels.get(key, key),
                before="（无）" if old is missing else _display(old),
                after="（无）" if new is missing else _display(new),
                changed=old != new,
            )
        )
    return rows
