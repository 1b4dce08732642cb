"""Demo draws: one drawn and one announced, for the two tasks of a published demo plan in the
quarter of the demo's history (``zhifa.workdays.demo_clock``).

Each step runs through the draw services with the clock set to the moment it happens: the first
draw is announced before its sources' date and drawn after it; the second is announced with its
sources still to come. The sources are marked as demo sources and their values as demo values:
the demo never states a value for a real lottery or index on a real date.

Needs the demo plans (``zhifa.plans.demo``); without a published plan task of the demo's quarter
it does nothing. Idempotent: draws are keyed by their title within the task.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.draws import services
from zhifa.draws.models import DrawMode, DrawTask
from zhifa.org.models import Role, User
from zhifa.plans.models import PlanStatus, PlanTask
from zhifa.workdays.demo_clock import DemoClock, DemoTimeline, DrawMoments, timeline_for

DRAWN_TITLE = "演示：{task}（已抽取）"
ANNOUNCED_TITLE = "演示：{task}（已公告，待抽取）"
DEMO_WHERE = "演示数据：取值由 zhifa 演示数据集给定，没有真实的公布渠道"
DEMO_SOURCES = (
    "演示随机源一：演示开奖号码（演示取值，不是真实的彩票开奖结果）",
    "演示随机源二：演示指数点位（演示取值，不是真实的行情数据）",
)
DRAWN_VALUES = ["03 09 14 22 27 31 08", "3021.57"]


def _tasks(year: int, quarter: int) -> list[PlanTask]:
    tasks = PlanTask.objects.filter(
        plan__status=PlanStatus.PUBLISHED,
        plan__year=year,
        quarter=quarter,
        is_cancelled=False,
    ).select_related("plan__organisation", "region", "field")
    # Only an agency with demo accounts can run a draw; 舟山's health commission has them.
    staffed = set(
        User.objects.filter(
            role__in=[Role.INSPECTOR, Role.APPROVER], is_active=True, organisation__isnull=False
        ).values_list("organisation_id", flat=True)
    )
    ordered = list(tasks.order_by("plan__year", "quarter", "pk"))
    ordered.sort(key=lambda t: (t.plan.organisation_id not in staffed, "卫生" not in t.field.name))
    return ordered


def _operator(task: PlanTask, actor: Any) -> Any:
    account = (
        User.objects.filter(
            organisation_id=task.plan.organisation_id,
            role__in=[Role.INSPECTOR, Role.APPROVER],
            is_active=True,
        )
        .order_by("role", "pk")
        .first()
    )
    return account or actor


def _sources(moments: DrawMoments) -> list[dict[str, Any]]:
    return [
        {"name": name, "where": DEMO_WHERE, "expected_on": moments.source_date}
        for name in DEMO_SOURCES
    ]


def load_demo_draws(
    actor: Any = None, *, timeline: DemoTimeline | None = None, clock: DemoClock | None = None
) -> dict[str, int]:
    """Create the demo draws that are missing; counts of what was created (and skipped)."""
    timeline = timeline or timeline_for(timezone.now())
    clock = clock or DemoClock()
    created = {"drawn": 0, "announced": 0, "skipped": 0}
    tasks = _tasks(timeline.year, timeline.quarter)
    if not tasks:
        created["skipped"] = 1
        return created
    first = tasks[0]
    second = next((t for t in tasks[1:] if t.plan_id == first.plan_id), first)
    steps = [
        (first, DRAWN_TITLE.format(task=first.name), timeline.drawn, "drawn"),
        (second, ANNOUNCED_TITLE.format(task=second.name), timeline.announced, "announced"),
    ]
    for task, title, moments, kind in steps:
        if DrawTask.objects.filter(task=task, title=title).exists():
            continue
        operator = _operator(task, actor)
        published = task.plan.published_at
        if moments is None or operator is None or published is None:
            created["skipped"] += 1
            continue
        if published >= moments.announce_at:
            created["skipped"] += 1
            continue
        try:
            with transaction.atomic():
                with clock.at(moments.announce_at):
                    draw = services.create_draw(
                        task=task,
                        title=title,
                        mode=DrawMode.PUBLIC,
                        reveal_date=moments.reveal_date,
                        sources=_sources(moments),
                        actor=operator,
                        inspection_start=moments.inspection_start,
                        inspection_end=moments.inspection_end,
                    )
                    draw = services.announce_draw(draw, actor=operator)
                if moments.drawn_at is not None:
                    with clock.at(moments.drawn_at):
                        services.perform_draw(draw, values=DRAWN_VALUES, actor=operator)
        except ValidationError:
            created["skipped"] += 1
            continue
        created[kind] += 1
    return created
