from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

import zhifa_testing as testing
from zhifa.discretion import services
from zhifa.discretion.models import DiscretionVersion, VersionStatus
from zhifa.org.models import Role

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_see_published_items_only(client_for, published, health_agency):
    from zhifa.discretion.tests.conftest import item_data, version_data

    reviewer = testing.user("r2", role=Role.LEGAL_REVIEWER, organisation=health_agency)
    hidden = services.create_version(
        organisation=health_agency, data=version_data("未公布草稿"), actor=reviewer
    )
    services.create_item(
        version=hidden, data=item_data("DRAFT-1", violation="草稿中的违法行为"), actor=reviewer
    )
    client = client_for(None)
    page = client.get(reverse("discretion:public_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert page.context["total"] == 2
    assert "安排未获得有效健康合格证明的从业人员" in text
    assert "草稿中的违法行为" not in text
    draft_item = hidden.items.get()
    assert client.get(reverse("discretion:public_item", args=[draft_item.pk])).status_code == 404
    assert client.get(reverse("discretion:public_version", args=[hidden.pk])).status_code == 404


def test_public_list_filters_by_list_kind_and_field(client_for, published):
    client = client_for(None)
    page = client.get(reverse("discretion:public_list"), {"kind": "lighter"})
    assert [i.code for i in page.context["page"]] == ["CQ-01"]
    page = client.get(reverse("discretion:public_list"), {"field": "health", "kind": "exempt"})
    assert [i.code for i in page.context["page"]] == ["BY-01"]
    page = client.get(reverse("discretion:public_list"), {"kind": "罚款"})
    assert page.context["total"] == 0
    assert "请从列表中选择" in page.content.decode()


def test_the_public_pages_warn_where_a_basis_was_repealed_after_publication(
    client_for, draft, legal_reviewer
):
    from zhifa.discretion.tests.conftest import item_data

    services.create_item(
        version=draft,
        data=item_data("BY-02", violation_basis_law="《大气污染防治法》"),
        actor=legal_reviewer,
    )
    with time_machine.travel(dt.date(2026, 8, 14)):
        services.publish_version(draft, actor=legal_reviewer)
    item = draft.items.get(code="BY-02")

    with time_machine.travel(dt.date(2026, 11, 27)):
        detail = client_for(None).get(reverse("discretion:public_item", args=[item.pk]))
        listing = client_for(None).get(reverse("discretion:public_version", args=[draft.pk]))

    warning = "（依据已废止：《中华人民共和国大气污染防治法》已于2026年8月15日废止"
    assert detail.content.decode().count(warning) == 1
    assert listing.content.decode().count(warning) == 1


def test_public_item_detail_lists_conditions_and_the_other_lists(client_for, published):
    item = published.items.get(code="BY-01")
    page = client_for(None).get(reverse("discretion:public_item", args=[item.pk]))
    text = page.content.decode()
    assert "首次违法（近2年内无同类违法记录）" in text
    assert "从轻处罚 CQ-01" in text


def test_public_export_imports_back(client_for, published):
    response = client_for(None).get(reverse("discretion:public_export"))
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "事项编号"
    assert sorted(r[0] for r in rows[1:]) == ["BY-01", "CQ-01"]


def test_curation_pages_are_scoped_to_the_agency(client_for, draft, outsider, supervisor):
    url = reverse("discretion:version_detail", args=[draft.pk])
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(supervisor).get(url).status_code == 200
    listing = client_for(outsider).get(reverse("discretion:manage_list"))
    assert listing.context["total"] == 0
    assert client_for(None).get(url).status_code == 302


def test_an_inspector_may_not_edit_a_draft_and_nothing_changes(client_for, draft, inspector):
    item = draft.items.get(code="BY-01")
    client = client_for(inspector)
    assert client.get(reverse("discretion:item_edit", args=[item.pk])).status_code == 403
    response = client.post(reverse("discretion:item_delete", args=[item.pk]))
    assert response.status_code == 403
    assert draft.items.filter(pk=item.pk).exists()


def test_a_reviewer_drafts_adds_an_item_and_publishes_with_confirmation(client_for, legal_reviewer):
    client = client_for(legal_reviewer)
    response = client.post(
        reverse("discretion:version_create"),
        {"label": "2026版", "issuer": "舟山市卫生健康委员会", "sources": "某文件"},
    )
    version = DiscretionVersion.objects.get(label="2026版")
    assert response.status_code == 302
    response = client.post(
        reverse("discretion:item_create", args=[version.pk]),
        {
            "code": "BY-01",
            "kind": "exempt",
            "field": "health",
            "violation_code": "GC-GS",
            "violation": "未公示卫生许可证",
            "violation_basis_law": "《公共场所卫生管理条例实施细则》",
            "violation_basis_article": "第三十七条第（八）项",
            "discretion_basis_law": "《中华人民共和国行政处罚法》",
            "discretion_basis_article": "第三十三条第一款",
            "harm_max": "none",
            "correction": "3个工作日",
            "circumstances": [],
            "outcome": "不予行政处罚",
        },
    )
    assert response.status_code == 302
    assert version.items.get().conditions == [
        {"kind": "harm_at_most", "level": "none"},
        {"kind": "corrected_within", "days": 3, "working_days": True},
    ]
    publish = reverse("discretion:version_publish", args=[version.pk])
    unconfirmed = client.post(publish, {})
    assert "请勾选确认后再提交。" in unconfirmed.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    assert client.post(publish, {"confirm": "on"}).status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED


def test_an_item_form_shows_service_errors_on_its_fields(client_for, draft, legal_reviewer):
    response = client_for(legal_reviewer).post(
        reverse("discretion:item_create", args=[draft.pk]),
        {
            "code": "BY-01",
            "kind": "exempt",
            "field": "health",
            "violation_code": "GC-GS",
            "violation": "x",
            "violation_basis_law": "无书名号",
            "violation_basis_article": "第一条",
            "discretion_basis_law": "《中华人民共和国行政处罚法》",
            "discretion_basis_article": "第三十三条",
            "correction": "明天",
            "outcome": "不予处罚",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["code"] == ["事项编号“BY-01”在本版本中已经使用，请换一个编号。"]
    assert "violation_basis_law" in errors
    assert errors["correction"][0].startswith("改正期限应写作")


def test_the_evaluate_page_shows_the_proposal(client_for, published, inspector):
    client = client_for(inspector)
    page = client.get(reverse("discretion:evaluate"))
    assert page.status_code == 200
    assert page.context["form"]["version"].initial == str(published.pk)
    response = client.post(
        reverse("discretion:evaluate"),
        {
            "version": str(published.pk),
            "violation_code": "GC-JKZM",
            "found_on": "2026-06-15",
            "harm": "minor",
            "corrected_before_inspection": "on",
            "party": "enterprise",
            "mental_state": "normal",
            "history": "",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert response.context["evaluation"].proposed.label == "不予处罚"
    assert "首次违法：近2年内无同类违法记录（满足）" in text


def test_the_evaluate_page_refuses_a_repeat_given_in_the_history(client_for, published, inspector):
    response = client_for(inspector).post(
        reverse("discretion:evaluate"),
        {
            "version": str(published.pk),
            "violation_code": "GC-JKZM",
            "found_on": "2026-06-15",
            "harm": "minor",
            "corrected_before_inspection": "on",
            "party": "enterprise",
            "mental_state": "normal",
            "history": "GC-JKZM 2025-12-01",
        },
    )
    assert response.context["evaluation"].proposed.label == "一般处罚"
    bad = client_for(inspector).post(
        reverse("discretion:evaluate"),
        {
            "violation_code": "GC-JKZM",
            "found_on": "2026-06-15",
            "party": "enterprise",
            "mental_state": "normal",
            "history": "GC-JKZM 昨天",
        },
    )
    assert bad.context["evaluation"] is None
    assert bad.context["form"].errors["history"] == [
        "第 1 行“GC-JKZM 昨天”格式不正确，应为：违法行为编码 YYYY-MM-DD。"
    ]


def test_the_evaluate_page_weighs_the_limitation_period_and_asks_for_the_law_of_a_special_one(
    client_for, published, inspector
):
    form = {
        "version": str(published.pk),
        "violation_code": "GC-JKZM",
        "found_on": "2026-06-15",
        "harm": "general",
        "ended_on": "2024-06-14",
        "party": "enterprise",
        "mental_state": "normal",
    }
    client = client_for(inspector)

    beyond = client.post(reverse("discretion:evaluate"), form)
    assert beyond.context["evaluation"].proposed.label == "不予处罚"
    assert "2年期限至 2026-06-14，2026-06-15 发现，已超过期限（满足）" in beyond.content.decode()

    unnamed = client.post(
        reverse("discretion:evaluate"), {**form, "special_limitation_months": "60"}
    )
    assert unnamed.context["evaluation"] is None
    assert unnamed.context["form"].errors["special_limitation_basis"] == [
        "填写了另有规定的追责期限，请写明规定该期限的法律及条款。"
    ]


def test_enterprise_users_may_not_use_the_evaluate_page(client_for, enterprise):
    assert client_for(enterprise).get(reverse("discretion:evaluate")).status_code == 403


def test_every_curation_page_renders_for_the_reviewer(client_for, published, legal_reviewer):
    client = client_for(legal_reviewer)
    item = published.items.get(code="CQ-01")
    assert client.get(reverse("discretion:public_version", args=[published.pk])).status_code == 200
    listing = client.get(reverse("discretion:manage_list"), {"status": "published"})
    assert [v.label for v in listing.context["page"]] == ["舟山市卫生健康 2026版"]
    detail = client.get(reverse("discretion:version_detail", args=[published.pk]))
    assert detail.context["can_edit"] is False
    assert detail.context["can_revise"] is True
    refused = client.get(reverse("discretion:item_edit", args=[item.pk]), follow=True)
    assert refused.redirect_chain == [
        (reverse("discretion:version_detail", args=[published.pk]), 302)
    ]
    assert (
        "清单版本“舟山市卫生健康 2026版”已公布，不能修改；请在其基础上起草修订版本。"
        in refused.content.decode()
    )
    revision = services.revise_version(published, label="修订", actor=legal_reviewer)
    edit = client.get(reverse("discretion:item_edit", args=[revision.items.get(code="CQ-01").pk]))
    form = edit.context["form"]
    assert form["harm_max"].initial == "general"
    assert form["circumstances"].initial == ["eliminated_harm"]
    assert form["penalty_min"].initial == "500"
    export = client.get(reverse("discretion:version_export", args=[published.pk]))
    assert export.status_code == 200
    template = client.get(reverse("discretion:import_template"))
    assert template.status_code == 200


def test_the_import_page_reports_bad_rows(client_for, draft, legal_reviewer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhifa.discretion.tests.test_import import good_row, xlsx

    upload = SimpleUploadedFile("坏.xlsx", xlsx([good_row("GS-01", **{"危害程度上限": "很小"})]))
    response = client_for(legal_reviewer).post(
        reverse("discretion:version_import", args=[draft.pk]), {"file": upload}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "未导入任何数据。" in text
    assert "危害程度上限应为 无、轻微、一般 或 严重 之一" in text
    assert not draft.items.filter(code="GS-01").exists()


def test_revising_a_published_version_through_the_page(client_for, published, legal_reviewer):
    response = client_for(legal_reviewer).post(
        reverse("discretion:version_revise", args=[published.pk]), {"label": "2027版"}
    )
    revision = DiscretionVersion.objects.get(label="2027版")
    assert response.status_code == 302
    assert revision.status == VersionStatus.DRAFT
    assert revision.items.count() == 2
