"""On site: 扫码入企 check-in, the check-in code by SMS, the social supervisor, findings and the
site record.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import record_change, snapshot
from zhifa.audit.sm3 import sm3_of_chunks
from zhifa.core import access, timefmt, uploads
from zhifa.documents.models import Document
from zhifa.documents.sms import get_sms_backend
from zhifa.inspections import paperwork
from zhifa.inspections.models import (
    CaseFinding,
    CaseOfficer,
    CaseStatus,
    FindingEvidence,
    FindingResult,
    InspectionCase,
)
from zhifa.inspections.services._common import (
    MIN_OFFICERS,
    _issue,
    _link,
    _locked,
    _name,
    _refresh,
    _step,
    _text,
    _today,
    _transition,
    case_snapshot,
    logger,
)
from zhifa.inspections.services.cases import officer_problems
from zhifa.org.models import Officer, Role
from zhifa.plans.models import InspectionItem


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
    access.require(actor, "case.checkin", case)
    if code.strip().upper() != case.checkin_code:
        raise ValidationError(
            {"code": ["核验码与本次检查不符，请核对被检查企业出示或短信收到的入企核验码。"]}
        )
    assignment = case.assignments.select_related("officer").get(officer__user=actor)
    officer = assignment.officer
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
    access.require(actor, "case.checkin_sms", case)
    officer = Officer.objects.get(user=actor)
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
    # The supervising bureau of the case's region assigns, not the agency (issue 15).
    access.require(actor, "case.assign_social_supervisor", case)
    if supervisor is not None and not supervisor.has_role(Role.SOCIAL_SUPERVISOR):
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
    access.require(actor, "case.record_onsite", case)
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
    access.require(actor, "case.record_onsite", case)
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
