"""State changes of inspection cases; each is atomic and ends by writing its audit record.

Input problems raise ``ValidationError`` in Chinese, keyed by field where there is one;
forbidden actions raise ``PermissionDenied``. A refused action changes nothing.

Documents are issued through ``zhifa.documents.services``, which numbers each one in its own
transaction and so refuses to run inside an outer one: a step that produces a 文书 first checks
everything, then issues the document, then records the step in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import record_change, snapshot
from zhifa.audit.sm3 import sm3_of_chunks
from zhifa.core import timefmt, uploads
from zhifa.discretion.conditions import Circumstance
from zhifa.discretion.conditions import HarmLevel as EngineHarm
from zhifa.discretion.engine import Evaluation, Outcome, PriorViolation, requires_reason
from zhifa.discretion.engine import Finding as EngineFinding
from zhifa.discretion.selectors import (
    ViolationChoice,
    evaluate_for,
    unknown_violation,
    violation_in_force,
)
from zhifa.documents import services as documents
from zhifa.documents.models import Document, DocumentBatch
from zhifa.documents.sms import get_sms_backend
from zhifa.draws.models import DrawResult, DrawResultStatus, DrawStatus, DrawTask, OfficerConflict
from zhifa.inspections import merging, paperwork
from zhifa.inspections.models import (
    TRANSITIONS,
    ApprovalBatch,
    BookingStatus,
    CaseDocument,
    CaseFinding,
    CaseOfficer,
    CaseOutcome,
    CaseStatus,
    FindingEvidence,
    FindingResult,
    GuidanceBooking,
    GuidanceSlot,
    HarmLevel,
    InspectionCase,
    InspectionKind,
    JointVisit,
    Objection,
    ObjectionStatus,
    OralNotice,
    PenaltyChoice,
    Recheck,
)
from zhifa.org.models import Officer, Organisation, Role
from zhifa.org.scoping import visible_to
from zhifa.org.selectors import eligible_on_q
from zhifa.plans import rules
from zhifa.plans.models import InspectionItem, PlanTask
from zhifa.plans.selectors import effective_yearly_cap
from zhifa.registry.models import Enterprise
from zhifa.workdays.selectors import (
    YearNotLoaded,
    add_workdays,
    latest_notice_date,
    notice_working_days,
    work_calendar,
)

logger = logging.getLogger(__name__)

MIN_OFFICERS = 2
PUBLISH_WITHIN_WORKING_DAYS = 20
WRITE_DENIED = "检查案件只能由执法机关的执法人员或执法机关负责人办理。"
APPROVE_DENIED = "检查只能由执法机关负责人审批。"
OTHER_ORG = "该检查案件属于其他机关，您只能办理本机关的案件。"


# --- Permissions and state --------------------------------------------------------------------


def _require_writer(actor: Any, organisation_id: int) -> None:
    if not rules.can_write(actor):
        raise PermissionDenied(WRITE_DENIED)
    if not rules.owns(actor, organisation_id):
        raise PermissionDenied(OTHER_ORG)


def _require_approver(actor: Any, organisation_id: int) -> None:
    if not rules.can_approve(actor):
        raise PermissionDenied(APPROVE_DENIED)
    if not rules.owns(actor, organisation_id):
        raise PermissionDenied(OTHER_ORG)


def _require_enterprise_user(actor: Any, case: InspectionCase) -> None:
    if not (
        actor is not None
        and actor.is_authenticated
        and actor.role == Role.ENTERPRISE
        and actor.enterprise_id == case.enterprise_id
    ):
        raise PermissionDenied("只有被检查企业的用户可以办理此事项。")


def _sources_of(target: str) -> str:
    return "、".join(
        f"“{CaseStatus(s).label}”" for s, targets in TRANSITIONS.items() if target in targets
    )


def _transition(case: InspectionCase, target: str, *, doing: str) -> None:
    if not case.can_become(target):
        raise ValidationError(
            f"案件 {case.reference} 当前状态为“{CaseStatus(case.status).label}”，不能{doing}"
            f"（只有状态为{_sources_of(target)}的案件可以{doing}）。"
        )
    case.status = target


def _locked(case: InspectionCase) -> InspectionCase:
    return InspectionCase.objects.select_for_update().get(pk=case.pk)


def _refresh(stale: InspectionCase, current: InspectionCase) -> None:
    for model_field in current._meta.concrete_fields:
        setattr(stale, model_field.attname, getattr(current, model_field.attname))


@dataclass
class _Step:
    case: InspectionCase
    before: dict[str, Any]
    summary: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@contextmanager
def _step(case: InspectionCase, *, actor: Any, action: str) -> Iterator[_Step]:
    """One audited change of a case: the body changes ``step.case`` (locked) and sets
    ``step.summary``; the case is saved and the audit record written last, in one transaction,
    and the caller's instance is refreshed. An exception in the body changes nothing."""
    with transaction.atomic():
        current = _locked(case)
        step = _Step(current, case_snapshot(current))
        yield step
        current.save()
        record_change(
            actor=actor,
            action=action,
            obj=current,
            before=step.before,
            after={**case_snapshot(current), **step.extra},
            summary=step.summary,
        )
    _refresh(case, current)


def _text(value: Any, *, label: str, required: bool = False, limit: int = 2000) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({label: [f"请填写{label}。"]})
    if len(text) > limit:
        raise ValidationError({label: [f"{label}不能超过 {limit} 个字符（现为 {len(text)} 个）。"]})
    return text


def _today() -> dt.date:
    return timefmt.today()


def _name(user: Any) -> str:
    # Summaries and 文书 are read by people: the name, never the login name.
    return str(user.person_name)


# --- Checks shared by creation, change and check-in -------------------------------------------


def officer_problems(
    officers: Sequence[Officer],
    *,
    enterprise: Enterprise,
    organisation: Organisation,
    on: dt.date,
    whole_team: bool = True,
) -> list[str]:
    """Why these officers may not inspect ``enterprise`` on ``on``; empty when they may.
    ``whole_team=False`` checks officers one by one (a check-in), without the two-officer rule."""
    problems: list[str] = []
    if whole_team and len(officers) < MIN_OFFICERS:
        problems.append(
            f"执法人员不得少于{MIN_OFFICERS}人（《中华人民共和国行政处罚法》第四十二条），"
            f"现为{len(officers)}人，请补充。"
        )
    ids = [o.pk for o in officers]
    valid = set(Officer.objects.filter(eligible_on_q(on), pk__in=ids).values_list("pk", flat=True))
    conflicted = set(
        OfficerConflict.objects.filter(
            officer_id__in=ids, enterprise=enterprise, is_active=True
        ).values_list("officer_id", flat=True)
    )
    for officer in officers:
        if officer.pk not in valid:
            problems.append(
                f"{officer.name}（执法证 {officer.cert_no}）在{paperwork.chinese_date(on)}"
                f"没有有效的执法证（有效期至 {officer.cert_valid_until}，状态“"
                f"{officer.get_cert_status_display()}”），不能参加检查。"
            )
        if officer.pk in conflicted:
            problems.append(f"{officer.name} 已登记与{enterprise.name}存在利害关系，应当回避。")
        if officer.organisation_id != organisation.pk:
            problems.append(f"{officer.name} 不是{organisation.name}的执法人员。")
    return problems


def counted_cases(
    enterprise: Enterprise, year: int, *, exclude: int | None = None
) -> QuerySet[InspectionCase]:
    """Inspections of the enterprise in ``year`` that count against the cap across agencies:
    not cancelled or rejected, and not of a kind exempt from advance notice."""
    qs = (
        InspectionCase.objects.filter(enterprise=enterprise, inspection_date__year=year)
        .exclude(status__in=(CaseStatus.CANCELLED, CaseStatus.REJECTED))
        .exclude(kind__in=InspectionKind.exempt_from_notice())
    )
    return qs.exclude(pk=exclude) if exclude is not None else qs


def visits_counted(cases: QuerySet[InspectionCase]) -> int:
    """Visits, not cases: the cases of one joint visit (综合查一次) are one inspection of the
    enterprise, which is the point of merging them."""
    alone = cases.filter(joint_visit__isnull=True).count()
    joint = cases.exclude(joint_visit=None).values("joint_visit").distinct().count()
    return alone + joint


def _check_cap(enterprise: Enterprise, kind: str, day: dt.date, exclude: int | None = None) -> None:
    if kind in InspectionKind.exempt_from_notice():
        return
    cap = effective_yearly_cap(enterprise.region_id)
    count = visits_counted(counted_cases(enterprise, day.year, exclude=exclude))
    if count >= cap:
        raise ValidationError(
            {
                "enterprise": [
                    f"{enterprise.name}在{day.year}年已安排涉企行政检查{count}次，"
                    f"达到各部门合计每年{cap}次的上限，不能再安排{InspectionKind(kind).label}；"
                    "可并入已有检查（综合查一次），或确属举报投诉、涉及生命财产安全等情形的，"
                    "按相应检查类型办理并写明理由。"
                ]
            }
        )


def _clean_items(
    organisation: Organisation, items: Iterable[InspectionItem]
) -> list[InspectionItem]:
    cleaned = list(dict.fromkeys(items))
    if not cleaned:
        raise ValidationError({"items": ["请至少选择一项检查事项。"]})
    for item in cleaned:
        if item.organisation_id != organisation.pk or not item.is_active:
            raise ValidationError(
                {"items": [f"检查事项“{item.name}”不是{organisation.name}的有效检查事项。"]}
            )
    return cleaned


def _clean_exemption(kind: str, reason: str) -> str:
    if kind not in InspectionKind.values:
        raise ValidationError({"kind": [f"检查类型“{kind}”不正确，请从列表中选择。"]})
    reason = _text(reason, label="免于预告理由")
    if kind in InspectionKind.exempt_from_notice() and not reason:
        raise ValidationError(
            {
                "exemption_reason": [
                    f"{InspectionKind(kind).label}可以不提前预告，但必须写明免于预告的理由，"
                    "经执法机关负责人批准。"
                ]
            }
        )
    if kind not in InspectionKind.exempt_from_notice():
        reason = ""
    return reason


def approved_content(case: InspectionCase) -> dict[str, Any]:
    return {
        "enterprise": case.enterprise_id,
        "items": sorted(case.items.values_list("pk", flat=True)),
        "officers": list(
            case.assignments.order_by("position").values_list("officer_id", flat=True)
        ),
        "inspection_date": case.inspection_date.isoformat(),
        "inspection_time": case.inspection_time.isoformat(timespec="minutes"),
    }


def _set_officers(case: InspectionCase, officers: Sequence[Officer]) -> None:
    case.assignments.all().delete()
    CaseOfficer.objects.bulk_create(
        [CaseOfficer(case=case, officer=o, position=n) for n, o in enumerate(officers, start=1)]
    )


def case_snapshot(case: InspectionCase) -> dict[str, Any]:
    data = snapshot(case)
    data["items"] = sorted(case.items.values_list("code", flat=True))
    data["officers"] = list(
        case.assignments.order_by("position").values_list("officer__cert_no", flat=True)
    )
    return data


# --- Creation, change, approval ---------------------------------------------------------------


def create_case(
    *,
    organisation: Organisation,
    enterprise: Enterprise,
    kind: str,
    items: Iterable[InspectionItem],
    officers: Sequence[Officer],
    inspection_date: dt.date,
    actor: Any,
    title: str = "",
    reason: str = "",
    inspection_time: dt.time | None = None,
    exemption_reason: str = "",
    is_emergency: bool = False,
    draw_result: DrawResult | None = None,
    plan_task: PlanTask | None = None,
) -> InspectionCase:
    """A draft case; it needs an approval (or, in an emergency, an oral notice) to proceed."""
    _require_writer(actor, organisation.pk)
    exemption_reason = _clean_exemption(kind, exemption_reason)
    item_list = _clean_items(organisation, items)
    officer_list = list(dict.fromkeys(officers))
    problems = officer_problems(
        officer_list, enterprise=enterprise, organisation=organisation, on=inspection_date
    )
    if problems:
        raise ValidationError({"officers": problems})
    title = (
        _text(title, label="检查名称", limit=200)
        or f"{InspectionKind(kind).label}：{enterprise.name}"
    )
    reason = _text(reason, label="检查事由")
    if draw_result is not None and draw_result.status != DrawResultStatus.AWAITING_APPROVAL:
        raise ValidationError({"draw_result": ["该抽取结果已转为检查案件或不可用。"]})
    if draw_result is not None and draw_result.enterprise_id != enterprise.pk:
        raise ValidationError({"draw_result": ["抽取结果中的企业与检查对象不一致。"]})
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).exists()
        _check_cap(enterprise, kind, inspection_date)
        code = documents.new_verification_code()
        case = InspectionCase.objects.create(
            reference=code,
            verify_code=code,
            checkin_code=_new_checkin_code(),
            organisation=organisation,
            region_id=enterprise.region_id,
            enterprise=enterprise,
            kind=kind,
            title=title,
            reason=reason,
            inspection_date=inspection_date,
            inspection_time=inspection_time or dt.time(9, 0),
            exemption_reason=exemption_reason,
            is_emergency=is_emergency,
            draw_result=draw_result,
            plan_task=plan_task or (draw_result.draw.task if draw_result else None),
            requested_by=actor,
        )
        case.reference = f"JC{inspection_date.year}{case.pk:07d}"
        case.save(update_fields=["reference"])
        case.items.set(item_list)
        _set_officers(case, officer_list)
        if draw_result is not None:
            DrawResult.objects.filter(pk=draw_result.pk).update(status=DrawResultStatus.CONVERTED)
        record_change(
            actor=actor,
            action="inspections.case.create",
            obj=case,
            after=case_snapshot(case),
            summary=f"新建检查案件 {case.reference}（{InspectionKind(kind).label}），"
            f"检查对象 {enterprise.name}，检查日期 {inspection_date}",
        )
    return case


def update_case(
    case: InspectionCase,
    *,
    actor: Any,
    items: Iterable[InspectionItem] | None = None,
    officers: Sequence[Officer] | None = None,
    inspection_date: dt.date | None = None,
    inspection_time: dt.time | None = None,
    title: str | None = None,
    reason: str | None = None,
) -> InspectionCase:
    """Change a case before it is inspected. An approved case whose items, officers or date
    change goes back for approval, and a notice already issued for the old content is void."""
    _require_writer(actor, case.organisation_id)
    editable = (CaseStatus.DRAFT, CaseStatus.REJECTED, CaseStatus.APPROVED, CaseStatus.NOTIFIED)
    if case.status not in editable:
        raise ValidationError(
            f"案件 {case.reference} 当前状态为“{case.get_status_display()}”，不能再修改检查内容。"
        )
    new_items = _clean_items(case.organisation, items) if items is not None else None
    new_officers = list(dict.fromkeys(officers)) if officers is not None else None
    day = inspection_date or case.inspection_date
    check_officers = (
        new_officers
        if new_officers is not None
        else [a.officer for a in case.assignments.select_related("officer")]
    )
    problems = officer_problems(
        check_officers, enterprise=case.enterprise, organisation=case.organisation, on=day
    )
    if problems:
        raise ValidationError({"officers": problems})
    with transaction.atomic():
        current = _locked(case)
        before = case_snapshot(current)
        if current.status not in editable:
            raise ValidationError(f"案件 {current.reference} 的状态已变化，请刷新后再试。")
        if inspection_date is not None and inspection_date.year != current.inspection_date.year:
            _check_cap(current.enterprise, current.kind, inspection_date, exclude=current.pk)
        if new_items is not None:
            current.items.set(new_items)
        if new_officers is not None:
            _set_officers(current, new_officers)
        current.inspection_date = day
        if inspection_time is not None:
            current.inspection_time = inspection_time
        if title is not None:
            current.title = _text(title, label="检查名称", required=True, limit=200)
        if reason is not None:
            current.reason = _text(reason, label="检查事由")
        changed_approved = (
            current.status in (CaseStatus.APPROVED, CaseStatus.NOTIFIED)
            and approved_content(current) != current.approved_snapshot
        )
        summary = f"修改检查案件 {current.reference}"
        if changed_approved:
            current.status = CaseStatus.SUBMITTED
            current.submitted_at = timezone.now()
            current.approved_by = None
            current.approved_at = None
            current.approval_batch = None
            current.notice = None
            current.notified_at = None
            summary += "：已批准的检查对象、事项、人员或时间发生变化，退回重新审批"
            if before["notice"] is not None:
                summary += "；重新批准后发出的预告通知书将更正并作废原通知书"
        current.save()
        after = case_snapshot(current)
        if before == after:
            raise ValidationError("未作任何修改，无需保存。")
        record_change(
            actor=actor,
            action="inspections.case.update",
            obj=current,
            before=before,
            after=after,
            summary=summary,
        )
    _refresh(case, current)
    return case


def submit_case(case: InspectionCase, *, actor: Any) -> InspectionCase:
    _require_writer(actor, case.organisation_id)
    with _step(case, actor=actor, action="inspections.case.submit") as step:
        current = step.case
        _transition(current, CaseStatus.SUBMITTED, doing="提请审批")
        current.submitted_at = timezone.now()
        step.summary = f"检查案件 {current.reference} 提请审批"
    return case


def revise_case(case: InspectionCase, *, actor: Any) -> InspectionCase:
    """A case not approved goes back to draft so that the requester can amend it."""
    _require_writer(actor, case.organisation_id)
    with _step(case, actor=actor, action="inspections.case.revise") as step:
        current = step.case
        _transition(current, CaseStatus.DRAFT, doing="退回修改")
        step.summary = f"检查案件 {current.reference} 退回草稿修改"
    return case


# Steps that write what an approval approves (the enterprise, items, officers, date, reasons).
CONTENT_ACTIONS = (
    "inspections.case.create",
    "inspections.case.update",
    "inspections.case.submit",
    "inspections.case.join",
)
APPROVAL_ACTIONS = ("inspections.case.approve", "inspections.case.makeup")
ANOTHER_APPROVER = "请由本机关另一名执法机关负责人审批。"


def approval_refusal(case: InspectionCase, actor: Any) -> str | None:
    """Why ``actor``, an approver of the case's agency, may still not approve it, or None.

    Separation of duties: no one approves an inspection he takes part in (one of its officers),
    nor content he wrote himself — he requested the case, or since its last approval he changed
    its content or submitted it."""
    if case.requested_by_id == actor.pk:
        return f"案件 {case.reference} 由您提请，申请人不能审批自己提请的检查，{ANOTHER_APPROVER}"
    mine = case.assignments.filter(officer__user_id=actor.pk).select_related("officer").first()
    if mine is not None:
        return (
            f"您（{mine.officer.name}，执法证 {mine.officer.cert_no}）是案件 {case.reference} 的"
            f"执法人员，参加检查的人员不能审批本次检查，{ANOTHER_APPROVER}"
        )
    records = AuditRecord.objects.for_object(case)
    approved_at = (
        records.filter(action__in=APPROVAL_ACTIONS)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    edits = records.filter(actor_id=actor.pk, action__in=CONTENT_ACTIONS)
    if approved_at is not None:
        edits = edits.filter(seq__gt=approved_at)
    edit = edits.order_by("-seq").first()
    if edit is not None:
        doing = "提请审批" if edit.action == "inspections.case.submit" else "修改了检查内容"
        return (
            f"案件 {case.reference} 由您{doing}，修改或提请检查内容的人不能审批该检查，"
            f"{ANOTHER_APPROVER}"
        )
    return None


def _approve_one(
    current: InspectionCase, *, actor: Any, opinion: str, batch: ApprovalBatch | None
) -> None:
    refusal = approval_refusal(current, actor)
    if refusal is not None:
        raise PermissionDenied(refusal)
    _transition(current, CaseStatus.APPROVED, doing="审批")
    problems = officer_problems(
        [a.officer for a in current.assignments.select_related("officer")],
        enterprise=current.enterprise,
        organisation=current.organisation,
        on=current.inspection_date,
    )
    if problems:
        raise ValidationError({"officers": [f"案件 {current.reference}：{p}" for p in problems]})
    current.approved_by = actor
    current.approved_at = timezone.now()
    current.approval_opinion = opinion
    current.approval_batch = batch
    current.approved_snapshot = approved_content(current)
    current.save()


def approve_case(case: InspectionCase, *, actor: Any, opinion: str = "") -> InspectionCase:
    """凡检查必审批: one matter, one approval. For a kind exempt from notice the approval also
    approves the recorded exemption reason."""
    _require_approver(actor, case.organisation_id)
    opinion = _text(opinion, label="审批意见", limit=500) or "同意。"
    with _step(case, actor=actor, action="inspections.case.approve") as step:
        current = step.case
        _approve_one(current, actor=actor, opinion=opinion, batch=None)
        step.summary = f"批准检查案件 {current.reference}：{opinion}"
        if current.is_exempt:
            step.summary += f"；同意免于预告（{current.exemption_reason}）"
    return case


def reject_case(case: InspectionCase, *, actor: Any, reason: str) -> InspectionCase:
    _require_approver(actor, case.organisation_id)
    reason = _text(reason, label="不予批准的理由", required=True, limit=500)
    with _step(case, actor=actor, action="inspections.case.reject") as step:
        current = step.case
        _transition(current, CaseStatus.REJECTED, doing="不予批准")
        current.approval_opinion = reason
        step.summary = f"不予批准检查案件 {current.reference}：{reason}"
    return case


def approve_batch(
    cases: Sequence[InspectionCase], *, actor: Any, title: str, opinion: str = ""
) -> ApprovalBatch:
    """批量审批 of many high-frequency cases in one decision, all or none; the 批量审批清单 is
    issued after the decision and attached to the batch."""
    if not cases:
        raise ValidationError({"cases": ["请至少选择一件待审批的案件。"]})
    organisation_ids = {c.organisation_id for c in cases}
    if len(organisation_ids) != 1:
        raise ValidationError({"cases": ["批量审批只能包含本机关的案件。"]})
    organisation = cases[0].organisation
    _require_approver(actor, organisation.pk)
    title = _text(title, label="批次名称", required=True, limit=200)
    opinion = _text(opinion, label="审批意见", limit=500) or "同意批量实施。"
    with transaction.atomic():
        batch = ApprovalBatch.objects.create(
            organisation=organisation, title=title, approved_by=actor, opinion=opinion
        )
        approved: list[InspectionCase] = []
        for case in sorted(cases, key=lambda c: c.pk):
            current = _locked(case)
            before = case_snapshot(current)
            _approve_one(current, actor=actor, opinion=opinion, batch=batch)
            record_change(
                actor=actor,
                action="inspections.case.approve",
                obj=current,
                before=before,
                after=case_snapshot(current),
                summary=f"批量审批“{title}”批准检查案件 {current.reference}",
            )
            approved.append(current)
        record_change(
            actor=actor,
            action="inspections.batch.approve",
            obj=batch,
            after={**snapshot(batch), "cases": [c.reference for c in approved]},
            summary=f"批量审批“{title}”，共 {len(approved)} 件",
        )
    for case in cases:
        case.refresh_from_db()
    document = documents.create_draft(
        kind="batch_approval_list",
        organisation=organisation,
        actor=actor,
        recipient_organisation=organisation,
        title=f"批量审批清单（{title}）",
        context=paperwork.batch_list(approved, opinion=opinion, approver_name=_name(actor)),
    )
    documents.issue_document(document, actor=actor)
    with transaction.atomic():
        ApprovalBatch.objects.filter(pk=batch.pk).update(list_document=document)
        for case in approved:
            CaseDocument.objects.create(case=case, document=document, step="approval")
        batch.list_document = document
        record_change(
            actor=actor,
            action="inspections.batch.attach_list",
            obj=batch,
            after=snapshot(batch),
            summary=f"批量审批“{title}”附批量审批清单 {document.number_text}",
        )
    return batch


def _issue(
    case: InspectionCase,
    *,
    kind: str,
    actor: Any,
    context: Mapping[str, Any],
    step: str,
    to_enterprise: bool = True,
    corrects: Document | None = None,
) -> Document:
    draft = documents.create_draft(
        kind=kind,
        organisation=case.organisation,
        actor=actor,
        recipient_enterprise=case.enterprise if to_enterprise else None,
        recipient_organisation=None if to_enterprise else case.organisation,
        context=context,
        corrects=corrects,
    )
    documents.issue_document(draft, actor=actor)
    draft.refresh_from_db()
    return draft


def _link(case: InspectionCase, document: Document, step: str) -> None:
    CaseDocument.objects.create(case=case, document=document, step=step)


def issue_approval_form(case: InspectionCase, *, actor: Any) -> Document:
    """The 行政检查审批表 of an approved case, for the file."""
    _require_writer(actor, case.organisation_id)
    if case.approved_by is None or case.approval_batch_id is not None:
        raise ValidationError(f"案件 {case.reference} 尚未单独审批，没有审批表可生成。")
    context = paperwork.approval_form(case, approver_name=_name(case.approved_by))
    document = _issue(
        case,
        kind="inspection_approval",
        actor=actor,
        context=context,
        step="approval",
        to_enterprise=False,
    )
    with transaction.atomic():
        _link(case, document, "approval")
        record_change(
            actor=actor,
            action="inspections.case.approval_form",
            obj=case,
            after={"document": document.pk, "number": document.number_text},
            summary=f"检查案件 {case.reference} 生成行政检查审批表 {document.number_text}",
        )
    return document


# --- Advance notice (凡检查必通知) ----------------------------------------------------------------


def earliest_lawful_date(case: InspectionCase, today: dt.date) -> dt.date:
    """The first inspection date for which a notice issued ``today`` is on time."""
    days = notice_working_days(case.region)
    candidate = add_workdays(today, days)
    while latest_notice_date(candidate, days) < today:
        candidate = add_workdays(candidate, 1)
    return candidate


def notice_refusal(case: InspectionCase, on: dt.date) -> ValidationError | None:
    """Why a 预告通知书 for ``case`` may not be issued on ``on``; None when it may. A late notice
    is refused naming the earliest inspection date a notice issued that day would allow."""
    if not case.can_become(CaseStatus.NOTIFIED):
        return ValidationError(
            f"案件 {case.reference} 当前状态为“{case.get_status_display()}”，不能发出预告通知"
            f"（只有状态为{_sources_of(CaseStatus.NOTIFIED)}的案件可以发出预告通知）。"
        )
    if not case.needs_notice:
        return ValidationError(
            f"案件 {case.reference} 为{case.get_kind_display()}，依法免于预告，无需发出预告通知书。"
        )
    days = notice_working_days(case.region)
    try:
        latest = latest_notice_date(case.inspection_date, days)
        if on <= latest:
            return None
        earliest = earliest_lawful_date(case, on)
    except YearNotLoaded as error:
        return _year_not_loaded(error, "计算预告期限")
    return ValidationError(
        {
            "inspection_date": [
                f"预告通知书最迟应于{paperwork.chinese_date(latest)}发出（检查日"
                f"{paperwork.chinese_date(case.inspection_date)}前{days}个工作日），"
                f"今天发出已经逾期。今天发出预告，最早可于{paperwork.chinese_date(earliest)}"
                "实施检查；请修改检查日期（修改后需重新审批）。"
            ]
        }
    )


def _year_not_loaded(error: YearNotLoaded, doing: str) -> ValidationError:
    return ValidationError(
        f"{error.year}年的节假日安排尚未载入，无法{doing}（平台从不按周一至周五推算工作日）；"
        "请系统管理员在“工作日”中载入后再办理。"
    )


def _previous_notice(case: InspectionCase) -> Document | None:
    # A notice issued before a change of the approved content is corrected, so both are kept
    # and the old one shows as void wherever it is verified.
    return (
        Document.objects.filter(case_links__case=case, case_links__step="notice")
        .filter(issued_at__isnull=False, voided_at__isnull=True)
        .order_by("-pk")
        .first()
    )


def _notice_draft(case: InspectionCase, *, actor: Any) -> Document:
    return documents.create_draft(
        kind="inspection_preview_notice",
        organisation=case.organisation,
        actor=actor,
        recipient_enterprise=case.enterprise,
        context=paperwork.preview_notice(case),
        corrects=_previous_notice(case),
    )


def _record_notice(case: InspectionCase, document: Document, *, actor: Any) -> None:
    """Deliver an issued notice to the enterprise's portal and record the case as notified."""
    if not document.deliveries.exists():
        documents.deliver_document(document, method="portal", actor=actor)
    with _step(case, actor=actor, action="inspections.case.notify") as step:
        current = step.case
        _transition(current, CaseStatus.NOTIFIED, doing="发出预告通知")
        current.notice = document
        current.notified_at = timezone.now()
        if not CaseDocument.objects.filter(case=current, document=document).exists():
            _link(current, document, "notice")
        latest = latest_notice_date(current.inspection_date, notice_working_days(current.region))
        step.summary = (
            f"检查案件 {current.reference} 发出预告通知书 {document.number_text}，"
            f"最迟发出日 {latest}"
        )


def issue_notice(case: InspectionCase, *, actor: Any) -> Document:
    """Issue the 行政执法检查预告通知书 and deliver it to the enterprise's portal; refused when
    late (``notice_refusal``)."""
    _require_writer(actor, case.organisation_id)
    case.refresh_from_db()
    refusal = notice_refusal(case, _today())
    if refusal is not None:
        raise refusal
    document = _notice_draft(case, actor=actor)
    documents.issue_document(document, actor=actor)
    document.refresh_from_db()
    _record_notice(case, document, actor=actor)
    return document


def issue_notices_in_batch(
    cases: Sequence[InspectionCase], *, actor: Any, title: str = ""
) -> DocumentBatch:
    """The notices of many approved cases (e.g. all of a draw) issued by a background batch with
    progress on the batch's page. Every case is checked first and any refusal names its case,
    with nothing written; each case is recorded as notified as soon as its notice is issued."""
    if not cases:
        raise ValidationError({"cases": ["请至少选择一件已批准的案件。"]})
    for case in cases:
        _require_writer(actor, case.organisation_id)
    today = _today()
    problems = []
    for case in cases:
        case.refresh_from_db()
        refusal = notice_refusal(case, today)
        if refusal is not None:
            problems += [
                f"{case.reference}（{case.enterprise.name}）：{m}" for m in refusal.messages
            ]
    if problems:
        raise ValidationError({"cases": problems})
    with transaction.atomic():
        drafts = []
        for case in cases:
            draft = _notice_draft(case, actor=actor)
            _link(case, draft, "notice")
            drafts.append(draft)
        return documents.issue_documents_in_batch(
            drafts,
            actor=actor,
            title=title or f"批量发出检查预告通知书（{len(drafts)} 份）",
            follow_up="zhifa.inspections.services.record_batch_notice",
        )


def record_batch_notice(document: Document, *, actor: Any) -> None:
    """The batch worker's follow-up for one issued notice: its case becomes notified, unless
    the notice was issued after the latest lawful date (then the case stays approved and the
    batch reports why). Idempotent."""
    link = CaseDocument.objects.filter(document=document, step="notice").first()
    if link is None:
        raise ValidationError(f"文书 {document.number_text} 不是检查案件的预告通知书。")
    case = InspectionCase.objects.get(pk=link.case_id)
    if case.notice_id == document.pk:
        return
    refusal = notice_refusal(case, document.issue_date or _today())
    if refusal is not None:
        raise refusal
    _record_notice(case, document, actor=actor)


def confirm_notice(case: InspectionCase, *, actor: Any) -> InspectionCase:
    """The enterprise confirms in its portal that it received the notice."""
    _require_enterprise_user(actor, case)
    if case.notice is None:
        raise ValidationError(f"案件 {case.reference} 尚未发出预告通知书。")
    documents.confirm_receipt(case.notice, actor=actor)
    return case


# --- Emergency: oral notice and 补办 ------------------------------------------------------------


def record_oral_notice(
    case: InspectionCase,
    *,
    actor: Any,
    told_at: dt.datetime,
    place: str,
    told_by: Officer,
    told_to: str,
    content: str,
    head: Any,
) -> OralNotice:
    """An emergency on-site inspection starts with an oral notice; the agency head is told at
    once and the written 补办手续 fall due within the configured working days."""
    _require_writer(actor, case.organisation_id)
    if not case.is_emergency:
        raise ValidationError(f"案件 {case.reference} 不是紧急现场检查，应先审批并书面通知。")
    place = _text(place, label="告知地点", required=True, limit=200)
    told_to = _text(told_to, label="被告知人", required=True, limit=100)
    content = _text(content, label="告知内容", required=True)
    if not (
        head is not None
        and head.is_active
        and head.role == Role.APPROVER
        and head.organisation_id == case.organisation_id
    ):
        raise ValidationError({"head": ["请选择本机关的执法机关负责人作为报告对象。"]})
    if not case.assignments.filter(officer=told_by).exists():
        raise ValidationError({"told_by": [f"{told_by.name} 不是本案件的执法人员。"]})
    days = int(settings.ZHIFA_ORAL_NOTICE_MAKEUP_WORKING_DAYS)
    try:
        makeup_due = add_workdays(timefmt.beijing_date(told_at), days)
    except YearNotLoaded as error:
        raise _year_not_loaded(error, "计算补办期限") from None
    with transaction.atomic():
        current = _locked(case)
        before = case_snapshot(current)
        _transition(current, CaseStatus.ON_SITE, doing="口头通知后进入现场")
        now = timezone.now()
        oral = OralNotice.objects.create(
            case=current,
            told_at=told_at,
            place=place,
            told_by=told_by,
            told_to=told_to,
            content=content,
            head=head,
            head_notified_at=now,
            makeup_due=makeup_due,
        )
        current.started_at = told_at
        current.save()
        record_change(
            actor=actor,
            action="inspections.case.oral_notice",
            obj=current,
            before=before,
            after={**case_snapshot(current), "oral_notice": snapshot(oral)},
            summary=f"检查案件 {current.reference} 紧急检查口头通知 {told_to}，已报告"
            f"{_name(head)}，补办期限 {oral.makeup_due}",
        )
        if head.email:
            transaction.on_commit(
                lambda: send_mail(
                    f"紧急现场检查报告：{current.enterprise.name}",
                    f"{_name(actor)}于{paperwork.chinese_datetime(told_at)}在{place}口头通知"
                    f"{told_to}，对{current.enterprise.name}实施紧急现场检查。事由：{content}\n"
                    f"请于{oral.makeup_due}前补办审批手续。",
                    None,
                    [head.email],
                    fail_silently=True,
                )
            )
    _refresh(case, current)
    return oral


def complete_makeup(case: InspectionCase, *, actor: Any, opinion: str = "") -> Document:
    """补办手续: the agency head approves the emergency inspection afterwards and the 口头通知记录
    with its 补办 record is issued."""
    _require_approver(actor, case.organisation_id)
    oral = OralNotice.objects.filter(case=case).first()
    if oral is None:
        raise ValidationError(f"案件 {case.reference} 没有口头通知记录，无需补办。")
    if oral.makeup_done_at is not None:
        raise ValidationError(
            f"案件 {case.reference} 已于 {timefmt.fmt_date(oral.makeup_done_at)} 补办手续。"
        )
    if case.requested_by_id == actor.pk:
        raise PermissionDenied(
            "申请人不能为自己提请的紧急检查补办审批，请由另一名执法机关负责人办理。"
        )
    refusal = approval_refusal(case, actor)
    if refusal is not None:
        raise PermissionDenied(refusal)
    opinion = _text(opinion, label="审批意见", limit=500) or "同意，补办审批手续。"
    today = _today()
    late = "（已超过补办期限）" if today > oral.makeup_due else ""
    remedy = f"已于{paperwork.chinese_date(today)}补办检查审批手续{late}，审批意见：{opinion}"
    document = _issue(
        case,
        kind="oral_notice_record",
        actor=actor,
        context=paperwork.oral_notice_record(case, oral, remedy=remedy),
        step="oral_notice",
        to_enterprise=False,
    )
    with transaction.atomic():
        current = _locked(case)
        before = case_snapshot(current)
        oral = OralNotice.objects.select_for_update().get(pk=oral.pk)
        oral.makeup_done_at = timezone.now()
        oral.save()
        current.approved_by = actor
        current.approved_at = oral.makeup_done_at
        current.approval_opinion = opinion
        current.approved_snapshot = approved_content(current)
        current.save()
        _link(current, document, "oral_notice")
        record_change(
            actor=actor,
            action="inspections.case.makeup",
            obj=current,
            before=before,
            after={**case_snapshot(current), "oral_notice": snapshot(oral)},
            summary=f"检查案件 {current.reference} 补办审批手续{late}，口头通知记录 "
            f"{document.number_text}",
        )
    _refresh(case, current)
    return document


# --- On site: 扫码入企 ----------------------------------------------------------------------------


def _new_checkin_code() -> str:
    while True:
        code = documents.new_verification_code()
        if not InspectionCase.objects.filter(checkin_code=code).exists():
            return code


@dataclass(frozen=True)
class Location:
    """Where an officer's phone placed him at check-in (browser geolocation), when it said."""

    latitude: Decimal
    longitude: Decimal
    accuracy: int | None = None


def clean_location(latitude: Any, longitude: Any, accuracy: Any = None) -> Location | None:
    """A location from the phone's figures; None when it gave none (geolocation is optional:
    the officer may have refused it or the phone may have no fix)."""
    if latitude in (None, "") and longitude in (None, ""):
        return None
    try:
        lat = Decimal(str(latitude)).quantize(Decimal("0.000001"))
        lon = Decimal(str(longitude)).quantize(Decimal("0.000001"))
        acc = None if accuracy in (None, "") else round(float(accuracy))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(
            {"location": ["签到位置的经纬度不是数字，请重新获取位置后签到，或不提供位置。"]}
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (acc is not None and acc < 0):
        raise ValidationError(
            {"location": ["签到位置超出经纬度范围，请重新获取位置后签到，或不提供位置。"]}
        )
    return Location(lat, lon, acc)


def checkin_days(case: InspectionCase) -> tuple[dt.date, dt.date]:
    """The first and last day officers may check in: the approved (and notified) inspection
    date and ``ZHIFA_CHECKIN_WINDOW_DAYS`` days after it; an emergency inspection, begun by its
    oral notice, counts from the day it began."""
    first = case.inspection_date
    if case.is_emergency and case.started_at is not None:
        first = timezone.localdate(case.started_at)
    return first, first + dt.timedelta(days=int(settings.ZHIFA_CHECKIN_WINDOW_DAYS))


def _checkin_day_refusal(case: InspectionCase, today: dt.date) -> str | None:
    first, last = checkin_days(case)
    approved = "预告" if case.needs_notice else "批准"
    span = paperwork.chinese_date(first)
    if last != first:
        span += f"至{paperwork.chinese_date(last)}"
    if today < first:
        return (
            f"{approved}的检查日期为{paperwork.chinese_date(first)}，今天不能提前进入现场；"
            "确需提前检查的，请修改检查日期并重新报批。"
        )
    if today > last:
        return (
            f"{approved}的检查日期为{span}，已过签到期限，不能再进入现场；"
            "仍需检查的，请修改检查日期并重新报批。"
        )
    return None


def checkin_refusal(case: InspectionCase, today: dt.date) -> str | None:
    """Why officers may not go on site (check in) today, or None when they may: the case must be
    approved (and notified, where notice is due) and today within its check-in days."""
    if (
        case.needs_notice
        and case.status != CaseStatus.NOTIFIED
        and case.status != CaseStatus.ON_SITE
    ):
        return (
            f"案件 {case.reference} 当前状态为“{case.get_status_display()}”，"
            "须先批准并发出预告通知书，才能进入现场。"
        )
    if not case.needs_notice and case.status not in (CaseStatus.APPROVED, CaseStatus.ON_SITE):
        return (
            f"案件 {case.reference} 当前状态为“{case.get_status_display()}”，须经批准才能进入现场。"
        )
    return _checkin_day_refusal(case, today)


def check_in(
    case: InspectionCase, *, actor: Any, code: str, location: Location | None = None
) -> CaseOfficer:
    """An officer checks in by scanning the code the enterprise shows (its check-in code, which
    no agency page or output carries), on the approved date or within the configured window;
    the time and, when the phone gives it, the place are recorded. With two valid officers
    in, the inspection is on site."""
    officer = Officer.objects.filter(user=actor).first() if actor.is_authenticated else None
    if officer is None:
        raise PermissionDenied("只有绑定了执法证的执法人员账号可以签到。")
    if code.strip().upper() != case.checkin_code:
        raise ValidationError({"code": ["核验码与本次检查不符，请扫描被检查企业出示的检查码。"]})
    assignment = case.assignments.filter(officer=officer).first()
    if assignment is None:
        raise PermissionDenied(
            f"{officer.name} 不是案件 {case.reference} 批准的执法人员，不能签到。"
        )
    today = _today()
    refusal = checkin_refusal(case, today)
    if refusal is not None:
        raise ValidationError(refusal)
    problems = officer_problems(
        [officer],
        enterprise=case.enterprise,
        organisation=case.organisation,
        on=today,
        whole_team=False,
    )
    if problems:
        raise ValidationError({"officer": problems})
    if assignment.checked_in_at is not None:
        raise ValidationError(
            f"{officer.name} 已于 {timefmt.fmt_time(assignment.checked_in_at)} 签到。"
        )
    with transaction.atomic():
        current = _locked(case)
        before = case_snapshot(current)
        now = timezone.now()
        assignment.checked_in_at = now
        if location is not None:
            assignment.checkin_latitude = location.latitude
            assignment.checkin_longitude = location.longitude
            assignment.checkin_accuracy = location.accuracy
        assignment.save()
        checked = current.assignments.filter(checked_in_at__isnull=False).count()
        summary = f"{officer.name}（{officer.cert_no}）在案件 {current.reference} 扫码签到"
        if checked >= MIN_OFFICERS and current.status != CaseStatus.ON_SITE:
            _transition(current, CaseStatus.ON_SITE, doing="进入现场")
            current.started_at = now
            current.save()
            summary += f"，{checked}名执法人员已到场，开始现场检查"
        record_change(
            actor=actor,
            action="inspections.case.check_in",
            obj=current,
            before=before,
            after={
                **case_snapshot(current),
                "checked_in": officer.cert_no,
                "location": None
                if location is None
                else {
                    "latitude": str(location.latitude),
                    "longitude": str(location.longitude),
                    "accuracy": location.accuracy,
                },
            },
            summary=summary,
        )
    _refresh(case, current)
    return assignment


# --- 入企核验码 by SMS: for the enterprise without a platform account ---------------------------

CHECKIN_SMS_PER_DAY = 3
CHECKIN_SMS_ACTION = "inspections.case.send_checkin_code"
_CONTACT_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def checkin_contact_mobile(case: InspectionCase) -> str:
    """The registry contact's mobile the check-in code may be sent to ("" when none): the
    primary contact first, as 短信送达 chooses."""
    for mobile in (
        case.enterprise.contacts.exclude(mobile="")
        .order_by("-is_primary", "pk")
        .values_list("mobile", flat=True)
    ):
        if _CONTACT_MOBILE_RE.match(mobile.strip()):
            return mobile.strip()
    return ""


def masked_mobile(mobile: str) -> str:
    """The number as agency users see it: the last 4 digits only."""
    return "*" * max(len(mobile) - 4, 0) + mobile[-4:]


def checkin_sms_text(case: InspectionCase) -> str:
    phone = case.organisation.phone.strip()
    return (
        f"【执法检查】{case.organisation.name}执法人员已到达{case.enterprise.name}开展检查，"
        f"入企核验码：{case.checkin_code}。请仅向到场出示执法证的执法人员提供本码"
        + (f"；如有疑问请拨打{phone}。" if phone else "。")
    )


def send_checkin_code(case: InspectionCase, *, actor: Any) -> str:
    """Text the case's check-in code to the enterprise's registry contact, so an enterprise
    without a platform account can show it to the officers at its door. Only an officer of the
    case, only on a day he may check in, at most ``CHECKIN_SMS_PER_DAY`` times a day per case.

    The agency never sees the code: the officer is told the masked number, the audit record
    names who asked, the masked number and the time, and the message goes out only after that
    record has committed (a rollback never leaves a sent code unrecorded). Returns the masked
    number."""
    officer = Officer.objects.filter(user=actor).first() if actor.is_authenticated else None
    if officer is None:
        raise PermissionDenied("只有绑定了执法证的执法人员账号可以发送入企核验码。")
    if not case.assignments.filter(officer=officer).exists():
        raise PermissionDenied(
            f"{officer.name} 不是案件 {case.reference} 批准的执法人员，不能发送入企核验码。"
        )
    today = _today()
    refusal = checkin_refusal(case, today)
    if refusal is not None:
        raise ValidationError(refusal)
    problems = officer_problems(
        [officer],
        enterprise=case.enterprise,
        organisation=case.organisation,
        on=today,
        whole_team=False,
    )
    if problems:
        raise ValidationError({"officer": problems})
    mobile = checkin_contact_mobile(case)
    if not mobile:
        raise ValidationError(
            f"{case.enterprise.name}在企业名录中没有联系人手机号，不能发送入企核验码。"
            "请企业用户登录企业门户出示签到码，或先在企业名录中补全联系人手机号。"
        )
    masked = masked_mobile(mobile)
    with transaction.atomic():
        current = _locked(case)
        day_start = dt.datetime.combine(today, dt.time.min, tzinfo=timefmt.SHANGHAI)
        sent = AuditRecord.objects.filter(
            action=CHECKIN_SMS_ACTION,
            object_type=current._meta.label_lower,
            object_id=str(current.pk),
            at__gte=day_start,
        ).count()
        if sent >= CHECKIN_SMS_PER_DAY:
            raise ValidationError(
                f"今天已向企业联系人（尾号 {mobile[-4:]}）发送 {sent} 次入企核验码，"
                f"每个案件每天最多发送 {CHECKIN_SMS_PER_DAY} 次。请企业联系人查看已收到的短信，"
                "或由企业用户登录企业门户出示签到码。"
            )
        text = checkin_sms_text(current)
        case_pk = current.pk
        transaction.on_commit(
            lambda: _send_checkin_sms(case_pk, mobile, text, actor=actor), robust=True
        )
        record_change(
            actor=actor,
            action=CHECKIN_SMS_ACTION,
            obj=current,
            after={"officer": officer.cert_no, "mobile": masked, "sent": sent + 1},
            summary=f"{officer.name}（{officer.cert_no}）请求向{current.enterprise.name}联系人"
            f"（{masked}）发送案件 {current.reference} 的入企核验码（今天第 {sent + 1} 次）",
        )
    return masked


def _send_checkin_sms(case_pk: int, mobile: str, text: str, *, actor: Any) -> None:
    """Runs after the request's record committed. A gateway failure is recorded (without the
    message, which holds the code) so the agency sees why the enterprise got nothing."""
    try:
        get_sms_backend().send(mobile, text)
    except Exception as exc:
        logger.exception("案件 %s 的入企核验码短信发送失败", case_pk)
        reason = type(exc).__name__ + (f"：{exc}" if str(exc) else "")
        case = InspectionCase.objects.get(pk=case_pk)
        masked = masked_mobile(mobile)
        with transaction.atomic():
            record_change(
                actor=actor,
                action="inspections.case.checkin_code_sms_failed",
                obj=case,
                after={"mobile": masked, "error": reason[:500]},
                summary=f"案件 {case.reference} 的入企核验码短信发送失败（{masked}）",
            )


def assign_social_supervisor(
    case: InspectionCase, *, actor: Any, supervisor: Any
) -> InspectionCase:
    _require_writer(actor, case.organisation_id)
    if supervisor is not None and supervisor.role != Role.SOCIAL_SUPERVISOR:
        raise ValidationError({"social_supervisor": ["请选择社会监督员。"]})
    home = getattr(supervisor, "region", None)
    if supervisor is not None and (
        home is None
        or not (
            case.region_id.startswith(home.code_prefix)
            or home.code.startswith(case.region.code_prefix)
        )
    ):
        raise ValidationError(
            {"social_supervisor": [f"{_name(supervisor)}不是{case.region.name}的社会监督员。"]}
        )
    if case.status in (CaseStatus.CLOSED, CaseStatus.CANCELLED, CaseStatus.INSPECTED):
        raise ValidationError(f"案件 {case.reference} 的现场检查已结束，不能再安排伴随监督。")
    with _step(case, actor=actor, action="inspections.case.social_supervisor") as step:
        current = step.case
        current.social_supervisor = supervisor
        name = _name(supervisor) if supervisor else "无"
        step.extra["social_supervisor"] = getattr(supervisor, "pk", None)
        step.summary = f"检查案件 {current.reference} 安排伴随监督员：{name}"
    return case


def record_finding(
    case: InspectionCase,
    *,
    actor: Any,
    item: InspectionItem | None,
    result: str,
    description: str = "",
    files: Sequence[File[bytes]] = (),
) -> CaseFinding:
    """One line of the 现场检查笔录; a second line for the same item replaces the first."""
    _require_writer(actor, case.organisation_id)
    if case.status != CaseStatus.ON_SITE:
        raise ValidationError(
            f"案件 {case.reference} 当前状态为“{case.get_status_display()}”，"
            "只有至少两名执法人员签到、进入现场后才能记录检查情况。"
        )
    if result not in FindingResult.values:
        raise ValidationError({"result": [f"检查结果“{result}”不正确，请从列表中选择。"]})
    if item is not None and not case.items.filter(pk=item.pk).exists():
        raise ValidationError({"item": [f"“{item.name}”不是本案件批准的检查事项。"]})
    description = _text(description, label="检查情况")
    if result == FindingResult.PROBLEM and not description:
        raise ValidationError({"description": ["发现问题时请写明具体情况。"]})
    for upload in files:
        try:
            uploads.check_upload(upload, types=uploads.EVIDENCE, label="证据文件")
        except uploads.UploadError as error:
            raise ValidationError({"files": [str(error)]}) from None
    with transaction.atomic():
        current = _locked(case)
        existing = current.findings.filter(item=item).first() if item is not None else None
        before = snapshot(existing) if existing else None
        if existing is None:
            last = current.findings.order_by("-position").values_list("position", flat=True)
            position = (last.first() or 0) + 1
            finding = CaseFinding(case=current, item=item, position=position, recorded_by=actor)
        else:
            finding = existing
        finding.result = result
        finding.description = description
        finding.recorded_by = actor
        finding.recorded_at = timezone.now()
        finding.save()
        for upload in files:
            digest = sm3_of_chunks(uploads.chunks(upload))
            FindingEvidence.objects.create(
                finding=finding, file=upload, sm3=digest, uploaded_by=actor
            )
        label = item.name if item else "其他情况"
        record_change(
            actor=actor,
            action="inspections.case.finding",
            obj=current,
            before=before,
            after={
                **snapshot(finding),
                "evidence": list(finding.evidence.values_list("sm3", flat=True)),
            },
            summary=f"检查案件 {current.reference} 记录“{label}”：{FindingResult(result).label}",
        )
    return finding


def finish_site_record(
    case: InspectionCase, *, actor: Any, present_person: str, party_opinion: str
) -> Document:
    """Close the on-site part: every approved item must have a line; the 现场检查笔录 is issued."""
    _require_writer(actor, case.organisation_id)
    case.refresh_from_db()
    if case.status != CaseStatus.ON_SITE:
        raise ValidationError(
            f"案件 {case.reference} 当前状态为“{case.get_status_display()}”，不能结束现场检查。"
        )
    present_person = _text(present_person, label="在场人", required=True, limit=100)
    party_opinion = _text(party_opinion, label="当事人意见", required=True, limit=500)
    missing = case.items.exclude(pk__in=case.findings.exclude(item=None).values("item_id"))
    if missing.exists():
        names = "、".join(missing.order_by("code").values_list("name", flat=True))
        raise ValidationError({"findings": [f"以下检查事项尚未记录检查情况：{names}。"]})
    case.inspected_at = timezone.now()
    document = _issue(
        case,
        kind="onsite_inspection_record",
        actor=actor,
        context=paperwork.site_record(
            case, present_person=present_person, party_opinion=party_opinion
        ),
        step="site_record",
    )
    with transaction.atomic():
        current = _locked(case)
        before = case_snapshot(current)
        _transition(current, CaseStatus.INSPECTED, doing="结束现场检查")
        current.inspected_at = case.inspected_at
        current.save()
        _link(current, document, "site_record")
        record_change(
            actor=actor,
            action="inspections.case.finish_site",
            obj=current,
            before=before,
            after=case_snapshot(current),
            summary=(
                f"检查案件 {current.reference} 现场检查结束，现场检查笔录 {document.number_text}"
            ),
        )
    _refresh(case, current)
    return document


# --- Decision, rectification, closure ---------------------------------------------------------


ENGINE_TO_CHOICE = {
    Outcome.EXEMPT: PenaltyChoice.NONE,
    Outcome.MITIGATED: PenaltyChoice.MITIGATED,
    Outcome.LIGHTER: PenaltyChoice.LIGHTER,
    Outcome.GENERAL: PenaltyChoice.ORDINARY,
}
CHOICE_TO_ENGINE: dict[str, Outcome] = {
    str(choice): outcome for outcome, choice in ENGINE_TO_CHOICE.items()
}
CIRCUMSTANCES = frozenset(c.value for c in Circumstance)


def prior_violations(case: InspectionCase) -> tuple[PriorViolation, ...]:
    """The enterprise's earlier decided violations, from the findings of its other cases."""
    rows = (
        CaseFinding.objects.filter(
            case__enterprise_id=case.enterprise_id,
            case__decided_at__isnull=False,
            result=FindingResult.PROBLEM,
        )
        .exclude(case=case)
        .exclude(violation_code="")
        .values_list("violation_code", "case__decided_at")
    )
    return tuple(
        PriorViolation(code, timezone.localdate(decided)) for code, decided in rows.order_by("pk")
    )


def self_corrected_before(case: InspectionCase, finding: CaseFinding, found_on: dt.date) -> bool:
    """Whether the enterprise reported, before the inspection, a self-correction (自查) of the
    item this finding is about."""
    if finding.item is None:
        return False
    from zhifa.compliance.selectors import self_corrections

    return any(
        c.corrected_on < found_on
        for c in self_corrections(case.enterprise, item_codes=[finding.item.code])
    )


def _date_fact(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(
            {
                "violation_ended_on": [
                    f"违法行为发生或终了日期“{value}”不正确，请按 2026-03-16 填写。"
                ]
            }
        ) from None


def special_limitation(facts: Mapping[str, Any]) -> tuple[int | None, str]:
    """行政处罚法第三十六条“法律另有规定的除外”: a period another law sets, named by the officer."""
    raw = facts.get("special_limitation_months")
    basis = str(facts.get("special_limitation_basis") or "").strip()
    if raw in (None, ""):
        if basis:
            raise ValidationError(
                {
                    "special_limitation_months": [
                        "写明了另有规定的法律依据，请同时填写其追责期限（月）。"
                    ]
                }
            )
        return None, ""
    try:
        months = int(raw)
    except (TypeError, ValueError):
        months = 0
    if not 1 <= months <= 600:
        raise ValidationError(
            {"special_limitation_months": [f"另有规定的追责期限“{raw}”不正确，请填写 1–600 个月。"]}
        )
    if not basis:
        raise ValidationError(
            {
                "special_limitation_basis": [
                    "填写了另有规定的追责期限，请写明规定该期限的法律及条款，"
                    "如《中华人民共和国税收征收管理法》第八十六条。"
                ]
            }
        )
    return months, basis[:200]


def evaluate_finding(
    case: InspectionCase, finding: CaseFinding, facts: Mapping[str, Any]
) -> Evaluation:
    """The discretion engine's answer for one problem: every list item for the violation with
    its conditions met and unmet, the statutory rules (行政处罚法第三十二、三十三条), and the
    proposal. A self-correction reported in the enterprise's 自查 before the inspection counts
    as corrected before the inspection."""
    found_on = timezone.localdate(case.started_at) if case.started_at else case.inspection_date
    harm = str(facts.get("harm_level") or "")
    on_site = bool(facts.get("corrected_on_site"))
    circumstances = frozenset(
        Circumstance(c) for c in facts.get("circumstances") or () if c in CIRCUMSTANCES
    )
    special_months, special_basis = special_limitation(facts)
    engine_finding = EngineFinding(
        violation_code=str(facts.get("violation_code") or finding.violation_code or ""),
        found_on=found_on,
        harm=EngineHarm(harm) if harm else None,
        minor_violation=harm in (HarmLevel.NONE, HarmLevel.MINOR),
        corrected_before_inspection=bool(facts.get("corrected_before"))
        or self_corrected_before(case, finding, found_on),
        ordered_on=found_on if on_site else None,
        deadline=found_on if on_site else None,
        corrected_on=found_on if on_site else None,
        no_subjective_fault=bool(facts.get("no_subjective_fault")),
        circumstances=circumstances,
        history=prior_violations(case),
        ended_on=_date_fact(facts.get("violation_ended_on")),
        life_or_financial_safety=bool(facts.get("life_or_financial_safety")),
        special_limitation_months=special_months,
        special_limitation_basis=special_basis,
    )
    return evaluate_for(case.organisation_id, engine_finding)


def _picked_violation(
    case: InspectionCase, finding: CaseFinding, data: Mapping[str, Any]
) -> ViolationChoice | None:
    """The violation of the lists in force the officer picked or typed the code of; an unknown
    code is refused, naming it."""
    label = f"第{finding.position}项"
    key = f"findings.{finding.position}.violation_code"
    text = str(data.get("violation_code") or "").strip()
    if not text:
        return None
    if len(text) > 64:
        raise ValidationError(
            {key: [f"{label}违法行为编码不能超过 64 个字符（现为 {len(text)} 个）。"]}
        )
    choice = violation_in_force(case.organisation_id, text)
    if choice is None:
        raise ValidationError({key: [unknown_violation(case.organisation_id, text)]})
    return choice


def _provision(value: Any, *, default: str, label: str, key: str, example: str) -> str:
    text = str(value or "").strip() or default
    if not text:
        raise ValidationError({key: [f"请填写{label}，如{example}。"]})
    if len(text) > 300:
        raise ValidationError({key: [f"{label}不能超过 300 个字符（现为 {len(text)} 个）。"]})
    return text


def _clean_decision(
    case: InspectionCase, finding: CaseFinding, data: Mapping[str, Any]
) -> dict[str, Any]:
    label = f"第{finding.position}项"
    key = f"findings.{finding.position}"
    chosen = str(data.get("chosen") or "")
    if chosen not in PenaltyChoice.values:
        raise ValidationError({key: [f"{label}请选择处理决定。"]})
    harm = str(data.get("harm_level") or "")
    if harm and harm not in HarmLevel.values:
        raise ValidationError({key: [f"{label}危害程度不正确。"]})
    unknown = [c for c in data.get("circumstances") or () if c not in CIRCUMSTANCES]
    if unknown:
        raise ValidationError({key: [f"{label}从轻减轻情形“{'、'.join(unknown)}”不正确。"]})
    picked = _picked_violation(case, finding, data)
    violation_code = picked.violation_code if picked else ""
    # Left blank, each provision is the picked violation's, as the lists state it.
    violated = _provision(
        data.get("violated_provision"),
        default=picked.violated_provision if picked else "",
        label=f"{label}违反的规定",
        key=f"{key}.violated_provision",
        example="《公共场所卫生管理条例》第七条",
    )
    penalty = _provision(
        data.get("penalty_provision"),
        default=picked.penalty_provision if picked else "",
        label=f"{label}处罚（责令改正）依据",
        key=f"{key}.penalty_provision",
        example="《公共场所卫生管理条例》第十四条",
    )
    reason = _text(data.get("deviation_reason"), label=f"{label}未采纳建议的理由")
    evaluation = evaluate_finding(case, finding, {**data, "violation_code": violation_code})
    proposal = evaluation.proposed
    proposed = ENGINE_TO_CHOICE[proposal.outcome]
    if requires_reason(evaluation, CHOICE_TO_ENGINE[chosen]) and not reason:
        allowed = "、".join(ENGINE_TO_CHOICE[o].label for o in proposal.allowed)
        raise ValidationError(
            {
                key: [
                    f"{label}的处理决定（{PenaltyChoice(chosen).label}）与裁量建议"
                    f"（{proposal.label}，可选：{allowed}）不一致，请写明理由；"
                    "理由将记录在案并向执法监督机关公开。"
                ]
            }
        )
    return {
        "chosen": chosen,
        "harm_level": harm,
        "violated_provision": violated,
        "penalty_provision": penalty,
        "proposed": proposed,
        "proposal_basis": "；".join([proposal.explanation, *proposal.basis]).strip("；"),
        "deviation_reason": reason,
        "violation_code": violation_code,
        "first_violation": not any(
            p.violation_code == violation_code for p in prior_violations(case)
        )
        if violation_code
        else None,
        "corrected_before": bool(data.get("corrected_before")),
        "corrected_on_site": bool(data.get("corrected_on_site")),
        "evaluation": evaluation.to_dict(),
    }


def decide_case(
    case: InspectionCase,
    *,
    actor: Any,
    outcome: str,
    decisions: Mapping[int, Mapping[str, Any]] | None = None,
    rectify_working_days: int | None = None,
    requirements: Sequence[str] = (),
    note: str = "",
) -> InspectionCase:
    """处理决定 after the on-site record.

    ``decisions`` maps a finding's position to its decision: the facts the discretion engine
    weighs (violation_code, harm_level, corrected_before, corrected_on_site,
    no_subjective_fault, circumstances, violation_ended_on, life_or_financial_safety,
    special_limitation_months and _basis for a period another law sets), the
    chosen outcome, the provision violated (violated_provision) and the one the penalty or the
    order to correct rests on (penalty_provision) — each, when left blank, that of the
    violation picked from the lists in force — and, when the choice is not one the engine
    allows, the reason, which the supervising body sees. A violation code the lists in force
    do not have is refused.
    ``outcome``: no_problem (only when nothing was found);
    no_penalty → 不予行政处罚决定书; rectify → 责令改正通知书 with a deadline in working days;
    filed → 立案, the hand-off to a penalty procedure."""
    _require_writer(actor, case.organisation_id)
    case.refresh_from_db()
    if case.status != CaseStatus.INSPECTED:
        raise ValidationError(
            f"案件 {case.reference} 当前状态为“{case.get_status_display()}”，"
            "只有现场检查结束后才能作出处理决定。"
        )
    if not outcome:
        raise ValidationError({"outcome": ["请选择处理结果。"]})
    if outcome not in CaseOutcome.values:
        raise ValidationError({"outcome": [f"处理结果“{outcome}”不正确，请从列表中选择。"]})
    problems = list(case.findings.filter(result=FindingResult.PROBLEM).order_by("position"))
    if outcome == CaseOutcome.NO_PROBLEM and problems:
        raise ValidationError(
            {"outcome": [f"现场检查记录了{len(problems)}个问题，不能以“未发现问题”办结。"]}
        )
    if outcome != CaseOutcome.NO_PROBLEM and not problems:
        raise ValidationError({"outcome": ["现场检查未记录问题，只能以“未发现问题”办结。"]})
    decisions = decisions or {}
    cleaned: dict[int, dict[str, Any]] = {}
    for finding in problems:
        data = decisions.get(finding.position)
        if data is None:
            raise ValidationError(
                {f"findings.{finding.position}": [f"第{finding.position}项问题尚未作出处理决定。"]}
            )
        cleaned[finding.position] = _clean_decision(case, finding, data)
    if outcome == CaseOutcome.NO_PENALTY and any(
        d["chosen"] != PenaltyChoice.NONE for d in cleaned.values()
    ):
        raise ValidationError(
            {"outcome": ["只有各项问题均决定不予处罚时，才能作出不予行政处罚决定。"]}
        )
    if outcome == CaseOutcome.RECTIFY and (
        rectify_working_days is None or not 1 <= rectify_working_days <= 60
    ):
        raise ValidationError({"rectify_working_days": ["请填写整改期限（1–60个工作日）。"]})
    note = _text(note, label="处理说明")
    today = _today()
    deadline: dt.date | None = None
    if outcome == CaseOutcome.RECTIFY:
        assert rectify_working_days is not None
        try:
            deadline = add_workdays(today, rectify_working_days)
        except YearNotLoaded as error:
            raise ValidationError(
                {
                    "rectify_working_days": [
                        f"{error.year}年的节假日安排尚未载入，无法按工作日计算整改期限；"
                        "请系统管理员在“工作日”中载入后再作出决定。"
                    ]
                }
            ) from None
    # The 文书 is issued before the decision is recorded, from the decision as it will be
    # saved: a document that cannot be rendered leaves the case undecided, to be decided again.
    for finding in problems:
        for key, value in cleaned[finding.position].items():
            setattr(finding, key, value)
    case.decision_note = note
    case.rectify_deadline = deadline
    document: Document | None = None
    if outcome == CaseOutcome.NO_PENALTY:
        context = paperwork.no_penalty_decision(case, problems=problems)
        document = _issue(
            case, kind="no_penalty_decision", actor=actor, context=context, step="decision"
        )
    elif outcome == CaseOutcome.RECTIFY:
        context = paperwork.rectification_order(
            case, requirements=list(requirements), problems=problems
        )
        document = _issue(
            case, kind="rectification_order", actor=actor, context=context, step="decision"
        )
    with transaction.atomic():
        current = _locked(case)
        before = case_snapshot(current)
        for finding in problems:
            finding.save()
        current.outcome = outcome
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.decision_note = note
        current.publish_due = publication_due(today)
        if outcome == CaseOutcome.RECTIFY:
            current.rectify_deadline = deadline
            _transition(current, CaseStatus.RECTIFYING, doing="责令改正")
        else:
            _transition(current, CaseStatus.CLOSED, doing="办结")
            current.closed_at = current.decided_at
        current.save()
        summary = f"检查案件 {current.reference} 作出处理决定：{CaseOutcome(outcome).label}"
        if document is not None:
            _link(current, document, "decision")
            summary += f"，{document.kind.name} {document.number_text}"
        record_change(
            actor=actor,
            action="inspections.case.decide",
            obj=current,
            before=before,
            after={
                **case_snapshot(current),
                "decisions": {str(k): {**v} for k, v in cleaned.items()},
            },
            summary=summary,
        )
    _refresh(case, current)
    return case


def record_recheck(
    case: InspectionCase,
    *,
    actor: Any,
    passed: bool,
    note: str,
    rechecked_on: dt.date | None = None,
    file_case: bool = False,
) -> Recheck:
    """复查: corrected → closed; not corrected → 立案 (hand-off) or stays under rectification."""
    _require_writer(actor, case.organisation_id)
    case.refresh_from_db()
    if case.status != CaseStatus.RECTIFYING:
        raise ValidationError(
            f"案件 {case.reference} 当前状态为“{case.get_status_display()}”，没有待复查的整改。"
        )
    note = _text(note, label="复查情况", required=True)
    day = rechecked_on or _today()
    recheck = Recheck(case=case, rechecked_on=day, passed=passed, note=note, recorded_by=actor)
    document = _issue(
        case,
        kind="review_opinion",
        actor=actor,
        context=paperwork.review_opinion(case, recheck),
        step="recheck",
    )
    with transaction.atomic():
        current = _locked(case)
        before = case_snapshot(current)
        recheck.case = current
        recheck.save()
        if passed or file_case:
            _transition(current, CaseStatus.CLOSED, doing="办结")
            current.closed_at = timezone.now()
            if file_case and not passed:
                current.outcome = CaseOutcome.FILED
            current.save()
        _link(current, document, "recheck")
        result = (
            "整改到位，案件办结"
            if passed
            else ("未整改到位，立案查处" if file_case else "未整改到位")
        )
        record_change(
            actor=actor,
            action="inspections.case.recheck",
            obj=current,
            before=before,
            after={**case_snapshot(current), "recheck": snapshot(recheck)},
            summary=(
                f"检查案件 {current.reference} 复查：{result}，复查意见书 {document.number_text}"
            ),
        )
    _refresh(case, current)
    return recheck


def cancel_case(case: InspectionCase, *, actor: Any, reason: str) -> InspectionCase:
    _require_writer(actor, case.organisation_id)
    reason = _text(reason, label="撤销理由", required=True, limit=255)
    with _step(case, actor=actor, action="inspections.case.cancel") as step:
        current = step.case
        _transition(current, CaseStatus.CANCELLED, doing="撤销")
        current.cancel_reason = reason
        # The drawn enterprise goes back to awaiting a case, so the draw's result is not lost.
        if current.draw_result_id is not None:
            DrawResult.objects.filter(pk=current.draw_result_id).update(
                status=DrawResultStatus.AWAITING_APPROVAL
            )
        step.summary = f"撤销检查案件 {current.reference}：{reason}"
    return case


# --- Feedback and publication -----------------------------------------------------------------


def publish_result(case: InspectionCase, *, actor: Any, summary: str = "") -> InspectionCase:
    """公示 the result of a decided case on the public page and API."""
    _require_writer(actor, case.organisation_id)
    if case.decided_at is None:
        raise ValidationError(f"案件 {case.reference} 尚未作出处理决定，不能公示结果。")
    if case.published_at is not None:
        raise ValidationError(
            f"案件 {case.reference} 的结果已于 {timefmt.fmt_date(case.published_at)} 公示。"
        )
    summary = _text(summary, label="公示内容", limit=1000) or default_result_summary(case)
    with _step(case, actor=actor, action="inspections.case.publish") as step:
        current = step.case
        current.published_at = timezone.now()
        current.result_summary = summary
        late = current.publish_due is not None and _today() > current.publish_due
        step.summary = f"公示检查案件 {current.reference} 的结果" + ("（逾期）" if late else "")
    return case


def publication_due(decided_on: dt.date) -> dt.date | None:
    """公示 is due within 20 working days of the decision; None while the holiday arrangement
    of the year it falls in is not loaded (the overdue check then names that year)."""
    try:
        return add_workdays(decided_on, PUBLISH_WITHIN_WORKING_DAYS)
    except YearNotLoaded:
        return None


def default_result_summary(case: InspectionCase) -> str:
    outcome = CaseOutcome(case.outcome).label if case.outcome else "处理中"
    problems = case.findings.filter(result=FindingResult.PROBLEM).count()
    text = (
        f"{case.organisation.name}于{paperwork.chinese_date(case.inspection_date)}"
        f"对{case.enterprise.name}实施{case.get_kind_display()}，"
    )
    if problems:
        return text + f"发现问题{problems}项，处理结果：{outcome}。"
    return text + "未发现问题。"


def rate_case(
    case: InspectionCase, *, actor: Any, rating: int, comment: str = ""
) -> InspectionCase:
    _require_enterprise_user(actor, case)
    if case.decided_at is None:
        raise ValidationError("检查结果作出后才能评价。")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": ["请选择 1 至 5 星的评价。"]})
    comment = _text(comment, label="评价意见", limit=500)
    with _step(case, actor=actor, action="inspections.case.rate") as step:
        current = step.case
        if current.rated_at is not None:
            raise ValidationError("您已评价过本次检查。")
        current.rating = rating
        current.rating_comment = comment
        current.rated_at = timezone.now()
        step.summary = f"企业评价检查案件 {current.reference}：{rating}星"
    return case


def object_to_case(case: InspectionCase, *, actor: Any, text: str) -> Objection:
    """An enterprise's objection; it goes to the supervising body of the case's region."""
    _require_enterprise_user(actor, case)
    if case.status in (CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.REJECTED):
        raise ValidationError("该检查尚未通知企业，不能提出异议。")
    text = _text(text, label="异议内容", required=True)
    with transaction.atomic():
        objection = Objection.objects.create(case=case, text=text, submitted_by=actor)
        record_change(
            actor=actor,
            action="inspections.objection.submit",
            obj=objection,
            after=snapshot(objection),
            summary=f"企业对检查案件 {case.reference} 提出异议，转执法监督机关",
            region=case.region_id,
        )
    return objection


def answer_objection(objection: Objection, *, actor: Any, answer: str) -> Objection:
    if not (actor.is_authenticated and (actor.is_admin or actor.role == Role.SUPERVISOR)):
        raise PermissionDenied("企业异议由执法监督机关答复。")
    answer = _text(answer, label="答复", required=True)
    with transaction.atomic():
        current = Objection.objects.select_for_update().get(pk=objection.pk)
        if current.status != ObjectionStatus.OPEN:
            raise ValidationError("该异议已答复。")
        before = snapshot(current)
        current.status = ObjectionStatus.ANSWERED
        current.answer = answer
        current.answered_by = actor
        current.answered_at = timezone.now()
        current.save()
        record_change(
            actor=actor,
            action="inspections.objection.answer",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"答复检查案件 {objection.case.reference} 的企业异议",
        )
    objection.refresh_from_db()
    return objection


# --- Pre-guidance (前置预约指导服务) ----------------------------------------------------------


def publish_slot(
    *,
    organisation: Organisation,
    actor: Any,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    officer: Officer,
) -> GuidanceSlot:
    _require_writer(actor, organisation.pk)
    place = _text(place, label="方式/地点", required=True, limit=200)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": ["结束时间应晚于开始时间。"]})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": ["只能发布将来的指导时段。"]})
    if officer.organisation_id != organisation.pk:
        raise ValidationError({"officer": [f"{officer.name} 不是本机关的执法人员。"]})
    with transaction.atomic():
        slot = GuidanceSlot.objects.create(
            organisation=organisation,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            officer=officer,
            created_by=actor,
        )
        record_change(
            actor=actor,
            action="inspections.slot.publish",
            obj=slot,
            after=snapshot(slot),
            summary=f"发布指导时段 {slot}（{officer.name}）",
        )
    return slot


def book_guidance(
    case: InspectionCase, *, actor: Any, slot: GuidanceSlot, topic: str = ""
) -> GuidanceBooking:
    """The enterprise books a guidance slot of the inspecting agency before the inspection."""
    _require_enterprise_user(actor, case)
    if case.status != CaseStatus.NOTIFIED:
        raise ValidationError("收到预告通知书后、检查开始前才能预约指导。")
    if slot.organisation_id != case.organisation_id or slot.is_withdrawn:
        raise ValidationError({"slot": ["该时段不可预约，请选择检查机关发布的其他时段。"]})
    if timefmt.beijing_date(slot.starts_at) >= case.inspection_date:
        raise ValidationError({"slot": ["指导时段须早于检查日期，请选择更早的时段。"]})
    if slot.starts_at <= timezone.now():
        raise ValidationError({"slot": ["该时段已开始或已过去，请选择其他时段。"]})
    topic = _text(topic, label="希望指导的问题", limit=500)
    with transaction.atomic():
        GuidanceSlot.objects.select_for_update().filter(pk=slot.pk).exists()
        taken = GuidanceBooking.objects.filter(
            slot=slot, status__in=(BookingStatus.BOOKED, BookingStatus.DONE)
        ).exists()
        if taken:
            raise ValidationError({"slot": ["该时段已被预约，请选择其他时段。"]})
        booking = GuidanceBooking.objects.create(slot=slot, case=case, topic=topic, booked_by=actor)
        record_change(
            actor=actor,
            action="inspections.booking.create",
            obj=booking,
            after=snapshot(booking),
            summary=f"{case.enterprise.name} 预约指导时段 {slot}",
            region=case.region_id,
        )
    return booking


def cancel_booking(booking: GuidanceBooking, *, actor: Any) -> GuidanceBooking:
    _require_enterprise_user(actor, booking.case)
    with transaction.atomic():
        current = GuidanceBooking.objects.select_for_update().get(pk=booking.pk)
        if current.status != BookingStatus.BOOKED:
            raise ValidationError(f"预约当前为“{current.get_status_display()}”，不能取消。")
        before = snapshot(current)
        current.status = BookingStatus.CANCELLED
        current.save()
        record_change(
            actor=actor,
            action="inspections.booking.cancel",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"{current.case.enterprise.name} 取消指导预约 {current.slot}",
            region=current.case.region_id,
        )
    booking.refresh_from_db()
    return booking


def record_guidance(booking: GuidanceBooking, *, actor: Any, note: str) -> GuidanceBooking:
    _require_writer(actor, booking.case.organisation_id)
    note = _text(note, label="指导情况", required=True)
    with transaction.atomic():
        current = GuidanceBooking.objects.select_for_update().get(pk=booking.pk)
        if current.status != BookingStatus.BOOKED:
            raise ValidationError(f"预约当前为“{current.get_status_display()}”，不能记录指导情况。")
        before = snapshot(current)
        current.status = BookingStatus.DONE
        current.guidance_note = note
        current.done_at = timezone.now()
        current.save()
        record_change(
            actor=actor,
            action="inspections.booking.done",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"完成对 {current.case.enterprise.name} 的合规指导",
        )
    booking.refresh_from_db()
    return booking


# --- From a draw, and 综合查一次 -------------------------------------------------------------


@dataclass
class ConversionReport:
    created: list[InspectionCase] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (enterprise, reason)


def _working_days(start: dt.date, end: dt.date, today: dt.date) -> list[dt.date]:
    """The working days in [start, end] from today on, up to the end of the last year whose
    holiday arrangement is loaded: a day of an unknown year is never guessed to be workable."""
    calendar = work_calendar()
    days = []
    day = max(start, today)
    while day <= end:
        try:
            if calendar.is_workday(day):
                days.append(day)
        except YearNotLoaded:
            break
        day += dt.timedelta(days=1)
    return days


def cases_from_draw(draw: DrawTask, *, actor: Any) -> ConversionReport:
    """Every drawn enterprise awaiting approval becomes a draft case of the draw's task, with the
    officers drawn for it, dated evenly over the working days of the draw's inspection period
    from the earliest date a notice issued today allows. One enterprise that cannot be
    converted (cap reached, officer's certificate lapsed) is reported by name; the others are
    still converted."""
    _require_writer(actor, draw.organisation_id)
    if draw.status != DrawStatus.DRAWN:
        raise ValidationError(f"抽取任务“{draw.title}”尚未完成抽取，不能生成检查案件。")
    if draw.inspection_start is None or draw.inspection_end is None:
        raise ValidationError(f"抽取任务“{draw.title}”没有设定检查期间，请先补充检查起止日期。")
    today = _today()
    region = draw.region
    try:
        first = add_workdays(today, notice_working_days(region))
    except YearNotLoaded as error:
        raise ValidationError(
            f"{error.year}年的节假日安排尚未载入，无法计算检查日期；请系统管理员先载入。"
        ) from None
    days = _working_days(max(draw.inspection_start, first), draw.inspection_end, today)
    if not days:
        raise ValidationError(
            f"抽取任务“{draw.title}”的检查期间（{draw.inspection_start}至{draw.inspection_end}）"
            f"内已没有可依法预告的工作日（今天预告最早可于{first}检查）。"
        )
    results = list(
        DrawResult.objects.filter(draw=draw, status=DrawResultStatus.AWAITING_APPROVAL)
        .select_related("enterprise", "draw__task")
        .order_by("stratum_id", "sequence")
    )
    items = list(draw.task.items.all())
    report = ConversionReport()
    per_day = -(-len(results) // len(days)) if results else 1
    for index, result in enumerate(results):
        officers = [
            a.officer for a in result.assignments.select_related("officer").order_by("position")
        ]
        try:
            case = create_case(
                organisation=draw.organisation,
                enterprise=result.enterprise,
                kind=InspectionKind.PLANNED,
                items=items,
                officers=officers,
                inspection_date=days[min(index // per_day, len(days) - 1)],
                actor=actor,
                title=f"{draw.title}：{result.enterprise.name}",
                reason=f"依据年度执法计划任务“{draw.task.name}”，经公开随机抽取（{draw.title}）确定。",
                draw_result=result,
            )
        except ValidationError as error:
            report.skipped.append((result.enterprise.name, "；".join(error.messages)))
            continue
        report.created.append(case)
    return report


def apply_joint_plan(
    plan: merging.MergePlan, *, actor: Any, cases: Mapping[int, InspectionCase]
) -> list[JointVisit]:
    """Record the 综合查一次 plan: each visit of several cases becomes a JointVisit led by its
    lead agency, and its cases take the visit's day (and the planner's officers). Only cases
    not yet approved are moved, so every moved case is approved as it will be carried out."""
    if not (actor.is_authenticated and (actor.is_admin or actor.role == Role.SUPERVISOR)):
        raise PermissionDenied("综合查一次的统筹结果由本级执法监督机关或系统管理员确认。")
    ids = [case_id for visit in plan.visits for case_id in visit.case_ids]
    if visible_to(actor, InspectionCase.objects.filter(pk__in=ids)).count() != len(set(ids)):
        raise PermissionDenied("统筹结果中有不属于您所在地区的检查案件，不能确认。")
    movable = (CaseStatus.DRAFT, CaseStatus.SUBMITTED)
    for visit in plan.visits:
        for case_id in visit.case_ids:
            case = cases[case_id]
            if case.status not in movable:
                raise ValidationError(
                    f"案件 {case.reference} 已{case.get_status_display()}，不能再并入联合检查。"
                )
    created: list[JointVisit] = []
    with transaction.atomic():
        for visit in plan.visits:
            if len(visit.case_ids) < 2:
                continue
            members = [_locked(cases[c]) for c in visit.case_ids]
            lead = next(c for c in members if c.organisation_id == visit.lead_agency_id)
            joint = JointVisit.objects.create(
                enterprise_id=visit.enterprise_id,
                region_id=lead.region_id,
                day=visit.day,
                lead_id=visit.lead_agency_id,
                planned_by=actor,
            )
            for case in members:
                before = case_snapshot(case)
                case.inspection_date = visit.day
                case.joint_visit = joint
                if case.status != CaseStatus.DRAFT:
                    _transition(case, CaseStatus.DRAFT, doing="并入联合检查")
                case.save()
                chosen = visit.officers.get(case.organisation_id)
                if chosen:
                    _set_officers(case, list(Officer.objects.filter(pk__in=chosen).order_by("pk")))
                record_change(
                    actor=actor,
                    action="inspections.case.join",
                    obj=case,
                    before=before,
                    after=case_snapshot(case),
                    summary=f"检查案件 {case.reference} 并入联合检查（{visit.day}，牵头："
                    f"{joint.lead.name}），退回草稿重新提请审批",
                )
            record_change(
                actor=actor,
                action="inspections.joint.create",
                obj=joint,
                after={**snapshot(joint), "cases": [c.reference for c in members]},
                summary=f"综合查一次：{joint}，合并 {len(members)} 件检查",
            )
            created.append(joint)
    return created
