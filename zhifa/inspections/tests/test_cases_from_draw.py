# ruff: noqa: F811 (pytest fixtures imported from the draws' conftest are requested by name)
"""A drawn draw becomes inspection cases; cases not born of a draw count against the caps.

The draw is built with the draws app's own fixtures (``zhifa.draws.tests.conftest``)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from zhifa.draws import eligibility, services
from zhifa.draws.models import DrawResult, DrawResultStatus
from zhifa.draws.tests.conftest import (  # noqa: F401 (the draws' fixtures, requested by name)
    VALUES,
    _media_root,
    item,
    officers,
    perform_on,
    plan,
    registry,
    reveal_date,
    sources,
    task,
    today,
)
from zhifa.inspections import services as inspections
from zhifa.inspections.models import CaseStatus, InspectionCase, InspectionKind
from zhifa.org.models import CertificateStatus

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def in_october():
    """A Monday well before the task's quarter, so every date below is a 2026 date."""
    with time_machine.travel(dt.datetime(2026, 10, 12, 10, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def drawn(in_october, task, registry, officers, inspector, approver, reveal_date, sources):
    draw = services.create_draw(
        task=task,
        title="2026年11月公共场所卫生双随机抽查",
        mode="public",
        reveal_date=reveal_date,
        sources=sources,
        actor=inspector,
        inspection_start=dt.date(2026, 11, 2),
        inspection_end=dt.date(2026, 11, 30),
    )
    services.announce_draw(draw, actor=approver)
    return perform_on(reveal_date, draw, values=VALUES, actor=inspector)


@pytest.mark.django_db
def test_every_drawn_enterprise_becomes_a_draft_case_dated_over_the_period(drawn, inspector, item):
    report = inspections.cases_from_draw(drawn, actor=inspector)

    assert report.skipped == []
    assert len(report.created) == 10
    assert [c.inspection_date.isoformat() for c in report.created] == [
        "2026-11-02",
        "2026-11-03",
        "2026-11-04",
        "2026-11-05",
        "2026-11-06",
        "2026-11-09",
        "2026-11-10",
        "2026-11-11",
        "2026-11-12",
        "2026-11-13",
    ]
    first = report.created[0]
    assert first.status == CaseStatus.DRAFT
    assert first.kind == InspectionKind.PLANNED
    assert first.plan_task_id == drawn.task_id
    assert list(first.items.all()) == [item]
    assert list(first.assignments.values_list("officer_id", flat=True)) == list(
        first.draw_result.assignments.order_by("position").values_list("officer_id", flat=True)
    )
    assert DrawResult.objects.filter(draw=drawn, status=DrawResultStatus.CONVERTED).count() == 10

    again = inspections.cases_from_draw(drawn, actor=inspector)
    assert (again.created, again.skipped) == ([], [])
    assert InspectionCase.objects.count() == 10


@pytest.mark.django_db
def test_an_enterprise_whose_officer_was_suspended_is_reported_and_the_rest_converted(
    drawn, inspector
):
    first = DrawResult.objects.filter(draw=drawn).order_by("stratum_id", "sequence").first()
    officer = first.assignments.order_by("position").first().officer
    officer.cert_status = CertificateStatus.SUSPENDED
    officer.save()
    affected = DrawResult.objects.filter(draw=drawn, officers=officer).count()

    report = inspections.cases_from_draw(drawn, actor=inspector)

    assert len(report.created) == 10 - affected
    assert len(report.skipped) == affected
    name, reason = report.skipped[0]
    assert name == first.enterprise.name
    assert f"{officer.name}（执法证 {officer.cert_no}）" in reason
    assert (
        DrawResult.objects.filter(draw=drawn, status=DrawResultStatus.AWAITING_APPROVAL).count()
        == affected
    )


@pytest.mark.django_db
def test_a_special_case_counts_against_the_quiet_period_but_a_complaint_does_not(
    in_october, task, registry, officers, inspector, item, health_agency
):
    common = {
        "organisation": health_agency,
        "items": [item],
        "officers": officers[:2],
        "inspection_date": dt.date(2026, 10, 9),
        "actor": inspector,
    }
    inspections.create_case(enterprise=registry[0], kind=InspectionKind.SPECIAL, **common)
    inspections.create_case(
        enterprise=registry[1],
        kind=InspectionKind.COMPLAINT,
        exemption_reason="群众举报游泳池水质浑浊。",
        **common,
    )

    assert eligibility.ineligible(task) == {
        registry[
            0
        ].uscc: "本机关已于 2026-10-09 就“公共场所卫生监督检查”检查该企业，180 日内不再检查"
    }


@pytest.mark.django_db
def test_a_joint_visit_of_two_other_agencies_uses_one_place_of_the_yearly_cap(
    in_october, task, registry, approver, zhoushan
):
    import zhifa_testing as testing
    from zhifa.inspections.models import JointVisit
    from zhifa.org.models import Role
    from zhifa.plans.models import InspectionItem

    cases = []
    for name, code in (("舟山市市场监督管理局", "market"), ("舟山市生态环境局", "ecology")):
        agency = testing.organisation(name, region=zhoushan)
        writer = testing.user(f"{code}_inspector", role=Role.INSPECTOR, organisation=agency)
        item = InspectionItem.objects.create(
            organisation=agency,
            field=testing.field(code, name),
            code=f"{code.upper()}-01",
            name=f"{name}检查事项",
            legal_basis_law="《中华人民共和国行政处罚法》",
            legal_basis_article="第四十二条",
        )
        officers = [testing.officer(f"{code}{n}", organisation=agency) for n in (1, 2)]
        cases.append(
            inspections.create_case(
                organisation=agency,
                enterprise=registry[0],
                kind=InspectionKind.SPECIAL,
                items=[item],
                officers=officers,
                inspection_date=dt.date(2026, 9, 15),
                actor=writer,
            )
        )
    assert eligibility.ineligible(task) == {
        registry[0].uscc: "各机关今年已检查该企业 2 次，达到本地区每年 2 次的上限"
    }

    visit = JointVisit.objects.create(
        enterprise=registry[0],
        region=zhoushan,
        day=dt.date(2026, 9, 15),
        lead=cases[0].organisation,
        planned_by=approver,
    )
    InspectionCase.objects.filter(pk__in=[c.pk for c in cases]).update(joint_visit=visit)

    assert eligibility.ineligible(task) == {}
