"""``/api/inspections/``: the inspection case step by step, for signed-in users (scoped through
``selectors.cases_for``; an enterprise sees a case once notified of it or once the inspection
began), and the public results and 扫码入企 verification (no login).

Every step calls one service function. A refused step answers 400, as the other apps' APIs do,
with the service's Chinese messages per field (``errors``), 403 when the user may not take it,
404 when the case is not his to see; a refused step changes nothing.

The package is split by the stages of a case; ``router`` is defined in ``_common`` and each
stage module registers its endpoints on it, imported here in the order the paths are listed.
"""

from __future__ import annotations

# isort: off
# The stage modules register their endpoints on ``router`` when imported: this order is the
# order of the paths in the OpenAPI schema.
from zhifa.inspections.api._common import (
    REFUSED,
    router,
    CASE_NOT_FOUND,
)
from zhifa.inspections.api.schemas import (
    Message,
    FieldErrors,
    ItemRef,
    CaseOut,
    CaseOfficerOut,
    CheckInLocationOut,
    AgencyCaseOfficerOut,
    EvidenceOut,
    FindingOut,
    DocumentRef,
    OralNoticeOut,
    RecheckOut,
    ObjectionAttachmentOut,
    ObjectionOut,
    RectificationPhotoOut,
    RectificationReportOut,
    SlotOut,
    BookingOut,
    CaseDetailOut,
    ExternalFindingOut,
    ExternalRecheckOut,
    ExternalCaseOut,
    CaseView,
    TimelineEntryOut,
    InboxSectionOut,
    BatchOut,
    PublicResultOut,
    VerifiedOfficerOut,
    ProhibitionOut,
    VerificationOut,
    CaseIn,
    CaseChangeIn,
    OpinionIn,
    ReasonIn,
    BatchIn,
    NoticeBatchIn,
    NoticeBatchOut,
    OralNoticeIn,
    CheckInIn,
    SocialSupervisorIn,
    FindingIn,
    FinishIn,
    DecisionIn,
    DecideIn,
    RecheckIn,
    PublishIn,
    RateIn,
    ObjectionIn,
    ObjectionFormIn,
    AnswerIn,
    SlotIn,
    BookingIn,
    GuidanceNoteIn,
)
from zhifa.inspections.api.cases import (
    list_cases,
    get_case,
    get_timeline,
    download_evidence,
    get_inbox,
    create_case,
    update_case,
)
from zhifa.inspections.api.approval import (
    submit_case,
    approve_case,
    reject_case,
    revise_case,
    cancel_case,
    approve_batch,
    issue_notices_in_batch,
    issue_approval_form,
)
from zhifa.inspections.api.notice import (
    issue_notice,
    confirm_notice,
    record_oral_notice,
    complete_makeup,
)
from zhifa.inspections.api.onsite import (
    check_in,
    assign_social_supervisor,
    record_finding,
    finish_site_record,
)
from zhifa.inspections.api.decision import (
    decide_case,
)
from zhifa.inspections.api.closing import (
    list_rectification_reports,
    report_rectification,
    download_rectification_photo,
    record_recheck,
    publish_result,
    rate_case,
    object_to_case,
    object_to_case_with_attachments,
    download_objection_attachment,
    answer_objection,
)
from zhifa.inspections.api.guidance import (
    list_open_slots,
    publish_slot,
    book_guidance,
    cancel_booking,
    record_guidance,
)
from zhifa.inspections.api.public import (
    list_public_results,
    verify_case,
)
# isort: on

__all__ = [
    "CASE_NOT_FOUND",
    "REFUSED",
    "AgencyCaseOfficerOut",
    "AnswerIn",
    "BatchIn",
    "BatchOut",
    "BookingIn",
    "BookingOut",
    "CaseChangeIn",
    "CaseDetailOut",
    "CaseIn",
    "CaseOfficerOut",
    "CaseOut",
    "CaseView",
    "CheckInIn",
    "CheckInLocationOut",
    "DecideIn",
    "DecisionIn",
    "DocumentRef",
    "EvidenceOut",
    "ExternalCaseOut",
    "ExternalFindingOut",
    "ExternalRecheckOut",
    "FieldErrors",
    "FindingIn",
    "FindingOut",
    "FinishIn",
    "GuidanceNoteIn",
    "InboxSectionOut",
    "ItemRef",
    "Message",
    "NoticeBatchIn",
    "NoticeBatchOut",
    "ObjectionAttachmentOut",
    "ObjectionFormIn",
    "ObjectionIn",
    "ObjectionOut",
    "OpinionIn",
    "OralNoticeIn",
    "OralNoticeOut",
    "ProhibitionOut",
    "PublicResultOut",
    "PublishIn",
    "RateIn",
    "ReasonIn",
    "RecheckIn",
    "RecheckOut",
    "RectificationPhotoOut",
    "RectificationReportOut",
    "SlotIn",
    "SlotOut",
    "SocialSupervisorIn",
    "TimelineEntryOut",
    "VerificationOut",
    "VerifiedOfficerOut",
    "answer_objection",
    "approve_batch",
    "approve_case",
    "assign_social_supervisor",
    "book_guidance",
    "cancel_booking",
    "cancel_case",
    "check_in",
    "complete_makeup",
    "confirm_notice",
    "create_case",
    "decide_case",
    "download_evidence",
    "download_objection_attachment",
    "download_rectification_photo",
    "finish_site_record",
    "get_case",
    "get_inbox",
    "get_timeline",
    "issue_approval_form",
    "issue_notice",
    "issue_notices_in_batch",
    "list_cases",
    "list_open_slots",
    "list_public_results",
    "list_rectification_reports",
    "object_to_case",
    "object_to_case_with_attachments",
    "publish_result",
    "publish_slot",
    "rate_case",
    "record_finding",
    "record_guidance",
    "record_oral_notice",
    "record_recheck",
    "reject_case",
    "report_rectification",
    "revise_case",
    "router",
    "submit_case",
    "update_case",
    "verify_case",
]


def _keep_operation_ids() -> None:
    """The operation ids were derived from the module ``zhifa.inspections.api`` before it
    became a package; they stay as they were so clients generated from the schema keep their
    method names. Runs before ``zhifa.api`` mounts (and so copies) the router."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            if operation.operation_id is None:
                operation.operation_id = "zhifa_inspections_api_" + operation.view_func.__name__


_keep_operation_ids()
