"""The public announcement of a draw states its times on Beijing's clock."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhifa.draws import services
from zhifa.draws.models import DrawMode

MORNING = dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.UTC)  # 2026-12-04 07:30 Beijing


@pytest.fixture
def beijing_morning():
    """Listed first, so that the fixtures after it (today, the sources' dates) see this clock."""
    with time_machine.travel(MORNING, tick=False):
        yield


@pytest.mark.django_db
def test_the_announcement_gives_the_beijing_time_it_was_announced(
    beijing_morning, task, registry, officers, inspector, approver, reveal_date, sources
):
    draw = services.create_draw(
        task=task,
        title="2026年第四季度公共场所卫生双随机抽查",
        mode=DrawMode.PUBLIC,
        reveal_date=reveal_date,
        sources=sources,
        actor=inspector,
    )
    draw = services.announce_draw(draw, actor=approver)
    draw.refresh_from_db()

    summary = services.announcement(draw)["draw"]
    assert (summary["announced_at"], summary["drawn_at"]) == ("2026-12-04T07:30:00+08:00", None)
