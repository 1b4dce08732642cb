"""Items that start inside the platform: an enterprise's objection to an inspection, a low
rating of one (1 or 2 stars), a social supervisor's report that saw a breach.

The apps they come from sit below this one and never import it: ``post_save`` receivers,
connected once at start-up, file the item through ``services.file_complaint`` inside the
transaction that stores the source — so an objection and its item are committed together.

- Each source becomes one item only (``source_code``/``source_pk``, a unique constraint too):
  a later save of the same row changes nothing, and the bureau's handling of the item never
  writes back to the source (an objection answered on the old objection page leaves its item
  as it is).
- Filing must never block what the enterprise or the supervisor did: when it is refused (no
  supervising bureau in the region, a working-day year not loaded for automatic routing …) the
  refusal is logged and no item is made, and the source is stored all the same.
- Who complained (the objecting user, the rating enterprise, the social supervisor) is stored in
  the item's identity fields, which only the supervising bureau reads.
- A social supervisor's report stores its points after the report row; the item is filed when
  the report's audit record is written — the last step of ``social.services.file_report`` —
  so that it can say which points were breached.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save

from zhifa.audit.models import AuditRecord
from zhifa.complaints import services
from zhifa.complaints.models import Channel, Complaint
from zhifa.complaints.services import _common
from zhifa.core import timefmt
from zhifa.inspections.models import InspectionCase, Objection
from zhifa.social.models import CredentialShown, ProblemStatus, Report

logger = logging.getLogger(__name__)

OBJECTION = "objection"
RATING = "rating"
SOCIAL_REPORT = "social_report"
# An objection to an inspection, and a low rating of one, are about the inspection itself
# (乱检查); what a social supervisor sees at the inspection is the officers' conduct
# (五个严禁·八个不得: 吃拿卡要, 粗暴执法 …).
OBJECTION_CATEGORY = "si-luan"
RATING_CATEGORY = "si-luan"
SOCIAL_CATEGORY = "weifan-guifan"
LOW_RATING = 2
# The action ``social.services.file_report`` records last, after the report's points.
REPORT_FILED = "social.report.file"
_UID = "zhifa.complaints.intake_hooks"


def connect() -> None:
    """Connect the receivers once at start-up (``dispatch_uid`` keeps it once)."""
    post_save.connect(objection_saved, sender=Objection, dispatch_uid=f"{_UID}.objection")
    post_save.connect(case_saved, sender=InspectionCase, dispatch_uid=f"{_UID}.rating")
    post_save.connect(audit_recorded, sender=AuditRecord, dispatch_uid=f"{_UID}.social")


def _exists(source_code: str, source_pk: int) -> bool:
    return Complaint.objects.filter(source_code=source_code, source_pk=source_pk).exists()


def _clip(text: str) -> str:
    limit = _common.CONTENT_LIMIT
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _phone(value: str) -> str:
    """A registered number as intake takes it, or none: a badly kept register must not keep the
    item out of the problem list."""
    value = str(value or "").strip()
    ok = value and len(value) <= 32 and all(ch.isdigit() or ch in "-+ " for ch in value)
    return value if ok else ""


def _case_words(case: InspectionCase) -> str:
    return (
        f"{case.organisation.name}于{timefmt.chinese_date(case.inspection_date)}"
        f"对{case.enterprise.name}实施的检查（{case.reference}，{case.title}）"
    )


def _file(source_code: str, source_pk: int, **fields: Any) -> Complaint | None:
    """File the item in a savepoint of the caller's transaction; a refusal is logged, leaves
    nothing behind and does not reach the caller."""
    if _exists(source_code, source_pk):
        return None
    try:
        with transaction.atomic():
            return services.file_complaint(source_code=source_code, source_pk=source_pk, **fields)
    except IntegrityError as error:
        # Most likely the same source filed at the same moment by another request.
        logger.warning("来源 %s #%s 未能自动转入问题清单：%s", source_code, source_pk, error)
        return None
    except ValidationError as error:
        reason = "；".join(error.messages)
        logger.warning("来源 %s #%s 未能自动转入问题清单：%s", source_code, source_pk, reason)
        return None


def objection_saved(sender: Any, instance: Objection, created: bool, **kwargs: Any) -> None:
    """An enterprise's objection to an inspection becomes an item (channel 检查异议)."""
    if not created or kwargs.get("raw"):
        return
    file_objection(instance)


def file_objection(objection: Objection) -> Complaint | None:
    case = objection.case
    user = objection.submitted_by
    return _file(
        OBJECTION,
        objection.pk,
        channel=Channel.OBJECTION,
        category=OBJECTION_CATEGORY,
        title=f"对检查{case.reference}提出异议",
        content=_clip(f"企业对{_case_words(case)}提出异议：\n{objection.text}"),
        agency=case.organisation,
        case=case,
        tags=["检查异议"],
        actor=user,
        complainant_name=user.display_name,
        complainant_enterprise=case.enterprise,
        received_at=objection.submitted_at,
    )


def case_saved(sender: Any, instance: InspectionCase, created: bool, **kwargs: Any) -> None:
    """A rating of 1 or 2 stars becomes an item (channel 检查差评), once per case."""
    if kwargs.get("raw") or instance.rated_at is None or instance.rating is None:
        return
    if instance.rating > LOW_RATING:
        return
    file_rating(instance)


def file_rating(case: InspectionCase) -> Complaint | None:
    comment = case.rating_comment.strip()
    return _file(
        RATING,
        case.pk,
        channel=Channel.RATING,
        category=RATING_CATEGORY,
        title=f"检查{case.reference}被评为{case.rating}星",
        content=_clip(
            f"企业对{_case_words(case)}评价为{case.rating}星（满分5星）。"
            + (f"\n评价意见：{comment}" if comment else "\n企业未填写评价意见。")
        ),
        agency=case.organisation,
        case=case,
        tags=["检查差评"],
        complainant_enterprise=case.enterprise,
        received_at=case.rated_at,
    )


def audit_recorded(sender: Any, instance: AuditRecord, created: bool, **kwargs: Any) -> None:
    """A social supervisor's report with a breach becomes an item (channel 社会监督员反映) once
    its points are stored: ``file_report`` writes its audit record last."""
    if not created or kwargs.get("raw") or instance.action != REPORT_FILED:
        return
    report = (
        Report.objects.select_related(
            "assignment__case__organisation",
            "assignment__case__enterprise",
            "assignment__supervisor__user",
        )
        .filter(pk=instance.object_id)
        .first()
    )
    if report is not None:
        file_social_report(report)


def file_social_report(report: Report) -> Complaint | None:
    if report.problem_status != ProblemStatus.PENDING:
        return None
    case = report.assignment.case
    supervisor = report.assignment.supervisor
    lines = [f"社会监督员在{_case_words(case)}中伴随监督，反映以下问题："]
    for point in report.points.filter(breached=True).order_by("position"):
        lines.append(f"{point.position}. {point.section}：{point.item}（{point.note}）")
    if report.credentials != CredentialShown.ALL:
        lines.append(f"执法人员出示执法证情况：{report.get_credentials_display()}。")
    lines.append(f"执法态度：{report.attitude_text}。")
    if report.notes.strip():
        lines.append(f"其他情况：{report.notes.strip()}")
    return _file(
        SOCIAL_REPORT,
        report.pk,
        channel=Channel.SOCIAL,
        category=SOCIAL_CATEGORY,
        title=f"社会监督员反映检查{case.reference}中的问题",
        content=_clip("\n".join(lines)),
        agency=case.organisation,
        case=case,
        tags=["社会监督员反馈"],
        actor=supervisor.user,
        complainant_name=supervisor.user.display_name,
        complainant_phone=_phone(supervisor.phone),
        received_at=report.filed_at,
    )
