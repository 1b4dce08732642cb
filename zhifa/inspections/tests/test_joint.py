"""综合查一次 on real cases: two agencies' planned inspections of one enterprise, one visit."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.inspections import joint, services
from zhifa.inspections.models import CaseStatus, InspectionCase, InspectionKind, JointVisit
from zhifa.org.models import Role
from zhifa.plans.models import AnnualPlan, InspectionItem, PlanStatus, PlanTask, TaskKind

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def october():
    with time_machine.travel(dt.datetime(2026, 10, 12, 10, tzinfo=SHANGHAI), tick=False):
        yield


def _task(agency, approver, zhoushan, code):
    field = testing.field(code, code)
    plan = AnnualPlan.objects.create(
        organisation=agency,
        year=2026,
        title=f"{agency.name}2026年度检查计划",
        status=PlanStatus.PUBLISHED,
        created_by=approver,
        published_at=timezone.now(),
    )
    item = InspectionItem.objects.create(
        organisation=agency,
        field=field,
        code=f"{code.upper()}-01",
        name=f"{agency.name}检查事项",
        legal_basis_law="《中华人民共和国行政处罚法》",
        legal_basis_article="第四十二条",
    )
    task = PlanTask.objects.create(
        plan=plan,
        quarter=4,
        name="第四季度检查",
        kind=TaskKind.SPECIAL,
        field=field,
        region=zhoushan,
    )
    task.items.add(item)
    return task, item


@pytest.fixture
def two_agencies_cases(october, health_agency, zhoushan, zhoushan_enterprise, approver, inspector):
    market = testing.organisation("舟山市市场监督管理局", region=zhoushan, doc_prefix="舟市监")
    market_inspector = testing.user("market", role=Role.INSPECTOR, organisation=market)
    market_approver = testing.user("market_head", role=Role.APPROVER, organisation=market)
    cases = []
    for agency, writer, head, code, day in (
        (health_agency, inspector, approver, "health", dt.date(2026, 11, 10)),
        (market, market_inspector, market_approver, "market", dt.date(2026, 11, 20)),
    ):
        task, item = _task(agency, head, zhoushan, code)
        officers = [testing.officer(f"{code}{n}", organisation=agency) for n in (1, 2)]
        cases.append(
            services.create_case(
                organisation=agency,
                enterprise=zhoushan_enterprise,
                kind=InspectionKind.SPECIAL,
                items=[item],
                officers=officers,
                inspection_date=day,
                actor=writer,
                plan_task=task,
            )
        )
    return cases


@pytest.mark.django_db
def test_two_agencies_cases_on_one_enterprise_become_one_joint_visit(
    two_agencies_cases, zhoushan, supervisor
):
    health_case, market_case = two_agencies_cases
    proposal = joint.propose(
        zhoushan, dt.date(2026, 11, 1), dt.date(2026, 11, 30), today=dt.date(2026, 10, 12)
    )
    stats = proposal.plan.stats
    assert (stats.cases, stats.visits_before, stats.visits_after, stats.lower_bound) == (2, 2, 1, 1)
    [visit] = proposal.plan.visits
    assert visit.case_ids == (health_case.pk, market_case.pk)

    with time_machine.travel(dt.datetime(2026, 10, 12, 11, tzinfo=SHANGHAI), tick=False):
        [created] = services.apply_joint_plan(proposal.plan, actor=supervisor, cases=proposal.cases)

    assert JointVisit.objects.count() == 1
    assert created.day == visit.day
    assert created.lead_id == visit.lead_agency_id
    for case in (health_case, market_case):
        case.refresh_from_db()
        assert case.joint_visit == created
        assert case.inspection_date == visit.day
        assert case.status == CaseStatus.DRAFT
    assert AuditRecord.objects.filter(action="inspections.case.join").count() == 2


@pytest.mark.django_db
def test_an_agency_inspector_cannot_apply_a_joint_plan(two_agencies_cases, zhoushan, inspector):
    proposal = joint.propose(
        zhoushan, dt.date(2026, 11, 1), dt.date(2026, 11, 30), today=dt.date(2026, 10, 12)
    )
    with pytest.raises(PermissionDenied):
        services.apply_joint_plan(proposal.plan, actor=inspector, cases=proposal.cases)

    assert JointVisit.objects.count() == 0
    assert set(InspectionCase.objects.values_list("inspection_date", flat=True)) == {
        dt.date(2026, 11, 10),
        dt.date(2026, 11, 20),
    }


@pytest.mark.django_db
def test_the_joint_command_reports_visits_before_and_after(two_agencies_cases):
    out = io.StringIO()
    with time_machine.travel(dt.datetime(2026, 10, 12, 11, tzinfo=SHANGHAI), tick=False):
        call_command(
            "inspections",
            "joint",
            "--region",
            "330900",
            "--start",
            "2026-11-01",
            "--end",
            "2026-11-30",
            stdout=out,
        )
    assert out.getvalue() == (
        "舟山市 2026-11-01 至 2026-11-30：检查 2 件，统筹前 2 次入企，"
        "统筹后 1 次（联合检查 1 次），减少 50.0%；下限（涉及企业数）1，为下限的 1.00 倍。\n"
    )
    assert JointVisit.objects.count() == 0


@pytest.mark.django_db
def test_a_joint_visit_counts_once_against_the_yearly_cap(
    two_agencies_cases, zhoushan, supervisor, inspector, health_agency, zhoushan_enterprise
):
    health_case, _ = two_agencies_cases
    third = {
        "organisation": health_agency,
        "enterprise": zhoushan_enterprise,
        "kind": InspectionKind.SPECIAL,
        "items": list(health_case.items.all()),
        "officers": [a.officer for a in health_case.assignments.all()],
        "inspection_date": dt.date(2026, 12, 14),
        "actor": inspector,
    }
    with pytest.raises(ValidationError):
        services.create_case(**third)

    proposal = joint.propose(
        zhoushan, dt.date(2026, 11, 1), dt.date(2026, 11, 30), today=dt.date(2026, 10, 12)
    )
    services.apply_joint_plan(proposal.plan, actor=supervisor, cases=proposal.cases)
    created = services.create_case(**third)

    assert created.status == CaseStatus.DRAFT
    assert InspectionCase.objects.count() == 3
