"""Who may read the audit chain: its part of the capability table (zhifa.core.access).

Which records one sees is the restriction's answer (``AuditRecord.objects.restrict``: a
supervisor the records of his region subtree, an administrator all); this says who may open the
chain at all. The rule asks only what the user object offers, so ``audit`` needs nothing from
``org`` and sits below it.
"""

from __future__ import annotations

from typing import Any

from zhifa.core.access import capability

AUDIT_DENIED = "审计链仅限执法监督人员和系统管理员查看。"


@capability("audit.view", "查看和校验审计链（本辖区的记录）")
def _may_view(user: Any, obj: Any) -> str | None:
    return None if user.is_admin or user.is_supervisor else AUDIT_DENIED
