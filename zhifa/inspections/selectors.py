"""Reading inspection cases: who sees which, what awaits whom, the timeline, what is overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zhifa.audit.display import actor_name
from zhifa.audit.models import AuditRecord
from zhifa.compliance.models import Answer, SelfCheck
from zhifa.compliance.selectors import Correction, self_corrections
from zhifa.documents.models import Delivery, DeliveryMethod, Document
from zhifa.inspections import rules
from zhifa.inspections.models import (
    CaseDocument,
    CaseFinding,
    CaseStatus,
    FindingEvidence,
    GuidanceSlot,
    InspectionCase,
    InspectionKind,
    Objection,
    ObjectionStatus,
    OralNotice,
    RectificationReport,
)
from zhifa.org.models import Role, User
from zhifa.org.scoping import visible_to

CASE_RELATED = ("organisation", "enterprise", "region", "requested_by", "approved_by")


def cases_for(user: Any) -> QuerySet[InspectionCase]:
    """The cases ``user`` may see (``InspectionCase.objects.restrict``): for an enterprise only
    those disclosed to it, for a social supervisor the cases he was assigned to accompany."""
    return InspectionCase.objects.select_related(*CASE_RELATED).restrict(user)  # type: ignore[return-value]


# Readers outside the agencies (``rules.is_external``) get their own cut of a case
# (``external_reason``, the API's external output, their own pages), never the agency's record.

# What an external reader is told of why a case was opened. The agency's own 检查事由 may name a
# complainant (a 举报 case), so it never leaves the agency and its supervising bureau.
EXTERNAL_REASONS = {
    InspectionKind.PLANNED: "按年度执法计划实施的双随机抽查",
    InspectionKind.SPECIAL: "按专项检查工作安排实施的检查",
    InspectionKind.JOINT: "多部门联合检查（综合查一次）",
    InspectionKind.COMPLAINT: "依举报投诉检查",
    InspectionKind.COVERT: "依法实施的暗访暗查",
    InspectionKind.UNANNOUNCED: "依法实施的“四不两直”检查",
    InspectionKind.SAFETY: "直接涉及人民群众生命财产安全的检查",
}


def external_reason(case: InspectionCase) -> str:
    return EXTERNAL_REASONS[InspectionKind(case.kind)]


def get_case_or_404(user: Any, pk: int) -> InspectionCase:
    try:
        return cases_for(user).get(pk=pk)
    except InspectionCase.DoesNotExist:
        raise Http404("没有找到该检查案件，或您无权查看。") from None


def evidence_for(user: Any, pk: int) -> FindingEvidence:
    """An evidence file of a case ``user`` may see, else 404 (never 403)."""
    # Evidence is the agency's file: its rows are the agency's and its supervisors' only, so the
    # enterprise's page and the external output list none.
    evidence = (
        FindingEvidence.objects.restrict(user)
        .select_related("finding")
        .filter(pk=pk, finding__case__in=cases_for(user))
        .first()
    )
    if evidence is None:
        raise Http404("没有找到该证据文件，或您无权查看。")
    return evidence


def evidence_filename(evidence: FindingEvidence) -> str:
    return str(evidence.file.name).rsplit("/", 1)[-1]


def search_cases(
    qs: QuerySet[InspectionCase],
    *,
    q: str = "",
    status: str = "",
    kind: str = "",
    year: int | None = None,
) -> QuerySet[InspectionCase]:
    if q:
        qs = qs.filter(
            Q(reference__icontains=q)
            | Q(enterprise__name__icontains=q)
            | Q(enterprise__uscc__iexact=q)
            | Q(title__icontains=q)
        )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(inspection_date__year=year)
    return qs


@dataclass(frozen=True)
class InboxSection:
    key: str
    title: str
    hint: str
    cases: list[InspectionCase]


def _section(key: str, title: str, hint: str, qs: QuerySet[InspectionCase]) -> InboxSection:
    return InboxSection(key, title, hint, list(qs.order_by("inspection_date", "pk")[:50]))


def inbox(user: Any, today: dt.date | None = None) -> list[InboxSection]:
    """What awaits ``user``, by role; empty sections are left out."""
    today = today or timezone.localdate()
    mine = cases_for(user)
    sections: list[InboxSection] = []
    # A user holding several roles gets the sections of each.
    if not (user is not None and user.is_authenticated):
        return []
    admin = bool(user.is_admin)
    if admin or user.has_role(Role.INSPECTOR, Role.APPROVER):
        if admin or user.has_role(Role.APPROVER):
            sections.append(
                _section(
                    "approve",
                    "待我审批",
                    "凡检查必审批：审批人不能是申请人，也不能是参加检查的执法人员。",
                    mine.filter(status=CaseStatus.SUBMITTED)
                    .exclude(requested_by=user)
                    .exclude(assignments__officer__user=user),
                )
            )
            sections.append(
                _section(
                    "makeup",
                    "紧急检查待补办手续",
                    "口头通知后须在期限内补办审批。",
                    mine.filter(
                        oral_notice__isnull=False, oral_notice__makeup_done_at__isnull=True
                    ),
                )
            )
        sections += [
            _section(
                "fix",
                "草稿与未获批准",
                "完善后提请审批。",
                mine.filter(status__in=(CaseStatus.DRAFT, CaseStatus.REJECTED)),
            ),
            _section(
                "notify",
                "已批准待预告",
                "凡检查必通知：须在检查日前规定工作日数发出预告通知书。",
                mine.filter(status=CaseStatus.APPROVED).exclude(
                    kind__in=InspectionKind.exempt_from_notice()
                ),
            ),
            _section(
                "visit",
                "今日及逾期待检查",
                "两名以上持有效执法证的执法人员扫码签到后开始现场检查。",
                mine.filter(
                    Q(status=CaseStatus.NOTIFIED)
                    | Q(status=CaseStatus.APPROVED, kind__in=InspectionKind.exempt_from_notice()),
                    inspection_date__lte=today,
                ),
            ),
            _section(
                "on_site",
                "现场检查中",
                "逐项记录检查情况后结束现场检查。",
                mine.filter(status=CaseStatus.ON_SITE),
            ),
            _section(
                "decide",
                "待作出处理决定",
                "发现问题的，依裁量清单提出处理意见。",
                mine.filter(status=CaseStatus.INSPECTED),
            ),
            _section(
                "recheck",
                "整改期满待复查",
                "整改期限已到，请复查。",
                mine.filter(status=CaseStatus.RECTIFYING, rectify_deadline__lte=today),
            ),
            _section(
                "publish",
                "待公示结果",
                "处理决定作出后20个工作日内公示。",
                mine.filter(decided_at__isnull=False, published_at__isnull=True),
            ),
        ]
    if not admin and user.has_role(Role.ENTERPRISE):
        unconfirmed = Delivery.objects.filter(
            document_id=OuterRef("notice_id"),
            method=DeliveryMethod.PORTAL,
            confirmed_at__isnull=True,
        )
        sections += [
            _section(
                "confirm",
                "待签收的预告通知书",
                "请签收并对照通知自查，可预约合规指导。",
                mine.filter(Exists(unconfirmed)),
            ),
            _section(
                "prepare",
                "即将到来的检查",
                "可预约指导时段、开展自查并报告自行整改情况。",
                mine.filter(status=CaseStatus.NOTIFIED, inspection_date__gte=today),
            ),
            _section(
                "rectify",
                "整改中",
                "请在整改期限内改正。",
                mine.filter(status=CaseStatus.RECTIFYING),
            ),
            _section(
                "rate",
                "待评价的检查",
                "检查结果已作出，欢迎评价或提出异议。",
                mine.filter(decided_at__isnull=False, rated_at__isnull=True),
            ),
        ]
    if not admin and user.has_role(Role.SUPERVISOR):
        sections += [
            _section(
                "makeup_overdue",
                "逾期未补办的紧急检查",
                "口头通知后未在期限内补办手续。",
                mine.filter(
                    oral_notice__makeup_done_at__isnull=True,
                    oral_notice__makeup_due__lt=today,
                ),
            ),
            _section(
                "publish_overdue",
                "逾期未公示的结果",
                "处理决定作出后20个工作日内未公示。",
                mine.filter(published_at__isnull=True, publish_due__lt=today),
            ),
            _section(
                "objections",
                "企业异议待答复",
                "企业对检查提出的异议由执法监督机关答复。",
                mine.filter(objections__status=ObjectionStatus.OPEN).distinct(),
            ),
            _section(
                "deviations",
                "未采纳裁量建议的决定",
                "执法人员作出与系统建议不同的决定，已写明理由。",
                mine.filter(findings__deviation_reason__gt="").distinct(),
            ),
        ]
    if not admin and user.has_role(Role.SOCIAL_SUPERVISOR):
        sections.append(
            _section(
                "accompany",
                "待伴随监督的检查",
                "按检查时间到场，检查结束后反馈意见。",
                mine.exclude(status__in=(CaseStatus.CLOSED, CaseStatus.CANCELLED)),
            )
        )
    return [s for s in sections if s.cases]


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    actor: str
    action: str
    summary: str
    document_id: int | None = None


# The steps that happen towards the enterprise. Those outside the agency (the enterprise, a
# social supervisor) see only these: drafting, approval, rejection reasons and the exemption
# from notice are the agency's internal record, and a covert inspection's must not leak.
OUTWARD_STEPS = frozenset(
    {
        "inspections.case.notify",
        "inspections.case.oral_notice",
        "inspections.case.check_in",
        "inspections.case.finding",
        "inspections.case.finish_site",
        "inspections.case.decide",
        "inspections.case.recheck",
        "inspections.case.publish",
        "inspections.case.cancel",
        "inspections.case.rate",
        "inspections.case.rectification_report",
        "inspections.objection.submit",
        "inspections.objection.answer",
    }
)
EXTERNAL_STEPS: dict[str, frozenset[str]] = {
    Role.ENTERPRISE: OUTWARD_STEPS,
    Role.SOCIAL_SUPERVISOR: OUTWARD_STEPS | {"inspections.case.social_supervisor"},
}


def timeline(case: InspectionCase, user: User | None = None) -> list[TimelineEntry]:
    """Every recorded step of the case, oldest first, with the 文书 it produced. Given the
    reader: one outside the agencies (``EXTERNAL_STEPS``) sees only the steps that concern him,
    and a step names its 文书 only to whom may open it."""
    records = (
        AuditRecord.objects.for_object(case)
        .select_related("actor__organisation", "actor__enterprise")
        .order_by("seq")
    )
    links = CaseDocument.objects.filter(case=case).select_related("document__number")
    if user is not None:
        steps: frozenset[str] | None = None
        if rules.is_external(user):
            steps = frozenset().union(
                *(EXTERNAL_STEPS[role] for role in user.roles if role in EXTERNAL_STEPS)
            )
        if steps is not None:
            records = records.filter(action__in=steps)
        links = links.filter(
            document__in=visible_to(user, Document.objects.filter(case_links__case=case))
        )
    documents = {link.document.number_text: link.document_id for link in links}
    entries = []
    for record in records:
        document_id = next(
            (pk for text, pk in documents.items() if text and text in record.summary), None
        )
        entries.append(
            TimelineEntry(record.at, actor_name(record), record.action, record.summary, document_id)
        )
    return entries


def overdue_makeups(qs: QuerySet[InspectionCase], today: dt.date) -> QuerySet[OralNotice]:
    return OralNotice.objects.filter(
        case__in=qs, makeup_done_at__isnull=True, makeup_due__lt=today
    ).select_related("case__enterprise", "case__organisation")


def overdue_publications(qs: QuerySet[InspectionCase], today: dt.date) -> QuerySet[InspectionCase]:
    return qs.filter(decided_at__isnull=False, published_at__isnull=True, publish_due__lt=today)


def published_results(*, q: str = "", year: int | None = None) -> QuerySet[InspectionCase]:
    """Results open to everyone (公示), newest first; ``under_objection`` is true for a result
    whose case has an objection not yet answered (the page says 有异议，正在处理)."""
    qs = (
        InspectionCase.objects.filter(published_at__isnull=False)
        .select_related("organisation", "enterprise")
        .annotate(
            under_objection=Exists(
                Objection.objects.filter(case=OuterRef("pk"), status=ObjectionStatus.OPEN)
            )
        )
    )
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(organisation__name__icontains=q))
    if year:
        qs = qs.filter(inspection_date__year=year)
    return qs.order_by("-published_at", "-pk")


def exemption_statistics(qs: QuerySet[InspectionCase], year: int) -> list[dict[str, Any]]:
    """Cases inspected without advance notice, by kind, for the statistics (免于预告情况)."""
    rows = (
        qs.filter(inspection_date__year=year, kind__in=InspectionKind.exempt_from_notice())
        .exclude(status=CaseStatus.CANCELLED)
        .values("kind")
        .annotate(count=Count("pk"))
        .order_by("kind")
    )
    return [{"kind": InspectionKind(r["kind"]).label, "count": r["count"]} for r in rows]


def open_slots(case: InspectionCase) -> QuerySet[GuidanceSlot]:
    """Guidance times the enterprise of ``case`` may still book before its inspection."""
    start_of_day = timezone.make_aware(dt.datetime.combine(case.inspection_date, dt.time.min))
    return (
        GuidanceSlot.objects.filter(
            organisation_id=case.organisation_id,
            is_withdrawn=False,
            starts_at__gt=timezone.now(),
            starts_at__lt=start_of_day,
        )
        .exclude(bookings__status__in=("booked", "done"))
        .select_related("officer")
    )


def open_objections(user: Any) -> QuerySet[Objection]:
    return visible_to(user, Objection.objects.filter(status=ObjectionStatus.OPEN)).select_related(
        "case__enterprise", "case__organisation"
    )


def findings_of(case: InspectionCase) -> QuerySet[CaseFinding]:
    return case.findings.select_related("item").prefetch_related("evidence")


def rectification_reports(case: InspectionCase) -> list[RectificationReport]:
    """The enterprise's 整改报告 of the case with their photos, oldest first."""
    return list(
        case.rectification_reports.select_related("submitted_by").prefetch_related("photos")
    )


@dataclass(frozen=True)
class CaseSelfCheck:
    """What the enterprise told of its own compliance before the visit: its self-checks made
    for this inspection (against its notice or its items) and the gaps it reported corrected."""

    checks: Sequence[SelfCheck]
    corrections: Sequence[Correction]

    def __bool__(self) -> bool:
        return bool(self.checks or self.corrections)


def case_self_check(case: InspectionCase) -> CaseSelfCheck:
    """The enterprise's self-checks for ``case`` made before the on-site check began, and the
    corrections it reported of the case's items before that day (those the decision counts as
    corrected before the inspection)."""
    codes = set(case.items.values_list("code", flat=True))
    visit = timezone.localdate(case.started_at) if case.started_at else None
    checks = (
        SelfCheck.objects.filter(enterprise_id=case.enterprise_id)
        .select_related("version")
        .annotate(
            total=Count("answers"),
            gaps=Count("answers", filter=Q(answers__answer=Answer.VIOLATES)),
            corrected=Count("answers", filter=Q(answers__corrected_on__isnull=False)),
        )
        .order_by("created_at", "pk")
    )
    if case.started_at is not None:
        checks = checks.filter(created_at__lt=case.started_at)
    mine = [
        c
        for c in checks
        if (case.notice_id is not None and c.notice_id == case.notice_id)
        or codes.intersection(c.inspection_item_codes or ())
    ]
    corrections = [
        c
        for c in self_corrections(case.enterprise, item_codes=codes)
        if visit is None or c.corrected_on < visit
    ]
    return CaseSelfCheck(checks=mine, corrections=corrections)
