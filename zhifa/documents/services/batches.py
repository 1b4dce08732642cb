"""Batches (批量签发): a background task issuing many drafts, one transaction each, resumable
by ``zhifa documents run-batches`` when a runner stopped half way."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from zhifa.audit.services import record_change, snapshot
from zhifa.documents.models import (
    BatchItemStatus,
    BatchStatus,
    Document,
    DocumentBatch,
    DocumentBatchItem,
    DocumentStatus,
)
from zhifa.documents.services._common import _clean_text, _require_author
from zhifa.documents.services.issuing import issue_document
from zhifa.documents.services.numbering import NumberingError, void_abandoned_reservations

logger = logging.getLogger(__name__)


BATCH_STALE_AFTER = dt.timedelta(minutes=10)


def _item_label(document: Document) -> str:
    """Names a document of a batch for people: recipient and kind, e.g.
    受送达人“舟山海鲜酒楼有限公司”的《行政执法检查预告通知书》（草稿编号 12）."""
    return (
        f"受送达人“{document.recipient_name}”的《{document.kind.name}》（草稿编号 {document.pk}）"
    )


def _reason(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        return "".join(error.messages)
    if isinstance(error, (NumberingError, PermissionDenied)):
        return str(error)
    return f"系统错误（{type(error).__name__}：{error}），请联系系统管理员。"


def issue_documents_in_batch(
    drafts: Iterable[Document | int],
    *,
    actor: Any,
    issue_date: dt.date | None = None,
    title: str = "",
    follow_up: str = "",
) -> DocumentBatch:
    """Queue a batch that issues ``drafts`` (documents of one organisation) in the background.

    ``follow_up`` names a function (dotted path) the worker calls with each document after
    issuing it, for the record the document belongs to; if it fails, the item is reported as
    failed with its reason, the document stays issued.

    Nothing is issued here: the batch and its items are saved, and once this transaction has
    committed the batch is handed to the worker (``enqueue_batch``). Each document is then issued
    by ``issue_document`` in its own transaction, so one failure loses nothing else.
    """

    ids: list[int] = []
    for draft in drafts:
        pk = draft.pk if isinstance(draft, Document) else int(draft)
        if pk not in ids:
            ids.append(pk)
    if not ids:
        raise ValidationError("请至少选择一份草稿文书再批量签发。")
    found = Document.objects.select_related("kind", "organisation", "number").in_bulk(ids)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError(f"未找到编号为 {'、'.join(map(str, missing))} 的文书。")
    documents = [found[pk] for pk in ids]
    organisations = {d.organisation_id for d in documents}
    if len(organisations) > 1:
        raise ValidationError("批量签发的文书须为同一机构制发，请按制发机关分别发起批量签发。")
    organisation = documents[0].organisation
    _require_author(actor, organisation)
    for document in documents:
        if document.status != DocumentStatus.DRAFT:
            state = DocumentStatus(document.status).label
            raise ValidationError(
                f"{_item_label(document)}当前为“{state}”，只有草稿可以签发；请取消勾选后再试。"
            )
    kinds = {d.kind_id for d in documents}
    kind = documents[0].kind if len(kinds) == 1 else None
    title = _clean_text(title, label="批次名称", required=False, limit=200) or (
        f"批量签发{kind.name if kind else '文书'}（{len(documents)} 份）"
    )
    with transaction.atomic():
        # Simultaneous requests for the same drafts queue here (the drafts' rows are locked, in
        # one order, until commit; SQLite's writers queue at BEGIN IMMEDIATE), so the second
        # finds the first's batch only now, inside its transaction, and is refused.
        list(
            Document.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _refuse_drafts_already_queued(ids)
        now = timezone.now()
        batch = DocumentBatch.objects.create(
            organisation=organisation,
            kind=kind,
            title=title,
            issue_date=issue_date,
            total=len(documents),
            created_by=actor,
            created_at=now,
            follow_up=follow_up,
        )
        batch.items.bulk_create(
            [
                batch.items.model(batch=batch, document=document, position=position)
                for position, document in enumerate(documents, start=1)
            ]
        )
        batch_pk = batch.pk
        transaction.on_commit(lambda: enqueue_batch(batch_pk))
        record_change(
            actor=actor,
            action="documents.document_batch.create",
            obj=batch,
            after=snapshot(batch),
            summary=f"发起批量签发“{title}”，共 {len(documents)} 份文书",
        )
    return batch


def _refuse_drafts_already_queued(ids: list[int]) -> None:
    queued = (
        Document.objects.filter(
            pk__in=ids,
            batch_items__status=BatchItemStatus.PENDING,
            batch_items__batch__status__in=(BatchStatus.QUEUED, BatchStatus.RUNNING),
        )
        .select_related("kind")
        .order_by("pk")
        .first()
    )
    if queued is not None:
        raise ValidationError(
            f"{_item_label(queued)}已在另一批次中等待签发，请取消勾选或等该批次完成后再试。"
        )


def enqueue_batch(batch_id: int) -> None:
    """Hand a committed batch to the in-process worker: a daemon thread running ``run_batch``.

    If the process ends before the batch is finished, ``zhifa documents run-batches`` (run by a
    timer) resumes it. ``ZHIFA_DOCUMENT_BATCH_THREAD = False`` leaves every batch to that
    command.
    """
    import threading

    if not getattr(settings, "ZHIFA_DOCUMENT_BATCH_THREAD", True):
        return
    thread = threading.Thread(
        target=_run_in_thread, args=(batch_id,), name=f"document-batch-{batch_id}", daemon=True
    )
    thread.start()


def _run_in_thread(batch_id: int) -> None:
    from django.db import close_old_connections, connections

    close_old_connections()
    try:
        run_batch(batch_id)
    except Exception:
        logger.exception("批量签发批次 %s 中断，将由 zhifa documents run-batches 续办", batch_id)
    finally:
        connections.close_all()


def start_batch(
    batch_id: int, *, stale_after: dt.timedelta = BATCH_STALE_AFTER
) -> DocumentBatch | None:
    """Claim a batch for this worker: queued → running, or resume a running batch whose worker
    has given no sign of life for ``stale_after``. None when there is nothing to do (finished,
    or another worker is on it)."""

    with transaction.atomic():
        batch = DocumentBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.is_finished:
            return None
        now = timezone.now()
        resuming = batch.status == BatchStatus.RUNNING
        if resuming and batch.heartbeat_at is not None and batch.heartbeat_at > now - stale_after:
            return None
        if not batch.can_become(BatchStatus.RUNNING):
            raise ValidationError(
                f"批次“{batch.title}”当前为“{batch.get_status_display()}”，不能开始执行。"
            )
        before = snapshot(batch)
        batch.status = BatchStatus.RUNNING
        batch.started_at = batch.started_at or now
        batch.heartbeat_at = now
        batch.attempts += 1
        batch.save(update_fields=["status", "started_at", "heartbeat_at", "attempts"])
        record_change(
            actor=batch.created_by,
            action="documents.document_batch.start",
            obj=batch,
            before=before,
            after=snapshot(batch),
            summary=(
                f"{'续办' if resuming else '开始'}批量签发“{batch.title}”"
                f"（已办 {batch.processed}/{batch.total} 份）"
            ),
        )
    return batch


def record_batch_item(
    item: DocumentBatchItem, *, status: str, error: str = ""
) -> DocumentBatchItem:
    """Record what became of one document of a batch and update the batch's counts."""

    with transaction.atomic():
        current = DocumentBatchItem.objects.select_for_update().get(pk=item.pk)
        current.document = Document.objects.select_related("kind", "number").get(
            pk=current.document_id
        )
        if not current.can_become(status):
            raise ValidationError(
                f"批量签发明细 {_item_label(current.document)}当前为"
                f"“{current.get_status_display()}”，不能改为“{BatchItemStatus(status).label}”。"
            )
        batch = DocumentBatch.objects.select_for_update().get(pk=current.batch_id)
        before = snapshot(current)
        current.status = status
        current.error = error
        current.finished_at = timezone.now()
        current.save(update_fields=["status", "error", "finished_at"])
        counts = dict(batch.items.values_list("status").annotate(n=models.Count("pk")).order_by())
        batch.done = counts.get(BatchItemStatus.DONE, 0)
        batch.failed = counts.get(BatchItemStatus.FAILED, 0)
        batch.heartbeat_at = current.finished_at
        batch.save(update_fields=["done", "failed", "heartbeat_at"])
        document = current.document
        record_change(
            actor=batch.created_by,
            action="documents.document_batch.record_item",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=(
                f"批量签发“{batch.title}”第 {current.position} 份："
                + (
                    f"{_item_label(document)}已签发，文号 {document.number_text}"
                    if status == BatchItemStatus.DONE
                    else f"签发失败：{error}"
                )
            )[:255],
        )
    item.status, item.error, item.finished_at = current.status, current.error, current.finished_at
    return current


def finish_batch(batch: DocumentBatch) -> DocumentBatch:
    """running → finished, or finished_with_errors when any document failed."""

    with transaction.atomic():
        current = DocumentBatch.objects.select_for_update().get(pk=batch.pk)
        pending = current.items.filter(status=BatchItemStatus.PENDING).count()
        if pending:
            raise ValidationError(
                f"批次“{current.title}”还有 {pending} 份文书未办理，不能结束；"
                "请运行 zhifa documents run-batches 续办。"
            )
        target = BatchStatus.FINISHED_WITH_ERRORS if current.failed else BatchStatus.FINISHED
        if not current.can_become(target):
            raise ValidationError(
                f"批次“{current.title}”当前为“{current.get_status_display()}”，"
                f"不能改为“{BatchStatus(target).label}”。"
            )
        before = snapshot(current)
        current.status = target
        current.finished_at = timezone.now()
        current.heartbeat_at = current.finished_at
        current.save(update_fields=["status", "finished_at", "heartbeat_at"])
        record_change(
            actor=current.created_by,
            action="documents.document_batch.finish",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=(
                f"批量签发“{current.title}”完成：共 {current.total} 份，"
                f"签发 {current.done} 份，失败 {current.failed} 份"
            ),
        )
    return current


def run_batch(
    batch_id: int, *, stale_after: dt.timedelta = BATCH_STALE_AFTER
) -> DocumentBatch | None:
    """The worker: claim the batch, issue each pending document in its own transaction, record
    each outcome, finish. Idempotent: items already recorded are skipped, and a document found
    already issued (an earlier run stopped before recording it) counts as done, not again.
    Returns the finished batch, or None when there was nothing to do."""

    batch = start_batch(batch_id, stale_after=stale_after)
    if batch is None:
        return None
    actor = batch.created_by
    # Ids first: no cursor stays open across the transactions of the loop.
    pending_ids = list(
        batch.items.filter(status=BatchItemStatus.PENDING)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    if batch.attempts > 1:
        # Resuming: the worker before died, perhaps between reserving a 文号 for a draft and
        # using it. Its reservations are voided with the reason; the drafts take new numbers.
        void_abandoned_reservations(
            documents=batch.items.filter(
                pk__in=pending_ids, document__status=DocumentStatus.DRAFT
            ).values_list("document_id", flat=True),
            older_than=None,
            reason=(
                f"批量签发“{batch.title}”中断（执行进程终止），该文号已预留但未用于文书；"
                "续办时作废，文书另取新号。"
            ),
            actor=actor,
        )
    for item_id in pending_ids:
        item = (
            DocumentBatchItem.objects.select_related("document__kind")
            .filter(pk=item_id, status=BatchItemStatus.PENDING)
            .first()
        )
        if item is None:
            continue  # recorded meanwhile by another worker
        _run_item(item, actor=actor, issue_date=batch.issue_date, follow_up=batch.follow_up)
    if batch.items.filter(status=BatchItemStatus.PENDING).exists():
        return None  # another worker is still on some of them and will finish the batch
    try:
        return finish_batch(batch)
    except ValidationError:
        logger.info("批量签发批次 %s 已由另一执行者结束", batch_id)
        return None


def _run_item(
    item: DocumentBatchItem, *, actor: Any, issue_date: dt.date | None, follow_up: str = ""
) -> None:
    """Issue one document of a batch and record the outcome; a document found already issued
    (by an earlier, interrupted run) is recorded as done without issuing it again. The batch's
    follow-up runs for every issued document (it must be idempotent)."""
    document = item.document
    status: str = BatchItemStatus.DONE
    error_text = ""
    if document.status == DocumentStatus.DRAFT:
        try:
            issue_document(document, actor=actor, issue_date=issue_date)
        except Exception as error:
            document.refresh_from_db(fields=["status"])
            if document.status == DocumentStatus.DRAFT:
                if not isinstance(error, (ValidationError, NumberingError, PermissionDenied)):
                    logger.exception("批量签发：%s 签发失败", _item_label(document))
                status = BatchItemStatus.FAILED
                error_text = f"{_item_label(document)}签发失败：{_reason(error)}"
    if status == BatchItemStatus.DONE and follow_up:
        try:
            import_string(follow_up)(Document.objects.get(pk=document.pk), actor=actor)
        except Exception as error:
            if not isinstance(error, (ValidationError, PermissionDenied)):
                logger.exception("批量签发：%s 后续办理失败", _item_label(document))
            status = BatchItemStatus.FAILED
            error_text = f"{_item_label(document)}已签发，但后续办理失败：{_reason(error)}"
    try:
        record_batch_item(item, status=status, error=error_text)
    except ValidationError:
        logger.info("批量签发明细 %s 已由另一执行者记录", item.pk)


def run_batches(*, stale_after: dt.timedelta = BATCH_STALE_AFTER) -> list[DocumentBatch]:
    """Run every queued batch and resume every running one whose worker stopped (no progress
    for ``stale_after``): what ``zhifa documents run-batches`` does on a timer."""

    cutoff = timezone.now() - stale_after
    waiting = DocumentBatch.objects.filter(
        models.Q(status=BatchStatus.QUEUED)
        | models.Q(status=BatchStatus.RUNNING, heartbeat_at__lt=cutoff)
        | models.Q(status=BatchStatus.RUNNING, heartbeat_at__isnull=True)
    ).order_by("created_at", "pk")
    finished: list[DocumentBatch] = []
    for batch_id in list(waiting.values_list("pk", flat=True)):
        result = run_batch(batch_id, stale_after=stale_after)
        if result is not None:
            finished.append(result)
    return finished
