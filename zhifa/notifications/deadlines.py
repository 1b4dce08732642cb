"""Deadlines approaching and overdue: the sources, registered by the apps that own them.

This app sits below the apps whose deadlines it announces, so it imports none of them: each
registers a source at start-up (``register_source`` in its ``AppConfig.ready``). A source is a
function of the day returning ``Reminder``s; ``send_reminders`` (the daily ``zhifa
notify_deadlines``) turns each into one message per recipient, once per item, kind and day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from zhifa.notifications.models import Kind
from zhifa.notifications.services import notify


@dataclass(frozen=True)
class Reminder:
    # Names the item for the once-a-day rule, e.g. "publish:case:42"; never shown.
    key: str
    overdue: bool
    recipients: Sequence[Any]
    title: str
    body: str = ""
    url: str = ""


Source = Callable[[dt.date], Iterable[Reminder]]
_SOURCES: dict[str, Source] = {}


# Reminders start this many days before a deadline, and continue daily once it has passed.
REMIND_DAYS_BEFORE = 3


def reminder(
    key: str,
    due: dt.date,
    today: dt.date,
    recipients: Sequence[Any],
    what: str,
    *,
    name: str,
    about: str,
    url: str = "",
) -> Reminder | None:
    """The reminder of ``what`` due on ``due`` (None while it is not yet near): "期限将至" from
    ``REMIND_DAYS_BEFORE`` days before, "已逾期" after. The title names the item by ``name``
    (an enterprise), the body by ``about`` (which inspection, which letter)."""
    if due < today:
        late = (today - due).days
        body = f"{about}：{what}期限为 {due:%Y-%m-%d}，已逾期 {late} 天。"
        return Reminder(key, True, recipients, f"{what}已逾期：{name}", body, url)
    if (due - today).days <= REMIND_DAYS_BEFORE:
        left = "今天到期" if due == today else f"还有 {(due - today).days} 天"
        body = f"{about}：{what}期限为 {due:%Y-%m-%d}，{left}。"
        return Reminder(key, False, recipients, f"{what}期限将至：{name}", body, url)
    return None


def register_source(name: str, source: Source) -> None:
    """Add (or replace, on a second ``ready``) the source ``name``."""
    _SOURCES[name] = source


def sources() -> dict[str, Source]:
    return dict(_SOURCES)


def send_reminders(today: dt.date) -> int:
    """Every source's reminders for ``today``; returns the number of messages written. Running
    it again the same day writes nothing more."""
    written = 0
    for name, source in sorted(_SOURCES.items()):
        for reminder in source(today):
            kind = Kind.DEADLINE_OVERDUE if reminder.overdue else Kind.DEADLINE_APPROACHING
            written += len(
                notify(
                    reminder.recipients,
                    kind,
                    reminder.title,
                    reminder.body,
                    reminder.url,
                    dedup_key=f"{name}:{reminder.key}:{kind}:{today.isoformat()}"[:120],
                )
            )
    return written
