"""State changes of training: sessions, attendees, results, the yearly minimum. Each is atomic,
asks the capability table, and writes its audit record last.

Input problems raise ``ValidationError`` (keyed by field where there is one), in Chinese; a
forbidden action ``PermissionDenied``. Adding attendees and importing them are all-or-nothing:
one officer outside the organiser's scope refuses the whole request and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.core import access
from zhifa.core.tabular import ImportFileError, clean_text
from zhifa.core.textinput import problem
from zhifa.org.models import Officer, Organisation, Region
from zhifa.training import importing, rules
from zhifa.training.models import (
    DEFAULT_PASS_SCORE,
    MAX_HOURS,
    Attendance,
    TrainingForm,
    TrainingRequirement,
    TrainingSession,
)
from zhifa.training.rules import parse_decimal

MIN_HOURS = Decimal("0.5")
TEXT_LIMITS = {"topic": ("培训主题", 200), "trainer": ("授课人", 100), "place": ("培训地点", 200)}


# --- Values ------------------------------------------------------------------------------------


def passed_for(session: TrainingSession, score: Decimal | None) -> bool | None:
    if not session.is_exam or score is None:
        return None
    return score >= (session.pass_score or DEFAULT_PASS_SCORE)


def _clean_session(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key, (label, limit) in TEXT_LIMITS.items():
        text = clean_text(data.get(key, ""))
        reason = problem(text)
        if not text:
            errors[key] = [f"请填写{label}。"]
        elif reason:
            errors[key] = [f"{label}{reason}"]
        elif len(text) > limit:
            errors[key] = [f"{label}不能超过 {limit} 个字。"]
        cleaned[key] = text
    form = data.get("form")
    if form not in TrainingForm.values:
        errors["form"] = ["请选择培训形式：" + "、".join(str(c.label) for c in TrainingForm) + "。"]
    cleaned["form"] = form
    day = data.get("date")
    if not isinstance(day, dt.date):
        errors["date"] = ["请填写培训日期。"]
    elif day > timezone.localdate():
        # Hours are credited for training that took place; a planned session is not recorded.
        errors["date"] = [f"培训日期 {day:%Y-%m-%d} 晚于今天；请在培训举办后登记。"]
    cleaned["date"] = day
    try:
        cleaned["hours"] = parse_decimal(
            data.get("hours"), label="学时", low=MIN_HOURS, high=MAX_HOURS
        )
    except ValueError as error:
        errors["hours"] = [str(error)]
    cleaned["pass_score"] = None
    if form == TrainingForm.EXAM:
        raw = data.get("pass_score")
        if raw in (None, ""):
            cleaned["pass_score"] = DEFAULT_PASS_SCORE
        else:
            try:
                cleaned["pass_score"] = parse_decimal(
                    raw, label="合格分数线", low=Decimal("0"), high=Decimal("100")
                )
            except ValueError as error:
                errors["pass_score"] = [str(error)]
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Sessions ----------------------------------------------------------------------------------


def create_session(
    *, actor: Any, organiser: Organisation, data: Mapping[str, Any]
) -> TrainingSession:
    """Record a session held by ``organiser`` (date, form, topic, trainer, place, hours; for an
    exam the pass mark, 60 by default)."""
    access.require(actor, "training.manage", organiser)
    cleaned = _clean_session(data)
    with transaction.atomic():
        session = TrainingSession.objects.create(
            organiser=organiser, region=organiser.region, created_by=actor, **cleaned
        )
        record_change(
            actor=actor,
            action="training.session.create",
            obj=session,
            before=None,
            after=snapshot(session),
            summary=f"登记培训：{session.date:%Y-%m-%d}“{session.topic}”"
            f"（{session.get_form_display()}，{session.hours} 学时）",
        )
    return session


# --- Attendees ---------------------------------------------------------------------------------


def add_attendees(
    session: TrainingSession, *, actor: Any, officers: Iterable[Officer]
) -> list[Attendance]:
    """Record ``officers`` at ``session``, each credited the session's hours. All or nothing:
    an officer outside the organiser's scope, or already recorded, refuses the whole list."""
    access.require(actor, "training.manage", session)
    chosen = list(dict.fromkeys(officers))
    if not chosen:
        raise ValidationError({"officers": ["请至少选择一名参训人员。"]})
    organiser = session.organiser
    with transaction.atomic():
        # The session's row is the lock: two requests adding the same officer cannot both pass
        # the check below.
        TrainingSession.objects.select_for_update().filter(pk=session.pk).first()
        already = set(session.attendances.values_list("officer_id", flat=True))
        problems: list[str] = []
        for officer in chosen:
            reason = rules.attendee_refusal(organiser, officer)
            if reason:
                problems.append(reason)
            elif officer.pk in already:
                problems.append(f"执法人员{officer.name}（{officer.cert_no}）已在参训名单中。")
        if problems:
            raise ValidationError({"officers": problems})
        added = [
            Attendance.objects.create(session=session, officer=officer, hours=session.hours)
            for officer in chosen
        ]
        record_change(
            actor=actor,
            action="training.attendance.add",
            obj=session,
            before={"attendees": sorted(already)},
            after={"attendees": sorted(already | {o.pk for o in chosen})},
            summary=f"培训“{session.topic}”登记参训人员 {len(added)} 名："
            + "、".join(o.name for o in chosen),
        )
    return added


def record_result(
    attendance: Attendance, *, actor: Any, hours: Any, score: Any = None
) -> Attendance:
    """Set the hours credited to one attendee and, for an exam, his score (pass/fail follows
    from the session's pass mark)."""
    session = attendance.session
    access.require(actor, "training.manage", session)
    errors: dict[str, list[str]] = {}
    try:
        new_hours = parse_decimal(hours, label="认定学时", low=Decimal("0"), high=MAX_HOURS)
    except ValueError as error:
        errors["hours"] = [str(error)]
    new_score: Decimal | None = None
    if session.is_exam:
        if score in (None, ""):
            errors["score"] = ["考试须填写成绩（0 至 100 分）。"]
        else:
            try:
                new_score = parse_decimal(
                    score, label="考试成绩", low=Decimal("0"), high=Decimal("100")
                )
            except ValueError as error:
                errors["score"] = [str(error)]
    elif score not in (None, ""):
        errors["score"] = [
            f"本次培训的形式是{session.get_form_display()}，不是考试，不能登记成绩。"
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snapshot(attendance)
        attendance.hours = new_hours
        attendance.score = new_score
        attendance.passed = passed_for(session, new_score)
        attendance.save(update_fields=["hours", "score", "passed"])
        record_change(
            actor=actor,
            action="training.attendance.record",
            obj=attendance,
            before=before,
            after=snapshot(attendance),
            summary=f"登记{attendance.officer.name}在培训“{session.topic}”的学时 {new_hours}"
            + (f"、成绩 {new_score}（{attendance.result_label}）" if new_score is not None else ""),
        )
    return attendance


def remove_attendee(attendance: Attendance, *, actor: Any) -> None:
    session = attendance.session
    access.require(actor, "training.manage", session)
    with transaction.atomic():
        before = snapshot(attendance)
        officer = attendance.officer
        record_id = attendance.pk
        attendance.delete()
        record_change(
            actor=actor,
            action="training.attendance.remove",
            object_type=Attendance._meta.label_lower,
            object_id=str(record_id),
            region=session.region_id,
            before=before,
            after=None,
            summary=f"从培训“{session.topic}”的参训名单中移除{officer.name}（{officer.cert_no}）",
        )


def import_attendance(
    session: TrainingSession, *, actor: Any, file_name: str, content: bytes
) -> importing.AttendanceReport:
    """Record attendees from a filled-in sheet (执法证号, 姓名, 学时, 成绩). The whole file is
    checked first; any bad row (each reported with its number and reason) and nothing is
    written. An officer already on the list has his hours and score updated."""
    access.require(actor, "training.manage", session)
    report = importing.AttendanceReport(file_name=file_name)
    try:
        importing.validate(report, session, content)
    except ImportFileError as error:
        report.file_error = str(error)
    if not report.ok:
        return report
    with transaction.atomic():
        TrainingSession.objects.select_for_update().filter(pk=session.pk).first()
        existing = {a.officer_id: a for a in session.attendances.select_for_update()}
        for row in report.rows:
            found = existing.get(row.officer.pk)
            passed = passed_for(session, row.score)
            if found is None:
                Attendance.objects.create(
                    session=session,
                    officer=row.officer,
                    hours=row.hours,
                    score=row.score,
                    passed=passed,
                )
                report.created += 1
            elif (found.hours, found.score, found.passed) != (row.hours, row.score, passed):
                found.hours, found.score, found.passed = row.hours, row.score, passed
                found.save(update_fields=["hours", "score", "passed"])
                report.updated += 1
        record_change(
            actor=actor,
            action="training.attendance.import",
            obj=session,
            before={"attendees": sorted(existing)},
            after={
                "file": file_name,
                "rows": [
                    {
                        "officer": row.officer.pk,
                        "hours": str(row.hours),
                        "score": None if row.score is None else str(row.score),
                    }
                    for row in report.rows
                ],
            },
            summary=f"从文件导入培训“{session.topic}”的参训记录：新增 {report.created} 名、"
            f"更新 {report.updated} 名",
        )
    return report


# --- The yearly minimum ------------------------------------------------------------------------


def set_requirement(
    *, actor: Any, region: Region | None, yearly_hours: Any, source: str
) -> TrainingRequirement:
    """Set the yearly minimum hours for ``region`` (None: the national default), naming the
    source of the figure."""
    access.require(actor, "training.configure", region)
    errors: dict[str, list[str]] = {}
    try:
        hours = parse_decimal(
            yearly_hours, label="年度最低培训学时", low=MIN_HOURS, high=Decimal("1000")
        )
    except ValueError as error:
        errors["yearly_hours"] = [str(error)]
    text = clean_text(source)
    if not text:
        errors["source"] = ["请写明该学时要求的依据（文件名称和文号，或“演示设置”）。"]
    elif problem(text):
        errors["source"] = [f"依据{problem(text)}"]
    elif len(text) > 255:
        errors["source"] = ["依据不能超过 255 个字。"]
    if region is None and not actor.is_admin:
        errors["region"] = ["全国默认值只能由系统管理员设置。"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        found = (
            TrainingRequirement.objects.select_for_update()
            .filter(region=region)
            .order_by("pk")
            .first()
        )
        before = snapshot(found) if found is not None else None
        if found is None:
            found = TrainingRequirement(region=region)
        found.yearly_hours = hours
        found.source = text
        found.updated_at = timezone.now()
        found.save()
        where = region.name if region is not None else "全国"
        record_change(
            actor=actor,
            action="training.requirement.set",
            obj=found,
            before=before,
            after=snapshot(found),
            region=region.code if region is not None else None,
            summary=f"设置{where}年度最低培训学时为 {hours}（依据：{text}）",
        )
    return found
