"""The review services: the standard, reviews, spot checks and campaigns, with their refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.inspections.models import CaseStatus
from zhifa.review import services
from zhifa.review.models import (
    CampaignStatus,
    CaseReview,
    Grade,
    ReviewStandard,
    ReviewStatus,
    SpotCheckStatus,
    StandardStatus,
)
from zhifa.review.tests.conftest import closed_case
from zhifa.supervision.sources import source

pytestmark = pytest.mark.django_db


def test_supervisor_imports_and_publishes_the_sample_standard(standard):
    assert standard.status == StandardStatus.PUBLISHED
    assert standard.veto_items.count() == 9
    assert standard.scored_items.filter(section="appearance").count() == 6
    assert sum(i.max_points for i in standard.scored_items.all()) == D(100)
    assert "m.wenke99.com" in standard.source_note
    assert AuditRecord.objects.filter(action="review.standard.publish").count() == 1


def test_a_bad_standard_file_is_refused_whole_with_each_bad_entry_named(
    supervisor, justice_bureau, sample_data
):
    sample_data["veto_items"][0]["category"] = "其他"
    sample_data["scored_items"][1]["points"] = "四"
    with pytest.raises(ValidationError) as error:
        services.import_standard(actor=supervisor, organisation=justice_bureau, data=sample_data)
    assert error.value.messages == [
        "否决项第 1 条：类别“其他”不是 主体、资格、证据、事实、定性、法律适用、程序 之一。",
        "评分项第 2 条：分值应为数字（可保留一位小数），而不是“四”。",
    ]
    assert ReviewStandard.objects.count() == 0


def test_publishing_a_new_version_supersedes_the_published_one(standard, supervisor, sample_data):
    sample_data["label"] = "第二版"
    sample_data["good_min"] = "85"
    second = services.import_standard(
        actor=supervisor, organisation=standard.organisation, data=sample_data
    )
    services.publish_standard(second, actor=supervisor)
    standard.refresh_from_db()
    assert standard.status == StandardStatus.SUPERSEDED
    with pytest.raises(ValidationError) as error:
        services.publish_standard(second, actor=supervisor)
    assert "当前状态为“已公布”" in error.value.messages[0]


def test_thresholds_out_of_order_are_refused_on_publishing(supervisor, justice_bureau, sample_data):
    sample_data["good_min"] = "95"
    draft = services.import_standard(
        actor=supervisor, organisation=justice_bureau, data=sample_data
    )
    with pytest.raises(ValidationError) as error:
        services.publish_standard(draft, actor=supervisor)
    assert "优秀 90.0、良好 95.0、合格 60.0" in error.value.messages[0]
    draft.refresh_from_db()
    assert draft.status == StandardStatus.DRAFT


def test_inspector_may_not_import_a_standard(inspector, justice_bureau, sample_data):
    with pytest.raises(PermissionDenied):
        services.import_standard(actor=inspector, organisation=justice_bureau, data=sample_data)
    assert ReviewStandard.objects.count() == 0


def test_a_case_with_one_officer_is_pre_marked_as_hitting_the_two_officer_veto(
    standard, supervisor, lone_officer_case
):
    review = services.start_review(lone_officer_case, actor=supervisor)
    hit = review.veto_marks.get(hit=True)
    assert (hit.item.text, hit.suggested) == ("执法人员少于2人", True)
    assert "执法人员为 1 人" in hit.comment
    review = services.complete_review(review, actor=supervisor)
    assert (review.grade, review.vetoed, review.total) == (Grade.FAIL, True, D(100))


def test_supervisor_scores_item_by_item_and_completes_a_good_review(standard, supervisor, case):
    review = services.start_review(case, actor=supervisor)
    assert not review.veto_marks.filter(hit=True).exists()
    item = standard.scored_items.get(text="检查情况记录客观、完整，证据附卷")
    review = services.score_review(
        review,
        actor=supervisor,
        vetoes={},
        deductions={item.pk: ("12", "检查记录缺 6 项")},
        conclusion="记录不全。",
    )
    assert review.total == D(88)
    review = services.complete_review(review, actor=supervisor)
    assert (review.status, review.grade, review.total) == (
        ReviewStatus.COMPLETED,
        Grade.GOOD,
        D(88),
    )
    with pytest.raises(ValidationError) as error:
        services.score_review(review, actor=supervisor, vetoes={}, deductions={})
    assert error.value.messages == [f"案卷评查（{case.reference}）当前状态为“已完成”，不能评分。"]


def test_a_deduction_above_the_items_points_or_without_reason_is_refused(
    standard, supervisor, case
):
    review = services.start_review(case, actor=supervisor)
    cover = standard.scored_items.get(code="P01")
    other = standard.scored_items.get(code="P02")
    veto = standard.veto_items.get(text="证据不充分")
    with pytest.raises(ValidationError) as error:
        services.score_review(
            review,
            actor=supervisor,
            vetoes={veto.pk: (True, "")},
            deductions={cover.pk: ("3", "格式不对"), other.pk: ("1", "")},
        )
    assert error.value.messages == [
        "否决项“证据不充分”标为触及，请写明说明。",
        "评分项“P01 使用规定的文书格式”的扣分 3 超过该项分值 2.0。",
        "评分项“P02 文书按规范填写（文号、日期、签名、印章齐全）”扣了 1 分，请写明扣分理由。",
    ]
    assert not review.veto_marks.filter(hit=True).exists()
    assert AuditRecord.objects.filter(action="review.review.score").count() == 0


def test_a_case_not_closed_cannot_be_reviewed(
    standard, supervisor, health_agency, zhoushan_enterprise
):
    case = closed_case(health_agency, zhoushan_enterprise, status=CaseStatus.RECTIFYING)
    with pytest.raises(ValidationError) as error:
        services.start_review(case, actor=supervisor)
    assert error.value.messages == [
        f"案件 {case.reference} 当前状态为“整改中”，只有已办结的案件才能评查。"
    ]


def test_a_supervisor_of_another_region_may_not_review_the_case(standard, case, jinzhong):
    bureau = testing.organisation(
        "晋中市司法局", region=jinzhong, kind="supervisor", doc_prefix="晋司"
    )
    stranger = testing.user("jz", role="supervisor", organisation=bureau)
    with pytest.raises(PermissionDenied):
        services.start_review(case, actor=stranger)
    assert CaseReview.objects.count() == 0


def test_inspector_may_not_score(standard, supervisor, inspector, case):
    review = services.start_review(case, actor=supervisor)
    with pytest.raises(PermissionDenied):
        services.complete_review(review, actor=inspector)
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_PROGRESS


def test_a_failed_review_prefills_a_supervision_opinion(standard, supervisor, lone_officer_case):
    review = services.complete_review(
        services.start_review(lone_officer_case, actor=supervisor), actor=supervisor
    )
    prefill = source("case_review").loader(review.pk, supervisor)
    assert prefill.addressee == lone_officer_case.organisation
    assert prefill.case == lone_officer_case
    assert prefill.suggested_kind == "supervision_opinion"
    assert prefill.problems[0].startswith("【否决项·程序】执法人员少于2人：系统预判")
    assert "《中华人民共和国行政处罚法》第四十二条" in prefill.basis


def test_spot_check_draws_a_verifiable_sample_that_becomes_reviews(
    standard, supervisor, health_agency, zhoushan_enterprise, settings
):
    cases = [closed_case(health_agency, zhoushan_enterprise) for _ in range(5)]
    spot = services.announce_spot_check(
        actor=supervisor,
        agency=health_agency,
        title="2026年第三季度卫健委案卷抽查",
        period_start=dt.date(2026, 7, 1),
        period_end=dt.date(2026, 9, 30),
        count=2,
        source_name="福彩3D 第2026300期开奖号码",
        source_where="中国福利彩票网",
        reveal_date=dt.date.today() + dt.timedelta(days=1),
    )
    assert spot.population_size == 5
    assert spot.population_lines == sorted(c.reference for c in cases)
    with pytest.raises(ValidationError) as error:
        services.draw_spot_check(spot, actor=supervisor, value="3 8 1")
    assert "才公布，今天不能抽取" in error.value.messages[0]
    spot.reveal_date = dt.date.today()
    spot.save()
    spot = services.draw_spot_check(spot, actor=supervisor, value="3 8 1")
    from zhifa.draws import rfc3797

    expected = rfc3797.select_lines(["3 8 1"], spot.population_lines, 2)
    assert spot.sample == expected
    assert spot.status == SpotCheckStatus.DRAWN
    assert sorted(r.case.reference for r in spot.reviews.all()) == sorted(expected)
    assert all(r.reviewer_id is None for r in spot.reviews.all())


def test_a_spot_check_seeded_by_an_already_published_value_is_refused(
    standard, supervisor, health_agency, case
):
    with pytest.raises(ValidationError) as error:
        services.announce_spot_check(
            actor=supervisor,
            agency=health_agency,
            title="抽查",
            period_start=dt.date(2026, 7, 1),
            period_end=dt.date(2026, 9, 30),
            count=1,
            source_name="福彩3D",
            source_where="中国福利彩票网",
            reveal_date=dt.date.today(),
        )
    assert "应晚于今天" in error.value.messages[0]


def test_a_campaign_goes_from_planned_to_concluded_with_findings(supervisor, health_agency):
    campaign = services.create_campaign(
        actor=supervisor,
        title="涉企行政检查专项监督",
        agencies=[health_agency],
        period_start=dt.date(2026, 7, 1),
        period_end=dt.date(2026, 9, 30),
        checklist=["检查是否经过审批", "是否超频次检查"],
    )
    with pytest.raises(ValidationError) as error:
        services.record_finding(
            campaign, actor=supervisor, agency=health_agency, text="未审批", severity="serious"
        )
    assert "当前状态为“计划中”" in error.value.messages[0]
    services.start_campaign(campaign, actor=supervisor)
    finding = services.record_finding(
        campaign,
        actor=supervisor,
        agency=health_agency,
        text="2 件检查未经审批",
        severity="serious",
        item=campaign.checklist.get(position=1),
    )
    prefill = source("campaign_finding").loader(finding.pk, supervisor)
    assert prefill.addressee == health_agency
    assert prefill.problems == ["【较重】2 件检查未经审批"]
    campaign = services.conclude_campaign(campaign, actor=supervisor, conclusion="发现问题 1 项。")
    assert campaign.status == CampaignStatus.CONCLUDED
