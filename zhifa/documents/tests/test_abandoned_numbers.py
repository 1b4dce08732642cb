"""A 文号 reserved by an issuing process that then died (kill -9 between reserving and using it)
is voided with its reason when the batch resumes, or by ``zhifa documents run-batches`` once it
is clearly abandoned: every gap in the 文号台账 is a recorded void. Simultaneous requests to
batch-issue the same drafts make one batch."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.documents.models import (
    BatchItemStatus,
    BatchStatus,
    Document,
    DocumentBatch,
    DocumentNumber,
    NumberStatus,
)
from zhifa.documents.services import (
    issue_document,
    issue_documents_in_batch,
    record_batch_item,
    reserve_number,
    start_batch,
)

from .conftest import ISSUE_DATE


def number(n: int) -> str:
    return f"舟卫执预\u30142026\u3015{n}号"


def ledger() -> list[tuple[str, str]]:
    return list(DocumentNumber.objects.order_by("number").values_list("text", "status"))


def left_behind(document: Document, actor) -> DocumentNumber:
    """What a process killed while issuing ``document`` leaves: a committed reservation for it,
    never used (the rest of its work rolled back with it)."""
    return reserve_number(
        organisation=document.organisation,
        kind=document.kind,
        year=ISSUE_DATE.year,
        actor=actor,
        purpose=document,
    )


@pytest.mark.django_db
def test_a_resumed_batch_voids_the_number_its_dead_worker_reserved(drafts, inspector):
    good = [drafts[0], drafts[2], drafts[3]]
    batch = issue_documents_in_batch(good, actor=inspector, issue_date=ISSUE_DATE)
    start_batch(batch.pk)
    first, second, _third = batch.items.order_by("position")
    issue_document(first.document, actor=inspector, issue_date=ISSUE_DATE)
    record_batch_item(first, status=BatchItemStatus.DONE)
    # The worker reserved the second document's number and was killed before using it.
    abandoned = left_behind(second.document, inspector)
    DocumentBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=11)
    )

    out = StringIO()
    call_command("documents", "run-batches", stdout=out)

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.FINISHED, 3, 0)
    abandoned.refresh_from_db()
    assert (abandoned.text, abandoned.status) == (number(2), NumberStatus.VOIDED)
    assert abandoned.void_reason == (
        "批量签发“批量签发行政执法检查预告通知书（3 份）”中断（执行进程终止），"
        "该文号已预留但未用于文书；续办时作废，文书另取新号。"
    )
    assert ledger() == [
        (number(1), NumberStatus.USED),
        (number(2), NumberStatus.VOIDED),
        (number(3), NumberStatus.USED),
        (number(4), NumberStatus.USED),
    ]
    assert [Document.objects.get(pk=d.pk).number_text for d in good] == [
        number(1),
        number(3),
        number(4),
    ]
    void = AuditRecord.objects.get(action="document_number.void")
    assert void.object_id == str(abandoned.pk)
    assert verify_chain().ok


@pytest.mark.django_db
def test_run_batches_voids_a_reservation_abandoned_by_a_dead_single_issue(drafts, inspector):
    stale = left_behind(drafts[0], inspector)
    DocumentNumber.objects.filter(pk=stale.pk).update(
        reserved_at=timezone.now() - dt.timedelta(minutes=11)
    )
    in_flight = left_behind(drafts[2], inspector)

    out = StringIO()
    call_command("documents", "run-batches", stdout=out)

    reason = (
        "预留后超过 10 分钟未使用：签发过程中断（进程终止），自动作废；相关文书重新签发时另取新号。"
    )
    assert out.getvalue() == (
        f"已作废中断遗留的预留文号 {number(1)}：{reason}\n没有待执行或需续办的批量签发批次。\n"
    )
    assert ledger() == [(number(1), NumberStatus.VOIDED), (number(2), NumberStatus.RESERVED)]
    assert DocumentNumber.objects.get(pk=stale.pk).void_reason == reason
    # The document keeps no number and issues later under a new one.
    issued = issue_document(drafts[0], actor=inspector, issue_date=ISSUE_DATE)
    assert issued.number_text == number(3)
    assert in_flight.status == NumberStatus.RESERVED


@pytest.mark.django_db(transaction=True)
def test_simultaneous_batch_requests_for_the_same_drafts_make_one_batch(
    settings, drafts, inspector
):
    settings.ZHIFA_DOCUMENT_BATCH_THREAD = False
    wanted = [drafts[0], drafts[2], drafts[3]]
    requests = 3
    start = threading.Barrier(requests)
    made: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def request() -> None:
        try:
            start.wait()
            made.append(issue_documents_in_batch(wanted, actor=inspector).pk)
        except ValidationError as error:
            refused.extend(error.messages)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(made) == 1
    assert DocumentBatch.objects.count() == 1
    assert DocumentBatch.objects.get().items.count() == 3
    assert refused == [
        f"受送达人“东港水产有限公司”的《行政执法检查预告通知书》（草稿编号 {drafts[0].pk}）"
        "已在另一批次中等待签发，请取消勾选或等该批次完成后再试。"
    ] * (requests - 1)
    assert AuditRecord.objects.filter(action="documents.document_batch.create").count() == 1
