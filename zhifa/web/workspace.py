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

from zhifa.complaints import selectors as complaints
from zhifa.complaints.models import Complaint
from zhifa.core import timefmt
from zhifa.inspections import selectors as cases_selectors
from zhifa.inspections.models import (
    CaseFinding,
    CaseStatus,
    InspectionCase,
    Objection,
    ObjectionStatus,
)
from zhifa.inspections.services import late_notice
from zhifa.org.models import Organisation, Role
from zhifa.review.selectors import reviews_to_do
from zhifa.social.selectors import problems_count
from zhifa.supervision import selectors as letters
from zhifa.supervision.models import LetterStatus, SupervisionLetter
from zhifa.training.selectors import below_minimum

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


def _inbox_item(user: Any, case: InspectionCase, today: dt.date) -> WorkItem:
    late = late_notice(case, today)
    page = "inspections:case_detail"
    if user.is_enterprise_user:
        page = "inspections:my_case"
    elif not user.is_agency_user and user.has_role(Role.SOCIAL_SUPERVISOR):
        page = "inspections:accompany_case"
    detail = f"{timefmt.chinese_date(case.inspection_date)}，{case.get_status_display()}"
    # While a case is being corrected, its deadline is what both sides watch.
    deadline = case.rectify_deadline if case.status == CaseStatus.RECTIFYING else None
    if deadline is not None:
        detail += f"，整改期限 {timefmt.chinese_date(deadline)}"
        if deadline < today:
            detail += "（已过）"
    if late:
        detail += f"。预告已逾期：{late}"
    return WorkItem(
        # The enterprise knows itself: it reads which agency inspects it.
        case.organisation.name if user.is_enterprise_user else case.enterprise.name,
        detail,
        reverse(page, args=[case.pk]),
        bool(late) or (deadline is not None and deadline < today),
    )


def inbox_sections(user: Any, today: dt.date | None = None) -> list[WorkSection]:
    """The 待办 of the inspections (today first, then what awaits this user), each with the
    count of the same query that lists its first cases."""
    today = today or timezone.localdate()
    inbox = reverse("inspections:inbox")
    return [
        WorkSection(
            section.key,
            section.title,
            section.hint,
            section.count,
            f"{inbox}?section={section.key}",
            [_inbox_item(user, c, today) for c in section.first(SHOWN)],
            urgent=section.urgent,
        )
        for section in cases_selectors.inbox(user, today)
    ]


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


def _letter_item(letter: SupervisionLetter, today: dt.date) -> WorkItem:
    due = f"，回复期限 {letter.reply_due:%Y年%m月%d日}" if letter.reply_due else ""
    return WorkItem(
        letter.label,
        f"{letter.get_status_display()}{due}",
        reverse("supervision:letter_detail", args=[letter.pk]),
        letter.is_overdue(today),
    )


LETTER_HINTS = {
    "awaiting_review": "同机关另一名执法监督人员审核后，报负责人签发。",
    "awaiting_sign": "监督机关负责人签发后编文号，送达执法机关。",
    "awaiting_reply": "执法机关应在期限内书面报告整改（执行）情况。",
    "overdue": "逾期未回复的，依次制发提示函、督办函，必要时约谈。",
    "replies_to_verify": "核查整改（执行）情况报告及证据，办结或退回重报。",
    "review_requests": "执法机关申请复查的，在规定期限内作出复查决定。",
}


def letter_sections(user: Any, today: dt.date) -> list[WorkSection]:
    lists = letters.workspace_lists(user, today)
    return [
        WorkSection(
            key,
            label,
            LETTER_HINTS[key],
            lists[key].count(),
            reverse("supervision:workspace") + f"#{key}",
            [_letter_item(letter, today) for letter in lists[key][:SHOWN]],
            urgent=key == "overdue",
        )
        for key, label in letters.WORKSPACE_LABELS.items()
    ]


def _complaint_item(item: Complaint, detail: str, today: dt.date) -> WorkItem:
    return WorkItem(
        f"{item.number} {item.title}",
        detail,
        reverse("complaints:detail", args=[item.pk]),
        item.is_overdue(today),
    )


def _due_text(item: Complaint) -> str:
    agency = item.agency.name if item.agency else ""
    due = f"应于{timefmt.chinese_date(item.answer_due)}前答复" if item.answer_due else ""
    return "，".join(part for part in (agency, due) if part)


def complaint_sections(user: Any, today: dt.date) -> list[WorkSection]:
    """The problem list (issue 16): items to hand over, overdue answers, answers to verify."""
    waiting = complaints.waiting_assignment(user)
    late = complaints.overdue_unanswered(user, today)
    answered = complaints.waiting_verification(user)
    listing = reverse("complaints:list")
    return [
        WorkSection(
            "complaints_received",
            "待分办的投诉",
            "企业反映的问题，分办给承办的行政执法机关，或说明理由不予受理。",
            waiting.count(),
            f"{listing}?status=received",
            [
                _complaint_item(c, f"{c.get_channel_display()}，{c.category.top.name}", today)
                for c in waiting[:SHOWN]
            ],
        ),
        WorkSection(
            "complaints_overdue",
            "逾期未答复的投诉",
            "承办单位逾期未答复的，依次拟制提示函、督办函。",
            late.count(),
            f"{listing}?overdue=on",
            [_complaint_item(c, _due_text(c), today) for c in late[:SHOWN]],
            urgent=True,
        ),
        WorkSection(
            "complaints_answered",
            "待核实的投诉",
            "承办单位已答复，核实后请反映人评价；不符合要求的退回重办。",
            answered.count(),
            f"{listing}?status=answered",
            [
                _complaint_item(c, c.agency.name if c.agency else "", today)
                for c in answered[:SHOWN]
            ],
        ),
    ]


def _bureaus(user: Any) -> list[Organisation]:
    ids = user.organisations_as(*Role.supervising_roles())
    return list(Organisation.objects.filter(pk__in=ids).select_related("region").order_by("pk"))


def supervisor_sections(user: Any, today: dt.date | None = None) -> list[WorkSection]:
    today = today or timezone.localdate()
    sections = (
        letter_sections(user, today) + case_sections(user, today) + complaint_sections(user, today)
    )
    sections.append(
        WorkSection(
            "social_reports",
            "社会监督员反映的问题",
            "社会监督员伴随检查时反映的问题，核实后制发监督文书或说明无问题。",
            problems_count(user),
            reverse("social:problem_list"),
            urgent=True,
        )
    )
    sections.append(
        WorkSection(
            "reviews",
            "待评查的案卷",
            "抽取或选定的已办结案卷，逐项评分后完成评查。",
            reviews_to_do(user),
            reverse("review:review_list"),
        )
    )
    below = [row for bureau in _bureaus(user) for row in below_minimum(bureau, today.year)]
    sections.append(
        WorkSection(
            "training",
            f"{today.year}年培训学时未达标的执法人员",
            "低于本地区年度最低培训学时的执法人员。",
            len(below),
            reverse("training:below_minimum"),
        )
    )
    return sections


def agency_sections(user: Any, today: dt.date | None = None) -> list[WorkSection]:
    """What the supervising side asks of an agency: letters to sign for and answer, and its
    officers below the yearly training minimum."""
    today = today or timezone.localdate()
    inbox = letters.inbox_letters(user)
    waiting = inbox.filter(
        status__in=(LetterStatus.ISSUED, LetterStatus.RECEIVED, LetterStatus.RETURNED),
        letter_type__needs_reply=True,
    ).order_by("reply_due", "pk")
    overdue = waiting.filter(reply_due__lt=today)
    agencies = Organisation.objects.filter(pk__in=user.organisations_as(*Role.agency_roles()))
    below = [row for agency in agencies for row in below_minimum(agency, today.year)]
    to_answer = complaints.agency_inbox(user)
    return [
        WorkSection(
            "complaints_to_answer",
            "待办理的投诉",
            "执法监督机关转来的问题，在答复截止日期前提交办理结果和佐证材料。",
            to_answer.count(),
            reverse("complaints:inbox"),
            [_complaint_item(c, _due_text(c), today) for c in to_answer[:SHOWN]],
            urgent=complaints.overdue(to_answer, today).exists(),
        ),
        WorkSection(
            "letters_to_answer",
            "待办理的监督文书",
            "签收后在期限内书面报告整改（执行）情况，附证据材料。",
            waiting.count(),
            reverse("supervision:inbox"),
            [_letter_item(letter, today) for letter in waiting[:SHOWN]],
            urgent=overdue.exists(),
        ),
        WorkSection(
            "training_below",
            f"{today.year}年培训学时未达标的执法人员",
            "本机关低于年度最低培训学时的执法人员。",
            len(below),
            reverse("training:officer_hours"),
            [
                WorkItem(
                    row.officer.name,
                    f"已参训 {row.hours} 学时，尚差 {row.shortfall} 学时",
                    reverse("training:officer_record", args=[row.officer.pk]),
                )
                for row in below[:SHOWN]
            ],
        ),
    ]
