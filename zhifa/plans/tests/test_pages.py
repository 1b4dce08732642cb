from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from zhifa.audit.services import verify_chain
from zhifa.plans import importing
from zhifa.plans.models import AmendmentStatus, InspectionItem, PlanStatus

pytestmark = pytest.mark.django_db


def test_item_list_shows_own_items_and_searches(client_for, inspector, item, second_item):
    response = client_for(inspector).get("/plans/items/")
    assert response.status_code == 200
    assert list(response.context["page"]) == [item, second_item]
    response = client_for(inspector).get("/plans/items/", {"q": "职业病"})
    assert list(response.context["page"]) == [second_item]
    response = client_for(inspector).get("/plans/items/", {"method": "written"})
    assert list(response.context["page"]) == []


def test_supervisor_sees_items_of_the_region_but_may_not_edit(client_for, supervisor, item):
    client = client_for(supervisor)
    assert client.get(f"/plans/items/{item.pk}/").status_code == 200
    response = client.post(f"/plans/items/{item.pk}/edit/", {"name": "改"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.name == "公共场所从业人员健康合格证明"


def test_outsider_gets_404_for_items_and_plans(client_for, outsider, item, draft_plan, counts):
    client = client_for(outsider)
    before = counts()
    for url in (
        f"/plans/items/{item.pk}/",
        f"/plans/items/{item.pk}/edit/",
        f"/plans/{draft_plan.pk}/",
        f"/plans/{draft_plan.pk}/approve/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/plans/{draft_plan.pk}/approve/", {"confirm": "on"}).status_code == 404
    assert client.get("/plans/items/").context["total"] == 0
    assert counts() == before


def test_enterprise_user_sees_no_plan_and_may_not_create(
    client_for, enterprise, draft_plan, counts
):
    client = client_for(enterprise)
    before = counts()
    assert client.get(f"/plans/{draft_plan.pk}/").status_code == 404
    assert client.post("/plans/new/", {"year": 2027, "title": "x"}).status_code == 403
    assert client.post("/plans/items/new/", {"code": "X"}).status_code == 403
    assert counts() == before


def test_inspector_may_not_approve_and_nothing_changes(client_for, inspector, draft_plan, counts):
    before = counts()
    response = client_for(inspector).post(f"/plans/{draft_plan.pk}/approve/", {"confirm": "on"})
    assert response.status_code == 403
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.DRAFT
    assert counts() == before


def test_approval_needs_the_confirmation_box(client_for, approver, draft_plan, counts):
    client = client_for(approver)
    page = client.get(f"/plans/{draft_plan.pk}/approve/")
    assert page.status_code == 200
    assert "批准人不能是计划的编制人" in page.content.decode()
    before = counts()
    response = client.post(f"/plans/{draft_plan.pk}/approve/", {})
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"] == ["请勾选确认后再提交。"]
    assert counts() == before
    response = client.post(f"/plans/{draft_plan.pk}/approve/", {"confirm": "on"})
    assert response.status_code == 302
    response = client.post(f"/plans/{draft_plan.pk}/publish/", {"confirm": "on"})
    assert response.status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.PUBLISHED
    assert verify_chain().ok


def test_agency_pages_render(client_for, inspector, approver, draft_plan, item):
    client = client_for(inspector)
    for url in (
        "/plans/",
        "/plans/new/",
        "/plans/items/new/",
        "/plans/items/import/",
        f"/plans/items/{item.pk}/",
        f"/plans/items/{item.pk}/edit/",
        f"/plans/{draft_plan.pk}/",
        f"/plans/{draft_plan.pk}/edit/",
        f"/plans/{draft_plan.pk}/items/",
        f"/plans/{draft_plan.pk}/strata/",
        f"/plans/{draft_plan.pk}/tasks/new/",
    ):
        assert client.get(url).status_code == 200, url
    detail = client.get(f"/plans/{draft_plan.pk}/").content.decode()
    assert "《公共场所卫生管理条例》第七条" in detail
    assert "变更记录" in detail
    assert "<strong>计划添加抽查任务</strong>" in detail
    assert "plans.plan.add_task" not in detail
    template = client.get("/plans/items/import/template/")
    assert template.status_code == 200


def test_plan_can_be_drafted_through_the_pages(client_for, inspector, item, zhoushan):
    client = client_for(inspector)
    response = client.post("/plans/new/", {"year": 2027, "title": "2027年度计划"})
    assert response.status_code == 302
    plan = inspector.organisation.plans.get(year=2027)
    assert client.post(f"/plans/{plan.pk}/items/", {"items": [item.pk]}).status_code == 302
    response = client.post(
        f"/plans/{plan.pk}/strata/",
        {"ratio_A": "3", "ratio_B": "5", "ratio_C": "10", "ratio_D": "120"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ratio_D"] == [
        "D 类抽查比例应在 0 至 100 之间，填写的是 120。"
    ]
    assert plan.strata.count() == 0
    response = client.post(
        f"/plans/{plan.pk}/tasks/new/",
        {
            "quarter": 1,
            "name": "第一季度抽查",
            "kind": "random",
            "field": "health",
            "items": [item.pk],
            "region": zhoushan.code,
            "officers_per_inspection": 2,
        },
    )
    assert response.status_code == 302
    assert [t.name for t in plan.tasks.all()] == ["第一季度抽查"]


def test_import_page_reports_every_bad_row(client_for, inspector, counts):
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(importing.HEADERS))
    sheet.append(["A-1", "", "卫生健康", "《公共场所卫生管理条例》", "第六条", "", "", "现场检查"])
    sheet.append(["A-2", "名称", "卫生健康", "《公共场所卫生管理条例》", "", "", "", "抽查"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "坏.xlsx"
    before = counts()
    response = client_for(inspector).post("/plans/items/import/", {"file": buffer})
    assert response.status_code == 200
    errors = [(e.row, e.column) for e in response.context["report"].errors]
    assert errors == [(2, "检查事项名称"), (3, "条款"), (3, "检查方式")]
    assert "未导入任何数据" in response.content.decode()
    assert counts() == before


def test_deactivate_needs_confirmation(client_for, inspector, item):
    client = client_for(inspector)
    client.post(f"/plans/items/{item.pk}/deactivate/", {})
    item.refresh_from_db()
    assert item.is_active is True
    client.post(f"/plans/items/{item.pk}/deactivate/", {"confirm": "on"})
    item.refresh_from_db()
    assert item.is_active is False


def test_amendment_is_proposed_and_published_through_the_pages(
    client_for, inspector, approver, published_plan, second_item
):
    client = client_for(inspector)
    assert client.get(f"/plans/{published_plan.pk}/amendments/new/").status_code == 200
    response = client.post(
        f"/plans/{published_plan.pk}/amendments/new/",
        {"reason": "增加职业卫生检查", "add_items": [second_item.pk], "ratio_D": "30"},
    )
    assert response.status_code == 302
    amendment = published_plan.amendments.get()
    assert amendment.changes == [
        {"op": "add_item", "item": "WJ-ZYWS-01"},
        {"op": "set_stratum_ratio", "grade": "D", "ratio": "30"},
    ]
    # Not public until published.
    anonymous = client_for(None)
    assert anonymous.get(f"/plans/public/{published_plan.pk}/amendments/1/").status_code == 404
    # The inspector may not publish it.
    assert (
        client_for(inspector)
        .post(f"/plans/{published_plan.pk}/amendments/1/publish/", {"confirm": "on"})
        .status_code
        == 403
    )
    client = client_for(approver)
    page = client.get(f"/plans/{published_plan.pk}/amendments/1/")
    assert "增加检查事项 WJ-ZYWS-01" in page.content.decode()
    response = client.post(f"/plans/{published_plan.pk}/amendments/1/publish/", {"confirm": "on"})
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.PUBLISHED
    public = client_for(None).get(f"/plans/public/{published_plan.pk}/amendments/1/")
    assert public.status_code == 200
    assert "D 类抽查比例调整为 30%" in public.content.decode()


def test_public_pages_show_published_plans_without_login(
    client_for, published_plan, health_agency, inspector
):
    from zhifa.plans import services

    draft = services.create_plan(
        organisation=health_agency, data={"year": 2027, "title": "2027年度草稿"}, actor=inspector
    )
    client = client_for(None)
    response = client.get("/plans/public/")
    assert response.status_code == 200
    assert list(response.context["page"]) == [published_plan]
    response = client.get("/plans/public/", {"year": 2025})
    assert response.status_code == 200
    assert response.context["total"] == 0
    detail = client.get(f"/plans/public/{published_plan.pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "《公共场所卫生管理条例》第七条" in text
    assert "公共场所卫生双随机抽查" in text
    assert "20.00%" in text
    assert client.get(f"/plans/public/{draft.pk}/").status_code == 404
    # Signed-in pages still need a login.
    assert client.get(f"/plans/{published_plan.pk}/").status_code == 302


def test_export_is_scoped(client_for, outsider, item):
    response = client_for(outsider).get("/plans/items/export/")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.max_row == 1
    assert InspectionItem.objects.count() == 1


def test_supervisor_sees_the_region_plans_but_may_not_change_them(
    client_for, supervisor, draft_plan, counts
):
    client = client_for(supervisor)
    response = client.get("/plans/")
    assert list(response.context["page"]) == [draft_plan]
    assert client.get(f"/plans/{draft_plan.pk}/").status_code == 200
    before = counts()
    assert (
        client.post(f"/plans/{draft_plan.pk}/edit/", {"year": 2026, "title": "改"}).status_code
        == 403
    )
    assert client.post(f"/plans/{draft_plan.pk}/approve/", {"confirm": "on"}).status_code == 403
    assert client.post(f"/plans/{draft_plan.pk}/strata/", {"ratio_A": "1"}).status_code == 403
    assert counts() == before
    draft_plan.refresh_from_db()
    assert draft_plan.title == "舟山市卫生健康委员会2026年度行政检查计划"


def test_legal_reviewer_and_social_supervisor_may_not_write(
    client_for, legal_reviewer, social_supervisor, draft_plan, counts
):
    before = counts()
    reviewer = client_for(legal_reviewer)
    assert reviewer.get(f"/plans/{draft_plan.pk}/").status_code == 200
    assert reviewer.post("/plans/new/", {"year": 2027, "title": "x"}).status_code == 403
    assert reviewer.post(f"/plans/{draft_plan.pk}/publish/", {"confirm": "on"}).status_code == 403
    social = client_for(social_supervisor)
    assert social.get(f"/plans/{draft_plan.pk}/").status_code == 404
    assert social.post("/plans/items/import/", {}).status_code == 403
    assert counts() == before


def test_the_creator_is_not_offered_the_approve_button(client_for, approver, health_agency, item):
    from zhifa.plans import services

    plan = services.create_plan(
        organisation=health_agency, data={"year": 2027, "title": "负责人自编计划"}, actor=approver
    )
    response = client_for(approver).get(f"/plans/{plan.pk}/")
    assert response.context["can_approve"] is False
    assert response.context["can_edit"] is True


def test_admin_creates_an_item_for_a_named_agency(client_for, admin_user, health_agency):
    client = client_for(admin_user)
    assert client.get("/plans/items/new/").status_code == 404
    page = client.get("/plans/items/")
    assert health_agency in list(page.context["organisations"])
    response = client.post(
        "/plans/items/new/",
        {
            "org": health_agency.pk,
            "code": "WS-SS-01",
            "name": "集中式供水单位卫生许可",
            "field": "health",
            "legal_basis_law": "《生活饮用水卫生监督管理办法》",
            "legal_basis_article": "第七条",
            "method": "written",
            "yearly_cap": 1,
            "quiet_period_days": 180,
        },
    )
    assert response.status_code == 302
    item = InspectionItem.objects.get(code="WS-SS-01")
    assert item.organisation == health_agency
