"""Pages of inspection cases: the inbox, the agency's case pages, the enterprise portal, the
phone-sized 扫码入企 and check-in pages and the public results (公示).

Views are thin: they read through ``selectors`` (scoped), take input with ``forms`` and call one
service per step; a refused step shows the service's Chinese message on the form.

The package is split by the stages of a case; every view ``urls.py`` names is re-exported here.
"""

from __future__ import annotations

from zhifa.inspections.rules import AGENCY_PAGE_ONLY, ENTERPRISE_ONLY
from zhifa.inspections.views._common import (
    APPROVED_STATES,
)
from zhifa.inspections.views.approval import (
    batch_approve,
    case_approval_form,
    case_approve,
    case_reject,
    case_revise,
    case_submit,
)
from zhifa.inspections.views.cases import (
    case_cancel,
    case_create,
    case_detail,
    case_edit,
    case_export,
    case_list,
    draw_convert,
    enterprise_options,
    inbox,
)
from zhifa.inspections.views.checkin import (
    case_checkin,
    case_checkin_sms,
    checkin,
    verify,
)
from zhifa.inspections.views.closing import (
    case_publish,
    case_recheck,
    objection_answer,
    objection_file,
    public_results,
    rectification_photo,
)
from zhifa.inspections.views.decision import (
    case_decide,
)
from zhifa.inspections.views.external import (
    accompany_case,
    accompany_list,
    my_book,
    my_cancel_booking,
    my_case,
    my_cases,
    my_confirm,
    my_object,
    my_rate,
    my_rectify,
)
from zhifa.inspections.views.guidance import (
    booking_done,
    slot_list,
)
from zhifa.inspections.views.notice import (
    batch_notice,
    case_makeup,
    case_notice,
    case_oral_notice,
)
from zhifa.inspections.views.onsite import (
    case_finish,
    case_site,
    case_social_supervisor,
    evidence_download,
)

__all__ = [
    "AGENCY_PAGE_ONLY",
    "APPROVED_STATES",
    "ENTERPRISE_ONLY",
    "accompany_case",
    "accompany_list",
    "batch_approve",
    "batch_notice",
    "booking_done",
    "case_approval_form",
    "case_approve",
    "case_cancel",
    "case_checkin",
    "case_checkin_sms",
    "case_create",
    "case_decide",
    "case_detail",
    "case_edit",
    "case_export",
    "case_finish",
    "case_list",
    "case_makeup",
    "case_notice",
    "case_oral_notice",
    "case_publish",
    "case_recheck",
    "case_reject",
    "case_revise",
    "case_site",
    "case_social_supervisor",
    "case_submit",
    "checkin",
    "draw_convert",
    "enterprise_options",
    "evidence_download",
    "inbox",
    "my_book",
    "my_cancel_booking",
    "my_case",
    "my_cases",
    "my_confirm",
    "my_object",
    "my_rate",
    "my_rectify",
    "objection_answer",
    "objection_file",
    "public_results",
    "rectification_photo",
    "slot_list",
    "verify",
]
