"""Creating and changing a case, the checks shared by creation, change and check-in, and
cancelling.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from zhifa.audit.services import record_change
from zhifa.core import access
from zhifa.documents import services as documents
from zhifa.draws.models import DrawResult, DrawResultStatus, OfficerConflict
from zhifa.inspections import messages, paperwork
from zhifa.inspections.models import CaseStatus, InspectionCase, InspectionKind
from zhifa.inspections.services._common import (
    MIN_OFFICERS,
    _locked,
    _refresh,
    _set_officers,
    _step,
    _text,
    _transition,
    case_snapshot,
)
from zhifa.org.models import Officer, Organisation
from zhifa.org.selectors import eligible_on_q
from zhifa.plans.models import InspectionItem, PlanTask
from zhifa.plans.selectors import effective_yearly_cap
from zhifa.registry.models import Enterprise

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
    if kind in InspectionKind.exempt_from_notice() and not _says_more_than_kind(kind, reason):
        raise ValidationError(
            {
                "exemption_reason": [
                    f"免于预告理由不能只写检查类型“{InspectionKind(kind).label}”，请写明具体情形"
                    "（如举报反映的问题、危及安全的情况），供负责人审批时判断。"
                ]
            }
        )
    if kind not in InspectionKind.exempt_from_notice():
        reason = ""
    return reason


# What an exemption reason may say without saying anything about the case.
_BOILERPLATE = ("依法", "免于预告", "免予预告", "不预告", "检查", "核查")
_MIN_OWN_CHARS = 4


def _says_more_than_kind(kind: str, reason: str) -> bool:
    """Whether ``reason`` states a circumstance of its own beyond the kind's name (the approver
    must be able to judge it, and a covert case's file must say why it was covert)."""
    rest = reason.replace(str(InspectionKind(kind).label), "")
    for phrase in _BOILERPLATE:
        rest = rest.replace(phrase, "")
    own = [ch for ch in rest if ch.isalnum()]
    return len(own) >= _MIN_OWN_CHARS


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


# --- Creation and change ----------------------------------------------------------------------


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
    access.require(actor, "case.create", organisation)
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
    access.require(actor, "case.edit", case)
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
    access.require(actor, "case.edit", case)
    with _step(case, actor=actor, action="inspections.case.submit") as step:
        current = step.case
        _transition(current, CaseStatus.SUBMITTED, doing="提请审批")
        current.submitted_at = timezone.now()
        step.summary = f"检查案件 {current.reference} 提请审批"
        messages.approval_requested(current, actor=actor)
    return case


def revise_case(case: InspectionCase, *, actor: Any) -> InspectionCase:
    """A case not approved goes back to draft so that the requester can amend it."""
    access.require(actor, "case.edit", case)
    with _step(case, actor=actor, action="inspections.case.revise") as step:
        current = step.case
        _transition(current, CaseStatus.DRAFT, doing="退回修改")
        step.summary = f"检查案件 {current.reference} 退回草稿修改"
    return case


# --- The 扫码入企 code, made with the case ----------------------------------------------------


def _new_checkin_code() -> str:
    while True:
        code = documents.new_verification_code()
        if not InspectionCase.objects.filter(checkin_code=code).exists():
            return code


def cancel_case(case: InspectionCase, *, actor: Any, reason: str) -> InspectionCase:
    access.require(actor, "case.edit", case)
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
