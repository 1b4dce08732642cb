from __future__ import annotations

import datetime as dt
import inspect
import io
import json
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.audit.sm3 import sm3_hex
from zhifa.draws import eligibility, pools, rfc3797, services
from zhifa.draws import record as draw_record
from zhifa.draws.demo import DEMO_SOURCES, DRAWN_VALUES, load_demo_draws
from zhifa.draws.models import (
    DrawMode,
    DrawResult,
    DrawResultStatus,
    DrawStatus,
    DrawStratum,
    DrawTask,
    OfficerAssignment,
)
from zhifa.draws.tests.conftest import SHANGHAI, VALUES, perform_on
from zhifa.org.models import CertificateStatus, Officer
from zhifa.plans.models import AnnualPlan, FrequencyPolicy, PlanTask
from zhifa.registry.models import Enterprise


def make_draw(task, actor, reveal_date, sources, **extra):
    return services.create_draw(
        task=task,
        title="2026年第四季度公共场所卫生双随机抽查",
        mode=extra.pop("mode", DrawMode.PUBLIC),
        reveal_date=reveal_date,
        sources=sources,
        actor=actor,
        **extra,
    )


def verify_with_files(draw):
    assert draw.record_json.encode("utf-8") == json.dumps(
        draw.record, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
    draw_record.verify(
        draw.record,
        pools.read_pool(draw.pool_file),
        pools.read_pool(draw.officer_pool_file),
    )


@pytest.mark.django_db
def test_an_announced_draw_selects_the_exact_count_per_stratum_and_verifies(
    task, registry, officers, inspector, approver, reveal_date, sources
):
    draw = make_draw(task, inspector, reveal_date, sources)
    assert draw.status == DrawStatus.DRAFT
    draw = services.announce_draw(draw, actor=approver)
    assert draw.status == DrawStatus.ANNOUNCED
    assert draw.pool_size == 60
    assert draw.officer_pool_size == 6
    assert [(s.code, s.pool_size, s.count) for s in draw.strata.all()] == [
        ("A", 20, 1),
        ("B", 20, 2),
        ("C", 10, 2),
        ("D", 10, 5),
    ]
    assert sm3_hex(pools.read_pool(draw.pool_file)) == draw.pool_sm3
    draw = perform_on(reveal_date, draw, values=VALUES, actor=inspector)
    assert draw.status == DrawStatus.DRAWN
    assert draw.key_string == "3.8.9.14.22.27.31./3021.57/"
    results = list(DrawResult.objects.filter(draw=draw))
    assert len(results) == 10
    assert [r.stratum.code for r in results].count("D") == 5
    assert all(r.status == DrawResultStatus.AWAITING_APPROVAL for r in results)
    assert OfficerAssignment.objects.filter(result__draw=draw).count() == 20
    verify_with_files(draw)
    assert draw.record_sm3 == sm3_hex(services.record_json_bytes(draw.record))
    assert verify_chain().ok


class Rollback(Exception):
    pass


def picks_of(draw):
    return [
        (r.stratum.code, r.enterprise.uscc, [a.officer.cert_no for a in r.assignments.all()])
        for r in DrawResult.objects.filter(draw=draw).select_related("stratum", "enterprise")
    ]


def dry_run(draw, actor, today, values=VALUES):
    """The picks a draw would make now, with nothing kept."""
    with pytest.raises(Rollback), transaction.atomic():
        drawn = perform_on(today, draw, values=values, actor=actor)
        found = picks_of(drawn), drawn.record
        raise Rollback
    return found


def state(draw):
    draw.refresh_from_db()
    return (
        draw.status,
        DrawResult.objects.count(),
        OfficerAssignment.objects.count(),
        AuditRecord.objects.count(),
        list(draw.sources.values_list("value", flat=True)),
    )


def past_inspection(task, enterprise, officers, when):
    """A drawn draw of ``task`` made at ``when`` that inspected ``enterprise`` with ``officers``."""
    past = DrawTask.objects.create(
        task=task,
        organisation=task.plan.organisation,
        region=task.region,
        title="以往抽查",
        mode=DrawMode.PUBLIC,
        status=DrawStatus.DRAWN,
        reveal_date=when.date(),
        created_by=task.plan.created_by,
        drawn_at=when,
    )
    stratum = DrawStratum.objects.create(draw=past, code="X", name="X")
    result = DrawResult.objects.create(
        draw=past, stratum=stratum, sequence=1, enterprise=enterprise, region=enterprise.region
    )
    for n, officer in enumerate(officers, start=1):
        OfficerAssignment.objects.create(result=result, officer=officer, position=n)
    return past


@pytest.fixture
def announced(task, registry, officers, inspector, approver, reveal_date, sources):
    draw = make_draw(task, inspector, reveal_date, sources)
    return services.announce_draw(draw, actor=approver)


@pytest.mark.django_db
def test_the_same_inputs_give_the_same_picks(announced, inspector, reveal_date):
    first, record = dry_run(announced, inspector, reveal_date)
    drawn = perform_on(reveal_date, announced, values=VALUES, actor=inspector)
    assert picks_of(drawn) == first
    assert drawn.record["strata"] == record["strata"]
    # Each stratum alone reproduces with the RFC 3797 selection over its own pool file.
    blocks = draw_record.pool_blocks(
        pools.read_pool(drawn.pool_file), [(s.code, s.pool_size) for s in drawn.strata.all()]
    )
    for stratum in drawn.record["strata"]:
        lines = blocks[stratum["code"]]
        assert rfc3797.select_lines([*VALUES, stratum["code"]], lines, stratum["count"]) == [
            u for s, u, _ in first if s == stratum["code"]
        ]


@pytest.mark.django_db
def test_a_draw_before_the_reveal_date_is_refused_and_nothing_is_written(
    announced, inspector, reveal_date
):
    before = state(announced)
    day = reveal_date - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        perform_on(day, announced, values=VALUES, actor=inspector)
    assert caught.value.messages == [
        f"随机源公布日期为 {reveal_date:%Y-%m-%d}，今天（{day:%Y-%m-%d}）尚不能抽取；"
        "请在随机源公布后再录入取值并抽取。"
    ]
    assert state(announced) == before


@pytest.mark.django_db
def test_a_malformed_source_value_is_refused_naming_the_source(announced, inspector, reveal_date):
    before = state(announced)
    with pytest.raises(ValidationError) as caught:
        perform_on(reveal_date, announced, values=[VALUES[0], "-3021.57"], actor=inspector)
    assert caught.value.messages == [
        "随机源“上证综合指数收盘点位”：随机源取值“-3021.57”含有负数或正负号；"
        "RFC 3797 只接受非负数。"
    ]
    assert state(announced) == before
    with pytest.raises(ValidationError) as caught:
        perform_on(reveal_date, announced, values=["——", VALUES[1]], actor=inspector)
    assert caught.value.messages == [
        "随机源“中国福利彩票双色球开奖号码”：随机源取值“——”没有数字或英文字母；"
        "文字取值只保留 ASCII 字母和数字，请按公布的数字或字母填写。"
    ]
    with pytest.raises(ValidationError) as caught:
        perform_on(reveal_date, announced, values=[VALUES[0]], actor=inspector)
    assert caught.value.messages == ["本抽取公告了 2 个随机源，应录入 2 个取值，实际录入 1 个。"]
    assert state(announced) == before


@pytest.mark.django_db
def test_a_pool_file_altered_after_announcement_is_refused(announced, inspector, reveal_date):
    before = state(announced)
    path = Path(default_storage.path(announced.pool_file))
    data = path.read_bytes()
    lines = data.decode().splitlines(keepends=True)
    altered = "".join(lines[1:]).encode()
    path.write_bytes(altered)
    with pytest.raises(ValidationError) as caught:
        perform_on(reveal_date, announced, values=VALUES, actor=inspector)
    assert caught.value.messages == [
        f"名录文件与公告时不一致（公告的 SM3 为 {announced.pool_sm3}，现为 {sm3_hex(altered)}），"
        "抽取已中止，未写入任何结果；请由系统管理员核查该文件。"
    ]
    assert state(announced) == before


@pytest.mark.django_db
def test_an_ineligible_pick_is_skipped_with_its_reason_and_the_draw_goes_on(
    announced, task, inspector, reveal_date, officers
):
    first, _ = dry_run(announced, inspector, reveal_date)
    d_picks = [u for s, u, _ in first if s == "D"]
    blocked = Enterprise.objects.get(uscc=d_picks[0])
    when = timezone.now() - dt.timedelta(days=10)
    past_inspection(task, blocked, officers[:2], when)
    deleted = d_picks[1]
    Enterprise.objects.filter(uscc=deleted).delete()

    drawn = perform_on(reveal_date, announced, values=VALUES, actor=inspector)
    stratum = next(s for s in drawn.record["strata"] if s["code"] == "D")
    skipped = [(s["uscc"], s["skip_reason"]) for s in stratum["steps"] if not s["accepted"]]
    assert skipped == [
        (
            blocked.uscc,
            f"本机关已于 {timezone.localdate(when):%Y-%m-%d} 就“公共场所卫生监督检查”检查该企业，"
            "180 日内不再检查",
        ),
        (deleted, "已从企业名录中删除"),
    ]
    accepted = [s["uscc"] for s in stratum["steps"] if s["accepted"]]
    assert len(accepted) == 5
    assert accepted[:3] == d_picks[2:5]
    assert DrawResult.objects.filter(draw=drawn, stratum__code="D").count() == 5
    verify_with_files(drawn)


@pytest.mark.django_db
def test_enterprises_at_a_cap_at_announcement_stay_out_of_the_pool(
    task, registry, officers, inspector, approver, reveal_date, sources, item
):
    past_inspection(task, registry[0], officers[:2], timezone.now() - dt.timedelta(days=1))
    draw = services.announce_draw(make_draw(task, inspector, reveal_date, sources), actor=approver)
    assert draw.pool_size == 59
    assert registry[0].uscc.encode() not in pools.read_pool(draw.pool_file)


@pytest.mark.django_db
def test_an_officer_with_a_declared_conflict_is_skipped(
    announced, inspector, approver, reveal_date
):
    first, _ = dry_run(announced, inspector, reveal_date)
    _, uscc, cert_nos = first[0]
    enterprise = Enterprise.objects.get(uscc=uscc)
    officer = Officer.objects.get(cert_no=cert_nos[0])
    services.declare_conflict(officer, enterprise, "配偶在该企业任职", approver)

    drawn = perform_on(reveal_date, announced, values=VALUES, actor=inspector)
    officer_draw = next(d for d in drawn.record["officer_draws"] if d["uscc"] == uscc)
    assert officer_draw["steps"][0]["cert_no"] == officer.cert_no
    assert officer_draw["steps"][0]["accepted"] is False
    assert officer_draw["steps"][0]["skip_reason"] == "已登记与该企业回避"
    assert "配偶" not in json.dumps(drawn.record, ensure_ascii=False)
    result = DrawResult.objects.get(draw=drawn, enterprise=enterprise)
    chosen = [a.officer.cert_no for a in result.assignments.all()]
    assert officer.cert_no not in chosen
    assert len(chosen) == 2
    assert chosen[0] == cert_nos[1]
    verify_with_files(drawn)
    assert verify_chain().ok


@pytest.mark.django_db
def test_an_officer_of_the_previous_inspection_of_the_enterprise_is_skipped(
    announced, task, plan, inspector, reveal_date, health_agency, zhoushan
):
    first, _ = dry_run(announced, inspector, reveal_date)
    _, uscc, cert_nos = first[0]
    enterprise = Enterprise.objects.get(uscc=uscc)
    # Another task of the same agency (another item): the enterprise stays eligible.
    other = PlanTask.objects.create(
        plan=plan, quarter=1, name="其他任务", kind="random", field=task.field, region=zhoushan
    )
    officer = Officer.objects.get(cert_no=cert_nos[1])
    past_inspection(other, enterprise, [officer], timezone.now() - dt.timedelta(days=30))

    drawn = perform_on(reveal_date, announced, values=VALUES, actor=inspector)
    officer_draw = next(d for d in drawn.record["officer_draws"] if d["uscc"] == uscc)
    skipped = [(s["cert_no"], s["skip_reason"]) for s in officer_draw["steps"] if not s["accepted"]]
    assert skipped == [(officer.cert_no, "参加过本机关对该企业的上一次检查")]
    chosen = [s["cert_no"] for s in officer_draw["steps"] if s["accepted"]]
    assert chosen[0] == cert_nos[0]
    assert officer.cert_no not in chosen
    verify_with_files(drawn)


@pytest.mark.django_db
def test_too_few_eligible_officers_leave_the_results_officers_short(
    announced, inspector, reveal_date, officers
):
    for officer in officers[1:]:
        officer.cert_status = CertificateStatus.REVOKED
        officer.cert_status_reason = "调离执法岗位"
        officer.save()
    drawn = perform_on(reveal_date, announced, values=VALUES, actor=inspector)
    results = DrawResult.objects.filter(draw=drawn)
    assert results.count() == 10
    assert {r.status for r in results} == {DrawResultStatus.OFFICERS_SHORT}
    assert OfficerAssignment.objects.filter(result__draw=drawn).count() == 10
    assert {a.officer for a in OfficerAssignment.objects.filter(result__draw=drawn)} == {
        officers[0]
    }
    steps = drawn.record["officer_draws"][0]["steps"]
    assert len(steps) == 6
    assert sorted(s["skip_reason"] for s in steps if not s["accepted"]) == ["执法证吊销"] * 5
    verify_with_files(drawn)


@pytest.mark.django_db
def test_commit_reveal_publishes_only_the_hash_of_the_secret_until_the_draw(
    task, registry, officers, inspector, approver, reveal_date
):
    draw = make_draw(task, inspector, reveal_date, [], mode=DrawMode.COMMIT)
    draw = services.announce_draw(draw, actor=approver)
    assert len(draw.secret) == 64
    assert draw.commitment_sm3 == sm3_hex(draw.secret.encode())
    public = services.announcement(draw)
    assert public["commitment"] == {"sm3": draw.commitment_sm3}
    assert draw.secret not in json.dumps(public)
    assert draw.secret not in json.dumps(
        list(AuditRecord.objects.values_list("before", "after")), ensure_ascii=False
    )
    drawn = perform_on(reveal_date, draw, values=[], actor=inspector)
    assert drawn.record["commitment"] == {"sm3": draw.commitment_sm3, "secret": draw.secret}
    assert drawn.key_string == draw.secret.upper() + "./"
    assert DrawResult.objects.filter(draw=drawn).count() == 10
    verify_with_files(drawn)


@pytest.mark.django_db
def test_more_than_65536_per_stratum_is_refused(
    task, registry, officers, inspector, approver, reveal_date, sources
):
    with pytest.raises(ValidationError) as caught:
        make_draw(task, inspector, reveal_date, sources, counts={"D": 70000})
    assert caught.value.message_dict == {
        "counts": [
            "分层 D（D 类企业）应抽取 70,000 户，超过 RFC 3797 单次抽取上限 65,536 户；"
            "请降低抽查比例或缩小抽查范围，拆分为多个抽取任务。"
        ]
    }
    draw = make_draw(task, inspector, reveal_date, sources)
    draw.strata.filter(code="D").update(requested_count=70000)
    audits = AuditRecord.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.announce_draw(draw, actor=approver)
    assert caught.value.messages == [
        "分层 D（D 类企业）应抽取 70,000 户，超过 RFC 3797 单次抽取上限 65,536 户；"
        "请降低抽查比例或缩小抽查范围，拆分为多个抽取任务。"
    ]
    draw.refresh_from_db()
    assert (draw.status, draw.pool_sm3, AuditRecord.objects.count()) == ("draft", "", audits)
    assert not default_storage.exists(f"draws/{draw.pk}/pool.txt")


@pytest.mark.django_db
def test_counts_given_at_creation_replace_the_ratios(
    task, registry, officers, inspector, approver, reveal_date, sources
):
    draw = make_draw(task, inspector, reveal_date, sources, counts={"A": 0, "D": 10})
    draw = services.announce_draw(draw, actor=approver)
    assert [s.count for s in draw.strata.all()] == [0, 2, 2, 10]
    drawn = perform_on(reveal_date, draw, values=VALUES, actor=inspector)
    assert DrawResult.objects.filter(draw=drawn).count() == 14
    verify_with_files(drawn)


@pytest.mark.django_db
def test_announcing_with_fewer_officers_than_an_inspection_needs_is_refused(
    task, registry, officers, inspector, approver, reveal_date, sources
):
    Officer.objects.exclude(pk=officers[0].pk).update(cert_valid_until=dt.date(2020, 1, 1))
    draw = make_draw(task, inspector, reveal_date, sources)
    with pytest.raises(ValidationError) as caught:
        services.announce_draw(draw, actor=approver)
    assert caught.value.messages == [
        "本机关卫生健康领域持有效执法证的执法人员只有 1 人，少于每户检查所需的 2 人"
        "（行政处罚法第四十二条），不能公告；请先补充执法人员或核对执法证有效期。"
    ]
    draw.refresh_from_db()
    assert draw.status == DrawStatus.DRAFT


@pytest.mark.django_db
def test_a_draw_needs_a_published_plan_and_a_later_reveal_date(
    task, plan, inspector, today, sources
):
    with pytest.raises(ValidationError) as caught:
        make_draw(task, inspector, today, sources)
    assert caught.value.message_dict["reveal_date"] == [
        f"随机源公布日期须晚于今天（{today:%Y-%m-%d}）：抽取所用的随机数在公告时必须尚未产生。"
    ]
    with pytest.raises(ValidationError) as caught:
        make_draw(task, inspector, today + dt.timedelta(days=3), [])
    assert caught.value.message_dict == {
        "sources": [
            "公开随机源方式至少需要一个随机源（如某期福利彩票开奖号码、某日股票指数收盘点位）。"
        ]
    }
    with pytest.raises(ValidationError) as caught:
        make_draw(task, inspector, today + dt.timedelta(days=1), sources)
    assert caught.value.message_dict["sources"][0].startswith(
        "第 1 个随机源“中国福利彩票双色球开奖号码”的预计公布日期"
    )
    plan.status = "approved"
    plan.save()
    with pytest.raises(ValidationError) as caught:
        make_draw(task, inspector, today + dt.timedelta(days=3), sources)
    assert caught.value.messages == [
        f"年度执法计划“{plan.title}”尚未公布（当前为“已批准”），不能据此抽取；请先公布计划。"
    ]
    assert DrawTask.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["legal_reviewer", "supervisor", "social_supervisor", "enterprise", "outsider"]
)
def test_only_inspectors_and_approvers_of_the_agency_draw(
    request, persona, task, registry, officers, inspector, reveal_date, sources
):
    user = request.getfixturevalue(persona)
    audits = AuditRecord.objects.count()
    with pytest.raises(PermissionDenied):
        make_draw(task, user, reveal_date, sources)
    draw = make_draw(task, inspector, reveal_date, sources)
    with pytest.raises(PermissionDenied):
        services.announce_draw(draw, actor=user)
    with pytest.raises(PermissionDenied):
        services.cancel_draw(draw, reason="不需要了", actor=user)
    draw.refresh_from_db()
    assert draw.status == DrawStatus.DRAFT
    assert AuditRecord.objects.count() == audits + 1


@pytest.mark.django_db
def test_a_cancelled_draw_cannot_be_announced(task, inspector, approver, reveal_date, sources):
    draw = make_draw(task, inspector, reveal_date, sources)
    draw = services.cancel_draw(draw, reason="计划任务调整", actor=approver)
    assert (draw.status, draw.cancel_reason) == ("cancelled", "计划任务调整")
    with pytest.raises(ValidationError) as caught:
        services.announce_draw(draw, actor=approver)
    assert caught.value.messages == [
        "抽取任务“2026年第四季度公共场所卫生双随机抽查”当前状态为“已撤销”，不能公告。"
    ]
    assert not draw.is_public


@pytest.mark.django_db
def test_a_conflict_is_declared_once_and_withdrawn(
    officers, zhoushan_enterprise, approver, outsider
):
    conflict = services.declare_conflict(
        officers[0], zhoushan_enterprise, "曾在该企业任职", approver
    )
    with pytest.raises(ValidationError):
        services.declare_conflict(officers[0], zhoushan_enterprise, "再次登记", approver)
    with pytest.raises(PermissionDenied):
        services.declare_conflict(officers[1], zhoushan_enterprise, "外地登记", outsider)
    conflict = services.withdraw_conflict(conflict, actor=approver)
    assert conflict.is_active is False
    again = services.declare_conflict(officers[0], zhoushan_enterprise, "近亲属任职", approver)
    assert (again.pk, again.is_active, again.reason) == (conflict.pk, True, "近亲属任职")
    assert verify_chain().ok


@pytest.fixture
def made_in_mid_november():
    """The plan and registry exist from 2026-11-16, before the demo's history of early December."""
    with time_machine.travel(dt.datetime(2026, 11, 16, 9, tzinfo=SHANGHAI), tick=False):
        yield


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.mark.django_db
def test_the_demo_draws_after_its_sources_and_announces_a_second_draw_once(
    made_in_mid_november, task, registry, officers, inspector, admin_user
):
    with time_machine.travel(dt.datetime(2026, 12, 3, 14, 45, tzinfo=SHANGHAI), tick=False):
        assert load_demo_draws(admin_user) == {"drawn": 1, "announced": 1, "skipped": 0}
        assert load_demo_draws(admin_user) == {"drawn": 0, "announced": 0, "skipped": 0}

    drawn = DrawTask.objects.get(status=DrawStatus.DRAWN)
    verify_with_files(drawn)
    # Announced on the Monday, sources dated the Tuesday, drawn on the Wednesday (12-02, the
    # last working day over before 12-03 14:45).
    assert (_local(drawn.announced_at), drawn.reveal_date, _local(drawn.drawn_at)) == (
        "2026-11-30 15:00",
        dt.date(2026, 12, 1),
        "2026-12-02 09:30",
    )
    assert list(drawn.sources.values_list("name", "expected_on", "value")) == [
        (DEMO_SOURCES[0], dt.date(2026, 12, 1), DRAWN_VALUES[0]),
        (DEMO_SOURCES[1], dt.date(2026, 12, 1), DRAWN_VALUES[1]),
    ]
    assert all("演示取值" in name for name in DEMO_SOURCES)
    assert (drawn.inspection_start, drawn.inspection_end) == (
        dt.date(2026, 12, 8),
        dt.date(2026, 12, 31),
    )
    waiting = DrawTask.objects.get(status=DrawStatus.ANNOUNCED)
    assert (_local(waiting.announced_at), waiting.reveal_date, waiting.drawn_at) == (
        "2026-12-02 09:45",
        dt.date(2026, 12, 7),
        None,
    )
    assert list(waiting.sources.values_list("expected_on", "value")) == [
        (dt.date(2026, 12, 7), ""),
        (dt.date(2026, 12, 7), ""),
    ]
    assert verify_chain().ok
    moments = list(AuditRecord.objects.order_by("seq").values_list("at", flat=True))
    assert moments == sorted(moments)


def test_no_draw_service_works_as_on_another_day_than_today():
    for service in (
        services.create_draw,
        services.announce_draw,
        services.perform_draw,
        services.cancel_draw,
    ):
        assert not {"today", "on", "day"} & set(inspect.signature(service).parameters)


@pytest.mark.django_db
def test_the_demo_does_nothing_without_a_published_plan(admin_user):
    assert load_demo_draws(admin_user) == {"drawn": 0, "announced": 0, "skipped": 1}
    assert DrawTask.objects.count() == 0


@pytest.mark.django_db
def test_an_enterprise_at_the_regions_cap_across_agencies_is_not_eligible(
    task, registry, officers, inspector, approver, reveal_date, sources, zhoushan
):
    other_agency = testing.organisation("舟山市市场监督管理局", region=zhoushan)
    other_plan = AnnualPlan.objects.create(
        organisation=other_agency,
        year=task.plan.year,
        title="他机关计划",
        status="published",
        created_by=approver,
    )
    other_task = PlanTask.objects.create(
        plan=other_plan,
        quarter=1,
        name="他机关任务",
        kind="random",
        field=task.field,
        region=zhoushan,
    )
    now = timezone.now()
    past_inspection(other_task, registry[5], [], now - dt.timedelta(days=3))
    past_inspection(other_task, registry[5], [], now - dt.timedelta(days=2))
    past_inspection(other_task, registry[6], [], now - dt.timedelta(days=2))
    assert eligibility.ineligible(task) == {
        registry[5].uscc: "各机关今年已检查该企业 2 次，达到本地区每年 2 次的上限"
    }
    FrequencyPolicy.objects.create(region=zhoushan, yearly_cap_across_agencies=1)
    assert set(eligibility.ineligible(task)) == {registry[5].uscc, registry[6].uscc}


@pytest.mark.django_db
def test_a_downloaded_record_and_pools_verify_offline(announced, inspector, reveal_date, tmp_path):
    drawn = perform_on(reveal_date, announced, values=VALUES, actor=inspector)
    record_file = tmp_path / "record.json"
    record_file.write_bytes(drawn.record_json.encode("utf-8"))
    pool_file = tmp_path / "pool.txt"
    pool_file.write_bytes(pools.read_pool(drawn.pool_file))
    officer_file = tmp_path / "officers.txt"
    officer_file.write_bytes(pools.read_pool(drawn.officer_pool_file))
    out = io.StringIO()
    call_command(
        "verify-draw",
        str(record_file),
        "--pool",
        str(pool_file),
        "--officer-pool",
        str(officer_file),
        stdout=out,
    )
    assert out.getvalue().strip() == "VERIFIED"
    pool_file.write_bytes(pool_file.read_bytes().replace(b"\n", b"\r\n", 1))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify-draw", str(record_file), "--pool", str(pool_file), stdout=out)
    assert exit_.value.code == 1
    assert out.getvalue().startswith("MISMATCH: 名录文件的 SM3 为 ")
