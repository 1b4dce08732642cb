"""The messages the problem list sends (zhifa.notifications): the agency is told of an item handed
to it and reminded of its answer's deadline, the supervising body of its answer. Called inside
the service's transaction; the reminders are a source registered at start-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from zhifa.complaints.models import Complaint, Status
from zhifa.notifications import deadlines, recipients
from zhifa.notifications.deadlines import Reminder
from zhifa.notifications.models import Kind
from zhifa.notifications.services import notify


def complaint_assigned(complaint: Complaint, *, actor: Any) -> None:
    due = f"，请于 {complaint.answer_due:%Y-%m-%d} 前答复" if complaint.answer_due else ""
    notify(
        recipients.who_may(
            "complaints.answer", complaint, recipients.at_organisation(complaint.agency_id)
        ),
        Kind.COMPLAINT_ASSIGNED,
        f"分办问题待答复：{complaint.title}",
        f"执法监督机关将问题 {complaint.number} 分办给本机关{due}。",
        reverse("complaints:answer", args=[complaint.pk]),
        actor=actor,
    )


def complaint_answered(complaint: Complaint, *, actor: Any) -> None:
    agency = complaint.agency.name if complaint.agency else "被反映单位"
    notify(
        recipients.who_may("complaints.handle", complaint, recipients.supervisors()),
        Kind.COMPLAINT_ANSWERED,
        f"问题已答复：{complaint.title}",
        f"{agency}已答复问题 {complaint.number}，请核实。",
        reverse("complaints:detail", args=[complaint.pk]),
        actor=actor,
    )


def deadline_reminders(today: dt.date) -> Iterator[Reminder]:
    """The reminder source of the problem list: an item handed to an agency, due for its answer."""
    horizon = today + dt.timedelta(days=deadlines.REMIND_DAYS_BEFORE)
    waiting = Complaint.objects.filter(
        status=Status.ASSIGNED, answer_due__isnull=False, answer_due__lte=horizon
    ).select_related("agency")
    for complaint in waiting:
        if complaint.answer_due is None:
            continue
        people = recipients.who_may(
            "complaints.answer", complaint, recipients.at_organisation(complaint.agency_id)
        )
        found = deadlines.reminder(
            f"answer:{complaint.pk}",
            complaint.answer_due,
            today,
            people,
            "答复分办问题",
            name=complaint.title,
            about=f"问题 {complaint.number}（{complaint.title}）",
            url=reverse("complaints:answer", args=[complaint.pk]),
        )
        if found is not None:
            yield found
