"""综合查一次 on the database: the not-yet-approved cases of every agency in a region and period,
as the planner (``merging``) sees them, and the planner's proposal.

A case's window is the period it was planned for: its draw's inspection period, else its plan
task's quarter, else its own date. An officer is unavailable on the days he is already due at
another approved inspection and after his 执法证 lapses. Nothing is written here; the approved
proposal is recorded by ``services.apply_joint_plan``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from zhifa.inspections import merging
from zhifa.inspections.models import CaseStatus, InspectionCase, InspectionKind
from zhifa.org.models import Officer, Region
from zhifa.org.selectors import eligible_on_q
from zhifa.workdays.selectors import YearNotLoaded, notice_working_days, work_calendar

MERGEABLE_KINDS = (InspectionKind.PLANNED, InspectionKind.SPECIAL, InspectionKind.JOINT)
MOVABLE = (CaseStatus.DRAFT, CaseStatus.SUBMITTED)
BUSY = (CaseStatus.APPROVED, CaseStatus.NOTIFIED)


@dataclass
class Proposal:
    plan: merging.MergePlan
    cases: dict[int, InspectionCase]
    agency_names: dict[int, str]


def _quarter(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    last = (
        dt.date(year, 12, 31)
        if quarter == 4
        else dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)
    )
    return first, last


def window_of(case: InspectionCase) -> tuple[dt.date, dt.date]:
    draw = case.draw_result.draw if case.draw_result_id else None  # type: ignore[union-attr]
    if draw is not None and draw.inspection_start and draw.inspection_end:
        return draw.inspection_start, draw.inspection_end
    if case.plan_task_id is not None:
        task = case.plan_task
        assert task is not None
        return _quarter(task.plan.year, task.quarter)
    return case.inspection_date, case.inspection_date


def propose(region: Region, start: dt.date, end: dt.date, *, today: dt.date) -> Proposal:
    """The planner's answer for the cases dated in [start, end] on enterprises in ``region``."""
    cases = {
        c.pk: c
        for c in InspectionCase.objects.filter(
            region__code__startswith=region.code_prefix,
            inspection_date__gte=start,
            inspection_date__lte=end,
            status__in=MOVABLE,
            kind__in=MERGEABLE_KINDS,
        )
        .select_related("draw_result__draw", "plan_task__plan", "organisation", "region")
        .prefetch_related("items", "assignments")
        .order_by("pk")
    }
    planned: list[merging.PlannedCase] = []
    for case in cases.values():
        earliest, latest = window_of(case)
        planned.append(
            merging.PlannedCase(
                case_id=case.pk,
                agency_id=case.organisation_id,
                enterprise_id=case.enterprise_id,
                item_codes=tuple(sorted(i.code for i in case.items.all())),
                earliest=max(earliest, today),
                latest=latest,
                officers_needed=max(2, case.assignments.count()),
                notice_days=notice_working_days(case.region),
            )
        )
    agency_ids = sorted({c.organisation_id for c in cases.values()})
    span_start, span_end = merging.calendar_span(planned, today)
    try:
        calendar = merging.WorkCalendar.from_predicate(
            work_calendar().is_workday, span_start, span_end
        )
    except YearNotLoaded as error:
        raise ValidationError(
            f"{error.year}年的节假日安排尚未载入，无法统筹该期间的检查；请系统管理员先载入。"
        ) from None
    plan = merging.plan_joint_visits(
        planned,
        _rosters(agency_ids, span_start, span_end),
        calendar,
        today=today,
        agency_names={c.organisation_id: c.organisation.name for c in cases.values()},
    )
    names = {c.organisation_id: c.organisation.name for c in cases.values()}
    return Proposal(plan=plan, cases=cases, agency_names=names)


def _rosters(agency_ids: list[int], start: dt.date, end: dt.date) -> list[merging.AgencyRoster]:
    busy: dict[int, set[dt.date]] = defaultdict(set)
    for officer_id, day in InspectionCase.objects.filter(
        status__in=BUSY, inspection_date__gte=start, inspection_date__lte=end
    ).values_list("assignments__officer_id", "inspection_date"):
        if officer_id is not None:
            busy[officer_id].add(day)
    officers = Officer.objects.filter(eligible_on_q(start), organisation_id__in=agency_ids)
    by_agency: dict[int, list[merging.OfficerAvailability]] = defaultdict(list)
    for officer in officers.order_by("pk"):
        off = set(busy[officer.pk])
        day = officer.cert_valid_until + dt.timedelta(days=1)
        while day <= end:
            off.add(day)
            day += dt.timedelta(days=1)
        by_agency[officer.organisation_id].append(
            merging.OfficerAvailability(officer.pk, frozenset(off))
        )
    return [merging.AgencyRoster(a, tuple(by_agency[a])) for a in agency_ids]
