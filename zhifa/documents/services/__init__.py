"""Services of documents (文书), one module per stage: ``numbering`` (文号 reserve/use/void),
``drafting``, ``issuing`` (with the font pre-check), ``delivery`` (送达, e-mail/SMS after the
commit), ``archive`` (归档 and file verification) and ``batches`` (批量签发); ``_common`` holds
what they share. Callers import from ``zhifa.documents.services`` as before."""

from __future__ import annotations

from zhifa.documents.services._common import (
    AUTHOR_DENIED,
    AUTHOR_ROLES,
    CODE_ALPHABET,
    CODE_LENGTH,
    MOBILE_RE,
    NOTHING_CHANGED,
    OTHER_ORGANISATION,
    STANDARD_KEYS,
    new_verification_code,
    verification_url,
)
from zhifa.documents.services.archive import archive_document, verify_file
from zhifa.documents.services.batches import (
    BATCH_STALE_AFTER,
    enqueue_batch,
    finish_batch,
    issue_documents_in_batch,
    record_batch_item,
    run_batch,
    run_batches,
    start_batch,
)
from zhifa.documents.services.delivery import (
    confirm_receipt,
    deliver_document,
    receipt_digest,
    receives,
    record_send_result,
    send_delivery,
    sms_text,
)
from zhifa.documents.services.drafting import create_draft, update_draft
from zhifa.documents.services.issuing import correct_document, issue_document, render_context
from zhifa.documents.services.numbering import (
    RESERVATION_ABANDONED_AFTER,
    NumberAllocation,
    NumberingError,
    allocate_number,
    designator_for,
    format_number,
    reserve_number,
    resolve_kind,
    use_number,
    void_abandoned_reservations,
    void_number,
)

__all__ = [
    "AUTHOR_DENIED",
    "AUTHOR_ROLES",
    "BATCH_STALE_AFTER",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "MOBILE_RE",
    "NOTHING_CHANGED",
    "OTHER_ORGANISATION",
    "RESERVATION_ABANDONED_AFTER",
    "STANDARD_KEYS",
    "NumberAllocation",
    "NumberingError",
    "allocate_number",
    "archive_document",
    "confirm_receipt",
    "correct_document",
    "create_draft",
    "deliver_document",
    "designator_for",
    "enqueue_batch",
    "finish_batch",
    "format_number",
    "issue_document",
    "issue_documents_in_batch",
    "new_verification_code",
    "receipt_digest",
    "receives",
    "record_batch_item",
    "record_send_result",
    "render_context",
    "reserve_number",
    "resolve_kind",
    "run_batch",
    "run_batches",
    "send_delivery",
    "sms_text",
    "start_batch",
    "update_draft",
    "use_number",
    "verification_url",
    "verify_file",
    "void_abandoned_reservations",
    "void_number",
]
