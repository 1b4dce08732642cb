"""What every complaint service shares: text checks, the locked row, the state check, one
timeline event with its audit record, and stored files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.audit.sm3 import sm3_of_chunks
from zhifa.complaints import listeners
from zhifa.complaints.models import (
    TRANSITIONS,
    Complaint,
    ComplaintEvent,
    ComplaintFile,
    FileStage,
    Status,
)
from zhifa.core import uploads
from zhifa.core.textinput import problem

MAX_FILES = 9
# Photos and PDFs of what happened, scans of receipts; office files for the agency's evidence.
INTAKE_TYPES = (uploads.JPEG, uploads.PNG, uploads.PDF)
EVIDENCE_TYPES = uploads.EVIDENCE
CONTENT_LIMIT = 4000


def text(
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
    found = str(value or "").strip()
    if required and not found:
        raise ValidationError({field: [f"请填写{label}。"]})
    reason = problem(found, multiline=multiline) if found else ""
    if reason:
        raise ValidationError({field: [f"{label}{reason}"]})
    if limit and len(found) > limit:
        raise ValidationError({field: [f"{label}不能超过 {limit} 个字，现有 {len(found)} 个字。"]})
    return found


def locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def check(complaint: Complaint, target: str, doing: str) -> None:
    if target not in TRANSITIONS[complaint.status]:
        raise ValidationError(
            f"问题 {complaint.number} 当前为“{complaint.get_status_display()}”，不能{doing}。"
        )


def actor_label(actor: Any, fallback: str = "") -> str:
    """Who acted, as the timeline shows it: the organisation's name, never a username."""
    organisation = getattr(actor, "organisation", None)
    if organisation is not None:
        return organisation.name
    if getattr(actor, "is_enterprise_user", False):
        return "反映人"
    return fallback


def record_event(
    complaint: Complaint,
    *,
    kind: str,
    actor: Any,
    action: str,
    summary: str,
    text_: str = "",
    before: dict[str, Any] | None = None,
    public: bool = True,
    label: str = "",
) -> ComplaintEvent:
    """The timeline step, the audit record and the listeners, inside the caller's transaction."""
    now = timezone.now()
    complaint.last_activity_at = now
    complaint.save()
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=label or actor_label(actor),
        text=text_,
        public=public,
    )
    listeners.notify(complaint, event)
    record_change(
        actor=actor,
        action=action,
        obj=complaint,
        before=before,
        after=snapshot(complaint),
        summary=summary,
        region=complaint.region_id,
    )
    return event


def check_files(files: Sequence[Any], *, label: str, types: Sequence[Any]) -> None:
    """Every file is checked before anything is stored: one bad file refuses them all."""
    if len(files) > MAX_FILES:
        raise ValidationError({"files": [f"{label}最多 {MAX_FILES} 个，现有 {len(files)} 个。"]})
    for upload in files:
        try:
            uploads.check_upload(upload, types=types, label=label)
        except uploads.UploadError as error:
            raise ValidationError({"files": [str(error)]}) from None


def store_files(complaint: Complaint, files: Sequence[Any], *, stage: str) -> list[ComplaintFile]:
    stored = []
    for upload in files:
        upload.seek(0)
        digest = sm3_of_chunks(upload.chunks())
        upload.seek(0)
        stored.append(
            ComplaintFile.objects.create(
                complaint=complaint,
                stage=stage,
                file=upload,
                name=str(getattr(upload, "name", "") or "附件")[-200:],
                size=int(upload.size),
                sm3=digest,
            )
        )
    return stored


__all__ = [
    "CONTENT_LIMIT",
    "EVIDENCE_TYPES",
    "INTAKE_TYPES",
    "FileStage",
    "Status",
    "actor_label",
    "check",
    "check_files",
    "locked",
    "record_event",
    "store_files",
    "text",
]
