"""A small registry for draws: 60 enterprises of 舟山 across grades A–D, hotels and restaurants
(GB/T 4754 大类 61 and 62), 6 officers of the health agency, and a published plan with one task
whose item applies to 住宿和餐饮业 and whose strata sample A 5%, B 10%, C 20%, D 50% (so 1, 2, 2
and 5 of 20, 20, 10 and 10)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

import zhifa_testing as testing
from zhifa.draws import services
from zhifa.plans.models import (
    AnnualPlan,
    InspectionItem,
    PlanStatus,
    PlanStratum,
    PlanTask,
    TaskKind,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
GRADES = ["A"] * 20 + ["B"] * 20 + ["C"] * 10 + ["D"] * 10


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def reveal_date(today):
    return today + dt.timedelta(days=3)


@pytest.fixture
def registry(zhoushan):
    return [
        testing.enterprise(
            f"舟山测试企业{n:02d}有限公司",
            region=zhoushan,
            serial=7000 + n,
            credit_grade=grade,
            industry_code="61" if n % 2 else "62",
        )
        for n, grade in enumerate(GRADES, start=1)
    ]


@pytest.fixture
def officers(health_agency):
    field = testing.field()
    return [
        testing.officer(
            name, organisation=health_agency, cert_no=f"3309002026{n:04d}", fields=[field]
        )
        for n, name in enumerate(["赵一", "钱二", "孙三", "李四", "周五", "吴六"], start=1)
    ]


@pytest.fixture
def item(health_agency):
    return InspectionItem.objects.create(
        organisation=health_agency,
        field=testing.field(),
        code="WJ-001",
        name="公共场所卫生监督检查",
        legal_basis_law="《公共场所卫生管理条例》",
        legal_basis_article="第十条",
        yearly_cap=1,
        quiet_period_days=180,
        industries=["H"],
    )


@pytest.fixture
def plan(health_agency, approver, item, today):
    plan = AnnualPlan.objects.create(
        organisation=health_agency,
        year=today.year,
        title=f"舟山市卫生健康委员会{today.year}年度行政执法检查计划",
        status=PlanStatus.PUBLISHED,
        created_by=approver,
        published_by=approver,
        published_at=timezone.now(),
    )
    plan.items.add(item)
    for code, ratio in (("A", "5"), ("B", "10"), ("C", "20"), ("D", "50")):
        PlanStratum.objects.create(
            plan=plan,
            code=code,
            name=f"{code} 类企业",
            credit_grade=code,
            sampling_ratio=Decimal(ratio),
        )
    return plan


@pytest.fixture
def task(plan, zhoushan, item):
    task = PlanTask.objects.create(
        plan=plan,
        quarter=4,
        name="公共场所卫生双随机抽查",
        kind=TaskKind.RANDOM,
        field=testing.field(),
        region=zhoushan,
    )
    task.items.add(item)
    return task


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Pool files go to a fresh directory per test."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


SOURCES = [
    {"name": "中国福利彩票双色球开奖号码", "where": "中国福利彩票官网", "offset": 2},
    {"name": "上证综合指数收盘点位", "where": "上海证券交易所官网", "offset": 3},
]
VALUES = ["3,9,14,22,27,31,8", "3021.57"]


@pytest.fixture
def sources(today):
    return [
        {
            "name": s["name"],
            "where": s["where"],
            "expected_on": today + dt.timedelta(days=s["offset"]),
        }
        for s in SOURCES
    ]


def perform_on(day: dt.date, draw: Any, *, values: list[str], actor: Any) -> Any:
    """The draw performed at 10:00 on ``day``, with the clock on that day: the service draws only
    as of today, as an operator would."""
    moment = dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        return services.perform_draw(draw, values=values, actor=actor)
