"""Submitting a case, the head's approval (one by one or in a batch) and the approval form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.core import access
from zhifa.documents import services as documents
from zhifa.documents.models import Document
from zhifa.inspections import paperwork, rules
from zhifa.inspections.models import ApprovalBatch, CaseDocument, CaseStatus, InspectionCase
from zhifa.inspections.services._common import (
    _issue,
    _link,
    _locked,
    _name,
    _step,
    _text,
    _transition,
    case_snapshot,
)
from zhifa.inspections.services.cases import approved_content, officer_problems


def approval_refusal(case: InspectionCase, actor: Any) -> str | None:
    """Why ``actor``, an approver of the case's agency, may still not approve it, or None
    (separation of duties, part of the ``case.approve`` capability)."""
    return rules.separation_refusal(case, actor)


def _approve_one(
    current: InspectionCase, *, actor: Any, opinion: str, batch: ApprovalBatch | None
) -> None:
    # Asked again of the locked case: the batch is checked case by case (separation of duties).
    access.require(actor, "case.approve", current)
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
    access.require(actor, "case.approve", case)
    opinion = _text(opinion, label="审批意见", limit=500) or "同意。"
    with _step(case, actor=actor, action="inspections.case.approve") as step:
        current = step.case
        _approve_one(current, actor=actor, opinion=opinion, batch=None)
        step.summary = f"批准检查案件 {current.reference}：{opinion}"
        if current.is_exempt:
            step.summary += f"；同意免于预告（{current.exemption_reason}）"
    return case


def reject_case(case: InspectionCase, *, actor: Any, reason: str) -> InspectionCase:
    access.require(actor, "case.reject", case)
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
    access.require(actor, "case.approve_batch", organisation)
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


def issue_approval_form(case: InspectionCase, *, actor: Any) -> Document:
    """The 行政检查审批表 of an approved case, for the file."""
    access.require(actor, "case.edit", case)
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
