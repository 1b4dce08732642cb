from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

import zhifa_testing as testing
from zhifa.audit.models import AppendOnlyError, AuditRecord
from zhifa.audit.services import (
    GENESIS_HASH,
    ChainReport,
    record_change,
    snapshot,
    verify_chain,
)
from zhifa.audit.sm3 import _gmssl_sm3, _openssl_sm3, sm3_hex

ABC_DIGEST = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def _openssl_has_sm3() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


def append(n: int, *, actor=None, obj=None) -> list[AuditRecord]:
    records = []
    for i in range(n):
        with transaction.atomic():
            records.append(
                record_change(
                    actor=actor,
                    action="test.append",
                    obj=obj,
                    object_type=None if obj is not None else "test.thing",
                    object_id=None if obj is not None else str(i + 1),
                    before={"i": i},
                    after={"i": i + 1, "名称": "第" + str(i + 1) + "条"},
                    summary="测试记录 " + str(i + 1),
                )
            )
    return records


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def jsonb() -> str:
    return "::jsonb" if connection.vendor == "postgresql" else ""


# --- SM3 ------------------------------------------------------------------------------------


def test_gmssl_fallback_gives_the_gbt_32905_digest_of_abc():
    assert _gmssl_sm3(b"abc") == ABC_DIGEST


@pytest.mark.skipif(not _openssl_has_sm3(), reason="此 OpenSSL 未提供 SM3，仅使用 gmssl 实现。")
def test_openssl_gives_the_gbt_32905_digest_of_abc():
    assert _openssl_sm3(b"abc") == ABC_DIGEST


def test_both_implementations_agree_on_longer_input():
    data = ("abcd" * 16).encode()
    expected = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    assert _gmssl_sm3(data) == expected
    if _openssl_has_sm3():
        assert _openssl_sm3(data) == expected
    assert sm3_hex(data) == expected


# --- Appending ------------------------------------------------------------------------------


def test_each_record_links_to_the_previous_one_by_its_sm3_hash(inspector):
    first, second, third = append(3, actor=inspector)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert [r.seq for r in AuditRecord.objects.all()] == [first.seq, second.seq, third.seq]
    assert first.actor == inspector
    assert first.actor_label == "王检查（舟山市卫生健康委员会·执法人员）"


def test_the_hash_is_sm3_of_the_previous_hash_and_the_canonical_record(inspector):
    (record,) = append(1, actor=inspector)
    record.refresh_from_db()
    body = {
        "at": record.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": "王检查（舟山市卫生健康委员会·执法人员）",
        "action": "test.append",
        "summary": "测试记录 1",
        "object_type": "test.thing",
        "object_id": "1",
        "before": {"i": 0},
        "after": {"i": 1, "名称": "第1条"},
    }
    payload = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert record.hash == _gmssl_sm3(GENESIS_HASH.encode() + payload.encode())
    assert len(record.hash) == 64


def test_a_record_is_filed_under_its_objects_region(health_agency, admin_user):
    officer = testing.officer("张执法", organisation=health_agency)
    with transaction.atomic():
        on_agency = record_change(actor=admin_user, action="test.org", obj=health_agency)
        on_officer = record_change(
            actor=admin_user, action="test.officer", obj=officer, after=snapshot(officer)
        )
        on_nothing = record_change(
            actor=admin_user, action="test.global", object_type="test.thing", object_id="1"
        )
    assert on_agency.region_id == "330900"
    assert on_officer.region_id == "330900"
    assert on_officer.object_type == "org.officer"
    assert on_officer.after["id_number"].count("*") > 0  # ID numbers stay masked
    assert on_nothing.region_id is None
    assert verify_chain() == ChainReport(True, 3)


def test_a_record_of_an_enterprise_is_filed_under_the_enterprises_region(zhoushan, admin_user):
    company = testing.enterprise("舟山某某渔业有限公司", region=zhoushan)
    with transaction.atomic():
        record = record_change(actor=admin_user, action="test.enterprise", obj=company)
    assert record.region_id == "330900"


@pytest.mark.django_db(transaction=True)
def test_record_change_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError) as caught:
        record_change(actor=None, action="test.append", object_type="test.thing", object_id="1")
    assert str(caught.value) == "record_change 必须在事务中调用，使变更与审计记录一同提交。"
    assert AuditRecord.objects.count() == 0


def test_a_record_without_an_object_is_refused(db):
    with pytest.raises(ValueError, match="需要对象类型和对象标识"), transaction.atomic():
        record_change(actor=None, action="test.append")
    assert AuditRecord.objects.count() == 0


def test_saving_an_existing_record_again_is_refused(db):
    (record,) = append(1)
    record.summary = "篡改"
    with pytest.raises(AppendOnlyError, match="只能追加，不能修改"):
        record.save()
    assert AuditRecord.objects.get().summary == "测试记录 1"


def test_deleting_a_record_through_the_model_is_refused(db):
    (record,) = append(1)
    with pytest.raises(AppendOnlyError, match="只能追加，不能删除"):
        record.delete()
    assert AuditRecord.objects.count() == 1


# --- Verifying ------------------------------------------------------------------------------


def verify_output() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_verify_prints_ok_and_the_count(db):
    append(3)
    assert verify_output() == "OK 3\n"


def test_verify_of_an_empty_chain_prints_ok_zero(db):
    assert verify_output() == "OK 0\n"


def test_altering_a_records_after_data_is_detected_naming_that_record(db):
    records = append(4)
    target = records[2]
    raw(
        f'UPDATE audit_auditrecord SET "after" = %s{jsonb()} WHERE seq = %s',
        [json.dumps({"i": 999}), target.seq],
    )
    with pytest.raises(CommandError) as caught:
        verify_output()
    assert caught.value.returncode == 1
    assert str(caught.value) == (
        f"审计链在第 {target.seq} 号记录处断裂：内容摘要不符：记录内容被改动（此前 2 条记录完好）。"
    )
    assert verify_chain() == ChainReport(False, 2, target.seq, "内容摘要不符：记录内容被改动")


def test_altering_a_summary_is_detected(db):
    records = append(3)
    raw("UPDATE audit_auditrecord SET summary = %s WHERE seq = %s", ["看似无害", records[0].seq])
    with pytest.raises(CommandError) as caught:
        verify_output()
    assert caught.value.returncode == 1
    assert f"第 {records[0].seq} 号记录" in str(caught.value)


def test_altering_the_region_a_record_is_filed_under_is_detected(health_agency, admin_user):
    with transaction.atomic():
        record = record_change(actor=admin_user, action="test.org", obj=health_agency)
    raw("UPDATE audit_auditrecord SET region_id = %s WHERE seq = %s", ["140700", record.seq])
    assert verify_chain() == ChainReport(False, 0, record.seq, "内容摘要不符：记录内容被改动")


def test_rewriting_a_record_together_with_its_own_hash_breaks_the_next_link(db):
    records = append(3)
    forged = records[1]
    raw("UPDATE audit_auditrecord SET hash = %s WHERE seq = %s", ["f" * 64, forged.seq])
    report = verify_chain()
    assert (report.ok, report.broken_seq) == (False, forged.seq)


def test_deleting_a_middle_record_is_detected_at_the_record_after_it(db):
    records = append(5)
    raw("DELETE FROM audit_auditrecord WHERE seq = %s", [records[2].seq])
    report = verify_chain()
    assert report == ChainReport(
        False, 2, records[3].seq, "前一记录摘要不符：记录被删除、插入或调换了顺序"
    )
    with pytest.raises(CommandError) as caught:
        verify_output()
    assert caught.value.returncode == 1
    assert f"第 {records[3].seq} 号记录" in str(caught.value)


# --- Concurrency ----------------------------------------------------------------------------

THREADS = 8
PER_THREAD = 15


@pytest.mark.django_db(transaction=True)
def test_parallel_appends_keep_one_unbroken_chain():
    """On PostgreSQL an advisory lock serialises appends; on SQLite the IMMEDIATE write lock."""
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(worker: int) -> None:
        try:
            start.wait()
            for i in range(PER_THREAD):
                with transaction.atomic():
                    record_change(
                        actor=None,
                        action="test.parallel",
                        object_type="test.thing",
                        object_id=f"{worker}-{i}",
                        after={"worker": worker, "i": i},
                    )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert verify_chain() == ChainReport(True, THREADS * PER_THREAD)
    assert AuditRecord.objects.values("prev_hash").distinct().count() == THREADS * PER_THREAD
