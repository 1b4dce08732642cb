"""Demo inspection cases, made through the services as the demo personas.

- the demo draw's enterprises become draft cases; most are submitted, five approved in one
  batch (with its 批量审批清单) and one on its own;
- the persona enterprise 舟山海之味餐饮有限公司 gets a 专项检查 with its 预告通知书 delivered to
  its portal, and the agency publishes guidance times it can book;
- an emergency 燃气安全 inspection of another enterprise, begun with an oral notice, is
  recorded, decided, published and made up (补办) by the agency head.

Idempotent: nothing is done when the health agency already has cases. Every date is counted
from today with the working-day calendar, so the demo is lawful whenever it is loaded.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.utils import timezone

from zhifa.draws.demo import DRAWN_TITLE
from zhifa.draws.models import DrawStatus, DrawTask
from zhifa.inspections import services
from zhifa.inspections.models import (
    CaseOutcome,
    CaseStatus,
    FindingResult,
    InspectionCase,
    InspectionKind,
)
from zhifa.org.models import Officer, Organisation, User
from zhifa.org.selectors import eligible_on_q
from zhifa.plans.models import InspectionItem
from zhifa.registry.models import Enterprise
from zhifa.web.demo_data import HEALTH_AGENCY, PERSONA_ENTERPRISE
from zhifa.workdays.selectors import YearNotLoaded, add_workdays


def _officer_pair(agency: Organisation, inspector: User, day: dt.date) -> list[Officer]:
    persona = Officer.objects.filter(user=inspector).first()
    others = Officer.objects.filter(eligible_on_q(day), organisation=agency)
    if persona is not None:
        others = others.exclude(pk=persona.pk)
    pair = [o for o in (persona, others.order_by("cert_no").first()) if o is not None]
    return pair


def load_demo_inspections() -> dict[str, int]:
    counts = {"cases": 0, "approved": 0, "notices": 0, "closed": 0, "slots": 0}
    agency = Organisation.objects.filter(name=HEALTH_AGENCY).first()
    inspector = User.objects.filter(username="inspector").first()
    approver = User.objects.filter(username="approver").first()
    if agency is None or inspector is None or approver is None:
        return counts
    if InspectionCase.objects.filter(organisation=agency).exists():
        return counts
    # A calendar year not yet loaded (late December) leaves the rest of the demo out; any other
    # refusal is a bug of the demo and is raised.
    with contextlib.suppress(YearNotLoaded):
        _load(agency, inspector, approver, counts)
    return counts


def _load(agency: Organisation, inspector: User, approver: User, counts: dict[str, int]) -> None:
    today = timezone.localdate()
    draw = (
        DrawTask.objects.filter(organisation=agency, status=DrawStatus.DRAWN)
        .filter(title__startswith=DRAWN_TITLE.split("{")[0])
        .order_by("pk")
        .first()
    )
    if draw is not None:
        report = services.cases_from_draw(draw, actor=inspector)
        created = report.created
        counts["cases"] += len(created)
        for case in created[:8]:
            services.submit_case(case, actor=inspector)
        if len(created) >= 3:
            batch = created[: min(5, len(created) - 1)]
            services.approve_batch(
                batch,
                actor=approver,
                title=f"{draw.title}（第一批）",
                opinion="同意按计划实施，检查前依法预告。",
            )
            services.approve_case(created[len(batch)], actor=approver, opinion="同意。")
            counts["approved"] += len(batch) + 1

    items = list(
        InspectionItem.objects.filter(organisation=agency, is_active=True).order_by("code")
    )
    persona = Enterprise.objects.filter(name=PERSONA_ENTERPRISE).first()
    if not items or persona is None:
        return
    day = add_workdays(today, 8)
    pair = _officer_pair(agency, inspector, day)
    if len(pair) < services.MIN_OFFICERS:
        return
    case = services.create_case(
        organisation=agency,
        enterprise=persona,
        kind=InspectionKind.SPECIAL,
        items=items[:2],
        officers=pair,
        inspection_date=day,
        actor=inspector,
        title="餐饮服务场所卫生专项检查",
        reason="依据年度专项整治安排，对餐饮服务单位公共卫生状况开展专项检查。",
    )
    services.submit_case(case, actor=inspector)
    services.approve_case(case, actor=approver, opinion="同意，按期预告。")
    services.issue_notice(case, actor=inspector)
    counts["cases"] += 1
    counts["approved"] += 1
    counts["notices"] += 1

    tz = timezone.get_current_timezone()
    for offset in (2, 3, 4):
        slot_day = add_workdays(today, offset)
        services.publish_slot(
            organisation=agency,
            actor=inspector,
            starts_at=dt.datetime.combine(slot_day, dt.time(14, 30), tzinfo=tz),
            ends_at=dt.datetime.combine(slot_day, dt.time(15, 30), tzinfo=tz),
            place="线上视频指导（腾讯会议，号码随预约确认发送）",
            officer=pair[0],
        )
        counts["slots"] += 1

    other = (
        Enterprise.objects.filter(region__code__startswith="3309")
        .exclude(pk=persona.pk)
        .exclude(cases__isnull=False)
        .order_by("uscc")
        .first()
    )
    if other is None:
        return
    emergency = services.create_case(
        organisation=agency,
        enterprise=other,
        kind=InspectionKind.SAFETY,
        items=items[:1],
        officers=_officer_pair(agency, inspector, today),
        inspection_date=today,
        actor=inspector,
        title="燃气安全紧急检查",
        exemption_reason="群众报告该单位后厨有燃气异味，直接涉及人民群众生命财产安全。",
        is_emergency=True,
    )
    told_at = timezone.now().replace(second=0, microsecond=0)
    services.record_oral_notice(
        emergency,
        actor=inspector,
        told_at=told_at,
        place=other.address or other.name,
        told_by=emergency.assignments.order_by("position").first().officer,  # type: ignore[union-attr]
        told_to="现场负责人",
        content="接群众报告后厨燃气异味，依法立即实施现场检查。",
        head=approver,
    )
    for item in emergency.items.all():
        services.record_finding(
            emergency,
            actor=inspector,
            item=item,
            result=FindingResult.COMPLIANT,
            description="燃气报警装置有效，管道接口检漏无泄漏。",
        )
    services.finish_site_record(
        emergency, actor=inspector, present_person="现场负责人", party_opinion="无异议。"
    )
    services.decide_case(emergency, actor=inspector, outcome=CaseOutcome.NO_PROBLEM)
    services.publish_result(emergency, actor=inspector)
    services.complete_makeup(emergency, actor=approver)
    emergency.refresh_from_db()
    if emergency.status == CaseStatus.CLOSED:
        counts["closed"] += 1
    counts["cases"] += 1
