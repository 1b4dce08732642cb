"""Panels other apps add to the case page (e.g. a supervision 决定书 ordering correction).

Apps above this one register a provider at start-up (``register_case_panel``), the way draws get
the case history, so this app imports none of them. A provider returns the panel's HTML for the
user and case ("" for nothing to show); it reads only what the user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CasePanel = Callable[[Any, Any], str]
_panels: list[CasePanel] = []


def register_case_panel(provider: CasePanel) -> None:
    if provider not in _panels:
        _panels.append(provider)


def case_panels(user: Any, case: Any) -> list[str]:
    return [html for provider in _panels if (html := provider(user, case))]
