"""Every step of a supervision letter (监督文书办理), each a transaction ending in its audit record.

拟稿 → 送审 → 审核 → 签发 (文号 by ``documents.issue_document``, pushed to the agency's inbox by
``deliver_document``) → 签收 (``confirm_receipt``) → 回复 → 核查办结, or 退回重报; 复查 applied
for by the agency within the configured window and decided by the bureau; overdue replies
escalated to a 提示函 and then a 督办函 draft; 约谈 recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.audit.sm3 import sm3_of_chunks
from zhifa.core import access, textinput, timefmt, uploads
from zhifa.documents import specs
from zhifa.documents.models import DeliveryMethod, DocumentKind, DocumentStatus
from zhifa.documents.services import (
    NOTHING_CHANGED,
    confirm_receipt,
    create_draft,
    deliver_document,
    issue_document,
    update_draft,
)
from zhifa.inspections.models import InspectionCase
from zhifa.org.models import Organisation, OrganisationKind, Region
from zhifa.supervision import sources
from zhifa.supervision.models import (
    AWAITING_REPLY,
    EscalationStep,
    LetterReply,
    LetterStatus,
    LetterType,
    ReplyEvidence,
    ReviewStatus,
    Summons,
    SupervisionLetter,
    SupervisionMethod,
)
from zhifa.workdays.selectors import WorkCalendar, YearNotLoaded, work_calendar

MAX_EVIDENCE_FILES = 10
TEXT_LIMIT = 2000
# Outcomes of a 复查 decision.
REVIEW_OUTCOMES = (ReviewStatus.UPHELD, ReviewStatus.CHANGED, ReviewStatus.REVOKED)
REMIND_KIND = "reminder_letter"
URGE_KIND = "urging_letter"


# --- Configuration --------------------------------------------------------------------------


def _region_chain(region: Region | None) -> list[Region]:
    chain: list[Region] = []
    while region is not None and len(chain) < 10:
        chain.append(region)
        region = region.parent
    return chain


def letter_types_for(bureau: Organisation) -> list[LetterType]:
    """The kinds a bureau drafts: for each document kind, the row of the nearest region up the
    bureau's region chain, else the national default; inactive rows and kinds are left out."""
    chain = _region_chain(bureau.region)
    rank = {region.pk: position for position, region in enumerate(chain)}
    rows = LetterType.objects.filter(
        Q(region__isnull=True) | Q(region__in=[r.pk for r in chain]), kind__is_active=True
    ).select_related("kind", "region")
    best: dict[int, LetterType] = {}
    for row in rows:
        position = rank.get(row.region_id, len(chain)) if row.region_id else len(chain)
        current = best.get(row.kind_id)
        current_position = (
            rank.get(current.region_id, len(chain)) if current and current.region_id else len(chain)
        )
        if current is None or position < current_position:
            best[row.kind_id] = row
    return sorted(
        (row for row in best.values() if row.is_active), key=lambda r: (r.sort_order, r.pk)
    )


def letter_type_for(bureau: Organisation, kind_code: str) -> LetterType | None:
    return next((t for t in letter_types_for(bureau) if t.kind.code == kind_code), None)


# --- Small helpers --------------------------------------------------------------------------


def _state_error(letter: SupervisionLetter, doing: str) -> ValidationError:
    state = LetterStatus(letter.status).label
    return ValidationError(f"监督文书{letter.label}当前为“{state}”，不能{doing}。")


def _check(letter: SupervisionLetter, target: str, doing: str) -> None:
    if not letter.can_become(target):
        raise _state_error(letter, doing)


def _locked(letter: SupervisionLetter) -> SupervisionLetter:
    return (
        SupervisionLetter.objects.select_for_update()
        .select_related("letter_type__kind", "document", "addressee", "bureau")
        .get(pk=letter.pk)
    )


def _refresh(stale: SupervisionLetter, current: SupervisionLetter) -> None:
    for f in SupervisionLetter._meta.concrete_fields:
        setattr(stale, f.attname, getattr(current, f.attname))
    stale.__dict__.pop("_state_cache", None)
    for name in ("document", "letter_type"):
        if name in current._state.fields_cache:
            stale._state.fields_cache[name] = current._state.fields_cache[name]


def _text(value: Any, *, label: str, required: bool, limit: int = TEXT_LIMIT) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError(f"请填写{label}。")
    if len(text) > limit:
        raise ValidationError(f"{label}不能超过 {limit} 字（现有 {len(text)} 字）。")
    try:
        return textinput.check(text, label=label, multiline=True)
    except textinput.TextError as error:
        raise ValidationError(str(error)) from None


def _calendar() -> WorkCalendar:
    return work_calendar()


def _workdays_after(day: dt.date, n: int) -> dt.date:
    try:
        return _calendar().add_workdays(day, n)
    except YearNotLoaded as error:
        raise ValidationError(f"无法按工作日计算期限：{error}") from None


def clean_content(kind_code: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The document content from the drafting form's fields (lines for the list fields), checked
    for control characters; keys other than the kind's fields are ignored."""
    try:
        fields = specs.form_fields(kind_code)
    except KeyError:
        fields = ()
    content: dict[str, Any] = {}
    for field in fields:
        value = data.get(field.name)
        if field.many:
            if isinstance(value, str):
                items = [line.strip() for line in value.splitlines()]
            else:
                items = [str(v).strip() for v in (value or [])]
            content[field.name] = [
                _text(item, label=field.label, required=False, limit=500) for item in items if item
            ]
        else:
            content[field.name] = _text(value, label=field.label, required=False)
    return content


# --- Drafting -------------------------------------------------------------------------------


def draft_letter(
    *,
    actor: Any,
    letter_type: LetterType,
    addressee: Organisation,
    content: Mapping[str, Any],
    method: str = SupervisionMethod.ROUTINE,
    reply_working_days: int | None = None,
    case: InspectionCase | None = None,
    source_code: str = "",
    source_pk: int | None = None,
    source_label: str = "",
    bureau: Organisation | None = None,
    escalates: SupervisionLetter | None = None,
    escalation_step: str = "",
    orders_correction: bool = False,
) -> SupervisionLetter:
    """A new 拟稿 of the actor's bureau to ``addressee``, with its 文书 draft."""
    bureau = bureau or getattr(actor, "organisation", None)
    if bureau is None:
        raise PermissionDenied("您未隶属于行政执法监督机关，不能拟制监督文书。")
    access.require(actor, "supervision.draft", None if escalates is None else escalates)
    if not actor.is_admin and not actor.acts_for(bureau.pk, "supervisor", "supervision_head"):
        raise PermissionDenied("只能以本机关名义拟制监督文书。")
    if bureau.kind not in OrganisationKind.supervising():
        raise ValidationError("监督文书只能以行政执法监督机关（司法局、司法所）名义制发。")
    if addressee.kind not in OrganisationKind.enforcing():
        raise ValidationError(
            {"addressee": [f"“{addressee.name}”不是行政执法机关或乡镇人民政府，不能作为受文单位。"]}
        )
    if not str(addressee.region.code).startswith(bureau.region.code_prefix):
        raise ValidationError(
            {"addressee": [f"“{addressee.name}”不在本机关的监督范围（{bureau.region.name}）内。"]}
        )
    if method not in SupervisionMethod.values:
        raise ValidationError({"method": ["请选择监督方式。"]})
    days = reply_working_days if reply_working_days is not None else letter_type.reply_working_days
    if letter_type.needs_reply:
        if days is None or not 1 <= int(days) <= 120:
            raise ValidationError({"reply_working_days": ["回复期限应为 1 至 120 个工作日。"]})
    else:
        days = None
    cleaned = clean_content(letter_type.kind.code, content)
    with transaction.atomic():
        document = create_draft(
            kind=letter_type.kind,
            organisation=bureau,
            actor=actor,
            recipient_organisation=addressee,
            title=letter_type.name,
            context=cleaned,
        )
        letter = SupervisionLetter.objects.create(
            bureau=bureau,
            letter_type=letter_type,
            document=document,
            addressee=addressee,
            case=case,
            source_code=source_code[:32],
            source_pk=source_pk,
            source_label=source_label[:200],
            method=method,
            reply_working_days=days,
            drafted_by=actor,
            drafted_at=timezone.now(),
            escalates=escalates,
            escalation_step=escalation_step,
            orders_correction=orders_correction,
        )
        record_change(
            actor=actor,
            action="supervision.letter.draft",
            obj=letter,
            after=snapshot(letter),
            summary=f"拟制{letter_type.name}，受文单位 {addressee.name}"
            + (f"，来源：{source_label}" if source_label else ""),
        )
        if source_code and source_pk is not None:
            # Escalations name their overdue letter as the source, which has no hook.
            hook = next((s.on_drafted for s in sources.sources() if s.code == source_code), None)
            if hook is not None:
                hook(source_pk, letter, actor)
    return letter


def update_letter(
    letter: SupervisionLetter,
    *,
    actor: Any,
    content: Mapping[str, Any],
    method: str | None = None,
    reply_working_days: int | None = None,
    orders_correction: bool | None = None,
) -> SupervisionLetter:
    """Change a 拟稿 (or one sent back by 审核): its content, method and reply period."""
    access.require(actor, "supervision.draft", letter)
    with transaction.atomic():
        current = _locked(letter)
        if current.status != LetterStatus.DRAFT:
            raise _state_error(current, "修改（只有拟稿状态可以修改）")
        before = snapshot(current)
        if method is not None:
            if method not in SupervisionMethod.values:
                raise ValidationError({"method": ["请选择监督方式。"]})
            current.method = method
        if reply_working_days is not None and current.letter_type.needs_reply:
            if not 1 <= int(reply_working_days) <= 120:
                raise ValidationError({"reply_working_days": ["回复期限应为 1 至 120 个工作日。"]})
            current.reply_working_days = int(reply_working_days)
        if orders_correction is not None:
            current.orders_correction = orders_correction
        cleaned = clean_content(current.letter_type.kind.code, content)
        changed_content = cleaned != {k: current.document.context.get(k) for k in cleaned}
        if changed_content:
            update_draft(current.document, data={"context": cleaned}, actor=actor)
        after = snapshot(current)
        if after == before and not changed_content:
            raise ValidationError(NOTHING_CHANGED)
        current.save()
        record_change(
            actor=actor,
            action="supervision.letter.update",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"修改监督文书草稿 {current.label}",
        )
    _refresh(letter, current)
    return current


# Fields of a kind that may stay empty; the platform fills in the reply deadline at 签发, and a
# letter whose facts say it all (a 提示函) has no separate list of problems (the section is then
# left out of the document).
OPTIONAL_FIELDS = frozenset({"remarks", "reply_deadline", "problems"})


def missing_content(letter: SupervisionLetter) -> list[str]:
    """The labels of the kind's fields still empty in the draft."""
    context = letter.document.context
    return [
        field.label
        for field in _fields(letter.letter_type.kind.code)
        if field.name not in OPTIONAL_FIELDS and not context.get(field.name)
    ]


def submit_letter(letter: SupervisionLetter, *, actor: Any) -> SupervisionLetter:
    """拟稿 → 待审核, once every field of the kind is filled in."""
    access.require(actor, "supervision.draft", letter)
    with transaction.atomic():
        current = _locked(letter)
        _check(current, LetterStatus.SUBMITTED, "送审")
        missing = missing_content(current)
        if missing:
            raise ValidationError(
                f"监督文书{current.label}尚未填写：{'、'.join(missing)}；请补全草稿后再送审。"
            )
        before = snapshot(current)
        current.status = LetterStatus.SUBMITTED
        current.submitted_at = timezone.now()
        current.save()
        record_change(
            actor=actor,
            action="supervision.letter.submit",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"监督文书 {current.label} 送审核",
        )
    _refresh(letter, current)
    return current


def review_letter(
    letter: SupervisionLetter, *, actor: Any, approve: bool, opinion: str = ""
) -> SupervisionLetter:
    """审核 by another supervisor of the bureau: 待审核 → 待签发, or back to 拟稿 with the
    opinion."""
    access.require(actor, "supervision.review", letter)
    opinion = _text(opinion, label="审核意见", required=not approve, limit=500)
    target = LetterStatus.REVIEWED if approve else LetterStatus.DRAFT
    with transaction.atomic():
        current = _locked(letter)
        if current.status != LetterStatus.SUBMITTED:
            raise _state_error(current, "审核")
        before = snapshot(current)
        current.status = target
        current.reviewed_by = actor
        current.reviewed_at = timezone.now()
        current.review_opinion = opinion
        current.save()
        record_change(
            actor=actor,
            action="supervision.letter.review",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=(
                f"审核通过监督文书 {current.label}"
                if approve
                else f"审核退回监督文书 {current.label}：{opinion}"
            ),
        )
    _refresh(letter, current)
    return current


def sign_letter(
    letter: SupervisionLetter, *, actor: Any, issue_date: dt.date | None = None
) -> SupervisionLetter:
    """签发 by the bureau's head: the reply deadline is fixed in working days from the issue date
    and printed, the 文书 is numbered and issued, and pushed to the addressee's inbox."""
    access.require(actor, "supervision.sign", letter)
    current = SupervisionLetter.objects.select_related("letter_type__kind", "document").get(
        pk=letter.pk
    )
    if current.status == LetterStatus.SUBMITTED:
        raise ValidationError(f"监督文书{current.label}尚未审核，不能签发。")
    if current.status != LetterStatus.REVIEWED:
        raise _state_error(current, "签发")
    day = issue_date or timezone.localdate()
    reply_due = None
    if current.letter_type.needs_reply and current.reply_working_days:
        reply_due = _workdays_after(day, current.reply_working_days)
    review_due = None
    if current.letter_type.review_window_working_days:
        review_due = _workdays_after(day, current.letter_type.review_window_working_days)
    # The 文号 is reserved in its own transaction (documents.allocate_number), so issuing runs
    # outside ours; a sign interrupted after the issue resumes here without a second number.
    document = current.document
    if document.status == DocumentStatus.DRAFT:
        names = {f.name for f in _fields(current.letter_type.kind.code)}
        if "reply_deadline" in names:
            printed = timefmt.chinese_date(reply_due) if reply_due else "收到本文书后及时"
            if document.context.get("reply_deadline") != printed:
                update_draft(
                    document,
                    data={"context": {**document.context, "reply_deadline": printed}},
                    actor=actor,
                )
        document = issue_document(document, actor=actor, issue_date=day)
    if not document.deliveries.exists():
        deliver_document(document, method=DeliveryMethod.PORTAL, actor=actor)
    with transaction.atomic():
        locked = _locked(current)
        _check(locked, LetterStatus.ISSUED, "签发")
        before = snapshot(locked)
        locked.status = LetterStatus.ISSUED
        locked.signed_by = actor
        locked.signed_at = timezone.now()
        locked.reply_due = reply_due
        locked.review_due = review_due
        locked.save()
        record_change(
            actor=actor,
            action="supervision.letter.sign",
            obj=locked,
            before=before,
            after=snapshot(locked),
            summary=f"签发监督文书 {locked.label}，已送达受文单位平台收件箱"
            + (f"，回复期限 {timefmt.fmt_date(reply_due)}" if reply_due else ""),
        )
    _refresh(letter, locked)
    return locked


def _fields(kind_code: str) -> tuple[specs.FormField, ...]:
    try:
        return specs.form_fields(kind_code)
    except KeyError:
        return ()


# --- The agency's side ----------------------------------------------------------------------


def receive_letter(letter: SupervisionLetter, *, actor: Any) -> SupervisionLetter:
    """签收 by a user of the addressee; the 复查 window counts from this day."""
    access.require(actor, "supervision.answer", letter)
    with transaction.atomic():
        current = _locked(letter)
        _check(current, LetterStatus.RECEIVED, "签收")
        before = snapshot(current)
        confirm_receipt(current.document, actor=actor)
        current.status = LetterStatus.RECEIVED
        current.received_at = timezone.now()
        if current.letter_type.review_window_working_days:
            current.review_due = _workdays_after(
                timezone.localdate(), current.letter_type.review_window_working_days
            )
        current.save()
        record_change(
            actor=actor,
            action="supervision.letter.receive",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"{current.addressee.name} 签收监督文书 {current.label}",
        )
    _refresh(letter, current)
    return current


def reply_letter(
    letter: SupervisionLetter, *, actor: Any, text: str, files: Sequence[Any] = ()
) -> LetterReply:
    """The agency's 整改（执行）情况报告 with its evidence files."""
    access.require(actor, "supervision.answer", letter)
    text = _text(text, label="整改（执行）情况", required=True, limit=5000)
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError({"files": [f"佐证材料最多 {MAX_EVIDENCE_FILES} 个文件。"]})
    for upload in files:
        try:
            uploads.check_upload(upload, types=uploads.EVIDENCE, label="佐证材料")
        except uploads.UploadError as error:
            raise ValidationError({"files": [str(error)]}) from None
    stored: list[str] = []
    try:
        with transaction.atomic():
            current = _locked(letter)
            if current.status == LetterStatus.ISSUED:
                raise ValidationError(f"请先签收监督文书{current.label}，再报送整改（执行）情况。")
            _check(current, LetterStatus.REPLIED, "报送整改（执行）情况")
            if not current.letter_type.needs_reply:
                raise ValidationError(f"{current.letter_type.name}无需书面回复。")
            before = snapshot(current)
            reply = LetterReply.objects.create(
                letter=current, text=text, submitted_by=actor, submitted_at=timezone.now()
            )
            for upload in files:
                digest = sm3_of_chunks(uploads.chunks(upload))
                evidence = ReplyEvidence(reply=reply, name=str(upload.name)[:200], sm3=digest)
                evidence.file.save(str(upload.name), upload, save=False)
                stored.append(str(evidence.file.name))
                evidence.save()
            current.status = LetterStatus.REPLIED
            current.replied_at = reply.submitted_at
            current.save()
            late = current.reply_due is not None and timezone.localdate() > current.reply_due
            record_change(
                actor=actor,
                action="supervision.letter.reply",
                obj=current,
                before=before,
                after={**snapshot(current), "reply": reply.pk, "files": len(files)},
                summary=f"{current.addressee.name} 报送监督文书 {current.label} 的整改（执行）情况"
                + (f"，附佐证材料 {len(files)} 份" if files else "")
                + ("（逾期）" if late else ""),
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    _refresh(letter, current)
    return reply


def apply_review(letter: SupervisionLetter, *, actor: Any, reasons: str) -> SupervisionLetter:
    """The agency applies for 复查 within the window; the decision is due in working days."""
    access.require(actor, "supervision.answer", letter)
    reasons = _text(reasons, label="申请复查的理由", required=True)
    with transaction.atomic():
        current = _locked(letter)
        window = current.letter_type.review_window_working_days
        if not window:
            raise ValidationError(f"{current.letter_type.name}不适用复查。")
        if current.status in (LetterStatus.DRAFT, LetterStatus.SUBMITTED, LetterStatus.REVIEWED):
            raise _state_error(current, "申请复查")
        if current.review_status:
            raise ValidationError(
                f"监督文书{current.label}已“{ReviewStatus(current.review_status).label}”，"
                "不能再次申请复查。"
            )
        today = timezone.localdate()
        if current.review_due is not None and today > current.review_due:
            raise ValidationError(
                f"申请复查的期限已于 {timefmt.fmt_date(current.review_due)} 届满"
                f"（{current.letter_type.review_source or f'收到之日起 {window} 个工作日内'}）。"
            )
        before = snapshot(current)
        current.review_status = ReviewStatus.APPLIED
        current.review_reasons = reasons
        current.review_applied_at = timezone.now()
        current.review_applied_by = actor
        days = current.letter_type.review_decision_working_days
        current.review_decision_due = _workdays_after(today, days) if days else None
        current.save()
        record_change(
            actor=actor,
            action="supervision.letter.apply_review",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"{current.addressee.name} 对监督文书 {current.label} 申请复查",
        )
    _refresh(letter, current)
    return current


# --- The bureau's verification --------------------------------------------------------------


def close_letter(letter: SupervisionLetter, *, actor: Any, note: str = "") -> SupervisionLetter:
    """核查办结: the reply is accepted (or, for a letter that needs none, it was signed for)."""
    access.require(actor, "supervision.verify", letter)
    note = _text(note, label="核查意见", required=False)
    with transaction.atomic():
        current = _locked(letter)
        if current.status == LetterStatus.RECEIVED and current.letter_type.needs_reply:
            raise ValidationError(
                f"监督文书{current.label}尚未收到整改（执行）情况报告，不能办结。"
            )
        _check(current, LetterStatus.CLOSED, "办结")
        before = snapshot(current)
        current.status = LetterStatus.CLOSED
        current.closed_by = actor
        current.closed_at = timezone.now()
        current.closing_note = note
        current.save()
        record_change(
            actor=actor,
            action="supervision.letter.close",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"核查办结监督文书 {current.label}" + (f"：{note[:80]}" if note else ""),
        )
    _refresh(letter, current)
    return current


def return_letter(letter: SupervisionLetter, *, actor: Any, reason: str) -> SupervisionLetter:
    """退回重报: the report does not answer the letter; the agency reports again."""
    access.require(actor, "supervision.verify", letter)
    reason = _text(reason, label="退回理由", required=True)
    with transaction.atomic():
        current = _locked(letter)
        _check(current, LetterStatus.RETURNED, "退回重报")
        before = snapshot(current)
        current.status = LetterStatus.RETURNED
        current.return_reason = reason
        current.save()
        record_change(
            actor=actor,
            action="supervision.letter.return",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"退回监督文书 {current.label} 的整改（执行）情况报告：{reason[:80]}",
        )
    _refresh(letter, current)
    return current


def decide_review(
    letter: SupervisionLetter, *, actor: Any, outcome: str, decision: str
) -> SupervisionLetter:
    """复查决定: upheld, changed or revoked, with its text."""
    access.require(actor, "supervision.verify", letter)
    if outcome not in REVIEW_OUTCOMES:
        raise ValidationError({"outcome": ["请选择复查结论（维持、变更或撤销）。"]})
    decision = _text(decision, label="复查决定", required=True)
    with transaction.atomic():
        current = _locked(letter)
        if current.review_status != ReviewStatus.APPLIED:
            raise ValidationError(f"监督文书{current.label}没有待决定的复查申请。")
        before = snapshot(current)
        current.review_status = outcome
        current.review_decision = decision
        current.review_decided_at = timezone.now()
        current.review_decided_by = actor
        if outcome == ReviewStatus.REVOKED:
            current.orders_correction = False
        current.save()
        record_change(
            actor=actor,
            action="supervision.letter.decide_review",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"对监督文书 {current.label} 作出复查决定：{ReviewStatus(outcome).label}",
        )
        _draft_review_decision(current, actor=actor, outcome=outcome, decision=decision)
    _refresh(letter, current)
    return current


def _draft_review_decision(
    letter: SupervisionLetter, *, actor: Any, outcome: str, decision: str
) -> SupervisionLetter | None:
    """The decision is also written out as a 复查决定书 for the bureau to sign and send
    (重庆市行政执法监督条例第二十一条: a written 复查决定); a region without the kind gets none."""
    letter_type = letter_type_for(letter.bureau, "review_decision")
    if letter_type is None:
        return None
    number = letter.document.number_text
    name = f"{letter.letter_type.name}（{number}）" if number else letter.letter_type.name
    context = letter.document.context
    return draft_letter(
        actor=actor,
        bureau=letter.bureau,
        letter_type=letter_type,
        addressee=letter.addressee,
        content={
            "matter": name,
            "facts": [f"你单位申请复查的理由：{letter.review_reasons}"],
            "basis": list(context.get("basis") or []) or [letter.letter_type.review_source],
            "requests": [f"复查结论：{ReviewStatus(outcome).label}。", decision],
            "contact": context.get("contact", ""),
        },
        case=letter.case,
        source_code="letter_review",
        source_pk=letter.pk,
        source_label=f"复查申请：{letter.label}",
    )


def record_summons(
    letter: SupervisionLetter,
    *,
    actor: Any,
    held_on: dt.date,
    place: str,
    attendees: str,
    outcome: str,
) -> Summons:
    """约谈 of the agency's head about this letter, with who attended and what came of it."""
    access.require(actor, "supervision.verify", letter)
    place = _text(place, label="约谈地点", required=True, limit=200)
    attendees = _text(attendees, label="参加人员", required=True, limit=1000)
    outcome = _text(outcome, label="约谈结果", required=True)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": ["约谈日期不能晚于今天（请在约谈后记录）。"]})
    with transaction.atomic():
        current = _locked(letter)
        if current.status in (LetterStatus.DRAFT, LetterStatus.SUBMITTED, LetterStatus.REVIEWED):
            raise _state_error(current, "记录约谈")
        summons = Summons.objects.create(
            letter=current,
            held_on=held_on,
            place=place,
            attendees=attendees,
            outcome=outcome,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        record_change(
            actor=actor,
            action="supervision.summons.record",
            obj=summons,
            after={
                "letter": current.pk,
                "held_on": held_on.isoformat(),
                "place": place,
                "attendees": attendees,
                "outcome": outcome,
            },
            summary=f"就监督文书 {current.label} 约谈 {current.addressee.name} 负责人"
            f"（{timefmt.fmt_date(held_on)}，{place}）",
        )
    return summons


# --- Overdue --------------------------------------------------------------------------------


def _escalation_content(letter: SupervisionLetter, step: str) -> dict[str, Any]:
    due = timefmt.chinese_date(letter.reply_due) if letter.reply_due else ""
    number = letter.document.number_text
    name = f"{letter.letter_type.name}（{number}）" if number else letter.letter_type.name
    # The escalation rests on what the overdue letter rested on, and on the duty to report in
    # writing within its deadline.
    basis = list(letter.document.context.get("basis") or []) or [letter.letter_type.legal_basis]
    contact = {"contact": letter.document.context.get("contact", ""), "basis": basis}
    if step == EscalationStep.REMIND:
        return contact | {
            # 事由 is a noun phrase: the kinds print "本机关在对{事由}进行行政执法监督中…".
            "matter": f"你单位办理本机关{name}的情况",
            "facts": (
                [f"{name}已于{timefmt.chinese_date(letter.signed_at)}送达你单位。"]
                if letter.signed_at
                else []
            )
            + [f"{name}要求于{due}前书面回复，截至目前尚未收到你单位的整改（执行）情况报告。"],
            "requests_heading": "提示事项",
            "requests": [f"请抓紧办理{name}所列事项，并书面报告整改（执行）情况。"],
        }
    return contact | {
        "matter": f"你单位办理本机关{name}的情况",
        "facts": [f"{name}回复期限已于{due}届满。", "本机关已发出提示函，你单位仍未报告。"],
        "requests_heading": "督办事项",
        "requests": [
            f"立即办理{name}所列事项。",
            "书面说明逾期未报告的原因，并报告整改（执行）情况。",
        ],
    }


def escalate_overdue(
    today: dt.date, actor: Any = None, *, problems: list[str] | None = None
) -> list[SupervisionLetter]:
    """For every overdue letter: a 提示函 draft once the remind period has passed, then a 督办函
    draft once the urge period has passed, each once per letter and step (idempotent). The drafts
    are made in the name of ``actor``, or of the overdue letter's drafter when none is given."""
    made: list[SupervisionLetter] = []
    calendar = _calendar()
    letters = (
        SupervisionLetter.objects.filter(
            status__in=AWAITING_REPLY,
            letter_type__needs_reply=True,
            reply_due__lt=today,
            escalates__isnull=True,
        )
        .select_related("letter_type__kind", "bureau__region", "addressee__region", "document")
        .order_by("reply_due", "pk")
    )
    for letter in letters:
        try:
            late = calendar.working_days_between(letter.reply_due, today)  # type: ignore[arg-type]
        except YearNotLoaded as error:
            # Never guessed: the letter waits until the year's working days are loaded.
            if problems is not None:
                problems.append(f"{letter.label}：{error}")
            continue
        done = set(letter.escalations.values_list("escalation_step", flat=True))
        steps = []
        remind = letter.letter_type.remind_after_working_days
        urge = letter.letter_type.urge_after_working_days
        if remind is not None and late >= remind and EscalationStep.REMIND not in done:
            steps.append((EscalationStep.REMIND, REMIND_KIND))
        if (
            urge is not None
            and late >= urge
            and EscalationStep.URGE not in done
            and (EscalationStep.REMIND in done or steps)
        ):
            steps.append((EscalationStep.URGE, URGE_KIND))
        for step, kind_code in steps:
            letter_type = letter_type_for(letter.bureau, kind_code)
            if letter_type is None:
                continue
            author = actor or letter.drafted_by
            try:
                with transaction.atomic():
                    made.append(
                        draft_letter(
                            actor=author,
                            letter_type=letter_type,
                            addressee=letter.addressee,
                            content=_escalation_content(letter, step),
                            method=letter.method,
                            case=letter.case,
                            source_code="overdue_letter",
                            source_pk=letter.pk,
                            source_label=f"逾期未回复：{letter.label}",
                            bureau=letter.bureau,
                            escalates=letter,
                            escalation_step=step,
                        )
                    )
            except IntegrityError:
                # Another run made this step at the same moment: once per letter and step.
                continue
    return made


def overdue_letters(today: dt.date) -> Iterable[SupervisionLetter]:
    return SupervisionLetter.objects.filter(
        status__in=AWAITING_REPLY, letter_type__needs_reply=True, reply_due__lt=today
    )


def kind_exists(code: str) -> bool:
    return DocumentKind.objects.filter(code=code).exists()
