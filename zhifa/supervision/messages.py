"""The reminders of supervision letters (zhifa.notifications): the addressed agency is told
daily, from a few days before, that a letter's written reply is due or overdue. A source
registered at start-up (``SupervisionConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from zhifa.notifications import deadlines, recipients
from zhifa.notifications.deadlines import Reminder
from zhifa.supervision.models import AWAITING_REPLY, SupervisionLetter


def deadline_reminders(today: dt.date) -> Iterator[Reminder]:
    horizon = today + dt.timedelta(days=deadlines.REMIND_DAYS_BEFORE)
    waiting = SupervisionLetter.objects.filter(
        status__in=AWAITING_REPLY,
        letter_type__needs_reply=True,
        reply_due__isnull=False,
        reply_due__lte=horizon,
    ).select_related("letter_type", "addressee", "document")
    for letter in waiting:
        if letter.reply_due is None:
            continue
        people = recipients.who_may(
            "supervision.answer", letter, recipients.at_organisation(letter.addressee_id)
        )
        found = deadlines.reminder(
            f"reply:{letter.pk}",
            letter.reply_due,
            today,
            people,
            "书面回复",
            name=letter.letter_type.name,
            about=letter.label,
            url=reverse("supervision:letter_detail", args=[letter.pk]),
        )
        if found is not None:
            yield found
