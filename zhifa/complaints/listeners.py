"""Who hears of an item's changes: apps above ``complaints`` (the 12345 linkage reports status
back to the hotline) register a listener at start-up, so this app imports none of them.

A listener is called inside the transaction that changed the item, with the item and the event
just recorded; it may write its own rows (an outbox) and schedule work after commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[[Any, Any], None]
_listeners: list[Listener] = []


def register_listener(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def notify(complaint: Any, event: Any) -> None:
    for listener in list(_listeners):
        listener(complaint, event)
