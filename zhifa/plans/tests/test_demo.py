from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.org.models import User
from zhifa.plans.demo import demo_items, load_demo_plans
from zhifa.plans.models import AnnualPlan, InspectionItem, PlanStatus, PlanTask
from zhifa.web.demo_data import load_demo

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_demo_item_data_cites_a_law_and_an_article_for_every_item():
    items = demo_items()
    assert Counter(i.field for i in items) == {
        "health": 6,
        "market": 6,
        "ecology": 7,
        "emergency": 6,
    }
    assert len({i.code for i in items}) == 25
    for item in items:
        assert item.legal_basis_law.startswith("《") and item.legal_basis_law.endswith("》")
        assert item.legal_basis_article.startswith("第") and item.legal_basis_article.endswith("条")
        assert item.checklist
    hazardous = next(i for i in items if i.code == "ST-GF-01")
    # 固废法 was repealed when the 生态环境法典 took effect on 2026-08-15 (its Art. 1242).
    assert (hazardous.legal_basis_law, hazardous.legal_basis_article) == (
        "《中华人民共和国生态环境法典》",
        "第五百三十二条",
    )


def test_demo_load_creates_items_and_plans_published_on_the_first_working_day_once():
    with time_machine.travel(dt.datetime(2026, 12, 3, 14, 45, tzinfo=SHANGHAI), tick=False):
        load_demo(enterprises=60, officers=40)
    assert InspectionItem.objects.count() == 130
    assert AnnualPlan.objects.filter(year=2026, status=PlanStatus.PUBLISHED).count() == 21
    assert PlanTask.objects.count() == 42
    plan = AnnualPlan.objects.get(organisation__name="舟山市卫生健康委员会", year=2026)
    assert plan.created_by == User.objects.get(username="inspector")
    assert plan.approved_by == User.objects.get(username="approver")
    # 2026-01-04, a Sunday, is the first working day of 2026 (调休 after New Year's Day).
    assert {
        timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
        for moment in AnnualPlan.objects.values_list("published_at", flat=True)
    } == {"2026-01-04 10:00"}
    assert {s.code: s.sampling_ratio for s in plan.strata.all()} == {
        "A": Decimal("3.00"),
        "B": Decimal("5.00"),
        "C": Decimal("10.00"),
        "D": Decimal("20.00"),
    }
    # Both tasks fall in the quarter the demo is loaded in, where its draws are made.
    assert [(t.quarter, t.name, t.items.count()) for t in plan.tasks.all()] == [
        (4, "公共场所卫生双随机抽查", 4),
        (4, "职业卫生和生活饮用水双随机抽查", 2),
    ]
    assert [t.industry_scope.describe() for t in plan.tasks.all()] == [
        "限于检查事项适用的行业（GB/T 4754-2017）：61 住宿业、62 餐饮业、80 居民服务业、"
        "88 文化艺术业、89 体育、90 娱乐业",
        "限于检查事项适用的行业（GB/T 4754-2017）：B 采矿业（门类）、C 制造业（门类）、"
        "46 水的生产和供应业",
    ]
    record = AuditRecord.objects.get(action="plans.demo.load")
    assert record.after == {"created": {"items": 130, "plans": 21, "tasks": 42}, "year": 2026}
    assert timezone.localtime(record.at).strftime("%Y-%m-%d %H:%M") == "2026-01-04 10:00"
    audit_count = AuditRecord.objects.count()
    assert load_demo_plans() == {"items": 0, "plans": 0, "tasks": 0}
    assert AuditRecord.objects.count() == audit_count
    assert verify_chain().ok
