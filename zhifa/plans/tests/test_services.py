from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.org.models import RegionLevel
from zhifa.plans import selectors, services
from zhifa.plans.models import (
    AmendmentStatus,
    FrequencyPolicy,
    InspectionItem,
    PlanStatus,
)
from zhifa.plans.tests.conftest import item_data

pytestmark = pytest.mark.django_db


def actions(obj_type: str = "plans.annualplan") -> list[str]:
    return list(
        AuditRecord.objects.filter(object_type=obj_type)
        .order_by("seq")
        .values_list("action", flat=True)
    )


# --- Items ------------------------------------------------------------------------------------


def test_inspector_creates_an_item_with_checklist_split_and_audit(item, inspector):
    assert item.code == "WJ-GGCS-01"
    assert item.field.code == "health"
    assert item.checklist == ["从业人员是否均持有效健康合格证明", "是否建立从业人员健康档案"]
    record = AuditRecord.objects.get(action="plans.item.create")
    assert record.object_id == str(item.pk)
    assert record.after["code"] == "WJ-GGCS-01"
    assert record.actor == inspector


def test_item_with_bad_values_is_refused_naming_each_field(health_agency, inspector, counts):
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.create_item(
            organisation=health_agency,
            data=item_data(
                "坏 编码",
                name="",
                field="market",
                legal_basis_law="公共场所卫生管理条例",
                method="飞检",
                yearly_cap="0",
            ),
            actor=inspector,
        )
    messages = error.value.message_dict
    assert set(messages) == {"code", "name", "field", "legal_basis_law", "method", "yearly_cap"}
    assert "事项编码" in messages["code"][0]
    assert messages["name"] == ["请填写检查事项名称。"]
    assert "执法领域" in messages["field"][0]
    assert messages["yearly_cap"] == ["每家企业年度检查上限应在 1 至 12 之间，填写的是 0。"]
    assert counts() == before


def test_duplicate_code_in_the_same_organisation_is_refused(item, health_agency, inspector):
    with pytest.raises(ValidationError) as error:
        services.create_item(organisation=health_agency, data=item_data(), actor=inspector)
    assert error.value.message_dict["code"] == [
        "事项编码“WJ-GGCS-01”在本机关的检查事项清单中已经使用，请换一个编码。"
    ]
    assert InspectionItem.objects.count() == 1


def test_update_and_deactivate_item_record_before_and_after(item, inspector):
    services.update_item(item, data={"name": "从业人员健康合格证明"}, actor=inspector)
    item.refresh_from_db()
    assert item.name == "从业人员健康合格证明"
    services.deactivate_item(item, actor=inspector)
    item.refresh_from_db()
    assert item.is_active is False
    records = AuditRecord.objects.filter(object_type="plans.inspectionitem").order_by("seq")
    assert [r.action for r in records] == [
        "plans.item.create",
        "plans.item.update",
        "plans.item.deactivate",
    ]
    assert records[1].before["name"] == "公共场所从业人员健康合格证明"
    assert records[2].after["is_active"] is False
    with pytest.raises(ValidationError):
        services.deactivate_item(item, actor=inspector)


def test_outsider_and_supervisor_may_not_write_items(
    health_agency, outsider, supervisor, legal_reviewer, counts
):
    before = counts()
    for actor in (outsider, supervisor, legal_reviewer):
        with pytest.raises(PermissionDenied):
            services.create_item(organisation=health_agency, data=item_data(), actor=actor)
    assert counts() == before


# --- Plans ------------------------------------------------------------------------------------


def test_plan_goes_from_draft_to_approved_to_published(draft_plan, approver):
    assert draft_plan.status == PlanStatus.DRAFT
    plan = services.approve_plan(draft_plan, actor=approver)
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_by == approver
    plan = services.publish_plan(plan, actor=approver)
    assert plan.status == PlanStatus.PUBLISHED
    assert plan.published_by == approver
    assert plan.published_at is not None
    assert actions() == [
        "plans.plan.create",
        "plans.plan.add_items",
        "plans.plan.set_strata",
        "plans.plan.add_task",
        "plans.plan.approve",
        "plans.plan.publish",
    ]
    strata = {s.code: s.sampling_ratio for s in plan.strata.all()}
    assert strata == {
        "A": Decimal("3.00"),
        "B": Decimal("5.00"),
        "C": Decimal("10.00"),
        "D": Decimal("20.00"),
    }
    assert verify_chain().ok


def test_creator_may_not_approve_own_plan(health_agency, approver, item, counts):
    plan = services.create_plan(
        organisation=health_agency, data={"year": 2027, "title": "2027年度计划"}, actor=approver
    )
    before = counts()
    with pytest.raises(PermissionDenied) as error:
        services.approve_plan(plan, actor=approver)
    assert "编制人不能批准自己编制的计划" in str(error.value)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert counts() == before


def test_inspector_may_not_approve_or_publish(draft_plan, inspector, counts):
    before = counts()
    with pytest.raises(PermissionDenied):
        services.approve_plan(draft_plan, actor=inspector)
    assert counts() == before
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.DRAFT


def test_publishing_a_draft_is_refused_naming_the_state(draft_plan, approver, counts):
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.publish_plan(draft_plan, actor=approver)
    assert error.value.messages == [
        "计划“舟山市卫生健康委员会2026年度行政检查计划”当前状态为“草稿”，不能公布"
        "（只有状态为“已批准”的计划可以公布）。"
    ]
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.DRAFT
    assert counts() == before


def test_empty_plan_cannot_be_approved(health_agency, inspector, approver, counts):
    plan = services.create_plan(
        organisation=health_agency, data={"year": 2027, "title": "空计划"}, actor=inspector
    )
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.approve_plan(plan, actor=approver)
    assert error.value.messages == [
        "计划“空计划”尚不能批准：计划中没有检查事项；没有设置按信用风险分类的抽查比例；没有任何有效任务。"
    ]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert counts() == before


def test_approved_plan_returns_to_draft_and_clears_approval(approved_plan, approver):
    plan = services.return_to_draft(approved_plan, actor=approver, reason="任务需细化")
    assert plan.status == PlanStatus.DRAFT
    assert plan.approved_by is None
    record = AuditRecord.objects.get(action="plans.plan.return_to_draft")
    assert record.after["reason"] == "任务需细化"
    assert record.before["status"] == "approved"


def test_published_plan_cannot_be_edited_directly(published_plan, inspector, second_item, counts):
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.update_plan(published_plan, data={"title": "新标题"}, actor=inspector)
    assert "已公布的计划只能通过公布“计划调整”变更" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.add_plan_items(published_plan, items=[second_item], actor=inspector)
    with pytest.raises(ValidationError):
        services.set_strata(published_plan, ratios={"A": "1"}, actor=inspector)
    with pytest.raises(ValidationError):
        services.return_to_draft(published_plan, actor=published_plan.approved_by)
    assert counts() == before
    published_plan.refresh_from_db()
    assert published_plan.title == "舟山市卫生健康委员会2026年度行政检查计划"


def test_one_plan_per_organisation_and_year(draft_plan, health_agency, inspector):
    with pytest.raises(ValidationError) as error:
        services.create_plan(
            organisation=health_agency, data={"year": 2026, "title": "重复"}, actor=inspector
        )
    assert error.value.message_dict["year"] == [
        "年度：舟山市卫生健康委员会已有 2026 年度的执法计划，每年只能编制一份。"
    ]


def test_task_outside_the_plan_or_jurisdiction_is_refused(
    draft_plan, inspector, second_item, jinzhong
):
    with pytest.raises(ValidationError) as error:
        services.add_task(
            draft_plan,
            data={
                "quarter": 5,
                "name": "",
                "kind": "random",
                "field": "health",
                "items": [second_item.pk],
                "region": jinzhong.code,
                "officers_per_inspection": 1,
            },
            actor=inspector,
        )
    messages = error.value.message_dict
    assert set(messages) == {"quarter", "name", "items", "region", "officers_per_inspection"}
    assert messages["region"] == [
        "抽查范围：晋中市（140700）不在舟山市卫生健康委员会的辖区舟山市内。"
    ]
    assert draft_plan.tasks.count() == 1


def test_item_used_by_a_task_cannot_be_removed(draft_plan, inspector, item):
    with pytest.raises(ValidationError) as error:
        services.remove_plan_item(draft_plan, item=item, actor=inspector)
    assert "仍被任务“公共场所卫生双随机抽查”使用" in error.value.message_dict["items"][0]
    services.cancel_task(draft_plan.tasks.get(), actor=inspector)
    services.remove_plan_item(draft_plan, item=item, actor=inspector)
    assert list(draft_plan.items.all()) == []


# --- Amendments -------------------------------------------------------------------------------


def test_amendment_applies_all_operations_when_published_and_is_public(
    published_plan, inspector, approver, second_item, zhoushan
):
    # An item has to be on the list first; the amendment adds it to the plan, then a task uses it.
    task = published_plan.tasks.get()
    amendment = services.propose_amendment(
        published_plan,
        reason="新增职业卫生专项，调整 C 类比例",
        changes=[
            {"op": "add_item", "item": "WJ-ZYWS-01"},
            {
                "op": "add_task",
                "quarter": 3,
                "name": "职业健康检查专项",
                "kind": "special",
                "field": "health",
                "items": ["WJ-ZYWS-01"],
                "region": zhoushan.code,
            },
            {"op": "set_stratum_ratio", "grade": "C", "ratio": "15"},
            {"op": "cancel_task", "task": task.pk},
        ],
        actor=inspector,
    )
    assert amendment.status == AmendmentStatus.DRAFT
    assert amendment.number == 1
    # Proposing changes nothing yet.
    assert published_plan.tasks.count() == 1
    assert list(selectors.published_plans().get().amendments.filter(status="published")) == []

    amendment = services.publish_amendment(amendment, actor=approver)
    assert amendment.status == AmendmentStatus.PUBLISHED
    assert amendment.published_by == approver
    assert amendment.before["strata"][2] == {
        "code": "C",
        "name": "C 类（信用风险较高）",
        "credit_grade": "C",
        "sampling_ratio": "10.00",
    }
    assert amendment.after["strata"][2]["sampling_ratio"] == "15.00"
    assert amendment.before["items"] == ["WJ-GGCS-01"]
    assert amendment.after["items"] == ["WJ-GGCS-01", "WJ-ZYWS-01"]
    tasks = {t.name: t.is_cancelled for t in published_plan.tasks.all()}
    assert tasks == {"公共场所卫生双随机抽查": True, "职业健康检查专项": False}
    assert list(selectors.plan_amendments(published_plan, published_only=True)) == [amendment]
    assert actions()[-2:] == ["plans.amendment.propose", "plans.amendment.publish"]
    assert verify_chain().ok


def test_amendment_with_a_bad_operation_is_refused_and_changes_nothing(
    published_plan, inspector, counts
):
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.propose_amendment(
            published_plan,
            reason="调整",
            changes=[
                {"op": "set_stratum_ratio", "grade": "A", "ratio": "4"},
                {"op": "remove_item", "item": "WJ-GGCS-01"},
            ],
            actor=inspector,
        )
    assert error.value.message_dict["changes"][0].startswith("第 2 项调整（移除检查事项）：")
    assert counts() == before
    assert published_plan.strata.get(code="A").sampling_ratio == Decimal("3.00")


def test_amendment_only_for_published_plans_and_published_once(
    draft_plan, published_plan, inspector, approver
):
    with pytest.raises(ValidationError):
        services.propose_amendment(
            draft_plan, reason="x", changes=[{"op": "add_item", "item": "X"}], actor=inspector
        )
    amendment = services.propose_amendment(
        published_plan,
        reason="提高 D 类比例",
        changes=[{"op": "set_stratum_ratio", "grade": "D", "ratio": "25"}],
        actor=inspector,
    )
    with pytest.raises(PermissionDenied):
        services.publish_amendment(amendment, actor=inspector)
    services.publish_amendment(amendment, actor=approver)
    with pytest.raises(ValidationError) as error:
        services.publish_amendment(amendment, actor=approver)
    assert error.value.messages == ["第1次调整当前状态为“已公布”，不能再次公布。"]


# --- Frequency caps ---------------------------------------------------------------------------


def test_effective_yearly_cap_walks_up_the_region_tree(zhoushan, settings):
    settings.ZHIFA_YEARLY_INSPECTION_CAP = 2
    dinghai = testing.region("330902", "定海区", RegionLevel.COUNTY, zhoushan)
    assert selectors.effective_yearly_cap(dinghai) == 2
    FrequencyPolicy.objects.create(region=zhoushan.parent, yearly_cap_across_agencies=3)
    assert selectors.effective_yearly_cap(dinghai) == 3
    FrequencyPolicy.objects.create(region=zhoushan, yearly_cap_across_agencies=1)
    assert selectors.effective_yearly_cap("330902") == 1
    assert selectors.effective_yearly_cap("999999") == 2
