"""Demo inspection cases, made through the services as the demo personas, on ``day`` of the
demo's history (the last finished working day, ``zhifa.workdays.demo_clock``):

- the demo draw's enterprises become draft cases, dated from the earliest day a notice issued
  that day allows; most are submitted, five approved in one batch (with its 批量审批清单) and one
  on its own;
- the persona enterprise 舟山海之味餐饮有限公司 gets a 专项检查 with its 预告通知书 delivered to
  its portal, and the agency publishes guidance times it can book before it;
- a 举报核查 of a third enterprise finds expired 健康合格证明 and orders it to correct (责令改正)
  within ten working days: its 整改 report is still to come, then the officers' 复查;
- an emergency 燃气安全 inspection of another enterprise, begun with an oral notice, is
  recorded, decided, published and made up (补办) by the agency head that afternoon.

Every step runs with the clock set to its moment, so the services judge and stamp it as of then.
A part that would need the working days of a year whose holiday arrangement is not loaded is
left out. Idempotent: nothing is done when the health agency already has cases.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhifa.core.demo_names import (
    DECIDED_ENTERPRISE_ACCOUNT,
    HEALTH_AGENCY,
    PERSONA_ENTERPRISE,
    RECTIFYING_ENTERPRISE_ACCOUNT,
)
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
from zhifa.workdays.demo_clock import DemoClock, DemoTimeline, beijing, timeline_for
from zhifa.workdays.selectors import YearNotLoaded, add_workdays, notice_working_days

# The title of the 举报核查 the demo orders to correct; the demo account of its enterprise finds it.
REPORTED_TITLE = "群众举报核查"
RECTIFY_WORKING_DAYS = 10


def _officer_pair(agency: Organisation, inspector: User, day: dt.date) -> list[Officer]:
    persona = Officer.objects.filter(user=inspector).first()
    others = Officer.objects.filter(eligible_on_q(day), organisation=agency)
    if persona is not None:
        others = others.exclude(pk=persona.pk)
    pair = [o for o in (persona, others.order_by("cert_no").first()) if o is not None]
    return pair


def load_demo_inspections(
    *, timeline: DemoTimeline | None = None, clock: DemoClock | None = None
) -> dict[str, int]:
    counts = {
        "cases": 0,
        "approved": 0,
        "notices": 0,
        "rectifying": 0,
        "closed": 0,
        "slots": 0,
    }
    agency = Organisation.objects.filter(name=HEALTH_AGENCY).first()
    inspector = User.objects.filter(username="inspector").first()
    approver = User.objects.filter(username="approver").first()
    if agency is None or inspector is None or approver is None:
        return counts
    if InspectionCase.objects.filter(organisation=agency).exists():
        return counts
    timeline = timeline or timeline_for(timezone.now())
    clock = clock or DemoClock()
    _from_draw(timeline, clock, agency, inspector, approver, counts)
    _persona(timeline, clock, agency, inspector, approver, counts)
    _rectifying(timeline, clock, agency, inspector, approver, counts)
    _emergency(timeline, clock, agency, inspector, approver, counts)
    return counts


def _from_draw(
    timeline: DemoTimeline,
    clock: DemoClock,
    agency: Organisation,
    inspector: User,
    approver: User,
    counts: dict[str, int],
) -> None:
    draw = (
        DrawTask.objects.filter(organisation=agency, status=DrawStatus.DRAWN)
        .filter(title__startswith=DRAWN_TITLE.split("{")[0])
        .select_related("region")
        .order_by("pk")
        .first()
    )
    if draw is None or draw.inspection_end is None:
        return
    try:
        first = add_workdays(timeline.day, notice_working_days(draw.region))
    except YearNotLoaded:
        return
    if first > draw.inspection_end:
        # Too late in the quarter for a lawful notice: the results wait, unconverted.
        return
    with clock.at(timeline.on_day(10)):
        report = services.cases_from_draw(draw, actor=inspector)
        created = report.created
        counts["cases"] += len(created)
        for case in created[:8]:
            services.submit_case(case, actor=inspector)
    if len(created) >= 3:
        batch = created[: min(5, len(created) - 1)]
        with clock.at(timeline.on_day(14)):
            services.approve_batch(
                batch,
                actor=approver,
                title=f"{draw.title}（第一批）",
                opinion="同意按计划实施，检查前依法预告。",
            )
        with clock.at(timeline.on_day(14, 10)):
            services.approve_case(created[len(batch)], actor=approver, opinion="同意。")
        counts["approved"] += len(batch) + 1


def _persona(
    timeline: DemoTimeline,
    clock: DemoClock,
    agency: Organisation,
    inspector: User,
    approver: User,
    counts: dict[str, int],
) -> None:
    items = list(
        InspectionItem.objects.filter(organisation=agency, is_active=True).order_by("code")
    )
    persona = Enterprise.objects.filter(name=PERSONA_ENTERPRISE).first()
    day = timeline.persona_inspection
    if not items or persona is None or day is None:
        return
    pair = _officer_pair(agency, inspector, day)
    if len(pair) < services.MIN_OFFICERS:
        return
    with clock.at(timeline.on_day(10, 30)):
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
    counts["cases"] += 1
    with clock.at(timeline.on_day(14, 30)):
        services.approve_case(case, actor=approver, opinion="同意，按期预告。")
    counts["approved"] += 1
    with clock.at(timeline.on_day(14, 40)):
        services.issue_notice(case, actor=inspector)
    counts["notices"] += 1

    with clock.at(timeline.on_day(15)):
        for slot_day in timeline.slot_days:
            services.publish_slot(
                organisation=agency,
                actor=inspector,
                starts_at=beijing(slot_day, 14, 30),
                ends_at=beijing(slot_day, 15, 30),
                place="线上视频指导（腾讯会议，号码随预约确认发送）",
                officer=pair[0],
            )
            counts["slots"] += 1


def _rectifying(
    timeline: DemoTimeline,
    clock: DemoClock,
    agency: Organisation,
    inspector: User,
    approver: User,
    counts: dict[str, int],
) -> None:
    item = (
        InspectionItem.objects.filter(organisation=agency, is_active=True, code="WS-GGCS-02")
        .order_by("pk")
        .first()
    )
    account = User.objects.filter(username=RECTIFYING_ENTERPRISE_ACCOUNT).first()
    enterprise = account.enterprise if account is not None else None
    if item is None or enterprise is None:
        return
    # Both officers sign in on site, each with an account of their own.
    pair = list(
        Officer.objects.filter(
            eligible_on_q(timeline.day),
            organisation=agency,
            user__username__in=("inspector", "inspector2"),
        ).order_by("cert_no")
    )
    if len(pair) < services.MIN_OFFICERS:
        return
    try:
        add_workdays(timeline.day, RECTIFY_WORKING_DAYS)
    except YearNotLoaded:
        # The deadline would fall in a year whose holidays are not loaded: no case, not a
        # guessed deadline.
        return
    with clock.at(timeline.on_day(15, 5)):
        case = services.create_case(
            organisation=agency,
            enterprise=enterprise,
            kind=InspectionKind.COMPLAINT,
            items=[item],
            officers=pair,
            inspection_date=timeline.day,
            actor=inspector,
            title=REPORTED_TITLE,
            exemption_reason=(
                "群众通过12345热线举报该单位部分服务人员未取得有效健康合格证明即上岗，"
                "预告将使核查失去意义。"
            ),
        )
        services.submit_case(case, actor=inspector)
    counts["cases"] += 1
    with clock.at(timeline.on_day(15, 10)):
        services.approve_case(case, actor=approver, opinion="同意，当日核查。")
    counts["approved"] += 1
    with clock.at(timeline.on_day(15, 20)):
        for officer in pair:
            services.check_in(case, actor=officer.user, code=case.checkin_code)
    with clock.at(timeline.on_day(15, 30)):
        services.record_finding(
            case,
            actor=inspector,
            item=item,
            result=FindingResult.PROBLEM,
            description="2名直接为顾客服务的人员健康合格证明已过期，仍在岗服务。",
        )
        services.finish_site_record(
            case, actor=inspector, present_person="何志强（负责人）", party_opinion="无异议。"
        )
    with clock.at(timeline.on_day(15, 40)):
        services.decide_case(
            case,
            actor=inspector,
            outcome=CaseOutcome.RECTIFY,
            decisions={
                1: {
                    "chosen": "none",
                    "harm_level": "minor",
                    # The two stopped serving customers there and then: 首违、轻微、当场改正.
                    "corrected_on_site": True,
                    "violated_provision": "《公共场所卫生管理条例》第七条",
                    "penalty_provision": "《公共场所卫生管理条例》第十四条",
                }
            },
            requirements=[
                "2名服务人员取得有效健康合格证明前，不得从事直接为顾客服务的工作",
                "建立从业人员健康合格证明到期提醒台账",
            ],
            rectify_working_days=RECTIFY_WORKING_DAYS,
        )
    case.refresh_from_db()
    if case.status == CaseStatus.RECTIFYING:
        counts["rectifying"] += 1


def _emergency(
    timeline: DemoTimeline,
    clock: DemoClock,
    agency: Organisation,
    inspector: User,
    approver: User,
    counts: dict[str, int],
) -> None:
    items = list(
        InspectionItem.objects.filter(organisation=agency, is_active=True).order_by("code")
    )
    candidates = (
        Enterprise.objects.filter(region__code__startswith="3309")
        .exclude(name=PERSONA_ENTERPRISE)
        .exclude(cases__isnull=False)
        .order_by("uscc")
    )
    # The enterprise with a demo account of its own, so that the decided case can be read there.
    account = User.objects.filter(username=DECIDED_ENTERPRISE_ACCOUNT).first()
    other = (
        candidates.filter(pk=account.enterprise_id).first() if account is not None else None
    ) or candidates.first()
    if not items or other is None or not timeline.emergency:
        return
    pair = _officer_pair(agency, inspector, timeline.day)
    if len(pair) < services.MIN_OFFICERS:
        return
    told_at = timeline.on_day(16)
    with clock.at(told_at):
        emergency = services.create_case(
            organisation=agency,
            enterprise=other,
            kind=InspectionKind.SAFETY,
            items=items[:1],
            officers=pair,
            inspection_date=timeline.day,
            actor=inspector,
            title="燃气安全紧急检查",
            exemption_reason="群众报告该单位后厨有燃气异味，直接涉及人民群众生命财产安全。",
            is_emergency=True,
        )
        services.record_oral_notice(
            emergency,
            actor=inspector,
            told_at=told_at,
            place=other.address or other.name,
            told_by=pair[0],
            told_to="现场负责人",
            content="接群众报告后厨燃气异味，依法立即实施现场检查。",
            head=approver,
        )
    with clock.at(timeline.on_day(16, 20)):
        for item in emergency.items.all():
            services.record_finding(
                emergency,
                actor=inspector,
                item=item,
                result=FindingResult.COMPLIANT,
                description="燃气报警装置有效，管道接口检漏无泄漏。",
            )
    with clock.at(timeline.on_day(16, 40)):
        services.finish_site_record(
            emergency, actor=inspector, present_person="现场负责人", party_opinion="无异议。"
        )
    with clock.at(timeline.on_day(16, 50)):
        services.decide_case(emergency, actor=inspector, outcome=CaseOutcome.NO_PROBLEM)
    with clock.at(timeline.on_day(17)):
        services.publish_result(emergency, actor=inspector)
    with clock.at(timeline.on_day(17, 20)):
        services.complete_makeup(emergency, actor=approver)
    if account is not None and account.enterprise_id != other.pk:
        # The account is the demo's set-up: it belongs to whichever enterprise was inspected.
        User.objects.filter(pk=account.pk).update(enterprise=other)
    emergency.refresh_from_db()
    if emergency.status == CaseStatus.CLOSED:
        counts["closed"] += 1
    counts["cases"] += 1
