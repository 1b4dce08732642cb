from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.documents.models import (
    DocumentKind,
    DocumentNumber,
    NumberingRule,
    NumberSequence,
    NumberStatus,
)
from zhifa.documents.services import (
    NumberingError,
    allocate_number,
    format_number,
    reserve_number,
    use_number,
    void_number,
)
from zhifa.registry.models import Enterprise


def test_format_puts_the_full_year_in_tortoise_shell_brackets_without_padding():
    assert format_number("舟卫执预", 2026, 12) == "舟卫执预\u30142026\u301512号"
    assert format_number("舟卫执预", 2026, 12) == "舟卫执预〔2026〕12号"
    assert format_number("舟卫执预", 2026, 1) == "舟卫执预〔2026〕1号"


def test_a_number_below_one_is_refused():
    with pytest.raises(NumberingError, match="从 1 开始"):
        format_number("舟卫执预", 2026, 0)


def test_the_kinds_the_project_needs_are_seeded(db):
    seeded = dict(DocumentKind.objects.values_list("name", "abbreviation"))
    assert seeded == {
        "行政检查审批表": "审批",
        "批量审批清单": "批审",
        "行政执法检查预告通知书": "执预",
        "行政检查通知书": "检通",
        "口头通知记录": "口通",
        "现场检查笔录": "检录",
        "责令改正通知书": "责改",
        "复查意见书": "复查",
        "不予行政处罚决定书": "不罚",
        "送达回证": "送达",
        "行政执法监督建议书": "监建",
        "行政执法监督意见书": "监意",
        "行政执法监督决定书": "监决",
        "提示函": "提示",
        "督办函": "督办",
        "行政执法监督通知书": "监通",
        "调阅案卷通知书": "调卷",
        "约谈通知书": "约谈",
        "移送函": "移送",
        "复查决定书": "监复",
        "整改（执行）情况报告": "整报",
    }


def test_first_numbers_of_a_year_are_one_then_two(health_agency, preview_kind, inspector):
    first = reserve_number(
        organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
    )
    second = reserve_number(
        organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
    )
    assert first.text == "舟卫执预〔2026〕1号"
    assert second.text == "舟卫执预〔2026〕2号"
    assert (first.number, second.number) == (1, 2)
    assert first.status == NumberStatus.RESERVED
    assert first.reserved_by == inspector
    assert (
        NumberSequence.objects.get(organisation=health_agency, kind=preview_kind).last_number == 2
    )
    records = list(AuditRecord.objects.filter(action="document_number.reserve"))
    assert [r.object_id for r in records] == [str(first.pk), str(second.pk)]
    assert records[0].summary == "预留文号 舟卫执预〔2026〕1号（行政执法检查预告通知书）"


def test_a_kind_may_be_named_by_its_code(health_agency, preview_kind, inspector):
    number = reserve_number(
        organisation=health_agency, kind="inspection_preview_notice", year=2026, actor=inspector
    )
    assert number.kind == preview_kind
    assert number.text == "舟卫执预〔2026〕1号"


def test_each_organisation_kind_and_year_has_its_own_sequence(
    health_agency, justice_bureau, preview_kind, notice_kind, inspector
):
    texts = [
        reserve_number(organisation=org, kind=kind, year=year, actor=inspector).text
        for org, kind, year in [
            (health_agency, preview_kind, 2026),
            (health_agency, preview_kind, 2026),
            (health_agency, notice_kind, 2026),
            (health_agency, preview_kind, 2027),
            (justice_bureau, preview_kind, 2026),
            (health_agency, preview_kind, 2026),
        ]
    ]
    assert texts == [
        "舟卫执预〔2026〕1号",
        "舟卫执预〔2026〕2号",
        "舟卫检通〔2026〕1号",
        "舟卫执预〔2027〕1号",
        "舟司执预〔2026〕1号",
        "舟卫执预〔2026〕3号",
    ]
    assert NumberSequence.objects.count() == 4


def test_a_numbering_rule_overrides_the_designator(health_agency, preview_kind, inspector):
    NumberingRule.objects.create(
        organisation=health_agency, kind=preview_kind, designator="舟卫健执预"
    )
    number = reserve_number(
        organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
    )
    assert number.text == "舟卫健执预〔2026〕1号"


def test_a_missing_doc_prefix_is_an_error_naming_the_organisation(
    zhoushan, preview_kind, admin_user
):
    agency = testing.organisation("舟山市应急管理局", region=zhoushan, doc_prefix="")
    with pytest.raises(NumberingError) as caught:
        reserve_number(organisation=agency, kind=preview_kind, year=2026, actor=admin_user)
    assert str(caught.value) == (
        "机构“舟山市应急管理局”未设置机关代字，无法生成文号；"
        "请系统管理员在机构资料中填写“机关代字”（如“舟卫”）后再试。"
    )
    assert DocumentNumber.objects.count() == 0
    assert NumberSequence.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_an_unknown_kind_code_is_a_clear_error(health_agency, inspector):
    with pytest.raises(NumberingError) as caught:
        reserve_number(organisation=health_agency, kind="no_such_kind", year=2026, actor=inspector)
    assert str(caught.value) == (
        "未配置代码为“no_such_kind”的文书种类，请系统管理员在“文书种类”中添加后再试。"
    )


def test_a_disabled_kind_cannot_be_numbered(health_agency, preview_kind, inspector):
    preview_kind.is_active = False
    preview_kind.save()
    with pytest.raises(NumberingError, match="已停用"):
        reserve_number(organisation=health_agency, kind=preview_kind, year=2026, actor=inspector)
    assert DocumentNumber.objects.count() == 0


def test_reserving_inside_an_open_transaction_is_refused(health_agency, preview_kind, inspector):
    with pytest.raises(NumberingError) as caught, transaction.atomic():
        reserve_number(organisation=health_agency, kind=preview_kind, year=2026, actor=inspector)
    assert "不能在已开启的数据库事务中调用 reserve_number" in str(caught.value)
    assert DocumentNumber.objects.count() == 0
    assert NumberSequence.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_allocate_number_marks_the_number_used_by_the_document(
    zhoushan, health_agency, preview_kind, inspector
):
    with allocate_number(
        organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
    ) as allocation:
        assert allocation.text == "舟卫执预〔2026〕1号"
        document = testing.enterprise("舟山某企业有限公司", region=zhoushan)
        allocation.attach(document)
    number = DocumentNumber.objects.get()
    assert number.status == NumberStatus.USED
    assert number.used_at is not None
    assert (number.object_type, number.object_id) == ("registry.enterprise", str(document.pk))
    assert list(AuditRecord.objects.values_list("action", flat=True)) == [
        "document_number.reserve",
        "document_number.use",
    ]


def test_a_used_number_cannot_be_used_again(health_agency, preview_kind, inspector):
    number = reserve_number(
        organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
    )
    use_number(number, obj=None, actor=inspector)
    assert number.status == NumberStatus.USED
    with pytest.raises(NumberingError) as caught:
        use_number(number, obj=None, actor=inspector)
    assert str(caught.value) == "文号 舟卫执预〔2026〕1号 当前为“已使用”，不能改为“已使用”。"
    assert AuditRecord.objects.filter(action="document_number.use").count() == 1


def test_a_number_cannot_be_used_by_an_unsaved_document(
    zhoushan, health_agency, preview_kind, inspector
):
    number = reserve_number(
        organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
    )
    unsaved = Enterprise(name="未保存企业", region=zhoushan)
    with pytest.raises(NumberingError) as caught:
        use_number(number, obj=unsaved, actor=inspector)
    assert str(caught.value) == (
        "使用文号 舟卫执预〔2026〕1号 的文书尚未保存，请先保存文书再登记文号的使用。"
    )
    number.refresh_from_db()
    assert number.status == NumberStatus.RESERVED


def test_void_number_keeps_the_reason_and_the_number_is_not_reissued(
    health_agency, preview_kind, inspector
):
    number = reserve_number(
        organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
    )
    void_number(number, reason="  文书内容有误，重新制作  ", actor=inspector)
    number.refresh_from_db()
    assert number.status == NumberStatus.VOIDED
    assert number.void_reason == "文书内容有误，重新制作"
    assert number.voided_at is not None
    record = AuditRecord.objects.get(action="document_number.void")
    assert record.before["status"] == "reserved"
    assert record.after["status"] == "voided"
    assert record.summary == "作废文号 舟卫执预〔2026〕1号：文书内容有误，重新制作"
    following = reserve_number(
        organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
    )
    assert following.text == "舟卫执预〔2026〕2号"


def test_voiding_needs_a_reason_and_a_voided_number_stays_voided(
    health_agency, preview_kind, inspector
):
    number = reserve_number(
        organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
    )
    with pytest.raises(NumberingError, match="必须填写作废原因"):
        void_number(number, reason="  ", actor=inspector)
    void_number(number, reason="重复申请", actor=inspector)
    with pytest.raises(NumberingError, match="当前为“已作废”，不能改为“已使用”"):
        use_number(number, obj=None, actor=inspector)
    with pytest.raises(NumberingError, match="当前为“已作废”，不能改为“已作废”"):
        void_number(number, reason="再次作废", actor=inspector)
    number.refresh_from_db()
    assert number.void_reason == "重复申请"
    assert AuditRecord.objects.filter(action="document_number.void").count() == 1


class _SimulatedFailure(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_allocation_is_recorded_voided_and_the_next_gets_the_next_number(
    zhoushan, health_agency, preview_kind, inspector
):
    with (
        pytest.raises(_SimulatedFailure),
        allocate_number(
            organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
        ) as allocation,
    ):
        allocation.attach(testing.enterprise("回滚企业有限公司", region=zhoushan))
        raise _SimulatedFailure("模拟保存文书失败")

    assert not Enterprise.objects.filter(name="回滚企业有限公司").exists()
    voided = DocumentNumber.objects.get(number=1)
    assert voided.status == NumberStatus.VOIDED
    assert voided.void_reason == "事务回滚，文号作废：_SimulatedFailure: 模拟保存文书失败"

    with allocate_number(
        organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
    ) as allocation:
        document = testing.enterprise("成功企业有限公司", region=zhoushan)
        allocation.attach(document)
    used = DocumentNumber.objects.get(number=2)
    assert used.text == "舟卫执预〔2026〕2号"
    assert used.status == NumberStatus.USED
    assert used.object_id == str(document.pk)
    assert list(AuditRecord.objects.values_list("action", flat=True)) == [
        "document_number.reserve",
        "document_number.void",
        "document_number.reserve",
        "document_number.use",
    ]
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_reserving_outside_any_transaction_commits_at_once(health_agency, preview_kind, inspector):
    assert not connection.in_atomic_block
    number = reserve_number(
        organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
    )
    assert not connection.in_atomic_block
    assert DocumentNumber.objects.get(pk=number.pk).status == NumberStatus.RESERVED
    with pytest.raises(NumberingError), transaction.atomic():
        reserve_number(organisation=health_agency, kind=preview_kind, year=2026, actor=inspector)
    assert DocumentNumber.objects.count() == 1


THREADS = 8
PER_THREAD = 10


@pytest.mark.django_db(transaction=True)
def test_parallel_allocations_get_unique_contiguous_numbers(health_agency, preview_kind, inspector):
    """8 threads × 10 allocations: 1…80 each exactly once. Runs on SQLite too: its writers queue
    on the IMMEDIATE lock and the busy timeout set in settings."""
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work() -> None:
        try:
            start.wait()
            for _ in range(PER_THREAD):
                with allocate_number(
                    organisation=health_agency, kind=preview_kind, year=2026, actor=inspector
                ):
                    pass
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(DocumentNumber.objects.values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * PER_THREAD + 1))
    assert DocumentNumber.objects.filter(status=NumberStatus.USED).count() == THREADS * PER_THREAD
    assert NumberSequence.objects.get().last_number == THREADS * PER_THREAD
    report = verify_chain()
    assert (report.ok, report.count) == (True, 2 * THREADS * PER_THREAD)
