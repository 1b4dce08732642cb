"""State changes of inspection cases; each is atomic and ends by writing its audit record.

Input problems raise ``ValidationError`` in Chinese, keyed by field where there is one;
forbidden actions raise ``PermissionDenied``. A refused action changes nothing.

Documents are issued through ``zhifa.documents.services``, which numbers each one in its own
transaction and so refuses to run inside an outer one: a step that produces a 文书 first checks
everything, then issues the document, then records the step in its own transaction.

The package is split by the stages of a case (cases, approval, notice, guidance, on site,
decision, closing, joint); every public name is re-exported here, so callers keep writing
``services.approve_case(...)``.
"""

from __future__ import annotations

from zhifa.inspections.rules import ANOTHER_APPROVER, APPROVAL_ACTIONS, CONTENT_ACTIONS
from zhifa.inspections.services._common import (
    APPROVE_DENIED,
    MIN_OFFICERS,
    OTHER_ORG,
    PUBLISH_WITHIN_WORKING_DAYS,
    WRITE_DENIED,
    case_snapshot,
    logger,
)
from zhifa.inspections.services.approval import (
    approval_refusal,
    approve_batch,
    approve_case,
    issue_approval_form,
    reject_case,
)
from zhifa.inspections.services.cases import (
    approved_content,
    cancel_case,
    counted_cases,
    create_case,
    officer_problems,
    revise_case,
    submit_case,
    update_case,
    visits_counted,
)
from zhifa.inspections.services.closing import (
    answer_objection,
    default_result_summary,
    object_to_case,
    objection_answer_due,
    publication_due,
    publish_result,
    rate_case,
    record_recheck,
    report_rectification,
)
from zhifa.inspections.services.decision import (
    CHOICE_TO_ENGINE,
    CIRCUMSTANCES,
    ENGINE_TO_CHOICE,
    decide_case,
    evaluate_finding,
    prior_violations,
    self_corrected_before,
    special_limitation,
)
from zhifa.inspections.services.guidance import (
    book_guidance,
    cancel_booking,
    publish_slot,
    record_guidance,
)
from zhifa.inspections.services.joint import (
    ConversionReport,
    apply_joint_plan,
    cases_from_draw,
)
from zhifa.inspections.services.notice import (
    complete_makeup,
    confirm_notice,
    earliest_lawful_date,
    issue_notice,
    issue_notices_in_batch,
    late_notice,
    notice_refusal,
    record_batch_notice,
    record_oral_notice,
    split_late,
)
from zhifa.inspections.services.onsite import (
    CHECKIN_SMS_ACTION,
    CHECKIN_SMS_PER_DAY,
    Location,
    assign_social_supervisor,
    check_in,
    checkin_contact_mobile,
    checkin_days,
    checkin_refusal,
    checkin_sms_text,
    clean_location,
    finish_site_record,
    masked_mobile,
    record_finding,
    send_checkin_code,
)

__all__ = [
    "ANOTHER_APPROVER",
    "APPROVAL_ACTIONS",
    "APPROVE_DENIED",
    "CHECKIN_SMS_ACTION",
    "CHECKIN_SMS_PER_DAY",
    "CHOICE_TO_ENGINE",
    "CIRCUMSTANCES",
    "CONTENT_ACTIONS",
    "ENGINE_TO_CHOICE",
    "MIN_OFFICERS",
    "OTHER_ORG",
    "PUBLISH_WITHIN_WORKING_DAYS",
    "WRITE_DENIED",
    "ConversionReport",
    "Location",
    "answer_objection",
    "apply_joint_plan",
    "approval_refusal",
    "approve_batch",
    "approve_case",
    "approved_content",
    "assign_social_supervisor",
    "book_guidance",
    "cancel_booking",
    "cancel_case",
    "case_snapshot",
    "cases_from_draw",
    "check_in",
    "checkin_contact_mobile",
    "checkin_days",
    "checkin_refusal",
    "checkin_sms_text",
    "clean_location",
    "complete_makeup",
    "confirm_notice",
    "counted_cases",
    "create_case",
    "decide_case",
    "default_result_summary",
    "earliest_lawful_date",
    "evaluate_finding",
    "finish_site_record",
    "issue_approval_form",
    "issue_notice",
    "issue_notices_in_batch",
    "late_notice",
    "logger",
    "masked_mobile",
    "notice_refusal",
    "object_to_case",
    "objection_answer_due",
    "officer_problems",
    "prior_violations",
    "publication_due",
    "publish_result",
    "publish_slot",
    "rate_case",
    "record_batch_notice",
    "record_finding",
    "record_guidance",
    "record_oral_notice",
    "record_recheck",
    "reject_case",
    "report_rectification",
    "revise_case",
    "self_corrected_before",
    "send_checkin_code",
    "special_limitation",
    "split_late",
    "submit_case",
    "update_case",
    "visits_counted",
]
