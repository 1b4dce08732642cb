"""The panel on the inspection case page: supervision decisions ordering its correction, and for
a supervisor of the case's region the way to draft a supervision letter from the case."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from zhifa.core import access
from zhifa.inspections.models import OralNotice
from zhifa.supervision.selectors import letters_on_case


def case_panel(user: Any, case: Any) -> str:
    letters = letters_on_case(user, case)
    starts: list[tuple[str, str]] = []
    if access.can(user, "supervision.draft"):
        today = timezone.localdate()
        starts.append(("case", "就本案拟制监督文书"))
        notice = OralNotice.objects.filter(case=case).first()
        if notice is not None and notice.is_overdue(today):
            starts.append(("overdue_remedy", "逾期未补办手续：拟制提示函"))
        if case.published_at is None and case.publish_due and case.publish_due < today:
            starts.append(("overdue_publication", "逾期未公示：拟制提示函"))
    if not letters and not starts:
        return ""
    return render_to_string(
        "supervision/_case_panel.html", {"letters": letters, "starts": starts, "case": case}
    )
