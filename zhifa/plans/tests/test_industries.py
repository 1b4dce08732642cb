"""Inspection items name the industries they apply to (GB/T 4754-2017), and a task's draw pool
defaults to them: in the form, the import file, the export and the API."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from zhifa.plans import importing, services
from zhifa.plans.models import InspectionItem, PlanTask
from zhifa.plans.tests.conftest import item_data
from zhifa.plans.tests.test_import import good_row, xlsx

pytestmark = pytest.mark.django_db


def task_data(zhoushan, items, **overrides):
    data = {
        "quarter": 3,
        "name": "公共场所卫生专项抽查",
        "kind": "random",
        "field": "health",
        "items": items,
        "region": zhoushan.code,
        "officers_per_inspection": 2,
    }
    data.update(overrides)
    return data


def test_an_item_keeps_its_industries_as_codes_in_the_standards_order(item):
    assert item.industries == ["61", "62", "80"]
    assert item.industries_text == "61 住宿业、62 餐饮业、80 居民服务业"


def test_a_section_takes_in_its_divisions(health_agency, inspector):
    item = services.create_item(
        organisation=health_agency,
        data=item_data("WJ-GGCS-09", industries=["62", "H", "80"]),
        actor=inspector,
    )

    assert item.industries == ["H", "80"]


def test_an_unknown_industry_is_refused_naming_the_field_and_nothing_is_written(
    health_agency, inspector, counts
):
    before = counts()

    with pytest.raises(ValidationError) as error:
        services.create_item(
            organisation=health_agency,
            data=item_data(industries="61 住宿业；98"),
            actor=inspector,
        )

    assert error.value.message_dict == {
        "industries": [
            "适用行业：“98”不是 GB/T 4754-2017 的门类字母（A–T）或大类代码（01–97），"
            "也不是其名称；请填写代码，如 61（住宿业）、H（住宿和餐饮业）。"
        ]
    }
    assert counts() == before


def test_the_item_form_saves_the_ticked_industries(client_for, inspector):
    data = {
        **item_data("WJ-GGCS-07"),
        "industries": ["H", "80"],
        "yearly_cap": 1,
        "quiet_period_days": 180,
    }

    response = client_for(inspector).post("/plans/items/new/", data)

    assert response.status_code == 302
    assert InspectionItem.objects.get(code="WJ-GGCS-07").industries == ["H", "80"]


def test_the_item_form_shows_each_section_as_a_group_of_its_divisions(client_for, inspector, item):
    page = client_for(inspector).get(f"/plans/items/{item.pk}/edit/").content.decode()

    assert page.count("<details") == 20
    assert page.count('type="checkbox" name="industries"') == 117
    assert '<input type="checkbox" name="industries" value="61" checked> 61 住宿业' in page


def test_an_import_row_with_an_unknown_industry_is_reported_by_row_and_column(
    health_agency, inspector, counts
):
    content = xlsx([good_row("WJ-01", 适用行业="61"), good_row("WJ-02", 适用行业="61 餐饮业")])
    before = counts()

    outcome = services.import_items(
        organisation=health_agency, file_name="清单.xlsx", content=content, actor=inspector
    )

    assert [(e.row, e.column, e.value, e.message) for e in outcome.report.errors] == [
        (
            3,
            "适用行业",
            "61 餐饮业",
            "适用行业：代码 61 是“住宿业”，不是“餐饮业”；请核对代码或名称。",
        )
    ]
    assert counts() == before


def test_the_export_writes_industries_that_import_back_unchanged(
    client_for, health_agency, inspector, item
):
    response = client_for(inspector).get("/plans/items/export/")
    content = b"".join(response)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("适用行业")

    assert rows[1][column] == "61 住宿业；62 餐饮业；80 居民服务业"
    outcome = services.import_items(
        organisation=health_agency, file_name="导出.xlsx", content=content, actor=inspector
    )
    assert (outcome.written, outcome.created, outcome.updated, outcome.unchanged) == (
        True,
        0,
        0,
        1,
    )


def test_the_api_gives_an_items_industries_with_their_names(client_for, inspector, item):
    data = client_for(inspector).get(f"/api/plans/items/{item.pk}").json()

    assert (data["industries"], data["industry_names"]) == (
        ["61", "62", "80"],
        ["61 住宿业", "62 餐饮业", "80 居民服务业"],
    )


def test_a_task_draws_from_its_items_industries_by_default(
    draft_plan, second_item, inspector, zhoushan
):
    services.add_plan_items(draft_plan, items=[second_item], actor=inspector)
    task = services.add_task(
        draft_plan,
        data=task_data(zhoushan, [i.pk for i in draft_plan.items.order_by("code")]),
        actor=inspector,
    )

    scope = task.industry_scope
    assert (task.all_industries, task.industries) == (False, [])
    assert (scope.source, scope.codes) == ("items", ("B", "C", "61", "62", "80"))
    assert scope.describe() == (
        "限于检查事项适用的行业（GB/T 4754-2017）：B 采矿业（门类）、C 制造业（门类）、"
        "61 住宿业、62 餐饮业、80 居民服务业"
    )


def test_a_task_may_name_industries_only_within_its_items(draft_plan, item, inspector, zhoushan):
    task = services.add_task(
        draft_plan, data=task_data(zhoushan, [item.pk], industries="62"), actor=inspector
    )
    assert task.industry_scope.describe() == "限于计划任务指定的行业（GB/T 4754-2017）：62 餐饮业"
    count = PlanTask.objects.count()

    with pytest.raises(ValidationError) as error:
        services.add_task(
            draft_plan, data=task_data(zhoushan, [item.pk], industries="47；H"), actor=inspector
        )

    assert error.value.message_dict == {
        "industries": [
            "抽取行业：47 房屋建筑业、H 住宿和餐饮业（门类） 不在所选检查事项的适用行业"
            "（61 住宿业、62 餐饮业、80 居民服务业）之内；任务只能在事项适用的行业中抽取，"
            "或明确选择“不限行业”。"
        ]
    }
    assert PlanTask.objects.count() == count


def test_all_industries_is_a_choice_of_its_own(draft_plan, item, inspector, zhoushan):
    task = services.add_task(
        draft_plan, data=task_data(zhoushan, [item.pk], all_industries=True), actor=inspector
    )
    assert task.industry_scope.describe() == "不限行业（计划任务明确选择“不限行业”）"

    with pytest.raises(ValidationError) as error:
        services.add_task(
            draft_plan,
            data=task_data(zhoushan, [item.pk], all_industries=True, industries=["62"]),
            actor=inspector,
        )

    assert error.value.message_dict == {
        "industries": ["抽取行业：已选择“不限行业”，就不要再指定行业；请二选一。"]
    }


def test_a_task_of_items_without_industries_must_say_what_it_draws_from(
    draft_plan, health_agency, inspector, zhoushan
):
    bare = services.create_item(
        organisation=health_agency, data=item_data("WJ-X-01", industries=""), actor=inspector
    )
    services.add_plan_items(draft_plan, items=[bare], actor=inspector)
    count = PlanTask.objects.count()

    with pytest.raises(ValidationError) as error:
        services.add_task(draft_plan, data=task_data(zhoushan, [bare.pk]), actor=inspector)

    assert error.value.message_dict == {
        "industries": [
            "抽取行业：所选检查事项都没有设置适用行业，抽取名录无法确定；请先为检查事项设置"
            "适用行业，或在此指定抽取行业，或明确选择“不限行业”。"
        ]
    }
    assert PlanTask.objects.count() == count


def test_the_plan_page_and_api_show_each_tasks_industries(
    client_for, supervisor, inspector, draft_plan
):
    page = client_for(inspector).get(f"/plans/{draft_plan.pk}/").content.decode()
    task = client_for(supervisor).get(f"/api/plans/plans/{draft_plan.pk}").json()["tasks"][0]

    assert '<td data-testid="task-industries">61 住宿业、62 餐饮业、80 居民服务业</td>' in page
    assert (task["all_industries"], task["industries"], task["industry_filter_codes"]) == (
        False,
        [],
        ["61", "62", "80"],
    )
    assert task["industry_filter"] == (
        "限于检查事项适用的行业（GB/T 4754-2017）：61 住宿业、62 餐饮业、80 居民服务业"
    )


def test_an_amendment_adds_a_task_with_its_own_industries(
    published_plan, item, inspector, approver, zhoushan
):
    amendment = services.propose_amendment(
        published_plan,
        reason="增加餐饮单位专项抽查",
        changes=[{"op": "add_task", **task_data(zhoushan, [item.code], industries="62")}],
        actor=inspector,
    )
    services.publish_amendment(amendment, actor=approver)

    task = published_plan.tasks.get(name="公共场所卫生专项抽查")
    assert task.industries == ["62"]
    assert services.describe_changes(published_plan, amendment.changes) == [
        "新增第3季度任务“公共场所卫生专项抽查”（检查事项 WJ-GGCS-01；抽查范围 330900；"
        "抽取行业 62 餐饮业）"
    ]


def test_an_amendment_written_before_industry_scopes_keeps_its_meaning(
    published_plan, item, inspector, approver, zhoushan
):
    """Blank 行业 meant 不限行业; an amendment proposed then and published now still means it."""
    amendment = services.propose_amendment(
        published_plan,
        reason="增加专项抽查",
        changes=[{"op": "add_task", **task_data(zhoushan, [item.code], industry="")}],
        actor=inspector,
    )
    services.publish_amendment(amendment, actor=approver)

    assert published_plan.tasks.get(name="公共场所卫生专项抽查").all_industries is True


def test_the_import_template_explains_the_industries_column():
    workbook = load_workbook(io.BytesIO(importing.template_workbook()))
    guide = {row[0]: row for row in workbook["填写说明"].iter_rows(values_only=True)}

    assert guide["适用行业"][1:] == (
        "选填",
        "GB/T 4754-2017 门类字母或大类两位代码，可带名称，多个用“；”分隔；"
        "抽取名录默认限于这些行业。空表示未设置：含本事项的计划任务须另行指定抽取行业，"
        "或明确选择“不限行业”",
        "61 住宿业；62 餐饮业；80 居民服务业",
    )
