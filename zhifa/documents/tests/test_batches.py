"""批量签发: many drafts issued by a background task, each in its own transaction; one failure
loses nothing else and is reported by name; an interrupted batch is resumed by
``zhifa documents run-batches`` without issuing anything twice."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.documents.models import (
    BatchItemStatus,
    BatchStatus,
    Document,
    DocumentBatch,
    DocumentBatchItem,
    DocumentNumber,
    DocumentStatus,
)
from zhifa.documents.services import (
    issue_document,
    issue_documents_in_batch,
    record_batch_item,
    run_batch,
    start_batch,
)

from .conftest import ISSUE_DATE


def number(n: int) -> str:
    return f"舟卫执预\u30142026\u3015{n}号"


def counts() -> tuple[int, int, int, int]:
    return (
        AuditRecord.objects.count(),
        DocumentBatch.objects.count(),
        DocumentBatchItem.objects.count(),
        DocumentNumber.objects.count(),
    )


def test_a_batch_is_queued_and_handed_to_the_worker_only_after_commit(
    drafts, inspector, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = issue_documents_in_batch(drafts, actor=inspector, issue_date=ISSUE_DATE)
        assert callbacks == []

    assert len(callbacks) == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED
    assert batch.title == "批量签发行政执法检查预告通知书（4 份）"
    assert (batch.total, batch.done, batch.failed) == (4, 0, 0)
    assert batch.kind.code == "inspection_preview_notice"
    assert batch.created_by == inspector
    assert list(batch.items.values_list("document_id", "position", "status")) == [
        (d.pk, i, BatchItemStatus.PENDING) for i, d in enumerate(drafts, start=1)
    ]
    assert Document.objects.filter(status=DocumentStatus.ISSUED).count() == 0
    record = AuditRecord.objects.get(action="documents.document_batch.create")
    assert record.summary == "发起批量签发“批量签发行政执法检查预告通知书（4 份）”，共 4 份文书"


def test_one_incomplete_draft_is_reported_by_name_and_the_others_are_issued(drafts, inspector):
    batch = issue_documents_in_batch(drafts, actor=inspector, issue_date=ISSUE_DATE)

    finished = run_batch(batch.pk)

    assert finished is not None
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FINISHED_WITH_ERRORS
    assert (batch.total, batch.done, batch.failed) == (4, 3, 1)
    assert batch.started_at is not None and batch.finished_at is not None
    assert batch.attempts == 1
    issued = [Document.objects.get(pk=d.pk) for d in drafts]
    assert [d.status for d in issued] == [
        DocumentStatus.ISSUED,
        DocumentStatus.DRAFT,
        DocumentStatus.ISSUED,
        DocumentStatus.ISSUED,
    ]
    assert [d.number_text for d in issued] == [number(1), "", number(2), number(3)]
    assert all(d.issue_date == ISSUE_DATE for d in issued if d.number_id)
    failed = batch.items.get(status=BatchItemStatus.FAILED)
    assert failed.document_id == drafts[1].pk
    assert failed.error.startswith(
        f"受送达人“定海渔具商行”的《行政执法检查预告通知书》（草稿编号 {drafts[1].pk}）签发失败："
        "文书“行政执法检查预告通知书”（草稿）的内容不完整，不能签发：缺少"
    )
    assert failed.error.endswith("请先修改草稿补全内容。")
    assert batch.items.filter(status=BatchItemStatus.DONE).count() == 3
    assert DocumentNumber.objects.count() == 3
    finish = AuditRecord.objects.get(action="documents.document_batch.finish")
    assert finish.summary == (
        "批量签发“批量签发行政执法检查预告通知书（4 份）”完成：共 4 份，签发 3 份，失败 1 份"
    )
    assert AuditRecord.objects.filter(action="documents.document_batch.record_item").count() == 4
    assert verify_chain().ok


def test_a_finished_batch_is_not_run_again(drafts, inspector):
    batch = issue_documents_in_batch(drafts, actor=inspector, issue_date=ISSUE_DATE)
    run_batch(batch.pk)
    before = counts()

    assert run_batch(batch.pk) is None
    out = StringIO()
    call_command("documents", "run-batches", stdout=out)

    assert out.getvalue() == "没有待执行或需续办的批量签发批次。\n"
    assert counts() == before


def test_run_batches_resumes_an_interrupted_batch_without_issuing_anything_twice(drafts, inspector):
    good = [drafts[0], drafts[2], drafts[3]]
    batch = issue_documents_in_batch(good, actor=inspector, issue_date=ISSUE_DATE)
    # A worker started, issued and recorded the first document, issued the second and stopped
    # before recording it (the process ended).
    start_batch(batch.pk)
    first, second, _third = batch.items.order_by("position")
    issue_document(first.document, actor=inspector, issue_date=ISSUE_DATE)
    record_batch_item(first, status=BatchItemStatus.DONE)
    issue_document(second.document, actor=inspector, issue_date=ISSUE_DATE)
    DocumentBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=11)
    )
    issues_before = AuditRecord.objects.filter(action="documents.document.issue").count()

    out = StringIO()
    call_command("documents", "run-batches", stdout=out)

    assert out.getvalue() == (
        f"批次 {batch.pk}“批量签发行政执法检查预告通知书（3 份）”：共 3 份，签发 3 份，"
        "失败 0 份（已完成）\n"
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FINISHED
    assert (batch.done, batch.failed, batch.attempts) == (3, 0, 2)
    assert [Document.objects.get(pk=d.pk).number_text for d in good] == [
        number(1),
        number(2),
        number(3),
    ]
    assert DocumentNumber.objects.count() == 3
    # Only the third document was issued by the resumed run.
    assert AuditRecord.objects.filter(action="documents.document.issue").count() == (
        issues_before + 1
    )
    start = AuditRecord.objects.filter(action="documents.document_batch.start").last()
    assert start is not None
    assert start.summary == "续办批量签发“批量签发行政执法检查预告通知书（3 份）”（已办 1/3 份）"
    assert verify_chain().ok


def test_a_batch_whose_worker_is_still_busy_is_left_alone(drafts, inspector):
    batch = issue_documents_in_batch([drafts[0]], actor=inspector, issue_date=ISSUE_DATE)
    start_batch(batch.pk)
    before = counts()

    out = StringIO()
    call_command("documents", "run-batches", stdout=out)

    assert out.getvalue() == "没有待执行或需续办的批量签发批次。\n"
    assert counts() == before
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING


def test_run_batches_refuses_a_negative_stale_time():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as caught:
        call_command("documents", "run-batches", "--stale-minutes", "-1", stdout=StringIO())
    assert str(caught.value) == "--stale-minutes“-1”不正确，请填写不小于 0 的分钟数，例如 10。"


def test_a_batch_with_an_issued_document_is_refused_by_name(drafts, inspector):
    issue_document(drafts[0], actor=inspector, issue_date=ISSUE_DATE)
    before = counts()

    with pytest.raises(ValidationError) as caught:
        issue_documents_in_batch(drafts, actor=inspector)

    assert caught.value.messages == [
        f"受送达人“东港水产有限公司”的《行政执法检查预告通知书》（草稿编号 {drafts[0].pk}）"
        "当前为“已签发”，只有草稿可以签发；请取消勾选后再试。"
    ]
    assert counts() == before


def test_a_draft_already_waiting_in_a_batch_cannot_join_another(drafts, inspector):
    issue_documents_in_batch(drafts[:2], actor=inspector)
    before = counts()

    with pytest.raises(ValidationError) as caught:
        issue_documents_in_batch(drafts[1:], actor=inspector)

    assert caught.value.messages == [
        f"受送达人“定海渔具商行”的《行政执法检查预告通知书》（草稿编号 {drafts[1].pk}）"
        "已在另一批次中等待签发，请取消勾选或等该批次完成后再试。"
    ]
    assert counts() == before


def test_an_empty_batch_is_refused(inspector):
    with pytest.raises(ValidationError) as caught:
        issue_documents_in_batch([], actor=inspector)
    assert caught.value.messages == ["请至少选择一份草稿文书再批量签发。"]


def test_an_officer_of_another_organisation_cannot_batch_issue(drafts, outsider):
    before = counts()
    with pytest.raises(PermissionDenied) as caught:
        issue_documents_in_batch(drafts, actor=outsider)
    assert str(caught.value) == "只能办理本机构制发的文书。"
    assert counts() == before


@pytest.mark.django_db(transaction=True)
def test_the_web_process_runs_a_committed_batch_in_a_worker_thread(drafts, inspector):
    import threading

    batch = issue_documents_in_batch(drafts, actor=inspector, issue_date=ISSUE_DATE)
    name = f"document-batch-{batch.pk}"
    for worker in [t for t in threading.enumerate() if t.name == name]:
        worker.join(timeout=120)
        assert not worker.is_alive()

    batch.refresh_from_db()
    assert batch.status == BatchStatus.FINISHED_WITH_ERRORS
    assert (batch.total, batch.done, batch.failed) == (4, 3, 1)
    assert verify_chain().ok


def test_without_the_worker_thread_a_batch_waits_for_the_command(
    drafts, inspector, settings, django_capture_on_commit_callbacks
):
    settings.ZHIFA_DOCUMENT_BATCH_THREAD = False
    with django_capture_on_commit_callbacks(execute=True):
        batch = issue_documents_in_batch(drafts[:1], actor=inspector, issue_date=ISSUE_DATE)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED

    call_command("documents", "run-batches", stdout=StringIO())

    batch.refresh_from_db()
    assert (batch.status, batch.done) == (BatchStatus.FINISHED, 1)


def test_a_batch_with_documents_left_cannot_be_finished(drafts, inspector):
    from zhifa.documents.services import finish_batch

    batch = issue_documents_in_batch(drafts[:1], actor=inspector)
    start_batch(batch.pk)
    before = counts()

    with pytest.raises(ValidationError) as caught:
        finish_batch(batch)

    assert caught.value.messages == [
        "批次“批量签发行政执法检查预告通知书（1 份）”还有 1 份文书未办理，不能结束；"
        "请运行 zhifa documents run-batches 续办。"
    ]
    assert counts() == before


def test_a_recorded_item_cannot_be_recorded_again(drafts, inspector):
    batch = issue_documents_in_batch(drafts[:1], actor=inspector, issue_date=ISSUE_DATE)
    run_batch(batch.pk)
    item = batch.items.get()
    before = counts()

    with pytest.raises(ValidationError) as caught:
        record_batch_item(item, status=BatchItemStatus.FAILED, error="重复")

    assert caught.value.messages == [
        f"批量签发明细 受送达人“东港水产有限公司”的《行政执法检查预告通知书》"
        f"（草稿编号 {drafts[0].pk}）当前为“已签发”，不能改为“失败”。"
    ]
    assert counts() == before
