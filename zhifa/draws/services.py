"""State changes of draws; each is atomic and writes its audit record as its last step.

Input problems raise ``ValidationError`` (Chinese, naming the field or source), forbidden
actions ``PermissionDenied`` (403). A refused step writes nothing: no rows, no files, no audit.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_CEILING, Decimal
from functools import partial
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.audit.sm3 import sm3_hex
from zhifa.core import access, timefmt
from zhifa.draws import eligibility, pools, rfc3797, rules
from zhifa.draws import record as draw_record
from zhifa.draws.models import (
    DrawMode,
    DrawResult,
    DrawResultStatus,
    DrawStatus,
    DrawStratum,
    DrawTask,
    EntropySource,
    OfficerAssignment,
    OfficerConflict,
)
from zhifa.org.models import Officer
from zhifa.plans.models import PlanStatus, PlanTask
from zhifa.registry.models import Enterprise

# Who may act is the capability table's (zhifa.draws.rules); its refusals, for their callers.
DRAW_DENIED = rules.DRAW_DENIED
CONFLICT_DENIED = rules.CONFLICT_DENIED
CHUNK = 5000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


# --- helpers ---------------------------------------------------------------------------------


_VERBS: dict[str, str] = {
    DrawStatus.ANNOUNCED: "公告",
    DrawStatus.DRAWN: "抽取",
    DrawStatus.CANCELLED: "撤销",
}


def _require_transition(draw: DrawTask, to: str) -> None:
    if to not in DrawTask.TRANSITIONS[DrawStatus(draw.status)]:
        label = DrawStatus(draw.status).label
        raise ValidationError(f"抽取任务“{draw.title}”当前状态为“{label}”，不能{_VERBS[to]}。")


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def record_json_bytes(record: dict[str, Any]) -> bytes:
    """The bytes served as ``record.json``; ``record_sm3`` is their SM3.

    Compact, keys sorted, non-ASCII as is: the standard library's C encoder writes that for a
    record of tens of thousands of steps in a fraction of a second (an indent would make it fall
    back to pure Python). ``python -m json.tool`` shows it indented.
    """
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def _insert(model: type[models.Model], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Tens of thousands of rows written without building model instances (no signals, no
    per-row statements): COPY on PostgreSQL, multi-row INSERTs elsewhere."""
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(getattr(c, "column", c.name))) for c in columns)
    head = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES"
    row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Datetimes go in as the backend stores them; a value is the same in every row.
    adapted: dict[int, Any] = {
        i: connection.ops.adapt_datetimefield_value(rows[0][i])
        for i, c in enumerate(columns)
        if isinstance(c, models.DateTimeField)
    }
    if any(row[i] != rows[0][i] for row in rows for i in adapted):
        raise ValueError("_insert 只用于各行时间相同的批量写入。")
    prepared = (
        [tuple(adapted.get(i, v) for i, v in enumerate(row)) for row in rows] if adapted else rows
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one command; row-by-row statements cost a round trip
            # and a client-side parse each.
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
            return
        # Multi-row VALUES: one statement per chunk, where executemany sends one per row.
        per_statement = max(1, 900 // len(columns))
        for chunk in _chunks(prepared, per_statement):
            values = ", ".join([row_marks] * len(chunk))
            cursor.execute(f"{head} {values}", [v for row in chunk for v in row])


def _check_plan_task(task: PlanTask) -> None:
    plan = task.plan
    if plan.status != PlanStatus.PUBLISHED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    f"年度执法计划“{plan.title}”尚未公布（当前为“{PlanStatus(plan.status).label}”），"
                    "不能据此抽取；请先公布计划。"
                ]
            }
        )
    if task.is_cancelled:
        raise ValidationError({NON_FIELD_ERRORS: [f"计划任务“{task.name}”已撤销，不能据此抽取。"]})


def _limit_message(code: str, name: str, count: int) -> str:
    return (
        f"分层 {code}（{name}）应抽取 {count:,} 户，超过 RFC 3797 单次抽取上限 "
        f"{rfc3797.MAX_VALUES:,} 户；请降低抽查比例或缩小抽查范围，拆分为多个抽取任务。"
    )


# --- create ----------------------------------------------------------------------------------


def create_draw(
    *,
    task: PlanTask,
    title: str,
    mode: str,
    reveal_date: dt.date,
    sources: list[dict[str, Any]],
    actor: Any,
    inspection_start: dt.date | None = None,
    inspection_end: dt.date | None = None,
    counts: dict[str, int] | None = None,
) -> DrawTask:
    """A draft draw for a task of a published plan, with its sources and strata."""
    task = PlanTask.objects.select_related("plan", "region").get(pk=task.pk)
    plan = task.plan
    access.require(actor, "draw.create", task)
    _check_plan_task(task)
    errors: dict[str, list[str]] = defaultdict(list)
    title = (title or "").strip()
    if not title:
        errors["title"].append("请填写抽取任务名称。")
    elif len(title) > 200:
        errors["title"].append("抽取任务名称不能超过 200 个字符。")
    if mode not in DrawMode.values:
        errors["mode"].append(
            f"随机方式“{mode}”无效，应为 public（公开随机源）或 commit（承诺—揭示）。"
        )
    today = timezone.localdate()
    if not isinstance(reveal_date, dt.date):
        errors["reveal_date"].append("请填写随机源公布日期。")
    elif reveal_date <= today:
        errors["reveal_date"].append(
            f"随机源公布日期须晚于今天（{today:%Y-%m-%d}）：抽取所用的随机数在公告时必须尚未产生。"
        )
    if mode == DrawMode.PUBLIC and not sources:
        errors["sources"].append(
            "公开随机源方式至少需要一个随机源（如某期福利彩票开奖号码、某日股票指数收盘点位）。"
        )
    cleaned_sources: list[dict[str, Any]] = []
    for number, source in enumerate(sources, start=1):
        name = str(source.get("name") or "").strip()
        where = str(source.get("where") or "").strip()
        expected_on = source.get("expected_on")
        if not name:
            errors["sources"].append(f"第 {number} 个随机源：请填写随机源名称。")
            continue
        if len(name) > 200 or len(where) > 255:
            errors["sources"].append(
                f"第 {number} 个随机源“{name[:20]}”：名称不超过 200 字，公布渠道不超过 255 字。"
            )
        if not isinstance(expected_on, dt.date):
            errors["sources"].append(f"第 {number} 个随机源“{name}”：请填写预计公布日期。")
        elif isinstance(reveal_date, dt.date) and expected_on > reveal_date:
            errors["sources"].append(
                f"第 {number} 个随机源“{name}”的预计公布日期 {expected_on:%Y-%m-%d} 晚于随机源"
                f"公布日期 {reveal_date:%Y-%m-%d}；抽取须在全部随机源公布后进行，请调整日期。"
            )
        elif expected_on <= today:
            errors["sources"].append(
                f"第 {number} 个随机源“{name}”的预计公布日期 {expected_on:%Y-%m-%d} 不晚于今天，"
                "其取值可能已经公布；请选择公告后才产生的随机源。"
            )
        cleaned_sources.append({"name": name, "where": where, "expected_on": expected_on})
    if inspection_start and inspection_end and inspection_end < inspection_start:
        errors["inspection_end"].append("检查结束日期不能早于检查开始日期。")
    plan_strata = list(plan.strata.order_by("code"))
    if not plan_strata:
        errors[NON_FIELD_ERRORS].append(f"年度执法计划“{plan.title}”没有设置抽查分层，不能抽取。")
    requested = dict(counts or {})
    codes = {s.code for s in plan_strata}
    for code, value in requested.items():
        if code not in codes:
            errors["counts"].append(
                f"计划中没有分层“{code}”；可用的分层为：{'、'.join(sorted(codes))}。"
            )
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors["counts"].append(f"分层 {code} 的抽取户数应为非负整数。")
        elif value > rfc3797.MAX_VALUES:
            name = next(s.name for s in plan_strata if s.code == code)
            errors["counts"].append(_limit_message(code, name, value))
    if errors:
        raise ValidationError(dict(errors))

    with transaction.atomic():
        draw = DrawTask.objects.create(
            task=task,
            organisation_id=plan.organisation_id,
            region=task.region,
            title=title,
            mode=mode,
            reveal_date=reveal_date,
            inspection_start=inspection_start,
            inspection_end=inspection_end,
            created_by=actor,
        )
        DrawStratum.objects.bulk_create(
            DrawStratum(
                draw=draw,
                plan_stratum=s,
                code=s.code,
                name=s.name,
                credit_grade=s.credit_grade,
                requested_count=requested.get(s.code),
            )
            for s in plan_strata
        )
        EntropySource.objects.bulk_create(
            EntropySource(draw=draw, position=n, **s)
            for n, s in enumerate(cleaned_sources, start=1)
        )
        record_change(
            actor=actor,
            action="draws.drawtask.create",
            obj=draw,
            after=snapshot(draw),
            summary=f"创建抽取任务“{draw.title}”",
        )
    return draw


# --- announce --------------------------------------------------------------------------------


def _ceil_ratio(ratio: Decimal, size: int) -> int:
    return int((Decimal(ratio) * size / Decimal(100)).to_integral_value(rounding=ROUND_CEILING))


def announce_draw(draw: DrawTask, *, actor: Any) -> DrawTask:
    """Freeze and publish the pools, the counts and (commit mode) the commitment, as of today:
    no caller announces a draw as on another day."""
    day = timezone.localdate()
    saved_files: list[str] = []
    try:
        with transaction.atomic():
            draw = DrawTask.objects.select_for_update().get(pk=draw.pk)
            access.require(actor, "draw.announce", draw)
            _require_transition(draw, DrawStatus.ANNOUNCED)
            before = snapshot(draw)
            task = PlanTask.objects.select_related("plan", "region", "field").get(pk=draw.task_id)
            _check_plan_task(task)
            if draw.reveal_date <= day:
                raise ValidationError(
                    f"随机源公布日期 {draw.reveal_date:%Y-%m-%d} 不晚于公告日期 {day:%Y-%m-%d}；"
                    "公告时随机源必须尚未公布。请撤销本抽取任务，另设公布日期后重新创建。"
                )
            officers = pools.eligible_officers(draw.organisation_id, task.field_id, day)
            needed = task.officers_per_inspection
            if len(officers) < needed:
                raise ValidationError(
                    f"本机关{task.field.name}领域持有效执法证的执法人员只有 {len(officers)} 人，"
                    f"少于每户检查所需的 {needed} 人（行政处罚法第四十二条），不能公告；"
                    "请先补充执法人员或核对执法证有效期。"
                )
            industry_scope = task.industry_scope
            if industry_scope.is_undetermined:
                items = "、".join(industry_scope.unscoped_items)
                raise ValidationError(
                    f"计划任务“{task.name}”的检查事项（{items}）都没有设置适用行业，"
                    "抽取名录的行业范围无法确定，不能公告；请为这些检查事项设置适用行业，"
                    "或通过计划调整指定抽取行业或明确选择“不限行业”。"
                )
            draw.industry_filter = industry_scope.as_record()
            strata = sorted(draw.strata.all(), key=lambda s: s.code)
            excluded = eligibility.ineligible(task, day)
            started = time.perf_counter()
            pool = pools.freeze_strata_pool(
                name=f"draws/{draw.pk}/pool.txt",
                region_prefix=task.region.code_prefix,
                industry_codes=industry_scope.enterprise_codes(),
                strata=[pools.StratumSpec(s.code, s.credit_grade) for s in strata],
                excluded=excluded.keys(),
            )
            saved_files.append(pool.path)
            draw.extraction_seconds = time.perf_counter() - started
            if pool.size == 0:
                raise ValidationError(
                    "抽查范围内没有可抽取的企业（名录为空），不能公告；请核对计划任务的抽查范围和"
                    f"行业范围（{industry_scope.describe()}），以及企业名录中企业的行业代码。"
                )
            ratios = {
                s.code: s.plan_stratum.sampling_ratio if s.plan_stratum else Decimal(0)
                for s in strata
            }
            for stratum in strata:
                part = pool.strata[stratum.code]
                stratum.pool_size = part.size
                stratum.pool_sm3 = part.sm3
                if stratum.requested_count is not None:
                    count = stratum.requested_count
                else:
                    count = _ceil_ratio(ratios[stratum.code], part.size)
                if count > rfc3797.MAX_VALUES:
                    raise ValidationError(_limit_message(stratum.code, stratum.name, count))
                if count > part.size:
                    raise ValidationError(
                        f"分层 {stratum.code}（{stratum.name}）指定抽取 {count} 户，"
                        f"但名录中只有 {part.size} 户；请减少抽取户数。"
                    )
                stratum.count = count
            officer_pool = pools.freeze_officer_pool(
                name=f"draws/{draw.pk}/officers.txt", officers=officers
            )
            saved_files.append(officer_pool.path)
            DrawStratum.objects.bulk_update(strata, ["pool_size", "pool_sm3", "count"])
            draw.pool_file = pool.path
            draw.pool_sm3 = pool.sm3
            draw.pool_size = pool.size
            draw.officer_pool_file = officer_pool.path
            draw.officer_pool_sm3 = officer_pool.sm3
            draw.officer_pool_size = officer_pool.size
            if draw.mode == DrawMode.COMMIT:
                draw.secret = secrets.token_hex(32)
                draw.commitment_sm3 = sm3_hex(draw.secret.encode("utf-8"))
            draw.status = DrawStatus.ANNOUNCED
            draw.announced_by = actor
            draw.announced_at = timezone.now()
            draw.save()
            total = sum(s.count for s in strata)
            record_change(
                actor=actor,
                action="draws.drawtask.announce",
                obj=draw,
                before=before,
                after=snapshot(draw),
                summary=f"公告抽取任务“{draw.title}”：名录 {pool.size} 户，拟抽 {total} 户",
            )
    except BaseException:
        for path in saved_files:
            default_storage.delete(path)
        raise
    return draw


def announcement(draw: DrawTask) -> dict[str, Any]:
    """What is public from the announcement on (no secret, no values before the draw)."""
    task = draw.task
    return {
        "format": "zhifa-draw-announcement/1",
        "key_format": draw.key_format,
        "draw": _draw_summary(draw),
        "sources": [
            {
                "position": s.position,
                "name": s.name,
                "where": s.where,
                "expected_on": s.expected_on.isoformat(),
            }
            for s in draw.sources.order_by("position")
        ],
        "commitment": {"sm3": draw.commitment_sm3} if draw.mode == DrawMode.COMMIT else None,
        "pool": {
            "sm3": draw.pool_sm3,
            "size": draw.pool_size,
            "line_format": draw_record.POOL_LINE_FORMAT,
        },
        "strata": [
            {
                "code": s.code,
                "name": s.name,
                "pool_size": s.pool_size,
                "pool_sm3": s.pool_sm3,
                "count": s.count,
            }
            for s in sorted(draw.strata.all(), key=lambda s: s.code)
        ],
        "officer_pool": {
            "sm3": draw.officer_pool_sm3,
            "size": draw.officer_pool_size,
            "line_format": draw_record.OFFICER_POOL_LINE_FORMAT,
        },
        "officers_per_inspection": task.officers_per_inspection,
    }


def _draw_summary(draw: DrawTask) -> dict[str, Any]:
    task = draw.task
    return {
        "id": draw.pk,
        "title": draw.title,
        "organisation": draw.organisation.name,
        "plan": task.plan.title,
        "task": task.name,
        "region": {"code": draw.region_id, "name": draw.region.name},
        "industry_filter": draw.industry_filter,
        "mode": draw.mode,
        "reveal_date": draw.reveal_date.isoformat(),
        "inspection_start": draw.inspection_start.isoformat() if draw.inspection_start else None,
        "inspection_end": draw.inspection_end.isoformat() if draw.inspection_end else None,
        "announced_at": timefmt.iso_beijing(draw.announced_at),
        "drawn_at": timefmt.iso_beijing(draw.drawn_at),
    }


# --- draw ------------------------------------------------------------------------------------


def _read_frozen(path: str, expected: str, what: str) -> bytes:
    try:
        data = pools.read_pool(path)
    except (OSError, ValueError):
        raise ValidationError(
            f"{what}文件缺失（{path}），抽取已中止，未写入任何结果；请由系统管理员核查。"
        ) from None
    digest = sm3_hex(data)
    if digest != expected:
        raise ValidationError(
            f"{what}文件与公告时不一致（公告的 SM3 为 {expected}，现为 {digest}），"
            "抽取已中止，未写入任何结果；请由系统管理员核查该文件。"
        )
    return data


def _enterprises(usccs: Iterable[str]) -> dict[str, tuple[int, str, str]]:
    """uscc → (id, name, region code) of those still in the registry, by plain batched reads."""
    found: dict[str, tuple[int, str, str]] = {}
    meta = Enterprise._meta
    quote = connection.ops.quote_name
    head = (
        f"SELECT {quote('uscc')}, {quote('id')}, {quote('name')}, {quote('region_id')} "
        f"FROM {quote(meta.db_table)} WHERE {quote('uscc')} IN "
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(set(usccs)), 900):
            cursor.execute(head + "(" + ", ".join(["%s"] * len(chunk)) + ")", list(chunk))
            for uscc, pk, name, region_id in cursor.fetchall():
                found[uscc] = (pk, name, region_id)
    return found


def _previous_officers(organisation_id: int, enterprise_ids: list[int]) -> dict[int, set[int]]:
    """enterprise id → officers of its latest drawn inspection by this agency."""
    latest: dict[int, tuple[dt.datetime, int]] = {}
    officers_of: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(enterprise_ids):
        rows = OfficerAssignment.objects.filter(
            result__enterprise_id__in=chunk,
            result__draw__organisation_id=organisation_id,
            result__draw__status=DrawStatus.DRAWN,
        ).values_list("result__enterprise_id", "result_id", "result__draw__drawn_at", "officer_id")
        for enterprise_id, result_id, drawn_at, officer_id in rows:
            key = (drawn_at or _EPOCH, result_id)
            if enterprise_id not in latest or key > latest[enterprise_id]:
                latest[enterprise_id] = key
                officers_of[enterprise_id] = set()
            if latest[enterprise_id][1] == result_id:
                officers_of[enterprise_id].add(officer_id)
    return officers_of


def _by_position(
    labels: Sequence[str], reason: Callable[[str], str | None]
) -> Callable[[int], str | None]:
    def skip(position: int) -> str | None:
        return reason(labels[position - 1])

    return skip


def perform_draw(draw: DrawTask, *, values: list[str], actor: Any) -> DrawTask:
    """Enter the revealed values, run every selection and freeze the public record, today: a
    draw is never run as on another day, so its record's time is when the values were entered."""
    day = timezone.localdate()
    with transaction.atomic():
        draw = DrawTask.objects.select_for_update().get(pk=draw.pk)
        access.require(actor, "draw.perform", draw)
        _require_transition(draw, DrawStatus.DRAWN)
        before = snapshot(draw)
        if day < draw.reveal_date:
            raise ValidationError(
                f"随机源公布日期为 {draw.reveal_date:%Y-%m-%d}，今天（{day:%Y-%m-%d}）尚不能抽取；"
                "请在随机源公布后再录入取值并抽取。"
            )
        task = PlanTask.objects.select_related("plan", "region").get(pk=draw.task_id)
        sources = list(draw.sources.order_by("position"))
        values = [str(v).strip() for v in values]
        if len(values) != len(sources):
            raise ValidationError(
                f"本抽取公告了 {len(sources)} 个随机源，应录入 {len(sources)} 个取值，"
                f"实际录入 {len(values)} 个。"
            )
        for source, value in zip(sources, values, strict=True):
            try:
                source.canonical = rfc3797.canonical_source(value, draw.key_format)
            except rfc3797.SourceError as exc:
                raise ValidationError(f"随机源“{source.name}”：{exc}") from None
            source.value = value

        pool_data = _read_frozen(draw.pool_file, draw.pool_sm3, "名录")
        officer_data = _read_frozen(draw.officer_pool_file, draw.officer_pool_sm3, "执法人员名录")
        strata = sorted(draw.strata.all(), key=lambda s: s.code)
        lines = pool_data.count(b"\n")
        if lines != draw.pool_size or sum(s.pool_size for s in strata) != draw.pool_size:
            raise ValidationError(
                f"名录文件有 {lines} 行，与公告的 {draw.pool_size} 户不符，"
                "抽取已中止，未写入任何结果。"
            )
        by_stratum = pools.open_pool(pool_data, [(s.code, s.pool_size) for s in strata])
        secret = draw.secret if draw.mode == DrawMode.COMMIT else None
        base = draw_record.base_key(values, secret, draw.key_format)
        ineligible = eligibility.ineligible(task, day)

        # A pick is skipped when it is ineligible now or no longer in the registry. Whether an
        # entry is skipped depends on that entry alone, never on the order of the draw, so each
        # stratum is selected with the in-memory reasons first and its picks then looked up in
        # one batch; in the rare case that a pick has left the registry, the stratum is
        # selected again knowing it (the same as skipping it as it came, RFC 3797 §5.1).
        known: dict[str, tuple[int, str, str]] = {}
        removed: set[str] = set()

        def enterprise_reason(uscc: str) -> str | None:
            if uscc in ineligible:
                return ineligible[uscc]
            if uscc in removed:
                return "已从企业名录中删除"
            return None

        selection_seconds = 0.0
        strata_records: list[dict[str, Any]] = []
        picks: list[tuple[DrawStratum, int, str]] = []
        for stratum in strata:
            labels = by_stratum[stratum.code]
            key = draw_record.stratum_key(base, stratum.code, draw.key_format)
            while True:
                started = time.perf_counter()
                selection = rfc3797.select(
                    key,
                    stratum.pool_size,
                    stratum.count,
                    skip=_by_position(labels, enterprise_reason),
                )
                selection_seconds += time.perf_counter() - started
                chosen = [labels[step.position - 1] for step in selection.accepted]
                known.update(_enterprises(u for u in chosen if u not in known))
                gone = {u for u in chosen if u not in known}
                if not gone:
                    break
                removed.update(gone)
            strata_records.append(
                {
                    "code": stratum.code,
                    "name": stratum.name,
                    "pool_size": stratum.pool_size,
                    "pool_sm3": stratum.pool_sm3,
                    "count": stratum.count,
                    "key_string": key,
                    "steps": draw_record.step_entries(selection, labels, "uscc"),
                }
            )
            for sequence, step in enumerate(selection.accepted, start=1):
                picks.append((stratum, sequence, labels[step.position - 1]))
        del by_stratum, pool_data

        # Officers: one selection per drawn enterprise over the frozen officer pool.
        cert_nos = officer_data.decode("utf-8").splitlines()
        officers = {o.cert_no: o for o in Officer.objects.filter(cert_no__in=cert_nos)}
        per_inspection = task.officers_per_inspection
        officer_count = min(per_inspection, len(cert_nos))
        picked_ids = [known[uscc][0] for _, _, uscc in picks]
        conflicts: dict[int, dict[int, str]] = defaultdict(dict)
        for enterprise_id, officer_id, reason in OfficerConflict.objects.filter(
            is_active=True, officer_id__in=[o.pk for o in officers.values()]
        ).values_list("enterprise_id", "officer_id", "reason"):
            conflicts[enterprise_id][officer_id] = reason
        previous = _previous_officers(draw.organisation_id, picked_ids)
        officer_reason_today: dict[str, str | None] = {}

        def officer_reason(cert_no: str, enterprise_id: int) -> str | None:
            officer = officers.get(cert_no)
            if officer is None:
                return "已不在执法人员名录中"
            if officer.organisation_id != draw.organisation_id:
                return "已调离本机关"
            if cert_no not in officer_reason_today:
                # The record is public: the category only, never a disciplinary reason.
                officer_reason_today[cert_no] = officer.public_ineligibility(day)
            if officer_reason_today[cert_no]:
                return officer_reason_today[cert_no]
            if officer.pk in conflicts.get(enterprise_id, {}):
                # The record is public; the reason (often a family tie) stays in the
                # conflict register, which only the agency and its supervisors see.
                return "已登记与该企业回避"
            if officer.pk in previous.get(enterprise_id, set()):
                return "参加过本机关对该企业的上一次检查"
            return None

        officer_records: list[dict[str, Any]] = []
        assigned: list[list[str]] = []
        for _, _, uscc in picks:
            enterprise_id = known[uscc][0]
            key = draw_record.officer_key(base, uscc, draw.key_format)
            started = time.perf_counter()
            selection = rfc3797.select(
                key,
                len(cert_nos),
                officer_count,
                skip=_by_position(cert_nos, partial(officer_reason, enterprise_id=enterprise_id)),
            )
            selection_seconds += time.perf_counter() - started
            officer_records.append(
                {
                    "uscc": uscc,
                    "key_string": key,
                    "count": officer_count,
                    "steps": draw_record.step_entries(selection, cert_nos, "cert_no"),
                }
            )
            assigned.append([cert_nos[s.position - 1] for s in selection.accepted])

        now = timezone.now()
        statuses = [
            DrawResultStatus.AWAITING_APPROVAL.value
            if len(chosen) >= per_inspection
            else DrawResultStatus.OFFICERS_SHORT.value
            for chosen in assigned
        ]
        _insert(
            DrawResult,
            ["draw", "stratum", "sequence", "enterprise", "region", "status", "created_at"],
            [
                (draw.pk, stratum.pk, sequence, known[uscc][0], known[uscc][2], status, now)
                for (stratum, sequence, uscc), status in zip(picks, statuses, strict=True)
            ],
        )
        result_ids = dict(DrawResult.objects.filter(draw=draw).values_list("enterprise_id", "pk"))
        _insert(
            OfficerAssignment,
            ["result", "officer", "position"],
            [
                (result_ids[known[uscc][0]], officers[cert_no].pk, n)
                for (_, _, uscc), chosen in zip(picks, assigned, strict=True)
                for n, cert_no in enumerate(chosen, start=1)
            ],
        )
        EntropySource.objects.bulk_update(sources, ["value", "canonical"])

        draw.status = DrawStatus.DRAWN
        draw.drawn_by = actor
        draw.drawn_at = now
        draw.key_string = base
        draw.selection_seconds = selection_seconds
        record = {
            "format": draw_record.FORMAT,
            "key_format": draw.key_format,
            "draw": _draw_summary(draw),
            "sources": [
                {
                    "position": s.position,
                    "name": s.name,
                    "expected_on": s.expected_on.isoformat(),
                    "value": s.value,
                    "canonical": s.canonical,
                }
                for s in sources
            ],
            "commitment": (
                {"sm3": draw.commitment_sm3, "secret": draw.secret}
                if draw.mode == DrawMode.COMMIT
                else None
            ),
            "key_string": base,
            "pool": {
                "sm3": draw.pool_sm3,
                "size": draw.pool_size,
                "line_format": draw_record.POOL_LINE_FORMAT,
            },
            "strata": strata_records,
            "officer_pool": {
                "sm3": draw.officer_pool_sm3,
                "size": draw.officer_pool_size,
                "line_format": draw_record.OFFICER_POOL_LINE_FORMAT,
            },
            "officers_per_inspection": per_inspection,
            "officer_draws": officer_records,
            "results": [
                {
                    "stratum": stratum.code,
                    "sequence": sequence,
                    "uscc": uscc,
                    "name": known[uscc][1],
                    "officers": chosen,
                    "status": status,
                }
                for (stratum, sequence, uscc), chosen, status in zip(
                    picks, assigned, statuses, strict=True
                )
            ],
        }
        record_bytes = record_json_bytes(record)
        draw.record_json = record_bytes.decode("utf-8")
        draw.record_sm3 = sm3_hex(record_bytes)
        draw.save()
        short = statuses.count(DrawResultStatus.OFFICERS_SHORT.value)
        summary = f"抽取“{draw.title}”：抽中 {len(picks)} 户企业"
        if short:
            summary += f"，其中 {short} 户执法人员不足"
        record_change(
            actor=actor,
            action="draws.drawtask.draw",
            obj=draw,
            before=before,
            after=snapshot(draw),
            summary=summary,
        )
    return draw


# --- cancel ----------------------------------------------------------------------------------


def cancel_draw(draw: DrawTask, *, reason: str, actor: Any) -> DrawTask:
    reason = (reason or "").strip()
    with transaction.atomic():
        draw = DrawTask.objects.select_for_update().get(pk=draw.pk)
        access.require(actor, "draw.cancel", draw)
        _require_transition(draw, DrawStatus.CANCELLED)
        if not reason:
            raise ValidationError({"reason": ["请填写撤销理由；已公告的抽取，撤销理由将公开。"]})
        if len(reason) > 255:
            raise ValidationError({"reason": ["撤销理由不能超过 255 个字符。"]})
        before = snapshot(draw)
        draw.status = DrawStatus.CANCELLED
        draw.cancel_reason = reason
        draw.save(update_fields=["status", "cancel_reason"])
        record_change(
            actor=actor,
            action="draws.drawtask.cancel",
            obj=draw,
            before=before,
            after=snapshot(draw),
            summary=f"撤销抽取任务“{draw.title}”：{reason}",
        )
    return draw


# --- conflicts (回避) ------------------------------------------------------------------------


def declare_conflict(
    officer: Officer, enterprise: Enterprise, reason: str, actor: Any
) -> OfficerConflict:
    """Record that ``officer`` must not inspect ``enterprise`` (行政处罚法第四十三条)."""
    access.require(actor, "conflict.keep", officer)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写回避事由，如近亲属在该企业任职。"]})
    if len(reason) > 255:
        raise ValidationError({"reason": ["回避事由不能超过 255 个字符。"]})
    with transaction.atomic():
        conflict = (
            OfficerConflict.objects.select_for_update()
            .filter(officer=officer, enterprise=enterprise)
            .first()
        )
        before = None
        if conflict is not None:
            if conflict.is_active:
                raise ValidationError(
                    {
                        "enterprise": [
                            f"{officer.name}与{enterprise.name}的回避已经登记，无需重复登记。"
                        ]
                    }
                )
            before = snapshot(conflict)
            conflict.reason = reason
            conflict.declared_by = actor
            conflict.declared_at = timezone.now()
            conflict.is_active = True
            conflict.save()
        else:
            conflict = OfficerConflict.objects.create(
                officer=officer, enterprise=enterprise, reason=reason, declared_by=actor
            )
        record_change(
            actor=actor,
            action="draws.officerconflict.declare",
            obj=conflict,
            before=before,
            after=snapshot(conflict),
            summary=f"登记回避：{officer.name}回避{enterprise.name}",
        )
    return conflict


def withdraw_conflict(conflict: OfficerConflict, *, actor: Any) -> OfficerConflict:
    with transaction.atomic():
        conflict = (
            OfficerConflict.objects.select_for_update()
            .select_related("officer", "enterprise")
            .get(pk=conflict.pk)
        )
        access.require(actor, "conflict.keep", conflict)
        if not conflict.is_active:
            raise ValidationError("该回避登记已撤回，无需重复撤回。")
        before = snapshot(conflict)
        conflict.is_active = False
        conflict.save(update_fields=["is_active"])
        record_change(
            actor=actor,
            action="draws.officerconflict.withdraw",
            obj=conflict,
            before=before,
            after=snapshot(conflict),
            summary=f"撤回回避：{conflict.officer.name}—{conflict.enterprise.name}",
        )
    return conflict
