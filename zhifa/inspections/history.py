"""The inspection cases that count against the frequency caps of a draw (``draws.eligibility``).

Draws sit below this app and may not import it; this module is registered with them when the
app starts (``InspectionsConfig.ready``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from zhifa.draws.eligibility import PastInspection
from zhifa.inspections.models import CaseStatus, InspectionCase, InspectionKind
from zhifa.plans.models import PlanTask


def case_history(task: PlanTask, since: dt.date, day: dt.date) -> list[PastInspection]:
    """Inspection cases not born of a draw (those count through their ``DrawResult``) that
    count against the caps: every kind announced in advance, cancelled and rejected ones not."""
    cases = (
        InspectionCase.objects.filter(
            draw_result__isnull=True,
            inspection_date__gte=since,
            inspection_date__lte=day,
            region__code__startswith=task.region.code_prefix,
        )
        .exclude(status__in=(CaseStatus.CANCELLED, CaseStatus.REJECTED))
        .exclude(kind__in=InspectionKind.exempt_from_notice())
        .values_list(
            "pk",
            "enterprise__uscc",
            "region_id",
            "organisation_id",
            "inspection_date",
            "joint_visit",
        )
        .order_by("pk")
    )
    rows = list(cases)
    items_of: dict[int, set[int]] = defaultdict(set)
    through = InspectionCase.items.through
    for case_id, item_id in through.objects.filter(
        inspectioncase_id__in=[r[0] for r in rows]
    ).values_list("inspectioncase_id", "inspectionitem_id"):
        items_of[case_id].add(item_id)
    seen_visits: set[int] = set()
    history = []
    for pk, uscc, region, org, date, visit in rows:
        new_visit = visit is None or visit not in seen_visits
        if visit is not None:
            seen_visits.add(visit)
        history.append(PastInspection(uscc, region, org, items_of[pk], date, new_visit))
    return history
