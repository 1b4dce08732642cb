"""The demo's public records tell a history that could have happened: every date agrees with the
others, with the working-day calendar and with the moment the demo was loaded.

The demo is loaded once per load moment (module-scoped, rolled back afterwards) and every record
it created is walked: in December, and on 2026-02-20, a day of the Spring Festival holiday.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.discretion.models import DiscretionVersion
from zhifa.documents.models import Document
from zhifa.documents.specs import SPECS
from zhifa.draws import pools
from zhifa.draws import record as draw_record
from zhifa.draws.models import DrawStatus, DrawTask
from zhifa.inspections.models import CaseStatus, GuidanceSlot, InspectionCase
from zhifa.plans.models import AnnualPlan, PlanTask
from zhifa.supervision.models import SupervisionLetter
from zhifa.workdays.demo_clock import quarter_bounds
from zhifa.workdays.selectors import (
    add_workdays,
    is_workday,
    latest_notice_date,
    notice_working_days,
    working_days_between,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INSPECTION_KINDS = [code for code, spec in SPECS.items() if spec.inspection]


@dataclass(frozen=True)
class Load:
    now: dt.datetime
    first_day: dt.date  # the first working day of the year: set and plans
    quarter: int
    day: dt.date  # the last working day over before the load
    lines: tuple[str, ...]
    # Every time stamp of every row the demo writes.
    stamps: int


LOADS = {
    # Thursday 14:45: Wednesday 12-02 is the last working day that has ended.
    "december": Load(
        dt.datetime(2026, 12, 3, 14, 45, tzinfo=SHANGHAI),
        dt.date(2026, 1, 4),
        4,
        dt.date(2026, 12, 2),
        (
            "演示年度计划：2026年 21 份，于 2026-01-04 公布，任务安排在第4季度。",
            "演示双随机抽取：已抽取 1 个、已公告待抽取 1 个。",
        ),
        5499,  # with the accounts, the messages and the 举报核查 of issue 17
    ),
    # The Spring Festival holiday runs 02-15 to 02-23; Saturday 02-14 was a working day.
    "spring_festival": Load(
        dt.datetime(2026, 2, 20, 11, 0, tzinfo=SHANGHAI),
        dt.date(2026, 1, 4),
        1,
        dt.date(2026, 2, 14),
        (
            "演示年度计划：2026年 21 份，于 2026-01-04 公布，任务安排在第1季度。",
            "演示双随机抽取：已抽取 1 个、已公告待抽取 1 个。",
        ),
        5499,  # with the accounts, the messages and the 举报核查 of issue 17
    ),
}
# Times the demo sets in the future on purpose: the guidance slots it offers.
FUTURE_FIELDS = {(GuidanceSlot, "starts_at"), (GuidanceSlot, "ends_at")}


def _dated_models() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("zhifa."):
            continue
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)]
        if names:
            found.append((model, names))
    return found


@pytest.fixture(scope="module", params=list(LOADS))
def load(
    request: pytest.FixtureRequest, django_db_setup: Any, django_db_blocker: Any, tmp_path_factory
) -> Iterator[tuple[Load, dict[type[models.Model], set[Any]], str]]:
    """The demo loaded at the moment named by the parameter; the rows it created, per model."""
    spec = LOADS[request.param]
    media = tmp_path_factory.mktemp("media")
    # The whole module runs in this transaction, as a test case's own would (so the documents
    # app still numbers documents in savepoints), and it is rolled back at the end.
    module_transaction = transaction.atomic()
    module_transaction._from_testcase = True  # type: ignore[attr-defined]
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), module_transaction:
        dated = _dated_models()
        before = {model: set(model.objects.values_list("pk", flat=True)) for model, _ in dated}
        out = io.StringIO()
        with time_machine.travel(spec.now, tick=False):
            call_command("demo", "load", "--enterprises", "2000", "--officers", "200", stdout=out)
        created = {
            model: set(model.objects.values_list("pk", flat=True)) - before[model]
            for model, _ in dated
        }
        yield spec, created, out.getvalue()
        transaction.set_rollback(True)


def local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment, SHANGHAI)


def shown(moment: dt.datetime) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M")


pytestmark = pytest.mark.django_db


def test_the_load_says_when_the_plans_were_published_and_the_cases_handled(load):
    spec, _, output = load
    lines = output.splitlines()
    assert lines[2:4] == list(spec.lines)
    assert lines[-1].endswith(f"均办理于 {spec.day:%Y-%m-%d}。")


def test_nothing_the_demo_wrote_is_dated_after_the_load_or_on_a_day_off(load):
    spec, created, _ = load
    checked = 0
    for model, names in _dated_models():
        rows = model.objects.filter(pk__in=created[model]).values_list(*names)
        for row in rows:
            for name, value in zip(names, row, strict=True):
                if value is None:
                    continue
                checked += 1
                day = timezone.localdate(value)
                assert is_workday(day), f"{model.__name__}.{name} {shown(value)} 不是工作日"
                if (model, name) not in FUTURE_FIELDS:
                    assert value <= spec.now, f"{model.__name__}.{name} {shown(value)} 晚于载入"
                else:
                    assert value > spec.now
    assert checked == spec.stamps
    # The overdue supervision letter stands for one issued weeks ago: its 成文日期 is earlier
    # (supervision/demo.py); every other document is dated the day it was issued.
    backdated = set(
        SupervisionLetter.objects.filter(escalations__isnull=False).values_list(
            "document_id", flat=True
        )
    )
    # Drafts (the bureau's letters not yet signed, and the 提示函 drafted for the overdue
    # complaint, zhifa/complaints/demo.py) have no date yet.
    issued = Document.objects.filter(pk__in=created[Document], issued_at__isnull=False)
    assert Document.objects.filter(pk__in=created[Document], issued_at=None).count() == 6
    for document in issued:
        assert timezone.localdate(document.issued_at) == spec.day
        if document.pk in backdated:
            assert document.issue_date < spec.day
        else:
            assert document.issue_date == spec.day


def test_the_audit_chain_is_valid_and_written_in_time_order(load):
    spec, _, _ = load
    assert verify_chain().ok
    moments = list(AuditRecord.objects.order_by("seq").values_list("at", flat=True))
    assert moments == sorted(moments)
    assert shown(moments[0]) == f"{spec.first_day:%Y-%m-%d} 08:30"
    assert moments[-1] < dt.datetime.combine(spec.day, dt.time(18), tzinfo=SHANGHAI)


def test_every_plan_is_published_on_the_first_working_day_with_its_tasks_in_the_quarter(load):
    spec, _, _ = load
    plans = list(AnnualPlan.objects.all())
    assert len(plans) == 21
    for plan in plans:
        assert plan.year == spec.first_day.year
        assert shown(plan.published_at) == f"{spec.first_day:%Y-%m-%d} 10:00"
        assert plan.created_at <= plan.published_at
        assert plan.approved_at is None or plan.created_at <= plan.approved_at <= plan.published_at
    assert set(PlanTask.objects.values_list("quarter", flat=True)) == {spec.quarter}


def test_each_draw_is_announced_before_its_demo_sources_and_drawn_after_them_in_its_quarter(
    load,
):
    spec, _, _ = load
    draws = list(DrawTask.objects.select_related("task__plan").order_by("pk"))
    assert [d.status for d in draws] == [DrawStatus.DRAWN, DrawStatus.ANNOUNCED]
    for draw in draws:
        start, end = quarter_bounds(draw.task.plan.year, draw.task.quarter)
        sources = list(draw.sources.all())
        assert len(sources) == 2
        # Never a value for a real lottery or index on a real date.
        assert all("演示取值" in s.name and s.where.startswith("演示数据") for s in sources)
        assert draw.task.plan.published_at < draw.created_at <= draw.announced_at
        announced_on = timezone.localdate(draw.announced_at)
        assert start <= announced_on
        assert all(announced_on < s.expected_on <= draw.reveal_date for s in sources)
        assert draw.reveal_date <= draw.inspection_end <= end
        assert is_workday(announced_on)
    drawn, waiting = draws
    drawn_on = timezone.localdate(drawn.drawn_at)
    assert drawn_on == spec.day
    assert drawn.reveal_date < drawn_on <= end
    assert all(s.value for s in drawn.sources.all())
    record = drawn.record
    assert record["draw"]["reveal_date"] == drawn.reveal_date.isoformat()
    assert [s["expected_on"] for s in record["sources"]] == [drawn.reveal_date.isoformat()] * 2
    draw_record.verify(
        record, pools.read_pool(drawn.pool_file), pools.read_pool(drawn.officer_pool_file)
    )
    # The second draw waits for sources still to come, in its quarter.
    assert waiting.drawn_at is None
    assert spec.now.date() < waiting.reveal_date <= end
    assert [s.value for s in waiting.sources.all()] == ["", ""]


def test_cases_are_notified_in_time_and_results_published_within_twenty_working_days(load):
    spec, _, _ = load
    today = spec.now.date()
    drawn = DrawTask.objects.get(status=DrawStatus.DRAWN)
    cases = list(InspectionCase.objects.select_related("region", "notice", "oral_notice"))
    # Two complaints the social part adds for its 伴随监督 (zhifa/social/demo.py, issue 15).
    social = [c for c in cases if c.title == "投诉举报核查"]
    assert len(social) == 2
    cases = [c for c in cases if c not in social]
    # The persona's 专项检查, the 举报核查 ordered to correct and the emergency inspection.
    assert len(cases) == 3 + drawn.results.exclude(case=None).count()
    for case in cases:
        days = notice_working_days(case.region)
        if case.draw_result_id is not None:
            made = timezone.localdate(case.created_at)
            assert case.created_at > drawn.drawn_at
            assert drawn.inspection_start <= case.inspection_date <= drawn.inspection_end
            assert case.inspection_date >= add_workdays(made, days)
            assert case.inspection_date > today
            assert case.status in (CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.APPROVED)
        if case.notice_id is not None:
            assert case.notice.issue_date <= latest_notice_date(case.inspection_date, days)
            assert case.inspection_date > today
            assert case.status == CaseStatus.NOTIFIED
        if case.decided_at is not None:
            decided = timezone.localdate(case.decided_at)
            assert case.started_at <= case.inspected_at <= case.decided_at
            assert case.inspection_date == decided == spec.day
        if case.is_emergency:
            published = timezone.localdate(case.published_at)
            assert case.decided_at <= case.published_at
            assert 0 <= working_days_between(decided, published) <= 20
            makeup = case.oral_notice
            assert makeup.told_at <= makeup.makeup_done_at
            assert timezone.localdate(makeup.makeup_done_at) <= makeup.makeup_due
        if case.status == CaseStatus.RECTIFYING:
            # Its result is still to be published: within 20 working days, by the inspector.
            assert case.published_at is None
            assert case.publish_due == add_workdays(decided, 20)
            assert case.rectify_deadline == add_workdays(decided, 10)
    statuses = sorted(c.status for c in cases if c.draw_result_id is None)
    assert statuses == [CaseStatus.CLOSED, CaseStatus.NOTIFIED, CaseStatus.RECTIFYING]


def _dd(page: str, label: str) -> str:
    found = re.search(rf"<dt>{label}</dt><dd>([^<]*)", page)
    assert found, label
    return found.group(1)


def test_the_public_pages_show_dates_that_agree(load):
    spec, _, _ = load
    client = Client()
    first = f"{spec.first_day:%Y-%m-%d}"

    page = client.get(reverse("plans:public_plan_list")).content.decode()
    assert re.findall(r"<td>(\d{4}-\d\d-\d\d)</td></tr>", page) == [first] * 21
    plan = AnnualPlan.objects.get(organisation__name="舟山市卫生健康委员会")
    page = client.get(reverse("plans:public_plan_detail", args=[plan.pk])).content.decode()
    assert _dd(page, "公布时间") == f"{first} 10:00"
    assert f"<h3>第{spec.quarter}季度</h3>" in page

    for draw in DrawTask.objects.all():
        page = client.get(reverse("draws:public_detail", args=[draw.pk])).content.decode()
        announced = _dd(page, "公告时间")
        reveal = _dd(page, "随机源公布日期")
        assert reveal.endswith("（此前不得抽取）")
        reveal = reveal.removesuffix("（此前不得抽取）")
        sources = re.findall(r"<td>演示数据[^<]*</td><td>(\d{4}-\d\d-\d\d)</td>", page)
        assert len(sources) == 2
        assert announced[:10] < min(sources) <= max(sources) <= reveal
        if draw.status == DrawStatus.DRAWN:
            drawn = _dd(page, "抽取时间")
            assert reveal < drawn[:10] == f"{spec.day:%Y-%m-%d}"
            assert drawn <= f"{spec.now:%Y-%m-%d %H:%M}"
        else:
            assert "<dt>抽取时间</dt>" not in page
            assert reveal > f"{spec.now:%Y-%m-%d}"
            assert page.count('<span class="muted">待公布</span>') == 2

    page = client.get(reverse("inspections:public_results")).content.decode()
    rows = re.findall(
        r'<tr data-testid="result-row"><td>(\d{4}-\d\d-\d\d)</td>'
        r".*?<td>(\d{4}-\d\d-\d\d)</td></tr>",
        page,
    )
    assert rows == [(f"{spec.day:%Y-%m-%d}", f"{spec.day:%Y-%m-%d}")]

    written = f"{spec.day.year}年{spec.day.month}月{spec.day.day}日"
    # The inspections' documents; the supervision letters are checked in test_supervision_demo.
    documents = Document.objects.filter(issued_at__isnull=False, kind__code__in=INSPECTION_KINDS)
    assert documents.count() == 6
    for document in documents:
        url = reverse("documents:verify", args=[document.verification_code])
        assert _dd(client.get(url).content.decode(), "成文日期") == written

    for version in DiscretionVersion.objects.all():
        page = client.get(reverse("discretion:public_version", args=[version.pk])).content.decode()
        assert f"{spec.day:%Y-%m-%d} 在本平台公布" in page
