"""After the decision: recheck of rectification, publication, the enterprise's rating and
objection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.audit.sm3 import sm3_of_chunks
from zhifa.core import access, timefmt, uploads
from zhifa.inspections import messages, paperwork
from zhifa.inspections.models import (
    CaseOutcome,
    CaseStatus,
    FindingResult,
    InspectionCase,
    Objection,
    ObjectionAttachment,
    ObjectionCategory,
    ObjectionStatus,
    Recheck,
    RectificationPhoto,
    RectificationReport,
)
from zhifa.inspections.services._common import (
    PUBLISH_WITHIN_WORKING_DAYS,
    _issue,
    _link,
    _locked,
    _refresh,
    _step,
    _text,
    _today,
    _transition,
    case_snapshot,
)
from zhifa.workdays.selectors import YearNotLoaded, add_workdays

MAX_RECTIFICATION_PHOTOS = 9
PHOTO_TYPES = (uploads.JPEG, uploads.PNG)
MAX_OBJECTION_FILES = 9
OBJECTION_FILE_TYPES = (uploads.PDF, uploads.JPEG, uploads.PNG)


def _checked_files(
    files: Sequence[Any], *, key: str, label: str, types: Sequence[uploads.FileType], most: int
) -> list[Any]:
    files = [f for f in files if f]
    if len(files) > most:
        raise ValidationError({key: [f"{label}最多 {most} 个，现选择了 {len(files)} 个。"]})
    for upload in files:
        try:
            uploads.check_upload(upload, types=types, label=label)
        except uploads.UploadError as error:
            raise ValidationError({key: [str(error)]}) from None
    return files


# --- 整改 reported by the enterprise -------------------------------------------------------------


def report_rectification(
    case: InspectionCase, *, actor: Any, text: str, photos: Sequence[Any] = ()
) -> RectificationReport:
    """整改报告 of the enterprise after a 责令改正: what it corrected, with up to nine photos.
    One sent after the deadline is taken all the same and marked 逾期; it may report again
    (after a 复查 found the correction not done) until the case is closed."""
    access.require(actor, "case.respond", case)
    case.refresh_from_db()
    if case.status != CaseStatus.RECTIFYING:
        raise ValidationError(
            f"本次检查当前状态为“{case.get_status_display()}”，"
            "只有责令改正、整改期间的检查可以报告整改情况。"
        )
    text = _text(text, label="整改情况", required=True, limit=2000)
    photos = _checked_files(
        photos,
        key="photos",
        label="整改照片",
        types=PHOTO_TYPES,
        most=MAX_RECTIFICATION_PHOTOS,
    )
    late = case.rectify_deadline is not None and _today() > case.rectify_deadline
    with transaction.atomic():
        current = _locked(case)
        if current.status != CaseStatus.RECTIFYING:
            raise ValidationError("本次检查已不在整改期间，不能报告整改情况。")
        report = RectificationReport.objects.create(
            case=current,
            text=text,
            deadline=current.rectify_deadline,
            is_late=late,
            submitted_by=actor,
        )
        for photo in photos:
            RectificationPhoto.objects.create(
                report=report, file=photo, sm3=sm3_of_chunks(uploads.chunks(photo))
            )
        record_change(
            actor=actor,
            action="inspections.case.rectification_report",
            obj=current,
            after={
                **snapshot(report),
                "photos": list(report.photos.values_list("sm3", flat=True)),
            },
            summary=(
                f"企业报告检查案件 {current.reference} 的整改情况，附照片 {len(photos)} 张"
                + ("（逾期提交）" if late else "")
            ),
        )
        messages.rectification_reported(report, actor=actor)
    return report


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
    access.require(actor, "case.recheck", case)
    case.refresh_from_db()
    if case.status != CaseStatus.RECTIFYING:
        raise ValidationError(
            f"案件 {case.reference} 当前状态为“{case.get_status_display()}”，没有待复查的整改。"
        )
    note = _text(note, label="复查情况", required=True)
    day = rechecked_on or _today()
    if day > _today():
        # A record says what was found; a 复查 not yet made has found nothing.
        raise ValidationError(
            {"rechecked_on": [f"复查日期 {day.isoformat()} 晚于今天，不能登记尚未进行的复查。"]}
        )
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


# --- Feedback and publication -----------------------------------------------------------------


def publish_result(case: InspectionCase, *, actor: Any, summary: str = "") -> InspectionCase:
    """公示 the result of a decided case on the public page and API."""
    access.require(actor, "case.edit", case)
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
    access.require(actor, "case.respond", case)
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


def objection_answer_due(filed_on: dt.date) -> dt.date | None:
    """The day the supervising body answers by: ``ZHIFA_OBJECTION_ANSWER_WORKING_DAYS`` working
    days after filing (the platform's default of 5, as for complaints: no national rule fixes
    it). None while that year's holiday arrangement is not loaded."""
    try:
        return add_workdays(filed_on, settings.ZHIFA_OBJECTION_ANSWER_WORKING_DAYS)
    except YearNotLoaded:
        return None


def object_to_case(
    case: InspectionCase,
    *,
    actor: Any,
    text: str,
    category: str = ObjectionCategory.OTHER,
    files: Sequence[Any] = (),
) -> Objection:
    """An enterprise's objection, with its category and attachments (PDF, JPG, PNG); it goes to
    the supervising body of the case's region, which answers by ``answer_due``."""
    access.require(actor, "case.respond", case)
    if case.status in (CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.REJECTED):
        raise ValidationError("该检查尚未通知企业，不能提出异议。")
    if not category:
        raise ValidationError({"category": ["请选择异议类别。"]})
    if category not in ObjectionCategory.values:
        raise ValidationError({"category": [f"异议类别“{category}”不正确，请从列表中选择。"]})
    text = _text(text, label="异议内容", required=True)
    files = _checked_files(
        files,
        key="attachments",
        label="异议附件",
        types=OBJECTION_FILE_TYPES,
        most=MAX_OBJECTION_FILES,
    )
    with transaction.atomic():
        objection = Objection.objects.create(
            case=case,
            category=category,
            text=text,
            answer_due=objection_answer_due(_today()),
            submitted_by=actor,
        )
        for upload in files:
            ObjectionAttachment.objects.create(
                objection=objection, file=upload, sm3=sm3_of_chunks(uploads.chunks(upload))
            )
        record_change(
            actor=actor,
            action="inspections.objection.submit",
            obj=objection,
            after={
                **snapshot(objection),
                "attachments": list(objection.attachments.values_list("sm3", flat=True)),
            },
            summary=f"企业对检查案件 {case.reference} 提出异议，转执法监督机关",
            region=case.region_id,
        )
        messages.objection_filed(objection, actor=actor)
    return objection


def answer_objection(objection: Objection, *, actor: Any, answer: str) -> Objection:
    access.require(actor, "objection.answer", objection)
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
        messages.objection_answered(current, actor=actor)
    objection.refresh_from_db()
    return objection
