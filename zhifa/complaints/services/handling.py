"""分办 → the agency's answer → 核实 → the complainant's 评价 → 销号, or 重新办理."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import snapshot
from zhifa.complaints import messages
from zhifa.complaints.models import (
    Complaint,
    EventKind,
    FileStage,
    RecoveredLoss,
    Satisfaction,
    Status,
)
from zhifa.complaints.services import _common
from zhifa.complaints.services.intake import deadline_for
from zhifa.core import access, timefmt
from zhifa.org.models import Organisation, OrganisationKind
from zhifa.workdays.selectors import YearNotLoaded, work_calendar

MAX_LOSS = Decimal("999999999999.99")


def _due(complaint: Complaint, start: dt.date) -> tuple[int, dt.date, str]:
    days, source = deadline_for(complaint.region, complaint.category)
    try:
        due = work_calendar().add_workdays(start, days)
    except YearNotLoaded as error:
        raise ValidationError(f"无法按工作日计算答复期限：{error}") from None
    # A hotline order carries its own deadline; the item is answered by the earlier one.
    if complaint.hotline_due is not None and complaint.hotline_due < due:
        return days, complaint.hotline_due, "12345热线工单要求的办结日期"
    return days, due, source


def _hand_over(
    current: Complaint, agency: Organisation | None, *, kind: str, start: dt.date
) -> tuple[Organisation, str]:
    """Back (or first) to ``agency`` with a new deadline; the agency and the deadline in words."""
    if agency is None:
        raise ValidationError({"agency": ["请选择承办的行政执法机关。"]})
    days, due, source = _due(current, start)
    current.status = Status.ASSIGNED
    current.agency = agency
    current.assigned_at = timezone.now()
    current.answer_working_days = days
    current.answer_due = due
    current.deadline_source = source[:300]
    current.answered_at = None
    current.verified_at = None
    current.satisfaction = ""
    current.satisfaction_at = None
    return agency, timefmt.chinese_date(due)


def _check_agency(complaint: Complaint, agency: Any) -> Organisation:
    if not isinstance(agency, Organisation):
        raise ValidationError({"agency": ["请选择承办的行政执法机关。"]})
    if agency.kind not in OrganisationKind.enforcing():
        raise ValidationError({"agency": [f"“{agency.name}”不是行政执法机关，不能承办。"]})
    # The bureau hands an item to an agency it supervises: its own level or below.
    scope = complaint.bureau.region if complaint.bureau is not None else complaint.region
    if not str(agency.region_id).startswith(scope.code_prefix):
        raise ValidationError({"agency": [f"“{agency.name}”不在{scope.name}的监督范围内。"]})
    return agency


def assign_locked(complaint: Complaint, *, agency: Organisation, actor: Any, note: str) -> None:
    """分办 inside the caller's transaction (intake's automatic routing)."""
    current = _common.locked(complaint)
    _common.check(current, Status.ASSIGNED, "分办")
    before = snapshot(current)
    _, due = _hand_over(current, agency, kind=EventKind.ASSIGNED, start=timefmt.today())
    _common.record_event(
        current,
        kind=EventKind.ASSIGNED,
        actor=actor,
        action="complaints.complaint.assign",
        summary=f"问题 {current.number} 分办至{agency.name}",
        text_=f"转{agency.name}办理，请于{due}前答复。" + (f"{note}" if note else ""),
        before=before,
        label="" if actor is not None else "系统自动分办",
    )
    messages.complaint_assigned(current, actor=actor)
    complaint.refresh_from_db()


def assign(complaint: Complaint, *, agency: Any, actor: Any, note: str = "") -> Complaint:
    access.require(actor, "complaints.handle", complaint)
    agency = _check_agency(complaint, agency)
    note = _common.text(note, "分办意见", field="note", limit=500, multiline=True)
    with transaction.atomic():
        assign_locked(complaint, agency=agency, actor=actor, note=note)
    complaint.refresh_from_db()
    return complaint


def decline(complaint: Complaint, *, actor: Any, reason: str) -> Complaint:
    """不予受理 (not enterprise-related enforcement, already handled elsewhere …), with reason."""
    access.require(actor, "complaints.handle", complaint)
    reason = _common.text(
        reason, "不予受理理由", field="reason", required=True, limit=1000, multiline=True
    )
    with transaction.atomic():
        current = _common.locked(complaint)
        _common.check(current, Status.DECLINED, "不予受理")
        before = snapshot(current)
        current.status = Status.DECLINED
        current.decline_reason = reason
        current.closed_at = timezone.now()
        _common.record_event(
            current,
            kind=EventKind.DECLINED,
            actor=actor,
            action="complaints.complaint.decline",
            summary=f"问题 {current.number} 不予受理",
            text_=reason,
            before=before,
        )
    complaint.refresh_from_db()
    return complaint


def answer(complaint: Complaint, *, actor: Any, text: str, files: Sequence[Any] = ()) -> Complaint:
    """The agency's 办理结果 with its evidence, checked whole before anything is stored."""
    access.require(actor, "complaints.answer", complaint)
    body = _common.text(
        text, "办理结果", field="answer", required=True, limit=_common.CONTENT_LIMIT, multiline=True
    )
    _common.check_files(files, label="办理佐证", types=_common.EVIDENCE_TYPES)
    with transaction.atomic():
        current = _common.locked(complaint)
        _common.check(current, Status.ANSWERED, "答复")
        before = snapshot(current)
        current.status = Status.ANSWERED
        current.answer = body
        current.answered_at = timezone.now()
        _common.store_files(current, files, stage=FileStage.ANSWER)
        late = current.answer_due is not None and timefmt.today() > current.answer_due
        _common.record_event(
            current,
            kind=EventKind.ANSWERED,
            actor=actor,
            action="complaints.complaint.answer",
            summary=f"{current.agency.name if current.agency else ''}答复问题 {current.number}"
            + ("（逾期）" if late else ""),
            text_=body,
            before=before,
        )
        messages.complaint_answered(current, actor=actor)
    complaint.refresh_from_db()
    return complaint


def return_for_rework(complaint: Complaint, *, actor: Any, reason: str) -> Complaint:
    """The bureau finds the answer wanting: back to the agency with a new deadline."""
    access.require(actor, "complaints.handle", complaint)
    reason = _common.text(
        reason, "退回理由", field="reason", required=True, limit=1000, multiline=True
    )
    with transaction.atomic():
        current = _common.locked(complaint)
        if current.status != Status.ANSWERED:
            _common.check(current, "-", "退回重办")
        before = snapshot(current)
        agency, due = _hand_over(
            current, current.agency, kind=EventKind.RETURNED, start=timefmt.today()
        )
        _common.record_event(
            current,
            kind=EventKind.RETURNED,
            actor=actor,
            action="complaints.complaint.return",
            summary=f"问题 {current.number} 退回{agency.name}重办",
            text_=f"{reason}（请于{due}前重新答复）",
            before=before,
        )
    complaint.refresh_from_db()
    return complaint


def verify(complaint: Complaint, *, actor: Any, note: str = "") -> Complaint:
    """核实: the bureau accepts the answer; the complainant is then asked for his 评价."""
    access.require(actor, "complaints.handle", complaint)
    note = _common.text(note, "核实意见", field="note", limit=1000, multiline=True)
    with transaction.atomic():
        current = _common.locked(complaint)
        _common.check(current, Status.VERIFIED, "核实")
        before = snapshot(current)
        current.status = Status.VERIFIED
        current.verified_at = timezone.now()
        current.verify_note = note
        _common.record_event(
            current,
            kind=EventKind.VERIFIED,
            actor=actor,
            action="complaints.complaint.verify",
            summary=f"核实问题 {current.number} 的办理结果",
            text_=note or "办理结果经核实，请反映人评价。",
            before=before,
        )
    complaint.refresh_from_db()
    return complaint


def rate(
    complaint: Complaint, *, satisfaction: str, comment: str = "", actor: Any = None
) -> Complaint:
    """The complainant's 评价: satisfied (or basically) closes the item (销号); not satisfied
    hands it back to the agency (重新办理). ``actor`` is None when he came with his tracking
    code; a signed-in enterprise user must be the complainant."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        access.require(actor, "complaints.rate", complaint)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": ["请选择满意、基本满意或不满意。"]})
    comment = _common.text(comment, "评价意见", field="comment", limit=500, multiline=True)
    if satisfaction == Satisfaction.UNSATISFIED and not comment:
        raise ValidationError({"comment": ["不满意时请说明理由，以便重新办理。"]})
    with transaction.atomic():
        current = _common.locked(complaint)
        if current.status != Status.VERIFIED:
            raise ValidationError(
                f"问题 {current.number} 当前为“{current.get_status_display()}”，"
                "办理结果经核实后才能评价。"
            )
        before = snapshot(current)
        current.satisfaction = satisfaction
        current.satisfaction_at = timezone.now()
        label = Satisfaction(satisfaction).label
        _common.record_event(
            current,
            kind=EventKind.RATED,
            actor=actor,
            action="complaints.complaint.rate",
            summary=f"反映人评价问题 {current.number}：{label}",
            text_=label + (f"：{comment}" if comment else ""),
            before=before,
            label="反映人",
        )
        before = snapshot(current)
        if satisfaction == Satisfaction.UNSATISFIED:
            agency, due = _hand_over(
                current, current.agency, kind=EventKind.REOPENED, start=timefmt.today()
            )
            current.reopen_count += 1
            _common.record_event(
                current,
                kind=EventKind.REOPENED,
                actor=actor,
                action="complaints.complaint.reopen",
                summary=f"问题 {current.number} 因反映人不满意重新办理",
                text_=f"重新交{agency.name}办理，请于{due}前答复。",
                before=before,
                label="反映人",
            )
        else:
            current.status = Status.CLOSED
            current.closed_at = timezone.now()
            current.closing_note = f"反映人评价{label}。"
            _common.record_event(
                current,
                kind=EventKind.CLOSED,
                actor=actor,
                action="complaints.complaint.close",
                summary=f"问题 {current.number} 销号",
                text_=f"反映人评价{label}，销号。",
                before=before,
                label="反映人",
            )
    complaint.refresh_from_db()
    return complaint


def close_unanswered(complaint: Complaint, *, actor: Any, note: str) -> Complaint:
    """销号 by the bureau when the complainant cannot be reached or gives no 评价: it says how
    it tried (回访未果) — an item is never closed silently."""
    access.require(actor, "complaints.handle", complaint)
    note = _common.text(note, "销号说明", field="note", required=True, limit=1000, multiline=True)
    with transaction.atomic():
        current = _common.locked(complaint)
        _common.check(current, Status.CLOSED, "销号")
        before = snapshot(current)
        current.status = Status.CLOSED
        current.closed_at = timezone.now()
        current.closing_note = note
        _common.record_event(
            current,
            kind=EventKind.CLOSED,
            actor=actor,
            action="complaints.complaint.close",
            summary=f"问题 {current.number} 销号（监督机关）",
            text_=note,
            before=before,
        )
    complaint.refresh_from_db()
    return complaint


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": ["挽回损失金额应为数字（元），如 12000.50。"]}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": ["挽回损失金额应大于 0 元。"]})
    if amount > MAX_LOSS:
        raise ValidationError({"amount": ["挽回损失金额过大，请核对。"]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": ["挽回损失金额最多保留两位小数（分）。"]})
    return amount.quantize(Decimal("0.01"))


def record_loss(
    complaint: Complaint,
    *,
    actor: Any,
    amount: Any,
    description: str,
    recovered_on: dt.date,
    evidence: Any = None,
) -> RecoveredLoss:
    """An economic loss recovered for the enterprise, in 元, with its evidence."""
    access.require(actor, "complaints.handle", complaint)
    value = _amount(amount)
    description = _common.text(
        description, "挽回方式", field="description", required=True, limit=300
    )
    if not isinstance(recovered_on, dt.date):
        raise ValidationError({"recovered_on": ["请填写挽回日期。"]})
    if recovered_on > timefmt.today():
        raise ValidationError({"recovered_on": ["挽回日期不能晚于今天。"]})
    if evidence is not None:
        _common.check_files([evidence], label="挽回损失佐证", types=_common.EVIDENCE_TYPES)
    with transaction.atomic():
        current = _common.locked(complaint)
        if current.status in (Status.RECEIVED, Status.DECLINED):
            raise ValidationError(
                f"问题 {current.number} 当前为“{current.get_status_display()}”，"
                "分办后才能记录挽回损失。"
            )
        stored = (
            _common.store_files(current, [evidence], stage=FileStage.LOSS)[0]
            if evidence is not None
            else None
        )
        loss = RecoveredLoss.objects.create(
            complaint=current,
            amount=value,
            description=description,
            recovered_on=recovered_on,
            evidence=stored,
            recorded_by=actor,
        )
        _common.record_event(
            current,
            kind=EventKind.LOSS,
            actor=actor,
            action="complaints.complaint.loss",
            summary=f"问题 {current.number} 挽回损失 {value} 元",
            text_=f"{description}，挽回损失 {value:,} 元。",
        )
    return loss


def add_files(complaint: Complaint, *, actor: Any, files: Sequence[Any]) -> list[Any]:
    """More material from the bureau after intake (a 联系点's scan, a photo sent later)."""
    access.require(actor, "complaints.handle", complaint)
    if not files:
        raise ValidationError({"files": ["请选择要上传的文件。"]})
    _common.check_files(files, label="反映材料", types=_common.INTAKE_TYPES)
    with transaction.atomic():
        current = _common.locked(complaint)
        stored = _common.store_files(current, files, stage=FileStage.INTAKE)
        _common.record_event(
            current,
            kind=EventKind.NOTE,
            actor=actor,
            action="complaints.complaint.files",
            summary=f"问题 {current.number} 补充材料 {len(stored)} 个",
            text_=f"补充反映材料 {len(stored)} 个。",
            public=False,
        )
    return stored
