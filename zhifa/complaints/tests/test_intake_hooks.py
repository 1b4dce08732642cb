from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.complaints import intake_hooks, services
from zhifa.complaints.models import IDENTITY_FIELDS, Channel, Complaint, EventKind, Status
from zhifa.inspections import services as inspections
from zhifa.inspections.models import CaseStatus, InspectionCase, Objection
from zhifa.social import services as social
from zhifa.social.models import CredentialShown, ProblemStatus
from zhifa.social.tests.conftest import (
    INSPECTION_DAY,
    approved_case,
    at,
    items,
    officer_one,
    officer_two,
    registry,
    second_inspector,
)

__all__ = [
    "approved_case",
    "items",
    "officer_one",
    "officer_two",
    "registry",
    "second_inspector",
]

pytestmark = pytest.mark.django_db

DECIDED = dt.date(2026, 3, 20)


def _decided(case: InspectionCase) -> InspectionCase:
    """The case as the enterprise sees it once decided (set directly: the decision's own steps
    are the inspections tests' business)."""
    InspectionCase.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, decided_at=timezone.now()
    )
    case.refresh_from_db()
    return case


def _items(code: str, pk: int) -> list[Complaint]:
    return list(Complaint.objects.filter(source_code=code, source_pk=pk))


def test_the_enterprise_objection_becomes_one_item_for_the_bureau_of_its_region(
    approved_case, justice_bureau, health_agency, enterprise
):
    with at(dt.date(2026, 3, 17)):
        objection = inspections.object_to_case(
            approved_case, actor=enterprise, text="检查人员未出示执法证，要求企业当天停业。"
        )

    [item] = _items("objection", objection.pk)
    assert item.channel == Channel.OBJECTION
    assert item.category.code == "si-luan"
    assert item.status == Status.RECEIVED
    assert item.bureau == justice_bureau
    assert (item.agency, item.case) == (health_agency, approved_case)
    assert item.complainant_enterprise == enterprise.enterprise
    assert item.complainant_name == "陈经理"
    assert item.filed_by == enterprise
    assert item.received_at == objection.submitted_at
    assert item.title == f"对检查{approved_case.reference}提出异议"
    assert item.content == (
        f"企业对舟山市卫生健康委员会于2026年3月16日对舟山海鲜酒楼有限公司实施的检查"
        f"（{approved_case.reference}，{approved_case.title}）提出异议：\n"
        "检查人员未出示执法证，要求企业当天停业。"
    )
    assert item.tags == ["检查异议"]
    assert [e.kind for e in item.events.all()] == [EventKind.RECEIVED]
    assert item.events.get().actor_label == "检查异议"


def test_an_objection_with_a_category_and_attachments_still_becomes_one_item(
    approved_case, justice_bureau, enterprise
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with at(dt.date(2026, 3, 17)):
        objection = inspections.object_to_case(
            approved_case,
            actor=enterprise,
            text="同一个月内检查了三次。",
            category="frequency",
            files=[SimpleUploadedFile("检查记录.pdf", b"%PDF-1.4 records")],
        )

    [item] = _items("objection", objection.pk)
    assert (item.bureau, item.case) == (justice_bureau, approved_case)
    assert item.content.endswith("提出异议：\n同一个月内检查了三次。")
    assert objection.attachments.count() == 1


def test_an_objection_saved_again_or_answered_on_the_old_page_leaves_its_one_item_alone(
    approved_case, justice_bureau, enterprise, supervisor
):
    with at(dt.date(2026, 3, 17)):
        objection = inspections.object_to_case(approved_case, actor=enterprise, text="期限太短。")
        [item] = _items("objection", objection.pk)
        events = item.events.count()
        inspections.answer_objection(objection, actor=supervisor, answer="已转告执法机关。")
        Objection.objects.get(pk=objection.pk).save()
        again = intake_hooks.file_objection(objection)

    assert again is None
    assert _items("objection", objection.pk) == [item]
    item.refresh_from_db()
    assert item.status == Status.RECEIVED
    assert item.events.count() == events


def test_an_objection_the_platform_cannot_file_is_still_stored_and_the_refusal_logged(
    approved_case, enterprise, caplog
):
    # No 司法局 in 舟山 in this database: the item cannot be received anywhere.
    audit_before = AuditRecord.objects.count()
    with at(dt.date(2026, 3, 17)), caplog.at_level(logging.WARNING, logger=intake_hooks.__name__):
        objection = inspections.object_to_case(approved_case, actor=enterprise, text="期限太短。")

    assert Objection.objects.filter(pk=objection.pk).exists()
    assert Complaint.objects.count() == 0
    assert AuditRecord.objects.count() == audit_before + 1
    assert caplog.messages == [
        f"来源 objection #{objection.pk} 未能自动转入问题清单："
        "舟山市尚无行政执法监督机关（司法局），不能受理。"
    ]


def test_a_rating_of_two_stars_becomes_one_item_whatever_saves_the_case_later(
    approved_case, justice_bureau, health_agency, enterprise
):
    decided = _decided(approved_case)
    with at(DECIDED):
        inspections.rate_case(decided, actor=enterprise, rating=2, comment="态度生硬，反复要材料。")
        InspectionCase.objects.get(pk=decided.pk).save()
        intake_hooks.file_rating(InspectionCase.objects.get(pk=decided.pk))

    [item] = _items("rating", decided.pk)
    assert item.channel == Channel.RATING
    assert item.category.code == "si-luan"
    assert (item.agency, item.case) == (health_agency, decided)
    assert item.complainant_enterprise == enterprise.enterprise
    assert item.complainant_enterprise_name == "舟山海鲜酒楼有限公司"
    assert item.title == f"检查{decided.reference}被评为2星"
    assert item.content.endswith("评价为2星（满分5星）。\n评价意见：态度生硬，反复要材料。")


def test_a_rating_of_three_stars_makes_no_item(approved_case, justice_bureau, enterprise):
    decided = _decided(approved_case)
    with at(DECIDED):
        inspections.rate_case(decided, actor=enterprise, rating=3, comment="一般。")

    assert Complaint.objects.count() == 0


def _accepted(case, supervisor):
    with at(dt.date(2026, 3, 3)):
        offer = social.draw_social_supervisor(case, actor=supervisor)
        return social.accept_assignment(offer, actor=offer.supervisor.user)


def _report(case, supervisor, *, breach_at: int | None, credentials=CredentialShown.ALL):
    assignment = _accepted(case, supervisor)
    user = assignment.supervisor.user
    points = social.report_points(case)
    answers = [
        social.PointAnswer(breached=(n == breach_at), note="要求企业购买指定的消毒产品。")
        if n == breach_at
        else social.PointAnswer(breached=False, note="")
        for n in range(1, len(points) + 1)
    ]
    with at(INSPECTION_DAY, 9):
        social.check_in(assignment, actor=user)
        report = social.file_report(
            assignment,
            actor=user,
            points=answers,
            credentials=credentials,
            attitude=2,
            notes="检查持续两小时。",
        )
    return report, points


def test_a_social_supervisors_report_with_a_breach_becomes_one_item_naming_the_breach(
    approved_case, registry, supervisor, health_agency
):
    report, points = _report(approved_case, supervisor, breach_at=1)

    assert report.problem_status == ProblemStatus.PENDING
    [item] = _items("social_report", report.pk)
    who = report.assignment.supervisor
    assert item.channel == Channel.SOCIAL
    assert item.category.code == "weifan-guifan"
    assert (item.agency, item.case) == (health_agency, approved_case)
    assert item.complainant_enterprise is None
    assert item.complainant_name == who.user.display_name
    assert item.filed_by == who.user
    section, point = points[0]
    assert item.content.splitlines()[1:] == [
        f"1. {section}：{point}（要求企业购买指定的消毒产品。）",
        "执法态度：2 分（较差）。",
        "其他情况：检查持续两小时。",
    ]
    assert intake_hooks.file_social_report(report) is None
    assert _items("social_report", report.pk) == [item]


def test_a_report_without_a_breach_makes_no_item(approved_case, registry, supervisor):
    report, _ = _report(approved_case, supervisor, breach_at=None)

    assert report.problem_status == ProblemStatus.NO_PROBLEM
    assert Complaint.objects.count() == 0


def test_the_agency_reads_an_objection_item_without_a_trace_of_who_objected(
    approved_case, justice_bureau, health_agency, enterprise, supervisor, inspector, client_for
):
    with at(dt.date(2026, 3, 17)):
        objection = inspections.object_to_case(approved_case, actor=enterprise, text="期限太短。")
        [item] = _items("objection", objection.pk)
        services.assign(item, agency=health_agency, actor=supervisor)

    seen = client_for(inspector).get(f"/api/complaints/{item.pk}").json()
    bureau = client_for(supervisor).get(f"/api/complaints/{item.pk}").json()

    assert seen["channel_label"] == "检查异议"
    assert not set(IDENTITY_FIELDS) & set(seen)
    assert "complainant_enterprise_id" not in seen
    assert "is_anonymous" not in seen
    assert "陈经理" not in str(seen)
    assert bureau["complainant_name"] == "陈经理"
    assert bureau["complainant_enterprise_name"] == "舟山海鲜酒楼有限公司"
