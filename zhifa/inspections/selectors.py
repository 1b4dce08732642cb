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
    CaseOfficer,
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
from zhifa.inspections.services.cases import counted_cases, visits_counted
from zhifa.org.models import CertificateStatus, Officer, Role, User
from zhifa.org.scoping import visible_to
from zhifa.plans.models import InspectionItem
from zhifa.plans.selectors import effective_yearly_cap
from zhifa.registry.models import Enterprise
from zhifa.workdays.selectors import YearNotLoaded, latest_notice_date, notice_working_days

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


def enterprises_matching(user: Any, typed: str) -> QuerySet[Enterprise]:
    """The enterprises ``user`` may see whose name contains ``typed`` or whose 统一社会信用代码
    starts with it."""
    return (
        Enterprise.objects.restrict(user)
        .filter(Q(name__icontains=typed) | Q(uscc__istartswith=typed.upper()))
        .select_related("region")
        .order_by("name", "pk")
    )


def officer_standing(officer: Officer, day: dt.date) -> str:
    """Why ``officer`` may not inspect on ``day`` as a colleague may read it ("" when he may):
    the status alone, never the stated reason of a suspension, which stays on his record."""
    if officer.cert_status == CertificateStatus.SUSPENDED:
        return "暂停执法"
    if officer.cert_status == CertificateStatus.REVOKED:
        return "执法证已吊销"
    if day < officer.cert_valid_from:
        return "执法证尚未生效"
    if day > officer.cert_valid_until:
        return "执法证已过期"
    return ""


@dataclass(frozen=True)
class ApprovalFacts:
    """What an approver reads before approving: who inspects with which certificate, what is
    inspected on which legal basis, and how many inspections the enterprise has had this year."""

    officers: list[tuple[Officer, str]]
    items: list[InspectionItem]
    year: int
    counted: int
    cap: int
    counts_toward_cap: bool


def approval_facts(case: InspectionCase) -> ApprovalFacts:
    year = case.inspection_date.year
    return ApprovalFacts(
        officers=[
            (a.officer, officer_standing(a.officer, case.inspection_date))
            for a in case.assignments.select_related("officer").order_by("position")
        ],
        items=list(case.items.order_by("code")),
        year=year,
        # This case included, as the approval would make it.
        counted=visits_counted(counted_cases(case.enterprise, year)),
        cap=effective_yearly_cap(case.enterprise.region_id),
        counts_toward_cap=not case.is_exempt,
    )


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
    """One part of the 待办: its list and its count both come from ``cases`` (one query), so
    the number shown is never the length of a cut list."""

    key: str
    title: str
    hint: str
    cases: QuerySet[InspectionCase]
    # Counted in red: what falls due today or is overdue.
    urgent: bool = False

    @property
    def count(self) -> int:
        return self.cases.count()

    def first(self, n: int) -> list[InspectionCase]:
        return list(self.cases[:n])


def _section(
    key: str, title: str, hint: str, qs: QuerySet[InspectionCase], *, urgent: bool = False
) -> InboxSection:
    return InboxSection(key, title, hint, qs.order_by("inspection_date", "pk"), urgent)


def own_cases(qs: QuerySet[InspectionCase], user: Any) -> QuerySet[InspectionCase]:
    """The cases of ``qs`` that are ``user``'s own work: he asked for them or inspects in them."""
    assigned = CaseOfficer.objects.filter(officer__user=user).values("case_id")
    return qs.filter(Q(requested_by=user) | Q(pk__in=assigned))


ACTIVE_BEFORE_VISIT = (CaseStatus.APPROVED, CaseStatus.NOTIFIED, CaseStatus.ON_SITE)


def notice_due_on(qs: QuerySet[InspectionCase], day: dt.date) -> list[int]:
    """Ids of the approved cases in ``qs`` whose 预告通知书 must go out on ``day`` at the latest
    (the last lawful day, computed by the calendar case by case)."""
    due = []
    waiting = qs.filter(status=CaseStatus.APPROVED, is_emergency=False).exclude(
        kind__in=InspectionKind.exempt_from_notice()
    )
    for case in waiting.filter(inspection_date__gt=day).select_related("region"):
        try:
            latest = latest_notice_date(case.inspection_date, notice_working_days(case.region))
        except YearNotLoaded:
            continue
        if latest == day:
            due.append(case.pk)
    return due


def today_cases(qs: QuerySet[InspectionCase], today: dt.date) -> QuerySet[InspectionCase]:
    """Today's work in ``qs``: inspections planned for today and what falls due today (the last
    day for a notice, a 整改期限, a 补办 or a 公示)."""
    return qs.filter(
        Q(inspection_date=today, status__in=ACTIVE_BEFORE_VISIT)
        | Q(pk__in=notice_due_on(qs, today))
        | Q(status=CaseStatus.RECTIFYING, rectify_deadline=today)
        | Q(published_at__isnull=True, decided_at__isnull=False, publish_due=today)
        | Q(oral_notice__makeup_done_at__isnull=True, oral_notice__makeup_due=today)
    )


def inbox(user: Any, today: dt.date | None = None) -> list[InboxSection]:
    """What awaits ``user``, by role, today's work first; every section is listed, an empty one
    with its count of 0."""
    today = today or timezone.localdate()
    if not (user is not None and user.is_authenticated):
        return []
    visible = cases_for(user)
    admin = bool(user.is_admin)
    # An officer's work is his own cases; an administrator looks after the whole house.
    mine = visible if admin else own_cases(visible, user)
    sections: list[InboxSection] = []
    # A user holding several roles gets the sections of each.
    inspects = admin or user.has_role(Role.INSPECTOR)
    approves = admin or user.has_role(Role.APPROVER)
    if inspects or approves:
        today_qs = today_cases(mine, today) if inspects else InspectionCase.objects.none()
        if approves:
            # The head sees the emergency inspections whose 补办 falls due today.
            today_qs = today_qs | visible.filter(
                oral_notice__makeup_done_at__isnull=True, oral_notice__makeup_due=today
            )
        sections.append(
            _section(
                "today",
                "今日事项",
                "今天实施的检查，以及今天到期的预告、补办、整改和公示。",
                today_qs.distinct(),
                urgent=True,
            )
        )
    if approves:
        sections.append(
            _section(
                "approve",
                "待我审批",
                "凡检查必审批：审批人不能是申请人，也不能是参加检查的执法人员。",
                visible.filter(status=CaseStatus.SUBMITTED)
                .exclude(requested_by=user)
                .exclude(pk__in=CaseOfficer.objects.filter(officer__user=user).values("case_id")),
            )
        )
        sections.append(
            _section(
                "makeup",
                "紧急检查待补办手续",
                "口头通知后须在期限内补办审批。",
                visible.filter(oral_notice__isnull=False, oral_notice__makeup_done_at__isnull=True),
            )
        )
    if inspects:
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
                mine.filter(status=CaseStatus.APPROVED, is_emergency=False).exclude(
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
                "待复查",
                "企业已报告整改或整改期限已到，请复查。",
                mine.filter(status=CaseStatus.RECTIFYING)
                .filter(Q(rectify_deadline__lte=today) | Q(rectification_reports__isnull=False))
                .distinct(),
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
                "today",
                "今日事项",
                "今天实施的检查和今天到期的整改。",
                visible.filter(
                    Q(inspection_date=today, status__in=ACTIVE_BEFORE_VISIT)
                    | Q(status=CaseStatus.RECTIFYING, rectify_deadline=today)
                ),
                urgent=True,
            ),
            _section(
                "confirm",
                "待签收的预告通知书",
                "请签收并对照通知自查，可预约合规指导。",
                visible.filter(Exists(unconfirmed)),
            ),
            _section(
                "prepare",
                "即将到来的检查",
                "可预约指导时段、开展自查并报告自行整改情况。",
                visible.filter(status=CaseStatus.NOTIFIED, inspection_date__gte=today),
            ),
            _section(
                "rectify",
                "整改中",
                "请在整改期限内改正。",
                visible.filter(status=CaseStatus.RECTIFYING),
            ),
            _section(
                "rate",
                "待评价的检查",
                "检查结果已作出，欢迎评价或提出异议。",
                visible.filter(decided_at__isnull=False, rated_at__isnull=True),
            ),
        ]
    if not admin and user.has_role(Role.SUPERVISOR):
        sections += [
            _section(
                "makeup_overdue",
                "逾期未补办的紧急检查",
                "口头通知后未在期限内补办手续。",
                visible.filter(
                    oral_notice__makeup_done_at__isnull=True,
                    oral_notice__makeup_due__lt=today,
                ),
                urgent=True,
            ),
            _section(
                "publish_overdue",
                "逾期未公示的结果",
                "处理决定作出后20个工作日内未公示。",
                visible.filter(published_at__isnull=True, publish_due__lt=today),
                urgent=True,
            ),
            _section(
                "objections",
                "企业异议待答复",
                "企业对检查提出的异议由执法监督机关答复。",
                visible.filter(objections__status=ObjectionStatus.OPEN).distinct(),
            ),
            _section(
                "deviations",
                "未采纳裁量建议的决定",
                "执法人员作出与系统建议不同的决定，已写明理由。",
                visible.filter(findings__deviation_reason__gt="").distinct(),
            ),
        ]
    if not admin and user.has_role(Role.SOCIAL_SUPERVISOR):
        sections.append(
            _section(
                "accompany",
                "待伴随监督的检查",
                "按检查时间到场，检查结束后反馈意见。",
                visible.exclude(status__in=(CaseStatus.CLOSED, CaseStatus.CANCELLED)),
            )
        )
    return sections


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
