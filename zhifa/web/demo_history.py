"""``zhifa demo load``: the demo set and a history that could have happened, in time order.

The steps run in the order of their moments (``zhifa.workdays.demo_clock``), each with the clock
set to its moment: the set and the year's plans on the first working day of the year, the
complaints received over the weeks before the quarter's draw (``zhifa.complaints.demo``), the
draws of the current quarter, then the cases, the guidance list and the three lists on the last
working day that ended before the load. Nothing is dated after the load, and nothing is done on
a day off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from zhifa.compliance.models import GuidanceVersion
from zhifa.web.demo_data import DEFAULT_ENTERPRISES, DEFAULT_OFFICERS, DemoLoadResult, load_demo
from zhifa.workdays.demo_clock import DemoClock, DemoTimeline, timeline_for


@dataclass
class DemoHistoryResult:
    timeline: DemoTimeline
    base: DemoLoadResult
    draws: dict[str, int]
    cases: dict[str, int]
    guidance: GuidanceVersion
    lists: dict[str, int]
    supervision: dict[str, int]
    complaints: dict[str, int] = field(default_factory=dict)


def load_demo_history(
    *, enterprises: int = DEFAULT_ENTERPRISES, officers: int = DEFAULT_OFFICERS, actor: Any = None
) -> DemoHistoryResult:
    """Load whatever of the demo is missing; see the module docstring for when each part is
    dated."""
    from zhifa.complaints.demo import load_demo_complaints, load_demo_complaints_day
    from zhifa.compliance.demo import load_demo_compliance
    from zhifa.discretion.demo import load_demo_discretion
    from zhifa.draws.demo import load_demo_draws
    from zhifa.inspections.demo import load_demo_inspections
    from zhifa.review.demo import load_demo_review
    from zhifa.social.demo import load_demo_social
    from zhifa.supervision.demo import load_demo_supervision
    from zhifa.training.demo import load_demo_training

    timeline = timeline_for(timezone.now())
    clock = DemoClock()
    base = load_demo(
        enterprises=enterprises, officers=officers, actor=actor, timeline=timeline, clock=clock
    )
    # Complaints received and handled over the weeks before the quarter's draw is announced.
    complaints = load_demo_complaints(actor, timeline=timeline, clock=clock)
    draws = load_demo_draws(actor, timeline=timeline, clock=clock)
    cases = load_demo_inspections(timeline=timeline, clock=clock)
    with clock.at(timeline.on_day(17, 30)):
        guidance = load_demo_compliance(actor)
    with clock.at(timeline.on_day(17, 40)):
        lists = load_demo_discretion(actor)
    # The supervising side comes after what it supervises; each part dates its own steps.
    supervision: dict[str, int] = {}
    for load_part in (
        load_demo_training,
        load_demo_social,
        load_demo_review,
        load_demo_supervision,
    ):
        made = load_part(actor, timeline=timeline, clock=clock)
        supervision.update({name: count for name, count in made.items() if count})
    # What the day's objection, rating and social report start, and the overdue item's 提示函.
    complaints.update(load_demo_complaints_day(actor, timeline=timeline, clock=clock))
    return DemoHistoryResult(timeline, base, draws, cases, guidance, lists, supervision, complaints)
