"""The enterprise reads what its credit grade means: in words on its home page and on its own
page, with the sampling ratio this year's published plans set for its grade."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import lxml.html
import pytest
import time_machine

from zhifa.plans.models import AnnualPlan, PlanStatus, PlanStratum

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def _text(response, testid: str) -> str:
    (found,) = lxml.html.fromstring(response.content).xpath(f'//*[@data-testid="{testid}"]')
    return " ".join(found.text_content().split())


def _published_plan(agency, inspector, year: int, ratios: dict[str, str]) -> AnnualPlan:
    plan = AnnualPlan.objects.create(
        organisation=agency,
        year=year,
        title=f"{agency.name}{year}年度涉企行政检查计划",
        status=PlanStatus.PUBLISHED,
        created_by=inspector,
        published_by=inspector,
        published_at=NOW,
    )
    for grade, ratio in ratios.items():
        PlanStratum.objects.create(
            plan=plan, code=grade, name=grade, credit_grade=grade, sampling_ratio=Decimal(ratio)
        )
    return plan


@time_machine.travel(NOW, tick=False)
def test_the_enterprise_home_says_what_grade_c_means_and_its_ratio_this_year(
    client_for, enterprise, health_agency, inspector
):
    enterprise.enterprise.credit_grade = "C"
    enterprise.enterprise.save()
    _published_plan(health_agency, inspector, 2026, {"A": "3", "C": "10.5", "D": "20"})
    _published_plan(health_agency, inspector, 2025, {"C": "40"})

    response = client_for(enterprise).get("/")

    assert _text(response, "credit-meaning") == (
        "本企业信用风险分类 C 类，信用风险较高：“双随机、一公开”抽查比例高于 A 类、B 类企业，"
        "被抽中检查的机会更多。今年公布的计划中本类企业的抽查比例：舟山市卫生健康委员会 10.5%。"
    )


@time_machine.travel(NOW, tick=False)
def test_the_enterprise_page_explains_grade_a_without_any_published_plan(client_for, enterprise):
    enterprise.enterprise.credit_grade = "A"
    enterprise.enterprise.save()

    response = client_for(enterprise).get(f"/registry/enterprises/{enterprise.enterprise_id}/")

    assert _text(response, "credit-meaning") == (
        "信用风险低：“双随机、一公开”抽查按最低的比例抽取，做到“无事不扰”。"
        "信用风险分类分 A、B、C、D 四类，记在检查对象名录库中；执法部门在公布的年度检查计划中为"
        "每一类企业定下抽查比例，“双随机、一公开”抽查时按这个比例随机抽取。"
        "查看各部门公布的年度检查计划"
    )
