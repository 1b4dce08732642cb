"""Demo document: the 行政执法检查预告通知书 for the first enterprise of the demo draw, issued.

Built from the draw's own data (its task's items and their legal basis, the officers drawn, the
inspection dates), so the demo shows a notice that follows from a verifiable draw. Idempotent: a
second run finds the notice and does nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from zhifa.documents import services
from zhifa.documents.models import Document
from zhifa.draws.models import DrawResult, DrawResultStatus, DrawStatus

KIND = "inspection_preview_notice"


def _context(result: DrawResult) -> dict[str, Any]:
    draw = result.draw
    task = draw.task
    items = list(task.items.order_by("code"))
    officers = [
        a.officer for a in result.assignments.select_related("officer").order_by("position")
    ]
    start = draw.inspection_start
    when = f"{start.year}年{start.month}月{start.day}日上午9时" if start else "另行通知"
    contact = officers[0] if officers else None
    phone = draw.organisation.phone or "（见本机关门户网站）"
    return {
        "inspection_time": when,
        "items": [{"name": i.name, "basis": i.legal_basis} for i in items],
        "officers": [{"name": o.name, "cert_no": o.cert_no} for o in officers],
        "self_check": [q for i in items for q in i.checklist][:6]
        or ["对照检查事项逐项自查，发现问题先行整改并保留记录。"],
        "contact": f"联系人：{contact.name if contact else '执法人员'}，电话：{phone}。",
        "booking": "检查前如需合规指导，可在本通知送达之日起、检查日 3 个工作日前登录企业门户"
        "预约指导服务，本机关将安排人员上门或线上指导。",
    }


def load_demo_documents() -> dict[str, int]:
    """Issue the demo notice if it is missing; counts of what was created (and skipped)."""
    created = {"issued": 0, "skipped": 0}
    result = (
        DrawResult.objects.filter(
            draw__status=DrawStatus.DRAWN, status=DrawResultStatus.AWAITING_APPROVAL
        )
        .select_related("draw__organisation", "draw__task", "enterprise")
        .order_by("draw_id", "stratum_id", "sequence")
        .first()
    )
    if result is None:
        created["skipped"] = 1
        return created
    organisation = result.draw.organisation
    if Document.objects.filter(
        kind__code=KIND, organisation=organisation, recipient_enterprise=result.enterprise
    ).exists():
        return created
    author = result.draw.drawn_by
    try:
        draft = services.create_draft(
            kind=KIND,
            organisation=organisation,
            actor=author,
            recipient_enterprise=result.enterprise,
            context=_context(result),
        )
        services.issue_document(draft, actor=author)
    except ValidationError:
        created["skipped"] = 1
        return created
    created["issued"] = 1
    return created
