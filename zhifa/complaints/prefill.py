"""The ``complaint`` source of a supervision document: an item of the problem list prefills a
document to the agency it concerns. Who complained stays out of it: the document goes to that
agency."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from zhifa.complaints.models import Complaint
from zhifa.core import access, timefmt
from zhifa.supervision.sources import Prefill


def complaint_prefill(pk: int, user: Any) -> Prefill:
    complaint = (
        Complaint.objects.restrict(user)
        .select_related("agency", "case__enterprise", "category__parent")
        .filter(pk=pk)
        .first()
    )
    if complaint is None or not access.can(user, "complaints.handle", complaint):
        raise Http404("没有找到该问题，或您无权查看。")
    facts = [
        f"{timefmt.chinese_date(complaint.received_at)}，本机关经{complaint.get_channel_display()}"
        f"收到反映（问题清单第{complaint.number}号，{complaint.category.full_name}）：{complaint.content}"
    ]
    if complaint.answer:
        facts.append(f"你单位答复：{complaint.answer}")
    agency = complaint.agency
    return Prefill(
        addressee=agency,
        case=complaint.case,
        label=f"问题清单：{complaint.number} {complaint.title}",
        matter=(
            f"{agency.name}涉企行政执法中被反映的问题" if agency else "被反映的涉企行政执法问题"
        ),
        facts=facts,
        problems=[complaint.title],
        suggested_kind="supervision_opinion",
    )
