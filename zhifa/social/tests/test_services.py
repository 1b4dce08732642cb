from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhifa.audit.models import AuditRecord
from zhifa.inspections.models import InspectionCase
from zhifa.social import selectors, services
from zhifa.social.models import (
    Assignment,
    AssignmentStatus,
    CredentialShown,
    ProblemStatus,
    Report,
)
from zhifa.social.prefill import report_prefill
from zhifa.social.tests.conftest import INSPECTION_DAY, at
from zhifa.supervision.sources import source

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _all_respected(case, *, breach_at: int | None = None, note: str = "") -> list:
    points = services.report_points(case)
    return [
        services.PointAnswer(breached=(n == breach_at), note=note if n == breach_at else "")
        for n in range(1, len(points) + 1)
    ]


def test_the_supervisor_draws_a_social_supervisor_and_anyone_can_rerun_the_draw(
    approved_case, registry, supervisor
):
    with at(dt.date(2026, 3, 3)):
        assignment = services.draw_social_supervisor(approved_case, actor=supervisor)

    assert assignment.status == AssignmentStatus.OFFERED
    assert assignment.attempt == 1
    assert assignment.supervisor in registry
    assert assignment.pool_size == 3
    assert services.verify_assignment(assignment) is None
    record = services.draw_record_of(assignment)
    assert record["pool"]["codes"] == [s.code for s in registry]
    assert record["key_source"]["kind"] == "secret"
    assert record["key_string"].endswith(f"SOCIAL./{approved_case.enterprise.uscc}./1./")
    audit = AuditRecord.objects.get(action="social.assignment.draw")
    assert audit.summary.startswith(f"为检查 {approved_case.reference} 抽取伴随监督员（第1轮）")


def test_named_public_values_make_the_draw_reproducible(approved_case, registry, supervisor):
    with at(dt.date(2026, 3, 3)):
        assignment = services.draw_social_supervisor(
            approved_case, actor=supervisor, sources=["2,5,12,8,10", "9319"]
        )

    record = services.draw_record_of(assignment)
    assert record["key_source"] == {
        "kind": "sources",
        "values": ["2,5,12,8,10", "9319"],
        "key_format": 2,
    }
    assert record["key_string"] == (
        f"2.5.8.10.12./9319./SOCIAL./{approved_case.enterprise.uscc}./1./"
    )
    assert services.verify_assignment(assignment) is None


def test_a_tampered_record_fails_verification(approved_case, registry, supervisor):
    with at(dt.date(2026, 3, 3)):
        assignment = services.draw_social_supervisor(approved_case, actor=supervisor)
    record = services.draw_record_of(assignment)
    record["key_string"] = record["key_string"].replace("SOCIAL", "SOCIAM")
    import json

    assignment.record_json = json.dumps(record)

    assert services.verify_assignment(assignment) == "按记录的密钥串重新抽取，结果与记录不符。"


def test_a_declared_conflict_is_never_drawn_and_is_listed_as_skipped(
    approved_case, registry, supervisor, zhoushan_enterprise, health_agency
):
    chen, lin, xu = registry
    with at(dt.date(2026, 3, 2), 11):
        services.declare_conflict(
            chen, actor=supervisor, enterprise=zhoushan_enterprise, reason="其配偶为该企业股东"
        )
        services.declare_conflict(
            lin, actor=supervisor, organisation=health_agency, reason="担任该委法律顾问"
        )
    with at(dt.date(2026, 3, 3)):
        assignment = services.draw_social_supervisor(approved_case, actor=supervisor)

    assert assignment.supervisor == xu
    skipped = {s.name: s.reason for s in services.skipped_of(assignment)}
    assert set(skipped) <= {"陈代表", "林律师"}
    for name, reason in skipped.items():
        assert (
            reason
            == {
                "陈代表": "申报回避舟山海鲜酒楼有限公司（其配偶为该企业股东）",
                "林律师": "申报回避舟山市卫生健康委员会（担任该委法律顾问）",
            }[name]
        )
    assert services.verify_assignment(assignment) is None


def test_a_paused_supervisor_is_skipped_until_his_date(approved_case, registry, supervisor):
    chen, lin, xu = registry
    with at(dt.date(2026, 3, 2), 11):
        services.set_availability(
            chen, actor=supervisor, paused=True, until=dt.date(2026, 3, 20), reason="外出学习"
        )
        services.set_availability(lin, actor=supervisor, paused=True, reason="身体原因")
    with at(dt.date(2026, 3, 3)):
        assignment = services.draw_social_supervisor(approved_case, actor=supervisor)

    assert assignment.supervisor == xu


def test_a_decline_lets_the_bureau_draw_again_without_him(approved_case, registry, supervisor):
    with at(dt.date(2026, 3, 3)):
        first = services.draw_social_supervisor(approved_case, actor=supervisor)
        with pytest.raises(ValidationError) as busy:
            services.draw_social_supervisor(approved_case, actor=supervisor)
        services.decline_assignment(first, actor=first.supervisor.user, reason="当天有人大会议")
        second = services.draw_social_supervisor(approved_case, actor=supervisor)

    assert busy.value.messages == [
        f"检查案件 {approved_case.reference} 已抽中社会监督员 {first.supervisor.name}（待答复），"
        "谢绝后才能重新抽取。"
    ]
    first.refresh_from_db()
    assert first.status == AssignmentStatus.DECLINED
    assert first.decline_reason == "当天有人大会议"
    assert second.attempt == 2
    assert second.supervisor != first.supervisor
    assert {s.name: s.reason for s in services.skipped_of(second)}.get(
        first.supervisor.name, "已谢绝本次检查"
    ) == "已谢绝本次检查"


def test_on_acceptance_the_case_names_him_as_its_accompanying_supervisor(
    approved_case, registry, supervisor
):
    with at(dt.date(2026, 3, 3)):
        offer = services.draw_social_supervisor(approved_case, actor=supervisor)
        with pytest.raises(PermissionDenied):
            services.accept_assignment(offer, actor=supervisor)
        services.accept_assignment(offer, actor=offer.supervisor.user)
        with pytest.raises(ValidationError) as again:
            services.decline_assignment(offer, actor=offer.supervisor.user, reason="改变主意")

    approved_case.refresh_from_db()
    assert approved_case.social_supervisor == offer.supervisor.user
    assert again.value.messages == [
        f"这项伴随监督（{approved_case.reference}）当前状态为“已接受”，不能谢绝。"
    ]
    assert list(selectors.my_assignments(offer.supervisor.user)) == [offer]


def test_an_agency_user_cannot_assign_a_social_supervisor_and_nothing_changes(
    approved_case, registry, inspector, approver, social_supervisor, client_for
):
    with at(dt.date(2026, 3, 3)):
        for actor in (inspector, approver):
            with pytest.raises(PermissionDenied) as refused:
                services.draw_social_supervisor(approved_case, actor=actor)
        api = client_for(inspector).post(
            f"/api/inspections/cases/{approved_case.pk}/social-supervisor",
            {"social_supervisor": social_supervisor.username},
            content_type="application/json",
        )
        draw_api = client_for(inspector).post(f"/api/social/cases/{approved_case.pk}/draw")

    assert str(refused.value) == (
        "社会监督员由执法监督机关（司法局、司法所）的执法监督人员管理和安排。"
    )
    assert api.status_code == 403
    assert draw_api.status_code == 403
    assert Assignment.objects.count() == 0
    assert InspectionCase.objects.get(pk=approved_case.pk).social_supervisor is None
    assert not AuditRecord.objects.filter(action__startswith="social.assignment").exists()


def test_a_supervisor_of_another_region_cannot_draw(approved_case, registry, outsider, jinzhong):
    import zhifa_testing as testing
    from zhifa.org.models import OrganisationKind, Role

    bureau = testing.organisation("晋中市司法局", region=jinzhong, kind=OrganisationKind.SUPERVISOR)
    other = testing.user("jz_sup", role=Role.SUPERVISOR, organisation=bureau)
    with at(dt.date(2026, 3, 3)), pytest.raises(PermissionDenied) as refused:
        services.draw_social_supervisor(approved_case, actor=other)

    assert str(refused.value) == "该检查不在您所在监督机关的地区内，不能安排伴随监督员。"
    assert Assignment.objects.count() == 0


def _accepted(approved_case, supervisor):
    with at(dt.date(2026, 3, 3)):
        offer = services.draw_social_supervisor(approved_case, actor=supervisor)
        return services.accept_assignment(offer, actor=offer.supervisor.user)


def test_he_checks_in_only_from_the_inspection_day(approved_case, registry, supervisor):
    assignment = _accepted(approved_case, supervisor)
    user = assignment.supervisor.user
    with at(dt.date(2026, 3, 13)), pytest.raises(ValidationError) as early:
        services.check_in(assignment, actor=user)
    with at(INSPECTION_DAY, 9):
        location = services.inspection_services.clean_location("29.985", "122.207", "15")
        done = services.check_in(assignment, actor=user, location=location)

    assert early.value.messages[0].startswith("检查日期为 2026-03-16，只能在 2026-03-16 至")
    assert early.value.messages[0].endswith("期间到场签到，今天是 2026-03-13。")
    assert done.checked_in_at is not None
    assert str(done.checkin_latitude) == "29.985000"


def test_a_report_with_a_breach_becomes_a_problem_with_a_prefilled_document(
    approved_case, registry, supervisor, health_agency
):
    assignment = _accepted(approved_case, supervisor)
    user = assignment.supervisor.user
    with at(INSPECTION_DAY, 9):
        services.check_in(assignment, actor=user)
        report = services.file_report(
            assignment,
            actor=user,
            points=_all_respected(approved_case, breach_at=1, note="执法人员要求企业购买指定产品"),
            credentials=CredentialShown.SOME,
            attitude=2,
            notes="检查持续两小时。",
            photos=[SimpleUploadedFile("现场.png", PNG, content_type="image/png")],
        )

    assert report.problem_status == ProblemStatus.PENDING
    assert report.points.filter(breached=True).count() == 1
    assert report.photos.count() == 1
    assert selectors.problems_count(supervisor) == 1
    assert list(selectors.problems(supervisor)) == [report]
    prefill = source("social_report").loader(report.pk, supervisor)
    assert prefill.addressee == health_agency
    assert prefill.case == approved_case
    assert prefill.suggested_kind == "supervision_opinion"
    assert prefill.problems[0].endswith("—— 执法人员要求企业购买指定产品")
    assert prefill.problems[-1] == (
        "执法人员部分出示执法证（《中华人民共和国行政处罚法》第五十五条）。"
    )
    assert report_prefill is source("social_report").loader


def test_the_agency_never_sees_the_report(approved_case, registry, supervisor, inspector):
    assignment = _accepted(approved_case, supervisor)
    with at(INSPECTION_DAY, 9):
        services.check_in(assignment, actor=assignment.supervisor.user)
        report = services.file_report(
            assignment,
            actor=assignment.supervisor.user,
            points=_all_respected(approved_case, breach_at=2, note="未说明检查依据"),
            credentials=CredentialShown.ALL,
            attitude=3,
        )

    assert not Report.objects.restrict(inspector).exists()
    assert not Assignment.objects.restrict(inspector).exists()
    assert selectors.problems_count(inspector) == 0
    with pytest.raises(Exception) as hidden:
        report_prefill(report.pk, inspector)
    assert "没有找到" in str(hidden.value)


def test_the_bureau_marks_a_problem_verified_without_issue(approved_case, registry, supervisor):
    assignment = _accepted(approved_case, supervisor)
    with at(INSPECTION_DAY, 9):
        services.check_in(assignment, actor=assignment.supervisor.user)
        report = services.file_report(
            assignment,
            actor=assignment.supervisor.user,
            points=_all_respected(approved_case),
            credentials=CredentialShown.NONE,
            attitude=4,
        )
    with at(INSPECTION_DAY, 15):
        with pytest.raises(ValidationError) as empty:
            services.clear_problem(report, actor=supervisor, reason=" ")
        cleared = services.clear_problem(
            report, actor=supervisor, reason="调取执法记录仪视频，两名执法人员均已出示执法证。"
        )
        with pytest.raises(ValidationError) as twice:
            services.mark_documented(cleared, actor=supervisor, document="舟司监意〔2026〕1号")

    assert empty.value.message_dict == {"reason": ["请填写核实情况。"]}
    assert cleared.problem_status == ProblemStatus.CLEARED
    assert twice.value.messages == [
        "该反馈的问题处理状态为“已核实无问题”，不能改为“已转监督文书”。"
    ]
    assert selectors.problems_count(supervisor) == 0


def test_a_report_without_a_breach_is_no_problem_and_photos_are_type_limited(
    approved_case, registry, supervisor
):
    assignment = _accepted(approved_case, supervisor)
    user = assignment.supervisor.user
    with at(INSPECTION_DAY, 9):
        services.check_in(assignment, actor=user)
        with pytest.raises(ValidationError) as bad_photo:
            services.file_report(
                assignment,
                actor=user,
                points=_all_respected(approved_case),
                credentials=CredentialShown.ALL,
                attitude=5,
                photos=[SimpleUploadedFile("a.exe", b"MZ" * 10)],
            )
        with pytest.raises(ValidationError) as unexplained:
            services.file_report(
                assignment,
                actor=user,
                points=_all_respected(approved_case, breach_at=1),
                credentials=CredentialShown.ALL,
                attitude=5,
            )
        assert not Report.objects.exists()
        report = services.file_report(
            assignment,
            actor=user,
            points=_all_respected(approved_case),
            credentials=CredentialShown.ALL,
            attitude=5,
        )

    assert "不受支持" in bad_photo.value.message_dict["photos"][0]
    assert unexplained.value.message_dict["points"][0].startswith("第 1 项（")
    assert report.problem_status == ProblemStatus.NO_PROBLEM
    assert selectors.problems_count(supervisor) == 0
    record = selectors.service_records(supervisor, only=assignment.supervisor)[0]
    assert dict(record.years[2026]) == {
        "offered": 1,
        "accepted": 1,
        "checked_in": 1,
        "reported": 1,
    }
