"""Which enterprises a plan task may not inspect now, and why (frequency caps, quiet periods).

A ``DrawResult`` of a drawn draw is the record of a planned inspection, dated by its draw's
``drawn_at``; an inspection case not born of a draw counts by its inspection date, unless its
kind is exempt from advance notice (举报投诉 and the like never use up an enterprise's quota).
Three rules:

- the same agency inspected the enterprise for one of the task's items within that item's
  ``quiet_period_days``;
- the same agency inspected it for one of the task's items as often as the item's
  ``yearly_cap`` this calendar year;
- all agencies together inspected it as often as the region's yearly cap this calendar year
  (``plans.FrequencyPolicy``, inherited down the region tree; the setting
  ``ZHIFA_YEARLY_INSPECTION_CAP`` where no region sets one).

Only enterprises with history are looked at, so the cost follows the number of past
inspections, never the size of the registry.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import NamedTuple

from django.utils import timezone

from zhifa.draws.models import DrawResult, DrawStatus
from zhifa.plans.models import PlanTask
from zhifa.plans.selectors import effective_yearly_cap


def _region_cap_lookup() -> Callable[[str], int]:
    """region code → the cap across agencies (plans.selectors), looked up once per region."""
    cache: dict[str, int] = {}

    def cap(code: str) -> int:
        if code not in cache:
            cache[code] = effective_yearly_cap(code)
        return cache[code]

    return cap


class PastInspection(NamedTuple):
    """One past inspection of an enterprise by one agency."""

    uscc: str
    region_id: str
    organisation_id: int
    item_ids: set[int]
    date: dt.date
    # False for the other agencies' cases of one joint visit (综合查一次): the enterprise was
    # visited once, so the cap across agencies counts the visit once.
    new_visit: bool = True


# Inspections recorded outside draws (the inspection cases) live in an app above this one: it
# registers what it knows at start-up (``register_history``), so draws import nothing of it.
HistoryProvider = Callable[[PlanTask, dt.date, dt.date], list[PastInspection]]
_history_providers: list[HistoryProvider] = []


def register_history(provider: HistoryProvider) -> None:
    """Add ``provider(task, since, day)``: further past inspections in the task's region between
    ``since`` and ``day`` that count against the caps (those not recorded as a draw result)."""
    if provider not in _history_providers:
        _history_providers.append(provider)


def ineligible(task: PlanTask, on: dt.date | None = None) -> dict[str, str]:
    """{统一社会信用代码: 理由} of the enterprises in the task's region that may not be drawn."""
    day = on or timezone.localdate()
    items = list(task.items.all())
    organisation_id = task.plan.organisation_id
    year_start = dt.date(day.year, 1, 1)
    longest_quiet = max((i.quiet_period_days for i in items), default=0)
    since = min(year_start, day - dt.timedelta(days=longest_quiet))
    tz = timezone.get_current_timezone()
    since_at = dt.datetime.combine(since, dt.time.min, tzinfo=tz)
    until_at = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)

    history = (
        DrawResult.objects.filter(
            draw__status=DrawStatus.DRAWN,
            draw__drawn_at__gte=since_at,
            draw__drawn_at__lt=until_at,
            enterprise__region__code__startswith=task.region.code_prefix,
        )
        .values_list(
            "enterprise__uscc",
            "enterprise__region_id",
            "draw__organisation_id",
            "draw__task_id",
            "draw__drawn_at",
        )
        .order_by("draw__drawn_at", "pk")
    )
    draw_rows = list(history)
    task_ids = {r[3] for r in draw_rows}
    items_of: dict[int, set[int]] = defaultdict(set)
    for task_id, item_id in PlanTask.items.through.objects.filter(
        plantask_id__in=task_ids
    ).values_list("plantask_id", "inspectionitem_id"):
        items_of[task_id].add(item_id)
    rows = [
        PastInspection(uscc, region_id, org_id, items_of[task_id], timezone.localdate(drawn_at))
        for uscc, region_id, org_id, task_id, drawn_at in draw_rows
    ]
    for provider in _history_providers:
        rows += provider(task, since, day)
    if not rows:
        return {}
    rows.sort(key=lambda r: r.date)

    reasons: dict[str, str] = {}
    total_this_year: dict[str, int] = defaultdict(int)
    per_item_this_year: dict[tuple[str, int], int] = defaultdict(int)
    last_same_item: dict[tuple[str, int], dt.date] = {}
    region_of: dict[str, str] = {}
    for uscc, region_id, org_id, item_ids, date, new_visit in rows:
        region_of[uscc] = region_id
        if date >= year_start and new_visit:
            total_this_year[uscc] += 1
        if org_id != organisation_id:
            continue
        for item in items:
            if item.pk in item_ids:
                if date >= year_start:
                    per_item_this_year[(uscc, item.pk)] += 1
                last_same_item[(uscc, item.pk)] = date

    for item in items:
        for (uscc, item_id), last in last_same_item.items():
            if item_id != item.pk or uscc in reasons:
                continue
            if item.quiet_period_days and (day - last).days < item.quiet_period_days:
                reasons[uscc] = (
                    f"本机关已于 {last:%Y-%m-%d} 就“{item.name}”检查该企业，"
                    f"{item.quiet_period_days} 日内不再检查"
                )
        for (uscc, item_id), number in per_item_this_year.items():
            if item_id != item.pk or uscc in reasons:
                continue
            if number >= item.yearly_cap:
                reasons[uscc] = (
                    f"本机关今年已就“{item.name}”检查该企业 {number} 次，"
                    f"达到该事项每年 {item.yearly_cap} 次的上限"
                )
    cap = _region_cap_lookup()
    for uscc, number in total_this_year.items():
        if uscc in reasons:
            continue
        limit = cap(region_of[uscc])
        if number >= limit:
            reasons[uscc] = f"各机关今年已检查该企业 {number} 次，达到本地区每年 {limit} 次的上限"
    return reasons
