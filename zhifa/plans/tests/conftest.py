"""Fixtures of the plans tests: items, a plan at each stage, and counters of what was written."""

from __future__ import annotations

from typing import Any

import pytest

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.plans import services
from zhifa.plans.models import AnnualPlan, InspectionItem, PlanAmendment, PlanStratum, PlanTask


def item_data(code: str = "WJ-GGCS-01", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "name": "公共场所从业人员健康合格证明",
        "field": "health",
        "legal_basis_law": "《公共场所卫生管理条例》",
        "legal_basis_article": "第七条",
        "standard": "直接为顾客服务的人员持有效健康合格证明上岗",
        "checklist": "从业人员是否均持有效健康合格证明；是否建立从业人员健康档案",
        "method": "onsite",
        "yearly_cap": 1,
        "quiet_period_days": 180,
        "industries": "61 住宿业；62 餐饮业；80 居民服务业",
    }
    data.update(overrides)
    return data


@pytest.fixture
def item(health_agency, inspector):
    return services.create_item(organisation=health_agency, data=item_data(), actor=inspector)


@pytest.fixture
def second_item(health_agency, inspector):
    return services.create_item(
        organisation=health_agency,
        data=item_data(
            "WJ-ZYWS-01",
            name="职业健康检查",
            legal_basis_law="《中华人民共和国职业病防治法》",
            legal_basis_article="第三十五条",
            industries="B；C",
        ),
        actor=inspector,
    )


@pytest.fixture
def draft_plan(health_agency, inspector, item, zhoushan):
    plan = services.create_plan(
        organisation=health_agency,
        data={"year": 2026, "title": "舟山市卫生健康委员会2026年度行政检查计划"},
        actor=inspector,
    )
    services.add_plan_items(plan, items=[item], actor=inspector)
    services.set_strata(plan, ratios={"A": "3", "B": "5", "C": "10", "D": "20"}, actor=inspector)
    services.add_task(
        plan,
        data={
            "quarter": 2,
            "name": "公共场所卫生双随机抽查",
            "kind": "random",
            "field": "health",
            "items": [item.pk],
            "region": zhoushan.code,
            "officers_per_inspection": 2,
        },
        actor=inspector,
    )
    plan.refresh_from_db()
    return plan


@pytest.fixture
def approved_plan(draft_plan, approver):
    return services.approve_plan(draft_plan, actor=approver)


@pytest.fixture
def published_plan(approved_plan, approver):
    return services.publish_plan(approved_plan, actor=approver)


@pytest.fixture
def second_approver(health_agency):
    from zhifa.org.models import Role

    return testing.user(
        "approver2", role=Role.APPROVER, organisation=health_agency, display_name="周副主任"
    )


@pytest.fixture
def counts():
    """``counts()`` → rows of every plans table and audit records, to prove what was written."""

    def _counts() -> dict[str, int]:
        return {
            "items": InspectionItem.objects.count(),
            "plans": AnnualPlan.objects.count(),
            "strata": PlanStratum.objects.count(),
            "tasks": PlanTask.objects.count(),
            "amendments": PlanAmendment.objects.count(),
            "audit": AuditRecord.objects.count(),
        }

    return _counts
