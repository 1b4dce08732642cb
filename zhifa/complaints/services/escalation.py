"""Overdue items become 提示函 and then 督办函 drafts for the bureau; dormant items are named."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.complaints.models import Complaint, EventKind, Status
from zhifa.complaints.services import _common
from zhifa.complaints.services.intake import deadline_rule_for
from zhifa.core import timefmt
from zhifa.org.models import User
from zhifa.org.roles import Role
from zhifa.supervision.models import SupervisionLetter
from zhifa.supervision.services import draft_letter, letter_type_for
from zhifa.workdays.selectors import YearNotLoaded, work_calendar

SOURCE = "complaint"
REMIND_KIND = "reminder_letter"
URGE_KIND = "urging_letter"
# An open item nobody has touched for this many days is flagged as dormant (沉睡) on the list.
DORMANT_DAYS = 14


def dormant(today: dt.date | None = None) -> Any:
    """Open items without any step for ``DORMANT_DAYS`` days."""
    today = today or timefmt.today()
    since = timezone.now() - dt.timedelta(days=DORMANT_DAYS) - (timefmt.today() - today)
    return Complaint.objects.filter(
        status__in=[Status.RECEIVED, Status.ASSIGNED, Status.ANSWERED, Status.VERIFIED],
        last_activity_at__lt=since,
    )


def _author(complaint: Complaint, actor: Any) -> Any:
    """Who the draft is made in the name of: the given supervisor, else the one who handed the
    item over, else an active supervisor of the handling bureau."""
    if actor is not None:
        return actor
    assigned = (
        complaint.events.filter(kind=EventKind.ASSIGNED, actor__isnull=False)
        .order_by("-at")
        .first()
    )
    if assigned is not None and assigned.actor.is_active:
        return assigned.actor
    for user in User.objects.filter(is_active=True).order_by("pk"):
        if complaint.bureau_id and user.acts_for(complaint.bureau_id, Role.SUPERVISOR):
            return user
    return None


def escalation_content(complaint: Complaint, step: str) -> dict[str, Any]:
    due = timefmt.chinese_date(complaint.answer_due) if complaint.answer_due else ""
    # 事由 is a noun phrase: the kinds print "本机关在对{事由}进行行政执法监督中…".
    matter = f"你单位办理问题清单第{complaint.number}号（{complaint.category.top.name}）的情况"
    facts = [
        f"本机关于{timefmt.chinese_date(complaint.assigned_at)}将第{complaint.number}号问题"
        f"（{complaint.title}）转你单位办理，要求于{due}前答复。"
        if complaint.assigned_at
        else f"第{complaint.number}号问题要求于{due}前答复。",
        "截至目前，本机关尚未收到你单位的办理答复。",
    ]
    if step == "urge":
        return {
            "matter": matter,
            "facts": [*facts, "本机关已发出提示函，你单位仍未答复。"],
            "requests_heading": "督办事项",
            "requests": [
                f"立即办理第{complaint.number}号问题。",
                "书面说明逾期未答复的原因，并在平台提交办理结果和佐证材料。",
            ],
        }
    return {
        "matter": matter,
        "facts": facts,
        "requests_heading": "提示事项",
        "requests": [f"请抓紧办理第{complaint.number}号问题，并在平台提交办理结果和佐证材料。"],
    }


def escalate_overdue(
    today: dt.date | None = None, actor: Any = None, *, problems: list[str] | None = None
) -> list[SupervisionLetter]:
    """For every item the agency has not answered by its deadline: a 提示函 draft once the
    remind period has passed, then a 督办函 once the urge period has passed — each once per item
    and step (running it again does nothing more)."""
    today = today or timefmt.today()
    calendar = work_calendar()
    made: list[SupervisionLetter] = []
    overdue = (
        Complaint.objects.filter(status=Status.ASSIGNED, answer_due__lt=today)
        .select_related("bureau__region", "agency__region", "region", "category", "case")
        .order_by("answer_due", "pk")
    )
    for complaint in overdue:
        try:
            late = calendar.working_days_between(complaint.answer_due, today)  # type: ignore[arg-type]
        except YearNotLoaded as error:
            if problems is not None:
                problems.append(f"问题 {complaint.number}：{error}")
            continue
        rule = deadline_rule_for(complaint.region, complaint.category)
        done = set(
            SupervisionLetter.objects.filter(
                source_code=SOURCE, source_pk=complaint.pk
            ).values_list("letter_type__kind__code", flat=True)
        )
        steps = []
        remind, urge = rule.remind_after_working_days, rule.urge_after_working_days
        if remind is not None and late >= remind and REMIND_KIND not in done:
            steps.append(("remind", REMIND_KIND))
        if (
            urge is not None
            and late >= urge
            and URGE_KIND not in done
            and (REMIND_KIND in done or steps)
        ):
            steps.append(("urge", URGE_KIND))
        for step, kind in steps:
            agency = complaint.agency
            if complaint.bureau is None or agency is None:
                continue
            letter_type = letter_type_for(complaint.bureau, kind)
            author = _author(complaint, actor)
            if letter_type is None or author is None:
                if problems is not None:
                    problems.append(
                        f"问题 {complaint.number}：{complaint.bureau.name}"
                        "没有可用的执法监督人员或文书种类。"
                    )
                continue
            try:
                with transaction.atomic():
                    current = _common.locked(complaint)
                    if SupervisionLetter.objects.filter(
                        source_code=SOURCE, source_pk=current.pk, letter_type__kind__code=kind
                    ).exists():
                        continue
                    letter = draft_letter(
                        actor=author,
                        letter_type=letter_type,
                        addressee=agency,
                        content=escalation_content(current, step),
                        case=current.case,
                        source_code=SOURCE,
                        source_pk=current.pk,
                        source_label=f"问题清单逾期未答复：{current.number}",
                        bureau=current.bureau,
                    )
                    _common.record_event(
                        current,
                        kind=EventKind.ESCALATED,
                        actor=author,
                        action="complaints.complaint.escalate",
                        summary=f"问题 {current.number} 逾期未答复，拟制{letter_type.name}",
                        text_=f"答复逾期 {late} 个工作日，拟制{letter_type.name}。",
                    )
                    made.append(letter)
            except (PermissionDenied, ValidationError) as error:
                if problems is not None:
                    problems.append(f"问题 {complaint.number}：{error}")
    return made
