"""The demo's 监督文书, made through the services as the demo personas."""

from __future__ import annotations

from typing import Any

from zhifa.workdays.demo_clock import DemoClock, DemoTimeline


def load_demo_supervision(
    actor: Any, *, timeline: DemoTimeline, clock: DemoClock
) -> dict[str, int]:
    """Idempotent: nothing is done when the part is there already."""
    return {}
