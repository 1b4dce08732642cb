"""Read-side queries of the audit chain; every list starts from
``AuditRecord.objects.restrict(user)``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.core import timefmt


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
    qs = AuditRecord.objects.restrict(user)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    actor = actor.strip()
    if actor:
        # Older records hold the login name in their text, newer ones only the name and role:
        # an auditor finds a person's records by either.
        qs = qs.filter(
            Q(actor_label__icontains=actor)
            | Q(actor__display_name__icontains=actor)
            | Q(actor__username__iexact=actor)
        )
    object_id = object_id.strip()
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from is not None:
        qs = qs.filter(at__gte=_start_of(date_from))
    if date_to is not None:
        qs = qs.filter(at__lt=_start_of(date_to + dt.timedelta(days=1)))
    return qs.order_by("-seq")


def _start_of(day: dt.date) -> dt.datetime:
    # A day chosen on the page is a Beijing day.
    return dt.datetime.combine(day, dt.time.min, tzinfo=timefmt.SHANGHAI)


def actions_in_use(user: Any) -> list[str]:
    qs = AuditRecord.objects.restrict(user)
    return list(qs.order_by("action").values_list("action", flat=True).distinct())


def object_types_in_use(user: Any) -> list[tuple[str, str]]:
    """(object type, its readable name) of the records the user may see."""
    qs = AuditRecord.objects.restrict(user)
    types = qs.order_by("object_type").values_list("object_type", flat=True).distinct()
    return [(t, object_type_label(t)) for t in types]


def _model_for(object_type: str) -> Any:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_name(object_type: str) -> str:
    """The readable name alone, for exports and pages outside the audit chain's own."""
    model = _model_for(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def object_type_label(object_type: str) -> str:
    model = _model_for(object_type)
    return str(model._meta.verbose_name) if model is not None else "其他对象"


@dataclass(frozen=True)
class DiffRow:
    key: str
    label: str
    before: str
    after: str
    changed: bool


def _display(value: Any, choices: dict[str, str] | None = None) -> str:
    if value is None:
        return "—"
    if value == "":
        return "（空）"
    if choices and isinstance(value, str | int) and str(value) in choices:
        return choices[str(value)]
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            return timefmt.fmt_datetime(moment, seconds=True)
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "；".join(_display(item) for item in value) or "（无）"
    if isinstance(value, dict):
        # Structured data reads as its values, never as JSON: an entry is known by its name.
        lead = next((_display(value[k]) for k in _LEAD_KEYS if value.get(k)), "")
        rest = [
            _display(v) for k, v in value.items() if k not in _LEAD_KEYS and v not in ("", None)
        ]
        if lead and rest:
            return f"{lead}（{'，'.join(rest)}）"
        return lead or "，".join(rest) or "（空）"
    return str(value)


_LEAD_KEYS = ("title", "name")
# Keys of snapshots that are not a field of the recorded model, as people name them.
_KEY_LABELS = {
    "year": "年度",
    "items": "检查事项",
    "officers": "执法人员",
    "strata": "抽查分层",
    "tasks": "检查任务",
    "user": "用户",
    "name": "名称",
    "prefix": "令牌前缀",
    "attempts_cleared": "清除的登录失败记录",
    "count": "数量",
    "reason": "理由",
    "note": "说明",
}
# Snapshot keys not shown on a page: the login name is internal (house rule).
_HIDDEN_KEYS = frozenset({"username"})


def _field_info(object_type: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Readable names of the model's fields, and the labels of fields with choices."""
    model = _model_for(object_type)
    labels: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    if model is None:
        return labels, choices
    for field in model._meta.concrete_fields:
        for key in (field.name, field.attname):
            labels[key] = str(field.verbose_name)
            if field.choices:
                choices[key] = {str(v): str(label) for v, label in field.flatchoices}
    return labels, choices


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
    labels, choices = _field_info(record.object_type)
    missing = object()
    rows = []
    for key in keys:
        if key in _HIDDEN_KEYS:
            continue
        old = before_map.get(key, missing)
        new = after_map.get(key, missing)
        rows.append(
            DiffRow(
                key=key,
                label=labels.get(key) or _KEY_LABELS.get(key, "其他内容"),
                before="（无）" if old is missing else _display(old, choices.get(key)),
                after="（无）" if new is missing else _display(new, choices.get(key)),
                changed=old != new,
            )
        )
    return rows
