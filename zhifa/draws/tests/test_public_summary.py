"""The public draw page opens with a plain summary before the technical record (issue 17)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.core import timefmt
from zhifa.draws.models import DrawResult
from zhifa.draws.tests.test_views import announced, drawn  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def summary_of(client, draw) -> str:
    text = client.get(reverse("draws:public_detail", args=[draw.pk])).content.decode()
    start = text.index('data-testid="plain-summary"')
    return text[start : text.index("</section>", start)]


def test_an_anonymous_visitor_reads_which_enterprises_were_drawn_when_and_how_to_check(
    client,
    drawn,  # noqa: F811
):
    text = summary_of(client, drawn)
    names = list(
        DrawResult.objects.filter(draw=drawn)
        .order_by("stratum__code", "sequence")
        .values_list("enterprise__name", flat=True)
    )
    assert len(names) == 10
    assert (
        f"{drawn.organisation.name}为《{drawn.task.plan.title}》第{drawn.task.quarter}季度的"
        f"“{drawn.task.name}”，于{timefmt.chinese_datetime(drawn.drawn_at)}"
        f"从{drawn.region.full_name}的 {drawn.pool_size} 户企业中随机抽取了 <strong>10</strong> 户"
    ) in text
    assert sorted(text.split("抽中的企业：")[1].split("。")[0].split("、")) == sorted(names)
    assert text.count("<li>") == 3
    page = client.get(reverse("draws:public_detail", args=[drawn.pk])).content.decode()
    assert page.index('data-testid="plain-summary"') < page.index("抽取信息")


def test_an_announced_draw_says_when_it_will_be_drawn(
    client,
    announced,  # noqa: F811
):
    text = summary_of(client, announced)
    assert f"将在{timefmt.chinese_date(announced.reveal_date)}随机源公布后" in text
    assert "抽中的企业：" not in text
