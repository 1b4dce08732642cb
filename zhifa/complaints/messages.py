"""The messages the problem list sends (zhifa.notifications): the agency is told of an item handed
to it, the supervising body of its answer. Called inside the service's transaction."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhifa.complaints.models import Complaint
from zhifa.notifications import recipients
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
