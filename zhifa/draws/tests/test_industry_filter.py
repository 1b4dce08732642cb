"""A draw's pool holds only enterprises of the industries its task's items apply to, unless the
task chose 不限行业; the public record states the filter and still verifies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.draws import eligibility, pools, services
from zhifa.draws import record as draw_record
from zhifa.draws.models import DrawMode, DrawStatus, DrawTask
from zhifa.draws.tests.conftest import VALUES, perform_on
from zhifa.org.models import User
from zhifa.plans.models import PlanTask
from zhifa.registry.models import Enterprise
from zhifa.web.demo_data import load_demo

pytestmark = pytest.mark.django_db

HOTELS_AND_RESTAURANTS = {
    "all": False,
    "from": "items",
    "standard": "GB/T 4754-2017",
    "codes": ["H"],
    "names": ["H 住宿和餐饮业（门类）"],
    "enterprise_codes": ["H", "61", "62"],
    "description": "限于检查事项适用的行业（GB/T 4754-2017）：H 住宿和餐饮业（门类）",
}


@pytest.fixture
def others(zhoushan):
    """A builder, a chemical works, a haulier and one with no 行业代码, all grade D."""
    return [
        testing.enterprise(
            name, region=zhoushan, serial=7100 + n, credit_grade="D", industry_code=code
        )
        for n, (name, code) in enumerate(
            [
                ("舟山测试建筑工程有限公司", "47"),
                ("舟山测试化工有限公司", "26"),
                ("舟山测试物流有限公司", "54"),
                ("舟山测试未分类有限公司", ""),
            ]
        )
    ]


def create(task, inspector, reveal_date, sources) -> DrawTask:
    return services.create_draw(
        task=task,
        title="2026年第四季度公共场所卫生双随机抽查",
        mode=DrawMode.PUBLIC,
        reveal_date=reveal_date,
        sources=sources,
        actor=inspector,
    )


def test_the_pool_holds_only_enterprises_of_the_items_industries(
    task, registry, others, officers, inspector, approver, reveal_date, sources
):
    draw = services.announce_draw(create(task, inspector, reveal_date, sources), actor=approver)

    pool = pools.read_pool(draw.pool_file).decode().splitlines()
    assert draw.pool_size == 60
    assert sorted(pool) == sorted(e.uscc for e in registry)
    assert draw.industry_filter == HOTELS_AND_RESTAURANTS
    assert services.announcement(draw)["draw"]["industry_filter"] == HOTELS_AND_RESTAURANTS


def test_the_record_states_the_filter_and_verify_draw_reproduces_the_pool(
    task, registry, others, officers, inspector, approver, reveal_date, sources
):
    draw = services.announce_draw(create(task, inspector, reveal_date, sources), actor=approver)
    draw = perform_on(reveal_date, draw, values=VALUES, actor=inspector)

    assert draw.record["draw"]["industry_filter"] == HOTELS_AND_RESTAURANTS
    draw_record.verify(
        draw.record, pools.read_pool(draw.pool_file), pools.read_pool(draw.officer_pool_file)
    )
    picked = {r["uscc"] for r in draw.record["results"]}
    assert len(picked) == 10
    assert picked.isdisjoint(e.uscc for e in others)


def test_a_task_that_names_its_own_industries_draws_only_from_those(
    task, registry, others, officers, inspector, approver, reveal_date, sources
):
    task.industries = ["62"]
    task.save()

    draw = services.announce_draw(create(task, inspector, reveal_date, sources), actor=approver)

    assert draw.pool_size == 30
    assert draw.industry_filter["from"] == "task"
    assert draw.industry_filter["description"] == (
        "限于计划任务指定的行业（GB/T 4754-2017）：62 餐饮业"
    )


def test_only_a_task_that_chose_all_industries_draws_from_every_industry(
    task, registry, others, officers, inspector, approver, reveal_date, sources
):
    task.all_industries = True
    task.save()

    draw = services.announce_draw(create(task, inspector, reveal_date, sources), actor=approver)

    assert draw.pool_size == 64
    assert draw.industry_filter == {
        "all": True,
        "from": "all",
        "description": "不限行业（计划任务明确选择“不限行业”）",
    }


def test_an_enterprise_known_only_by_its_section_is_drawn_for_that_section_only(
    task, item, registry, officers, inspector, approver, reveal_date, sources, zhoushan
):
    testing.enterprise(
        "舟山测试民宿", region=zhoushan, serial=7200, credit_grade="D", industry_code="H"
    )
    in_section = services.announce_draw(
        create(task, inspector, reveal_date, sources), actor=approver
    )
    item.industries = ["61", "62"]
    item.save()
    in_divisions = services.announce_draw(
        create(task, inspector, reveal_date, sources), actor=approver
    )

    assert (in_section.pool_size, in_divisions.pool_size) == (61, 60)


def test_announcing_is_refused_when_no_item_names_an_industry_and_nothing_changes(
    task, item, registry, officers, inspector, approver, reveal_date, sources
):
    draw = create(task, inspector, reveal_date, sources)
    item.industries = []
    item.save()
    audit_count = AuditRecord.objects.count()

    with pytest.raises(ValidationError) as error:
        services.announce_draw(draw, actor=approver)

    assert error.value.messages == [
        "计划任务“公共场所卫生双随机抽查”的检查事项（WJ-001）都没有设置适用行业，"
        "抽取名录的行业范围无法确定，不能公告；请为这些检查事项设置适用行业，"
        "或通过计划调整指定抽取行业或明确选择“不限行业”。"
    ]
    draw.refresh_from_db()
    assert (draw.status, draw.pool_file, draw.industry_filter) == (DrawStatus.DRAFT, "", None)
    assert AuditRecord.objects.count() == audit_count
    assert not default_storage.exists(f"draws/{draw.pk}")


def test_the_public_page_states_the_filter_in_words(
    task, registry, officers, inspector, approver, reveal_date, sources, client
):
    draw = services.announce_draw(create(task, inspector, reveal_date, sources), actor=approver)

    page = client.get(reverse("draws:public_detail", args=[draw.pk])).content.decode()

    assert (
        '<dd data-testid="industry-filter">'
        "限于检查事项适用的行业（GB/T 4754-2017）：H 住宿和餐饮业（门类）</dd>"
    ) in page


def test_the_demo_public_place_task_draws_only_the_public_places_of_its_items(today):
    load_demo(enterprises=120, officers=200)
    task = PlanTask.objects.get(
        plan__organisation__name="舟山市卫生健康委员会", name="公共场所卫生双随机抽查"
    )
    draw = services.create_draw(
        task=task,
        title="演示：公共场所卫生双随机抽查",
        mode=DrawMode.COMMIT,
        reveal_date=today + dt.timedelta(days=3),
        sources=[],
        actor=User.objects.get(username="inspector"),
    )
    draw = services.announce_draw(draw, actor=User.objects.get(username="approver"))

    public_places = ["61", "62", "80", "88", "89", "90"]
    eligible = set(
        Enterprise.objects.filter(
            region__pk__startswith=task.region.code_prefix, industry_code__in=public_places
        ).values_list("uscc", flat=True)
    ) - set(eligibility.ineligible(task, today))
    pool = set(pools.read_pool(draw.pool_file).decode().splitlines())
    assert pool == eligible
    assert draw.industry_filter["enterprise_codes"] == public_places
    assert set(
        Enterprise.objects.filter(uscc__in=pool).values_list("industry_code", flat=True)
    ) <= set(public_places)
