"""Demo draws: one drawn and one announced, for a task of a published demo plan.

Needs the demo plans (``zhifa.plans.demo``); without a published plan task it does nothing.
Idempotent: draws are keyed by their title within the task. The drawn draw's reveal date lies
ahead when it is created (as the rules require) and the draw is run as on that date
(``perform_draw(today=...)``), which only a demo may do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.draws import services
from zhifa.draws.models import DrawMode, DrawTask
from zhifa.org.models import Role, User
from zhifa.plans.models import PlanStatus, PlanTask

DRAWN_TITLE = "演示：{task}（已抽取）"
ANNOUNCED_TITLE = "演示：{task}（已公告，待抽取）"
DRAWN_VALUES = ["03 09 14 22 27 31 08", "3021.57"]


def _tasks() -> list[PlanTask]:
    tasks = PlanTask.objects.filter(
        plan__status=PlanStatus.PUBLISHED, is_cancelled=False
    ).select_related("plan__organisation", "region", "field")
    # Only an agency with demo accounts can run a draw; 舟山's health commission has them.
    staffed = set(
        User.objects.filter(
            role__in=[Role.INSPECTOR, Role.APPROVER], is_active=True, organisation__isnull=False
        ).values_list("organisation_id", flat=True)
    )
    ordered = [t for t in tasks.order_by("plan__year", "quarter", "pk")]
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


def _sources(today: dt.date, days: int) -> list[dict[str, Any]]:
    return [
        {
            "name": "中国福利彩票双色球开奖号码（公告后首期）",
            "where": "中国福利彩票发行管理中心官网 www.cwl.gov.cn",
            "expected_on": today + dt.timedelta(days=days - 1),
        },
        {
            "name": "上证综合指数收盘点位",
            "where": "上海证券交易所官网 www.sse.com.cn",
            "expected_on": today + dt.timedelta(days=days),
        },
    ]


def load_demo_draws(actor: Any = None) -> dict[str, int]:
    """Create the demo draws that are missing; counts of what was created (and skipped)."""
    created = {"drawn": 0, "announced": 0, "skipped": 0}
    tasks = _tasks()
    if not tasks:
        created["skipped"] = 1
        return created
    today = timezone.localdate()
    first = tasks[0]
    second = next((t for t in tasks[1:] if t.plan_id == first.plan_id), first)
    plan_of = [
        (first, DRAWN_TITLE.format(task=first.name), 2, "drawn"),
        (second, ANNOUNCED_TITLE.format(task=second.name), 7, "announced"),
    ]
    for task, title, days, kind in plan_of:
        if DrawTask.objects.filter(task=task, title=title).exists():
            continue
        operator = _operator(task, actor)
        if operator is None:
            created["skipped"] += 1
            continue
        reveal = today + dt.timedelta(days=days)
        try:
            with transaction.atomic():
                draw = services.create_draw(
                    task=task,
                    title=title,
                    mode=DrawMode.PUBLIC,
                    reveal_date=reveal,
                    sources=_sources(today, days),
                    actor=operator,
                    inspection_start=reveal + dt.timedelta(days=14),
                    inspection_end=reveal + dt.timedelta(days=45),
                )
                draw = services.announce_draw(draw, actor=operator)
                if kind == "drawn":
                    services.perform_draw(draw, values=DRAWN_VALUES, actor=operator, today=reveal)
        except ValidationError:
            created["skipped"] += 1
            continue
        created[kind] += 1
    return created
