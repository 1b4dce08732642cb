"""Cases from a draw, and 综合查一次 (one joint visit for several agencies)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhifa.audit.services import record_change, snapshot
from zhifa.core import access
from zhifa.draws.models import DrawResult, DrawResultStatus, DrawStatus, DrawTask
from zhifa.inspections import merging
from zhifa.inspections.models import CaseStatus, InspectionCase, InspectionKind, JointVisit
from zhifa.inspections.services._common import (
    _locked,
    _set_officers,
    _today,
    _transition,
    case_snapshot,
)
from zhifa.inspections.services.cases import create_case
from zhifa.org.models import Officer
from zhifa.workdays.selectors import YearNotLoaded, add_workdays, notice_working_days, work_calendar

# --- From a draw, and 综合查一次 -------------------------------------------------------------


@dataclass
class ConversionReport:
    created: list[InspectionCase] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (enterprise, reason)


def _working_days(start: dt.date, end: dt.date, today: dt.date) -> list[dt.date]:
    """The working days in [start, end] from today on, up to the end of the last year whose
    holiday arrangement is loaded: a day of an unknown year is never guessed to be workable."""
    calendar = work_calendar()
    days = []
    day = max(start, today)
    while day <= end:
        try:
            if calendar.is_workday(day):
                days.append(day)
        except YearNotLoaded:
            break
        day += dt.timedelta(days=1)
    return days


def cases_from_draw(draw: DrawTask, *, actor: Any) -> ConversionReport:
    """Every drawn enterprise awaiting approval becomes a draft case of the draw's task, with the
    officers drawn for it, dated evenly over the working days of the draw's inspection period
    from the earliest date a notice issued today allows. One enterprise that cannot be
    converted (cap reached, officer's certificate lapsed) is reported by name; the others are
    still converted."""
    access.require(actor, "case.create", draw.organisation)
    if draw.status != DrawStatus.DRAWN:
        raise ValidationError(f"抽取任务“{draw.title}”尚未完成抽取，不能生成检查案件。")
    if draw.inspection_start is None or draw.inspection_end is None:
        raise ValidationError(f"抽取任务“{draw.title}”没有设定检查期间，请先补充检查起止日期。")
    today = _today()
    region = draw.region
    try:
        first = add_workdays(today, notice_working_days(region))
    except YearNotLoaded as error:
        raise ValidationError(
            f"{error.year}年的节假日安排尚未载入，无法计算检查日期；请系统管理员先载入。"
        ) from None
    days = _working_days(max(draw.inspection_start, first), draw.inspection_end, today)
    if not days:
        raise ValidationError(
            f"抽取任务“{draw.title}”的检查期间（{draw.inspection_start}至{draw.inspection_end}）"
            f"内已没有可依法预告的工作日（今天预告最早可于{first}检查）。"
        )
    results = list(
        DrawResult.objects.filter(draw=draw, status=DrawResultStatus.AWAITING_APPROVAL)
        .select_related("enterprise", "draw__task")
        .order_by("stratum_id", "sequence")
    )
    items = list(draw.task.items.all())
    report = ConversionReport()
    per_day = -(-len(results) // len(days)) if results else 1
    for index, result in enumerate(results):
        officers = [
            a.officer for a in result.assignments.select_related("officer").order_by("position")
        ]
        try:
            case = create_case(
                organisation=draw.organisation,
                enterprise=result.enterprise,
                kind=InspectionKind.PLANNED,
                items=items,
                officers=officers,
                inspection_date=days[min(index // per_day, len(days) - 1)],
                actor=actor,
                title=f"{draw.title}：{result.enterprise.name}",
                reason=f"依据年度执法计划任务“{draw.task.name}”，经公开随机抽取（{draw.title}）确定。",
                draw_result=result,
            )
        except ValidationError as error:
            report.skipped.append((result.enterprise.name, "；".join(error.messages)))
            continue
        report.created.append(case)
    return report


def apply_joint_plan(
    plan: merging.MergePlan, *, actor: Any, cases: Mapping[int, InspectionCase]
) -> list[JointVisit]:
    """Record the 综合查一次 plan: each visit of several cases becomes a JointVisit led by its
    lead agency, and its cases take the visit's day (and the planner's officers). Only cases
    not yet approved are moved, so every moved case is approved as it will be carried out."""
    access.require(actor, "joint.confirm", plan)
    movable = (CaseStatus.DRAFT, CaseStatus.SUBMITTED)
    for visit in plan.visits:
        for case_id in visit.case_ids:
            case = cases[case_id]
            if case.status not in movable:
                raise ValidationError(
                    f"案件 {case.reference} 已{case.get_status_display()}，不能再并入联合检查。"
                )
    created: list[JointVisit] = []
    with transaction.atomic():
        for visit in plan.visits:
            if len(visit.case_ids) < 2:
                continue
            members = [_locked(cases[c]) for c in visit.case_ids]
            lead = next(c for c in members if c.organisation_id == visit.lead_agency_id)
            joint = JointVisit.objects.create(
                enterprise_id=visit.enterprise_id,
                region_id=lead.region_id,
                day=visit.day,
                lead_id=visit.lead_agency_id,
                planned_by=actor,
            )
            for case in members:
                before = case_snapshot(case)
                case.inspection_date = visit.day
                case.joint_visit = joint
                if case.status != CaseStatus.DRAFT:
                    _transition(case, CaseStatus.DRAFT, doing="并入联合检查")
                case.save()
                chosen = visit.officers.get(case.organisation_id)
                if chosen:
                    _set_officers(case, list(Officer.objects.filter(pk__in=chosen).order_by("pk")))
                record_change(
                    actor=actor,
                    action="inspections.case.join",
                    obj=case,
                    before=before,
                    after=case_snapshot(case),
                    summary=f"检查案件 {case.reference} 并入联合检查（{visit.day}，牵头："
                    f"{joint.lead.name}），退回草稿重新提请审批",
                )
            record_change(
                actor=actor,
                action="inspections.joint.create",
                obj=joint,
                after={**snapshot(joint), "cases": [c.reference for c in members]},
                summary=f"综合查一次：{joint}，合并 {len(members)} 件检查",
            )
            created.append(joint)
    return created
