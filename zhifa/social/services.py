"""Social supervisors: the registry, the draw that assigns one to an inspection, his answer,
check-in and report, and the bureau's handling of the problems he raises.

Every step is one transaction and writes its audit record last.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.audit.sm3 import sm3_hex, sm3_of_chunks
from zhifa.core import access, timefmt, uploads
from zhifa.core.textinput import problem
from zhifa.documents.selectors import current_prohibitions, current_prohibitions_version
from zhifa.draws import record as draw_record
from zhifa.draws import rfc3797
from zhifa.inspections import services as inspection_services
from zhifa.inspections.models import CaseStatus, InspectionCase
from zhifa.org.models import Organisation, OrganisationKind, Region
from zhifa.org.roles import Role
from zhifa.registry.models import Enterprise
from zhifa.social.models import (
    PROBLEM_TRANSITIONS,
    Assignment,
    AssignmentStatus,
    Category,
    Conflict,
    CredentialShown,
    ProblemStatus,
    Report,
    ReportPhoto,
    ReportPoint,
    SocialSupervisor,
)

RECORD_FORMAT = "zhifa-social-draw/1"
POOL_LINE_FORMAT = "监督员编号，按编号升序，每行一人，UTF-8"
SOCIAL_KEY_LABEL = "SOCIAL"
PHOTO_TYPES = (uploads.JPEG, uploads.PNG)
MAX_PHOTOS = 9
DRAWABLE = (CaseStatus.APPROVED, CaseStatus.NOTIFIED)


def _text(
    value: Any,
    label: str,
    *,
    field: str,
    required: bool = False,
    limit: int = 0,
    multiline: bool = False,
) -> str:
    """Text a person typed, trimmed; refused with the field named when it holds control
    characters, is missing or too long."""
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [f"请填写{label}。"]})
    reason = problem(text, multiline=multiline) if text else ""
    if reason:
        raise ValidationError({field: [f"{label}{reason}"]})
    if limit and len(text) > limit:
        raise ValidationError({field: [f"{label}不能超过 {limit} 个字，现有 {len(text)} 个字。"]})
    return text


def _covers(region: Region, case_region: Region) -> bool:
    """Whether a supervisor registered for ``region`` serves an inspection in ``case_region``."""
    return case_region.code.startswith(region.code_prefix) or region.code.startswith(
        case_region.code_prefix
    )


# --- The registry -------------------------------------------------------------------------------


def register_supervisor(
    *,
    actor: Any,
    user: Any,
    bureau: Organisation,
    category: str,
    category_note: str = "",
    region: Region | None = None,
    phone: str = "",
) -> SocialSupervisor:
    """Enter a social supervisor (his account must already exist with the role 社会监督员)."""
    access.require(actor, "social.manage", bureau)
    if bureau.kind not in OrganisationKind.supervising():
        raise ValidationError({"bureau": [f"{bureau.name}不是执法监督机关，不能管理社会监督员。"]})
    if not actor.acts_for(bureau.pk, *Role.supervising_roles()):
        raise ValidationError({"bureau": [f"您不是{bureau.name}的执法监督人员，不能为其登记。"]})
    if not user.has_role(Role.SOCIAL_SUPERVISOR):
        raise ValidationError({"user": [f"{user.person_name}的账号不是社会监督员账号。"]})
    if SocialSupervisor.objects.filter(user=user).exists():
        raise ValidationError({"user": [f"{user.person_name}已在社会监督员名册中。"]})
    if category not in Category.values:
        raise ValidationError({"category": ["请选择社会监督员类别。"]})
    note = _text(category_note, "类别说明", field="category_note", limit=100)
    if category == Category.OTHER and not note:
        raise ValidationError({"category_note": ["类别为“其他”时请填写类别说明。"]})
    region = region or bureau.region
    if not region.code.startswith(bureau.region.code_prefix):
        raise ValidationError({"region": [f"{region.name}不在{bureau.name}的管辖区域内。"]})
    phone = _text(phone, "联系电话", field="phone", limit=20)
    with transaction.atomic():
        supervisor = SocialSupervisor.objects.create(
            user=user,
            code=f"TMP{secrets.token_hex(6)}",
            category=category,
            category_note=note,
            region=region,
            bureau=bureau,
            phone=phone,
        )
        # A public number that says nothing of the account: the draw pools list it.
        supervisor.code = f"SJ{supervisor.pk:05d}"
        supervisor.save(update_fields=["code"])
        record_change(
            actor=actor,
            action="social.supervisor.register",
            obj=supervisor,
            after=snapshot(supervisor),
            summary=f"{bureau.name}登记社会监督员 {supervisor.name}（{supervisor.category_text}）",
        )
    return supervisor


def set_availability(
    supervisor: SocialSupervisor,
    *,
    actor: Any,
    paused: bool,
    until: dt.date | None = None,
    reason: str = "",
) -> SocialSupervisor:
    """Pause him (until a date, or until resumed) or make him available again."""
    access.require(actor, "social.manage", supervisor)
    reason = _text(reason, "暂停原因", field="pause_reason", required=paused, limit=200)
    if paused and until is not None and until < timezone.localdate():
        raise ValidationError({"paused_until": ["暂停截止日期不能早于今天。"]})
    with transaction.atomic():
        current = SocialSupervisor.objects.select_for_update().get(pk=supervisor.pk)
        before = snapshot(current)
        current.is_paused = paused
        current.paused_until = until if paused else None
        current.pause_reason = reason if paused else ""
        current.save(update_fields=["is_paused", "paused_until", "pause_reason"])
        what = (
            f"暂停接受安排{f'至 {until:%Y-%m-%d}' if until else ''}（{reason}）"
            if paused
            else "恢复接受安排"
        )
        record_change(
            actor=actor,
            action="social.supervisor.availability",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"社会监督员 {current.name}{what}",
        )
    return current


def declare_conflict(
    supervisor: SocialSupervisor,
    *,
    actor: Any,
    reason: str,
    enterprise: Enterprise | None = None,
    organisation: Organisation | None = None,
) -> Conflict:
    """Record an enterprise or agency he must not accompany; the draw skips it from now on."""
    access.require(actor, "social.manage", supervisor)
    if (enterprise is None) == (organisation is None):
        raise ValidationError({"enterprise": ["请选择需回避的企业或执法机关（二选一）。"]})
    reason = _text(reason, "回避理由", field="reason", required=True, limit=200)
    with transaction.atomic():
        conflict = Conflict.objects.create(
            supervisor=supervisor, enterprise=enterprise, organisation=organisation, reason=reason
        )
        record_change(
            actor=actor,
            action="social.conflict.declare",
            obj=conflict,
            after=snapshot(conflict),
            summary=f"社会监督员 {supervisor.name}申报回避 {conflict.target}：{reason}",
        )
    return conflict


def withdraw_conflict(conflict: Conflict, *, actor: Any) -> Conflict:
    access.require(actor, "social.manage", conflict.supervisor)
    with transaction.atomic():
        current = Conflict.objects.select_for_update().get(pk=conflict.pk)
        if current.withdrawn_at is not None:
            raise ValidationError("该回避申报已撤回。")
        before = snapshot(current)
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["withdrawn_at"])
        record_change(
            actor=actor,
            action="social.conflict.withdraw",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"撤回社会监督员 {current.supervisor.name}对 {current.target} 的回避申报",
        )
    return current


# --- The draw -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    code: str
    name: str
    reason: str


def draw_pool(case: InspectionCase) -> list[SocialSupervisor]:
    """The registered supervisors who serve the case's region, in 编号 order (the published
    pool: a supervisor unavailable or in conflict stays in it and is skipped with his reason, so
    the draw is the same whoever re-runs it)."""
    everyone = SocialSupervisor.objects.select_related("region", "user").order_by("code")
    return [s for s in everyone if s.is_active and _covers(s.region, case.region)]


def skip_reasons(case: InspectionCase, pool: Sequence[SocialSupervisor]) -> dict[str, str]:
    """编号 → why he cannot accompany this case (unavailable, a declared conflict, declined it
    or was drawn for it already)."""
    reasons: dict[str, str] = {}
    conflicts = Conflict.objects.filter(supervisor__in=pool, withdrawn_at__isnull=True).filter(
        _conflict_q(case)
    )
    for conflict in conflicts.select_related("supervisor", "enterprise", "organisation"):
        reasons.setdefault(
            conflict.supervisor.code, f"申报回避{conflict.target}（{conflict.reason}）"
        )
    for earlier in Assignment.objects.filter(case=case).select_related("supervisor"):
        shown = "已谢绝本次检查" if earlier.status == AssignmentStatus.DECLINED else "已被抽中"
        reasons.setdefault(earlier.supervisor.code, shown)
    for supervisor in pool:
        unavailable = supervisor.unavailable_reason(case.inspection_date)
        if unavailable:
            reasons.setdefault(supervisor.code, unavailable)
    return reasons


def _conflict_q(case: InspectionCase) -> Any:
    from django.db.models import Q

    return Q(enterprise_id=case.enterprise_id) | Q(organisation_id=case.organisation_id)


def _base_key(
    case: InspectionCase, attempt: int, sources: Sequence[str] = ()
) -> tuple[str, dict[str, Any]]:
    """The key string and what it is made of.

    When the case came from a published 双随机 draw, the social supervisor is drawn from that
    draw's public key string (its random sources were published before the enterprises were
    drawn), followed by ``SOCIAL``, the enterprise's 统一社会信用代码 and the round, the same way
    officers are drawn from it (``draws.record.officer_key``): anyone can recompute it. A case
    without a draw (a complaint, a referral) uses the public random values the bureau names
    (``sources``, e.g. a lottery's published numbers, canonicalised as RFC 3797 §4), or else a
    fresh server key recorded with the draw.
    """
    fmt = rfc3797.KEY_FORMAT
    tail = (
        rfc3797.canonical_source(SOCIAL_KEY_LABEL, fmt)
        + rfc3797.canonical_source(case.enterprise.uscc, fmt)
        + rfc3797.canonical_source(str(attempt), fmt)
    )
    result = getattr(case, "draw_result", None)
    draw = getattr(result, "draw", None) if result is not None else None
    if draw is not None and draw.key_string:
        return draw.key_string + tail, {
            "kind": "draw",
            "draw_title": draw.title,
            "draw_key_string": draw.key_string,
            "key_format": draw.key_format,
        }
    values = [str(v).strip() for v in sources if str(v).strip()]
    for value in values:
        reason = problem(value)
        if reason:
            raise ValidationError({"sources": [f"随机源取值{reason}"]})
    if values:
        try:
            base = rfc3797.key_string(values, fmt)
        except rfc3797.SourceError as exc:
            raise ValidationError({"sources": [str(exc)]}) from None
        return base + tail, {"kind": "sources", "values": values, "key_format": fmt}
    secret = secrets.token_hex(16)
    return draw_record.base_key([], secret, fmt) + tail, {
        "kind": "secret",
        "secret": secret,
        "secret_sm3": sm3_hex(secret.encode("ascii")),
        "key_format": fmt,
    }


def _refuse_draw(case: InspectionCase) -> None:
    if case.status not in DRAWABLE:
        raise ValidationError(
            f"检查案件 {case.reference} 当前状态为“{case.get_status_display()}”，"
            "只能为已批准、尚未进入现场的检查抽取伴随监督员。"
        )
    if case.inspection_date < timezone.localdate():
        raise ValidationError(
            f"检查案件 {case.reference} 的检查日期 {case.inspection_date:%Y-%m-%d} 已过，"
            "不能再抽取伴随监督员。"
        )
    open_one = (
        Assignment.objects.filter(
            case=case, status__in=(AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED)
        )
        .select_related("supervisor__user")
        .first()
    )
    if open_one is not None:
        raise ValidationError(
            f"检查案件 {case.reference} 已抽中社会监督员 {open_one.supervisor.name}"
            f"（{open_one.get_status_display()}），谢绝后才能重新抽取。"
        )


def draw_social_supervisor(
    case: InspectionCase, *, actor: Any, sources: Sequence[str] = ()
) -> Assignment:
    """Draw one social supervisor for an approved inspection of the bureau's region (RFC 3797
    over the published pool, skipping the unavailable, the declared conflicts and those who
    declined), and offer it to him."""
    access.require(actor, "social.draw", case)
    access.require(actor, "case.assign_social_supervisor", case)
    with transaction.atomic():
        case = (
            InspectionCase.objects.select_for_update()
            .select_related("enterprise", "region", "organisation")
            .get(pk=case.pk)
        )
        _refuse_draw(case)
        attempt = (
            Assignment.objects.filter(case=case)
            .order_by("-attempt")
            .values_list("attempt", flat=True)
            .first()
            or 0
        ) + 1
        pool = draw_pool(case)
        if not pool:
            raise ValidationError(f"{case.region.name}没有在册的社会监督员，请先登记。")
        codes = [s.code for s in pool]
        pool_bytes = draw_record.stratum_pool_bytes(codes)
        reasons = skip_reasons(case, pool)
        key, key_source = _base_key(case, attempt, sources)
        selection = rfc3797.select(
            key, len(codes), 1, skip=lambda position: reasons.get(codes[position - 1])
        )
        if not selection.accepted:
            skipped = "；".join(f"{s.name}：{reasons[s.code]}" for s in pool)
            raise ValidationError(
                f"{case.region.name}的 {len(pool)} 名社会监督员都不能伴随本次检查（{skipped}），"
                "请登记更多社会监督员或调整暂停安排。"
            )
        chosen = pool[selection.accepted[0].position - 1]
        names = {s.code: s.name for s in pool}
        pool_sm3 = sm3_hex(pool_bytes)
        steps = [
            dict(entry, name=names[entry["code"]])
            for entry in draw_record.step_entries(selection, codes, "code")
        ]
        record: dict[str, Any] = {
            "format": RECORD_FORMAT,
            "case": {"reference": case.reference, "enterprise_uscc": case.enterprise.uscc},
            "attempt": attempt,
            "key_source": key_source,
            "key_string": key,
            "pool": {
                "sm3": pool_sm3,
                "size": len(codes),
                "line_format": POOL_LINE_FORMAT,
                "codes": codes,
            },
            "steps": steps,
            "selected": chosen.code,
        }
        assignment = Assignment.objects.create(
            case=case,
            supervisor=chosen,
            attempt=attempt,
            key_string=key,
            pool_sm3=pool_sm3,
            pool_size=len(codes),
            record_json=json.dumps(record, ensure_ascii=False, sort_keys=True),
            drawn_by=actor,
        )
        skipped_text = "；".join(
            f"{s['name']}（{s['skip_reason']}）" for s in steps if not s["accepted"]
        )
        record_change(
            actor=actor,
            action="social.assignment.draw",
            obj=assignment,
            after=snapshot(assignment, exclude=("record_json",)),
            summary=f"为检查 {case.reference} 抽取伴随监督员（第{attempt}轮）：{chosen.name}"
            + (f"；跳过 {skipped_text}" if skipped_text else ""),
        )
    return assignment


def draw_record_of(assignment: Assignment) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(assignment.record_json)
    return data


def skipped_of(assignment: Assignment) -> list[Skipped]:
    """Who the draw passed over and why, in the order it met them."""
    return [
        Skipped(code=s["code"], name=s["name"], reason=s["skip_reason"])
        for s in draw_record_of(assignment)["steps"]
        if not s["accepted"]
    ]


def verify_assignment(assignment: Assignment) -> str | None:
    """Re-run the draw from its record alone; None when it agrees, else the first mismatch."""
    record = draw_record_of(assignment)
    codes = record["pool"]["codes"]
    if sm3_hex(draw_record.stratum_pool_bytes(codes)) != record["pool"]["sm3"]:
        return "名录的 SM3 与记录不符。"
    skipped = {s["code"]: s["skip_reason"] for s in record["steps"] if not s["accepted"]}
    rerun = rfc3797.select(
        record["key_string"], len(codes), 1, skip=lambda p: skipped.get(codes[p - 1])
    )
    if [(s.md5, s.position) for s in rerun.steps] != [
        (s["md5"], s["position"]) for s in record["steps"]
    ]:
        return "按记录的密钥串重新抽取，结果与记录不符。"
    if not rerun.accepted or codes[rerun.accepted[0].position - 1] != record["selected"]:
        return "重新抽取选中的监督员与记录不符。"
    return None


# --- His answer, check-in and report ----------------------------------------------------------


def _require_status(assignment: Assignment, to: str, doing: str) -> None:
    if not assignment.can_become(to):
        raise ValidationError(
            f"这项伴随监督（{assignment.case.reference}）当前状态为"
            f"“{assignment.get_status_display()}”，不能{doing}。"
        )


def accept_assignment(assignment: Assignment, *, actor: Any) -> Assignment:
    """He accepts: the case's 伴随监督员 is set through the inspections service, so he reads the
    case as an accompanying supervisor does."""
    access.require(actor, "social.respond", assignment)
    with transaction.atomic():
        current = (
            Assignment.objects.select_for_update().select_related("case").get(pk=assignment.pk)
        )
        _require_status(current, AssignmentStatus.ACCEPTED, "接受")
        before = snapshot(current, exclude=("record_json",))
        # The bureau that drew him sets the case (the capability is the bureau's, not his).
        inspection_services.assign_social_supervisor(
            current.case, actor=current.drawn_by, supervisor=current.supervisor.user
        )
        current.status = AssignmentStatus.ACCEPTED
        current.responded_at = timezone.now()
        current.save(update_fields=["status", "responded_at"])
        record_change(
            actor=actor,
            action="social.assignment.accept",
            obj=current,
            before=before,
            after=snapshot(current, exclude=("record_json",)),
            summary=f"社会监督员 {current.supervisor.name}接受伴随监督检查 "
            f"{current.case.reference}",
        )
    return current


def decline_assignment(assignment: Assignment, *, actor: Any, reason: str) -> Assignment:
    """He declines with a reason; the bureau may then draw again, without him."""
    access.require(actor, "social.respond", assignment)
    reason = _text(reason, "谢绝理由", field="reason", required=True, limit=200)
    with transaction.atomic():
        current = (
            Assignment.objects.select_for_update().select_related("case").get(pk=assignment.pk)
        )
        _require_status(current, AssignmentStatus.DECLINED, "谢绝")
        before = snapshot(current, exclude=("record_json",))
        current.status = AssignmentStatus.DECLINED
        current.responded_at = timezone.now()
        current.decline_reason = reason
        current.save(update_fields=["status", "responded_at", "decline_reason"])
        record_change(
            actor=actor,
            action="social.assignment.decline",
            obj=current,
            before=before,
            after=snapshot(current, exclude=("record_json",)),
            summary=f"社会监督员 {current.supervisor.name}谢绝伴随监督检查 "
            f"{current.case.reference}：{reason}",
        )
    return current


def check_in(assignment: Assignment, *, actor: Any, location: Any = None) -> Assignment:
    """He arrives on site: the time, and where his phone said he was if it said (optional,
    like the officers' check-in). Allowed from the inspection day through the officers'
    check-in window."""
    access.require(actor, "social.respond", assignment)
    with transaction.atomic():
        current = (
            Assignment.objects.select_for_update().select_related("case").get(pk=assignment.pk)
        )
        if current.status != AssignmentStatus.ACCEPTED:
            raise ValidationError(
                f"这项伴随监督当前状态为“{current.get_status_display()}”，接受后才能签到。"
            )
        if current.checked_in_at is not None:
            raise ValidationError(f"您已于 {timefmt.fmt_datetime(current.checked_in_at)} 签到。")
        case = current.case
        if case.status in (CaseStatus.CANCELLED,):
            raise ValidationError(f"检查案件 {case.reference} 已撤销，不能签到。")
        first, last = inspection_services.checkin_days(case)
        today = timezone.localdate()
        if not first <= today <= last:
            raise ValidationError(
                f"检查日期为 {case.inspection_date:%Y-%m-%d}，"
                f"只能在 {first:%Y-%m-%d} 至 {last:%Y-%m-%d} 期间到场签到，"
                f"今天是 {today:%Y-%m-%d}。"
            )
        before = snapshot(current, exclude=("record_json",))
        current.checked_in_at = timezone.now()
        if location is not None:
            current.checkin_latitude = location.latitude
            current.checkin_longitude = location.longitude
            current.checkin_accuracy = location.accuracy
        current.save()
        where = "（含定位）" if location is not None else "（未提供定位）"
        record_change(
            actor=actor,
            action="social.assignment.checkin",
            obj=current,
            before=before,
            after=snapshot(current, exclude=("record_json",)),
            summary=f"社会监督员 {current.supervisor.name}到场签到，检查 {case.reference}{where}",
        )
    return current


def report_points(case: InspectionCase) -> list[tuple[str, str]]:
    """(section, item) of every point of the 五个严禁/八个不得 in force on the inspection day,
    in order: what the report asks about, point by point."""
    return [
        (str(section.get("title", "")), str(item))
        for section in current_prohibitions(case.inspection_date)
        for item in section.get("items", [])
    ]


@dataclass(frozen=True)
class PointAnswer:
    breached: bool
    note: str = ""


def file_report(
    assignment: Assignment,
    *,
    actor: Any,
    points: Sequence[PointAnswer],
    credentials: str,
    attitude: int,
    notes: str = "",
    photos: Sequence[Any] = (),
) -> Report:
    """His structured report; any breach (or 执法证 not shown, 《行政处罚法》第五十五条) makes it a
    problem waiting for the bureau."""
    access.require(actor, "social.respond", assignment)
    if credentials not in CredentialShown.values:
        raise ValidationError({"credentials": ["请选择执法人员是否出示执法证。"]})
    try:
        attitude = int(attitude)
    except (TypeError, ValueError):
        attitude = 0
    if not 1 <= attitude <= 5:
        raise ValidationError({"attitude": ["请为执法态度评分（1–5 分）。"]})
    notes = _text(notes, "其他情况", field="notes", limit=2000, multiline=True)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [f"照片最多 {MAX_PHOTOS} 张，现有 {len(photos)} 张。"]})
    for photo in photos:
        try:
            uploads.check_upload(photo, types=PHOTO_TYPES, label="照片")
        except uploads.UploadError as exc:
            raise ValidationError({"photos": [str(exc)]}) from None
    with transaction.atomic():
        current = (
            Assignment.objects.select_for_update().select_related("case").get(pk=assignment.pk)
        )
        if current.status != AssignmentStatus.ACCEPTED or current.checked_in_at is None:
            raise ValidationError("到场签到后才能提交伴随监督反馈。")
        if Report.objects.filter(assignment=current).exists():
            raise ValidationError(f"检查 {current.case.reference} 的伴随监督反馈已提交。")
        asked = report_points(current.case)
        if len(points) != len(asked):
            raise ValidationError(
                {
                    "points": [
                        f"请逐项填写五个严禁·八个不得共 {len(asked)} 项，现填写 {len(points)} 项。"
                    ]
                }
            )
        cleaned = []
        for number, (answer, (section, item)) in enumerate(
            zip(points, asked, strict=True), start=1
        ):
            note = _text(answer.note, f"第 {number} 项的说明", field="points", limit=500)
            if answer.breached and not note:
                raise ValidationError(
                    {"points": [f"第 {number} 项（{section}）选择了“有违反”，请说明看到的情况。"]}
                )
            cleaned.append((section, item, answer.breached, note))
        breach = any(b for _, _, b, _ in cleaned) or credentials != CredentialShown.ALL
        report = Report.objects.create(
            assignment=current,
            prohibitions=current_prohibitions_version(current.case.inspection_date),
            credentials=credentials,
            attitude=attitude,
            notes=notes,
            problem_status=ProblemStatus.PENDING if breach else ProblemStatus.NO_PROBLEM,
        )
        ReportPoint.objects.bulk_create(
            ReportPoint(report=report, position=n, section=s, item=i, breached=b, note=note)
            for n, (s, i, b, note) in enumerate(cleaned, start=1)
        )
        for photo in photos:
            digest = sm3_of_chunks(uploads.chunks(photo))
            ReportPhoto.objects.create(report=report, file=photo, sm3=digest)
        breaches = sum(1 for _, _, b, _ in cleaned if b)
        record_change(
            actor=actor,
            action="social.report.file",
            obj=report,
            after=snapshot(report)
            | {"breaches": breaches, "photos": list(report.photos.values_list("sm3", flat=True))},
            summary=f"社会监督员 {current.supervisor.name}提交检查 {current.case.reference} "
            f"的伴随监督反馈" + (f"，反映问题 {breaches} 项" if breach else "，未反映问题"),
        )
    return report


# --- The bureau's handling ---------------------------------------------------------------------


def _resolve(
    report: Report, *, actor: Any, to: str, text: str, action: str, summary: str
) -> Report:
    access.require(actor, "social.problems", report)
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if to not in PROBLEM_TRANSITIONS[current.problem_status]:
            raise ValidationError(
                f"该反馈的问题处理状态为“{current.get_problem_status_display()}”，"
                f"不能改为“{ProblemStatus(to).label}”。"
            )
        before = snapshot(current)
        current.problem_status = to
        current.resolution = text
        current.resolved_by = actor
        current.resolved_at = timezone.now()
        current.save(update_fields=["problem_status", "resolution", "resolved_by", "resolved_at"])
        record_change(
            actor=actor,
            action=action,
            obj=current,
            before=before,
            after=snapshot(current),
            summary=summary.format(reference=current.case.reference),
        )
    return current


def clear_problem(report: Report, *, actor: Any, reason: str) -> Report:
    """The bureau verified the report and found no problem (with its reason)."""
    reason = _text(reason, "核实情况", field="reason", required=True, limit=2000, multiline=True)
    return _resolve(
        report,
        actor=actor,
        to=ProblemStatus.CLEARED,
        text=reason,
        action="social.report.clear",
        summary="社会监督员反映的检查 {reference} 问题经核实无问题：" + reason[:100],
    )


def mark_documented(report: Report, *, actor: Any, document: str = "") -> Report:
    """The problem went into a supervision document (called by the letters part once the
    document drafted from this report exists; ``document`` names it, e.g. its 文号)."""
    document = _text(document, "监督文书", field="document", limit=200)
    return _resolve(
        report,
        actor=actor,
        to=ProblemStatus.DOCUMENTED,
        text=document,
        action="social.report.document",
        summary="社会监督员反映的检查 {reference} 问题已转监督文书"
        + (f"：{document}" if document else ""),
    )


def add_report_photos(report: Report, *, actor: Any, photos: Sequence[Any]) -> Report:
    """Photos sent after the report (the API's separate upload): same types, sizes and limit."""
    access.require(actor, "social.respond", report.assignment)
    if not photos:
        raise ValidationError({"photos": ["请选择要上传的照片。"]})
    for photo in photos:
        try:
            uploads.check_upload(photo, types=PHOTO_TYPES, label="照片")
        except uploads.UploadError as exc:
            raise ValidationError({"photos": [str(exc)]}) from None
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        have = current.photos.count()
        if have + len(photos) > MAX_PHOTOS:
            raise ValidationError(
                {"photos": [f"照片最多 {MAX_PHOTOS} 张，已有 {have} 张，本次 {len(photos)} 张。"]}
            )
        added = []
        for photo in photos:
            digest = sm3_of_chunks(uploads.chunks(photo))
            ReportPhoto.objects.create(report=current, file=photo, sm3=digest)
            added.append(digest)
        record_change(
            actor=actor,
            action="social.report.photos",
            obj=current,
            after={"photos": added},
            summary=f"补充检查 {current.case.reference} 伴随监督反馈的照片 {len(added)} 张",
        )
    return current
