"""The review pages and API: who sees what, and the scoring journey through the page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhifa.review import services
from zhifa.review.models import CaseReview, Grade, ReviewStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(standard, supervisor, case):
    return services.start_review(case, actor=supervisor)


def _form_data(review, **changes):
    data = {}
    for mark in review.veto_marks.all():
        if mark.hit:
            data[f"veto_{mark.item_id}_hit"] = "on"
        data[f"veto_{mark.item_id}_comment"] = mark.comment
    for row in review.deductions.all():
        data[f"item_{row.item_id}_points"] = str(row.points)
        data[f"item_{row.item_id}_comment"] = row.comment
    data["conclusion"] = ""
    data.update(changes)
    return data


def test_supervisor_marks_a_veto_item_on_the_page_and_completes_a_failed_review(
    client_for, supervisor, review, standard
):
    client = client_for(supervisor)
    page = client.get(reverse("review:review_detail", args=[review.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert review.case.reference in text
    assert "执法证" in text
    veto = standard.veto_items.get(text="证据不充分")
    response = client.post(
        reverse("review:review_detail", args=[review.pk]),
        _form_data(
            review,
            **{f"veto_{veto.pk}_hit": "on", f"veto_{veto.pk}_comment": "无现场照片"},
        ),
    )
    assert response.status_code == 302
    client.post(reverse("review:review_complete", args=[review.pk]), {"confirm": "on"})
    review.refresh_from_db()
    assert (review.status, review.grade) == (ReviewStatus.COMPLETED, Grade.FAIL)
    page = client.get(reverse("review:review_detail", args=[review.pk])).content.decode()
    assert f"/supervision/letters/new/?source=case_review&amp;source_pk={review.pk}" in page


def test_completing_without_confirming_changes_nothing(client_for, supervisor, review):
    client_for(supervisor).post(reverse("review:review_complete", args=[review.pk]), {})
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_PROGRESS


def test_the_agency_sees_its_review_only_once_completed_and_read_only(
    client_for, inspector, supervisor, review
):
    client = client_for(inspector)
    url = reverse("review:review_detail", args=[review.pk])
    assert client.get(url).status_code == 403
    assert review.case.reference not in client.get(reverse("review:review_list")).content.decode()
    services.complete_review(review, actor=supervisor)
    page = client.get(url)
    assert page.status_code == 200
    assert "保存评分" not in page.content.decode()
    assert "制作监督文书" not in page.content.decode()
    assert client.post(url, {}).status_code == 403


def test_outsider_of_another_region_does_not_find_the_review(client_for, outsider, review):
    response = client_for(outsider).get(reverse("review:review_detail", args=[review.pk]))
    assert response.status_code == 404


def test_the_enterprise_may_not_open_the_review_list(client_for, enterprise, review):
    assert client_for(enterprise).get(reverse("review:review_list")).status_code == 403


def test_results_per_agency_and_export(client_for, supervisor, review, health_agency):
    services.complete_review(review, actor=supervisor)
    client = client_for(supervisor)
    page = client.get(reverse("review:results")).content.decode()
    assert "舟山市卫生健康委员会" in page
    response = client.get(reverse("review:results") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["机关/评查人", "已完成评查（件）", "平均分"]
    assert rows[2][:3] == ["舟山市卫生健康委员会", 1, "100.0"] or rows[2][:2] == [
        "舟山市卫生健康委员会",
        1,
    ]


def test_the_standard_page_says_no_published_standard_fixes_the_thresholds(
    client_for, supervisor, standard
):
    page = client_for(supervisor).get(reverse("review:standard_detail", args=[standard.pk]))
    assert "没有公开的国家标准规定各等次的最低分" in page.content.decode()


def test_anyone_opens_the_public_record_of_a_spot_check(
    client, supervisor, health_agency, standard, case
):
    spot = services.announce_spot_check(
        actor=supervisor,
        agency=health_agency,
        title="第三季度抽查",
        period_start=dt.date(2026, 7, 1),
        period_end=dt.date(2026, 9, 30),
        count=1,
        source_name="福彩3D 第2026300期",
        source_where="中国福利彩票网",
        reveal_date=dt.date.today() + dt.timedelta(days=2),
    )
    page = client.get(reverse("review:spot_check_public", args=[spot.pk])).content.decode()
    assert spot.population_sm3 in page
    assert "如何复核" in page
    api = client.get(f"/api/review/public/spot-checks/{spot.pk}").json()
    assert api["population"] == [case.reference]


def test_api_scores_and_completes_a_review(client_for, supervisor, review, standard):
    client = client_for(supervisor)
    item = standard.scored_items.get(code="P10")
    response = client.post(
        f"/api/review/reviews/{review.pk}/score",
        {"deductions": [{"item_id": item.pk, "points": "25", "comment": "多扣"}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        "评分项“P10 检查情况记录客观、完整，证据附卷”的扣分 25 超过该项分值 20.0。"
    ]
    response = client.post(f"/api/review/reviews/{review.pk}/complete")
    assert response.status_code == 200
    assert response.json()["grade"] == "优秀"
    assert CaseReview.objects.get().total == 100


def test_api_refuses_an_inspector_scoring(client_for, inspector, review):
    response = client_for(inspector).post(f"/api/review/reviews/{review.pk}/complete")
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_PROGRESS


def test_supervisor_runs_a_campaign_from_the_pages(client_for, supervisor, health_agency):
    client = client_for(supervisor)
    response = client.post(
        reverse("review:campaign_list"),
        {
            "title": "涉企检查专项监督",
            "period_start": "2026-07-01",
            "period_end": "2026-09-30",
            "checklist": "是否经过审批\n是否超频次",
            "agencies": [health_agency.pk],
        },
    )
    assert response.status_code == 302
    from zhifa.review.models import Campaign

    campaign = Campaign.objects.get()
    assert [i.text for i in campaign.checklist.all()] == ["是否经过审批", "是否超频次"]
    client.post(reverse("review:campaign_start", args=[campaign.pk]))
    client.post(
        reverse("review:campaign_detail", args=[campaign.pk]),
        {"agency": health_agency.pk, "text": "未经审批检查 1 次", "severity": "serious"},
    )
    finding = campaign.findings.get()
    page = client.get(reverse("review:campaign_detail", args=[campaign.pk])).content.decode()
    assert f"/supervision/letters/new/?source=campaign_finding&amp;source_pk={finding.pk}" in page


def test_a_control_character_in_a_finding_is_refused_naming_the_field(
    client_for, supervisor, health_agency
):
    campaign = services.create_campaign(
        actor=supervisor,
        title="专项",
        agencies=[health_agency],
        period_start=dt.date(2026, 7, 1),
        period_end=dt.date(2026, 9, 30),
        checklist=["要点"],
    )
    services.start_campaign(campaign, actor=supervisor)
    response = client_for(supervisor).post(
        reverse("review:campaign_detail", args=[campaign.pk]),
        {"agency": health_agency.pk, "text": "问题\x00", "severity": "minor"},
    )
    assert response.status_code == 200
    assert "发现的问题：" in response.context["finding_form"].errors["text"][0]
    assert campaign.findings.count() == 0
