"""The supervisor's workspace (执法监督工作台): what awaits a 司法局 or 司法所, each part with
its true count, shown as 0 when there is nothing, so that an empty part is seen to be empty
rather than missing.

Each part comes from the app that owns it; this module only gathers them (it sits at the top).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from zhifa.inspections.models import CaseFinding, InspectionCase, Objection, ObjectionStatus

SHOWN = 5


@dataclass(frozen=True)
class WorkItem:
    title: str
    detail: str
    url: str
    overdue: bool = False


@dataclass
class WorkSection:
    key: str
    title: str
    hint: str
    count: int
    url: str = ""
    items: list[WorkItem] = field(default_factory=list)
    # Counted in red: what is overdue is the first thing a supervisor must see.
    urgent: bool = False


def _case_item(case: InspectionCase, detail: str, *, overdue: bool = False) -> WorkItem:
    return WorkItem(
        f"{case.enterprise.name}（{case.organisation.name}）",
        detail,
        reverse("inspections:case_detail", args=[case.pk]),
        overdue,
    )


def _cases(qs: QuerySet[InspectionCase]) -> QuerySet[InspectionCase]:
    return qs.select_related("enterprise", "organisation").order_by("pk")


def case_sections(user: Any, today: dt.date) -> list[WorkSection]:
    """The parts that come from the inspections: objections, deviations from the discretion
    engine, overdue 补办 and 公示."""
    cases = InspectionCase.objects.restrict(user)
    sections = []

    objections = (
        Objection.objects.restrict(user)
        .filter(status=ObjectionStatus.OPEN)
        .select_related("case__enterprise", "case__organisation")
        .order_by("submitted_at", "pk")
    )
    sections.append(
        WorkSection(
            "objections",
            "企业异议待答复",
            "企业对检查提出的异议，由执法监督机关答复。",
            objections.count(),
            reverse("inspections:inbox") + "#objections",
            [
                WorkItem(
                    f"{o.case.enterprise.name}（{o.case.organisation.name}）",
                    o.text,
                    reverse("inspections:objection_answer", args=[o.pk]),
                )
                for o in objections[:SHOWN]
            ],
        )
    )

    deviations = (
        CaseFinding.objects.restrict(user)
        .filter(deviation_reason__gt="")
        .select_related("case__enterprise", "case__organisation")
        .order_by("-recorded_at", "-pk")
    )
    sections.append(
        WorkSection(
            "deviations",
            "未采纳裁量建议的决定",
            "执法人员作出与裁量清单建议不同的处理决定，须写明理由。",
            deviations.count(),
            reverse("inspections:inbox") + "#deviations",
            [
                WorkItem(
                    f"{f.case.enterprise.name}（{f.case.organisation.name}）",
                    f"建议“{f.get_proposed_display()}”，决定“{f.get_chosen_display()}”。"
                    f"理由：{f.deviation_reason}",
                    reverse("inspections:case_detail", args=[f.case_id]),
                )
                for f in deviations[:SHOWN]
            ],
        )
    )

    makeup = _cases(
        cases.filter(oral_notice__makeup_done_at__isnull=True, oral_notice__makeup_due__lt=today)
    )
    sections.append(
        WorkSection(
            "makeup_overdue",
            "逾期未补办的紧急检查",
            "口头通知后未在期限内补办审批手续。",
            makeup.count(),
            reverse("inspections:inbox") + "#makeup_overdue",
            [
                _case_item(c, f"应于 {c.oral_notice.makeup_due:%Y年%m月%d日} 前补办", overdue=True)
                for c in makeup.select_related("oral_notice")[:SHOWN]
            ],
            urgent=True,
        )
    )

    publish = _cases(cases.filter(published_at__isnull=True, publish_due__lt=today))
    sections.append(
        WorkSection(
            "publish_overdue",
            "逾期未公示的检查结果",
            "处理决定作出后20个工作日内应当公示。",
            publish.count(),
            reverse("inspections:inbox") + "#publish_overdue",
            [
                _case_item(c, f"应于 {c.publish_due:%Y年%m月%d日} 前公示", overdue=True)
                for c in publish[:SHOWN]
            ],
            urgent=True,
        )
    )
    return sections


def supervisor_sections(user: Any, today: dt.date | None = None) -> list[WorkSection]:
    today = today or timezone.localdate()
    return case_sections(user, today)
