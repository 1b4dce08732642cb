"""The panel on the inspection case page: supervision decisions ordering its correction."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from zhifa.supervision.selectors import letters_on_case


def case_panel(user: Any, case: Any) -> str:
    letters = letters_on_case(user, case)
    if not letters:
        return ""
    return render_to_string("supervision/_case_panel.html", {"letters": letters, "user": user})
