"""State changes of complaints, each in a service that writes the audit record.

- ``intake``: an item from any channel (portal, anonymous, 联系点, 12345, Open311, an objection, a
  low rating, a social supervisor's report).
- ``handling``: 分办 → the agency's answer → 核实 → the complainant's 评价 → 销号 or 重新办理;
  不予受理; losses recovered.
- ``escalation``: overdue items become 提示函/督办函 drafts; dormant items are named.
"""

from __future__ import annotations

from zhifa.complaints.services.escalation import dormant, escalate_overdue
from zhifa.complaints.services.handling import (
    add_files,
    answer,
    assign,
    close_unanswered,
    decline,
    rate,
    record_loss,
    return_for_rework,
    verify,
)
from zhifa.complaints.services.intake import (
    categories_for,
    deadline_for,
    file_complaint,
    find_by_tracking_code,
)

__all__ = [
    "add_files",
    "answer",
    "assign",
    "categories_for",
    "close_unanswered",
    "deadline_for",
    "decline",
    "dormant",
    "escalate_overdue",
    "file_complaint",
    "find_by_tracking_code",
    "rate",
    "record_loss",
    "return_for_rework",
    "verify",
]
