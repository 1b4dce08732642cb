"""What happened to a case that apps above this one may want to hear of (messages to the
enterprise, the officers, the supervisors).

Apps above this one register a listener at start-up (``listen``), the way they add case panels,
so this app imports none of them. The services call ``announce`` inside their transaction; each
listener runs only once that transaction has committed, so a refused or rolled-back step tells no
one. A listener that fails is logged and never undoes the step.

Events (name → the object passed):

- ``objection.filed`` → the ``Objection`` an enterprise filed;
- ``objection.answered`` → the ``Objection`` the supervising body answered;
- ``rectification.reported`` → the ``RectificationReport`` an enterprise sent.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger("zhifa.inspections.events")

OBJECTION_FILED = "objection.filed"
OBJECTION_ANSWERED = "objection.answered"
RECTIFICATION_REPORTED = "rectification.reported"
EVENTS = frozenset({OBJECTION_FILED, OBJECTION_ANSWERED, RECTIFICATION_REPORTED})

Listener = Callable[[str, Any], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Call ``listener(event, obj)`` after the commit of every step that announces an event."""
    if listener not in _listeners:
        _listeners.append(listener)


def forget(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def announce(event: str, obj: Any) -> None:
    if event not in EVENTS:
        raise ValueError(f"未知的案件事件：{event}")
    for listener in list(_listeners):
        transaction.on_commit(functools.partial(_call, listener, event, obj))


def _call(listener: Listener, event: str, obj: Any) -> None:
    try:
        listener(event, obj)
    except Exception:  # a message not sent must not undo what the enterprise did
        logger.exception("案件事件 %s 的接收方出错", event)
