"""Advance notice (凡检查必通知): the notice, notices in a batch, the oral notice of an emergency
and its 补办.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.core import access, timefmt
from zhifa.documents import services as documents
from zhifa.documents.models import Document, DocumentBatch
from zhifa.inspections import paperwork
from zhifa.inspections.models import CaseDocument, CaseStatus, InspectionCase, OralNotice
from zhifa.inspections.services._common import (
    _issue,
    _link,
    _locked,
    _name,
    _refresh,
    _sources_of,
    _step,
    _text,
    _today,
    _transition,
    case_snapshot,
)
from zhifa.inspections.services.cases import approved_content
from zhifa.org.models import Officer, Role
from zhifa.workdays.selectors import (
    YearNotLoaded,
    add_workdays,
    latest_notice_date,
    notice_working_days,
)

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


# The states in which a case still waits for its notice: a late one is flagged in each.
BEFORE_NOTICE = (CaseStatus.DRAFT, CaseStatus.REJECTED, CaseStatus.SUBMITTED, CaseStatus.APPROVED)


def late_notice(case: InspectionCase, today: dt.date) -> str:
    """Why ``case`` can no longer be announced in time, or "" while it can (or needs no notice):
    shown in red from the draft on, so that nobody learns it first at the notice step."""
    if case.status not in BEFORE_NOTICE or not case.needs_notice:
        return ""
    try:
        days = notice_working_days(case.region)
        latest = latest_notice_date(case.inspection_date, days)
        if today <= latest:
            return ""
        earliest = earliest_lawful_date(case, today)
    except YearNotLoaded:
        return ""
    return (
        f"预告通知书最迟应于{paperwork.chinese_date(latest)}发出（检查日"
        f"{paperwork.chinese_date(case.inspection_date)}前{days}个工作日），已经逾期；"
        f"今天发出预告，最早可于{paperwork.chinese_date(earliest)}实施检查，请修改检查日期。"
    )


def split_late(
    cases: Sequence[InspectionCase], today: dt.date
) -> tuple[list[InspectionCase], list[tuple[InspectionCase, str]]]:
    """The cases whose notice may go out ``today``, and apart from them each late one with why."""
    on_time: list[InspectionCase] = []
    late: list[tuple[InspectionCase, str]] = []
    for case in cases:
        reason = late_notice(case, today)
        if reason:
            late.append((case, reason))
        else:
            on_time.append(case)
    return on_time, late


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
    access.require(actor, "case.edit", case)
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
        access.require(actor, "case.edit", case)
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
    access.require(actor, "case.respond", case)
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
    access.require(actor, "case.edit", case)
    if not case.is_emergency:
        raise ValidationError(f"案件 {case.reference} 不是紧急现场检查，应先审批并书面通知。")
    place = _text(place, label="告知地点", required=True, limit=200)
    told_to = _text(told_to, label="被告知人", required=True, limit=100)
    content = _text(content, label="告知内容", required=True)
    if not (
        head is not None
        and head.is_active
        and case.organisation_id in head.organisations_as(Role.APPROVER)
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
    access.require(actor, "case.makeup", case)
    oral = OralNotice.objects.filter(case=case).first()
    if oral is None:
        raise ValidationError(f"案件 {case.reference} 没有口头通知记录，无需补办。")
    if oral.makeup_done_at is not None:
        raise ValidationError(
            f"案件 {case.reference} 已于 {timefmt.fmt_date(oral.makeup_done_at)} 补办手续。"
        )
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
