"""The messages an inspection sends (zhifa.notifications): who is told what, and where he acts.

Each service calls one function here inside its transaction, so a change that rolls back tells
no one. The deadlines of a case (latest notice date, written 补办, result publication) are a
reminder source registered at start-up (``InspectionsConfig.ready``), with the enterprise's 整改
deadline while it has not reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from zhifa.inspections.models import (
    CaseStatus,
    GuidanceBooking,
    InspectionCase,
    Objection,
    OralNotice,
    RectificationReport,
)
from zhifa.notifications import deadlines, recipients
from zhifa.notifications.deadlines import Reminder
from zhifa.notifications.models import Kind
from zhifa.notifications.services import notify
from zhifa.workdays.selectors import YearNotLoaded, latest_notice_date, notice_working_days

REMIND_DAYS_BEFORE = deadlines.REMIND_DAYS_BEFORE


def _case_url(case: InspectionCase) -> str:
    return reverse("inspections:case_detail", args=[case.pk])


def _about(case: InspectionCase) -> str:
    return f"{case.enterprise.name}（检查日期 {case.inspection_date:%Y-%m-%d}）"


def _case_officers(case: InspectionCase) -> list[Any]:
    """The people carrying the case: its requester and its officers with a login."""
    people = [case.requested_by] if case.requested_by_id else []
    people += [
        a.officer.user
        for a in case.assignments.select_related("officer__user")
        if a.officer.user is not None
    ]
    return recipients.who_may("case.edit", case, people)


def approval_requested(case: InspectionCase, *, actor: Any) -> None:
    notify(
        recipients.who_may("case.approve", case, recipients.at_organisation(case.organisation_id)),
        Kind.APPROVAL_REQUESTED,
        f"检查案件待审批：{case.enterprise.name}",
        f"{actor.person_name}提请审批对{_about(case)}的检查。",
        reverse("inspections:case_approve", args=[case.pk]),
        actor=actor,
    )


def _booking_people(booking: GuidanceBooking) -> list[Any]:
    case = booking.case
    officer_user = booking.slot.officer.user if booking.slot.officer_id else None
    people = [officer_user] if officer_user is not None else []
    return recipients.who_may("booking.record", booking, people) or _case_officers(case)


def booking_made(booking: GuidanceBooking, *, actor: Any) -> None:
    case = booking.case
    topic = f"希望指导的问题：{booking.topic}" if booking.topic else "未填写希望指导的问题。"
    notify(
        _booking_people(booking),
        Kind.BOOKING_MADE,
        f"{case.enterprise.name}预约了合规指导",
        f"时段：{booking.slot}。{topic}",
        _case_url(case),
        actor=actor,
    )


def booking_cancelled(booking: GuidanceBooking, *, actor: Any) -> None:
    case = booking.case
    notify(
        _booking_people(booking),
        Kind.BOOKING_CANCELLED,
        f"{case.enterprise.name}取消了合规指导预约",
        f"已取消的时段：{booking.slot}。",
        _case_url(case),
        actor=actor,
    )


def objection_filed(objection: Objection, *, actor: Any) -> None:
    case = objection.case
    notify(
        recipients.who_may("objection.answer", objection, recipients.supervisors()),
        Kind.OBJECTION_FILED,
        f"企业异议待答复：{case.enterprise.name}",
        f"{case.enterprise.name}对{case.organisation.name}的检查（检查日期 "
        f"{case.inspection_date:%Y-%m-%d}）提出异议：{objection.text[:200]}",
        reverse("inspections:objection_answer", args=[objection.pk]),
        actor=actor,
    )


def objection_answered(objection: Objection, *, actor: Any) -> None:
    case = objection.case
    notify(
        recipients.who_may(
            "case.view_as_enterprise", case, recipients.of_enterprise(case.enterprise_id)
        ),
        Kind.OBJECTION_ANSWERED,
        "您提出的异议已答复",
        f"对{case.organisation.name}的检查（检查日期 {case.inspection_date:%Y-%m-%d}）"
        f"的异议已答复：{objection.answer[:200]}",
        reverse("inspections:my_case", args=[case.pk]),
        actor=actor,
    )


def rectification_reported(report: RectificationReport, *, actor: Any) -> None:
    case = report.case
    late = "（逾期提交）" if report.is_late else ""
    notify(
        _case_officers(case),
        Kind.RECTIFICATION_REPORTED,
        f"{case.enterprise.name}报告了整改情况{late}",
        f"对{_about(case)}的整改报告：{report.text[:200]}",
        _case_url(case),
        actor=actor,
    )


# --- Deadlines -----------------------------------------------------------------------------------


def _reminder(
    key: str, due: dt.date, today: dt.date, people: list[Any], what: str, case: InspectionCase
) -> Reminder | None:
    return deadlines.reminder(
        key,
        due,
        today,
        people,
        what,
        name=case.enterprise.name,
        about=_about(case),
        url=_case_url(case),
    )


def deadline_reminders(today: dt.date) -> Iterator[Reminder]:
    """The reminder source of inspections: the latest lawful date of a notice not yet issued,
    the written 补办 of an emergency inspection, the publication of a decided result, and, to
    the enterprise, the 整改 deadline while it has not reported."""
    horizon = today + dt.timedelta(days=REMIND_DAYS_BEFORE)
    awaiting_notice = InspectionCase.objects.filter(
        status=CaseStatus.APPROVED, inspection_date__gte=today, is_emergency=False
    ).select_related("enterprise", "region")
    for case in awaiting_notice:
        if not case.needs_notice:
            continue
        try:
            due = latest_notice_date(case.inspection_date, notice_working_days(case.region))
        except YearNotLoaded:
            continue
        if due <= horizon:
            found = _reminder(
                f"notice:{case.pk}", due, today, _case_officers(case), "发出预告通知书", case
            )
            if found is not None:
                yield found
    makeups = OralNotice.objects.filter(
        makeup_done_at__isnull=True, makeup_due__lte=horizon
    ).select_related("case__enterprise")
    for oral in makeups:
        case = oral.case
        people = recipients.who_may(
            "case.makeup", case, recipients.at_organisation(case.organisation_id)
        ) + _case_officers(case)
        found = _reminder(f"makeup:{case.pk}", oral.makeup_due, today, people, "补办审批手续", case)
        if found is not None:
            yield found
    unpublished = InspectionCase.objects.filter(
        decided_at__isnull=False, published_at__isnull=True, publish_due__lte=horizon
    ).select_related("enterprise")
    for case in unpublished:
        if case.publish_due is None:
            continue
        found = _reminder(
            f"publish:{case.pk}",
            case.publish_due,
            today,
            _case_officers(case),
            "公示检查结果",
            case,
        )
        if found is not None:
            yield found
    unreported = (
        InspectionCase.objects.filter(
            status=CaseStatus.RECTIFYING,
            rectify_deadline__lte=horizon,
            rectification_reports__isnull=True,
        )
        .select_related("organisation")
        .distinct()
    )
    for case in unreported:
        if case.rectify_deadline is None:
            continue
        found = deadlines.reminder(
            f"rectify:{case.pk}",
            case.rectify_deadline,
            today,
            list(recipients.of_enterprise(case.enterprise_id)),
            "报告整改情况",
            name=case.organisation.name,
            about=f"{case.organisation.name}的检查（检查日期 {case.inspection_date:%Y-%m-%d}）",
            url=reverse("inspections:my_case", args=[case.pk]),
        )
        if found is not None:
            yield found
