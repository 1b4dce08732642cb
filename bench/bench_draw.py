"""Benchmark of a whole 双随机 draw at provincial scale.

    .venv/bin/python bench/bench_draw.py --enterprises 3500000 --picks 20000 --runs 3

It fills a throwaway database (SQLite under a temporary ZHIFA_VAR_DIR, or the PostgreSQL
database named by ZHIFA_DATABASE_URL, which it migrates and empties of enterprises first) with
N enterprises spread over Zhejiang's cities and the four credit-risk grades, 60 officers and a
published plan whose task covers the whole province. Each run then creates a draw with one
stratum per grade and the picks split evenly between them, and times:

- announce: streaming the eligible pool from the database in 统一社会信用代码 order into the
  canonical pool file with its SM3 hashes (the pool extraction), plus the officer pool;
- draw: re-reading and re-hashing the frozen pool file, the RFC 3797 selections themselves
  (reported apart as "selection"), the eligibility check of every pick, the officer draws, the
  results written and the public record built.

Draw results are deleted between runs so that no run sees another's as inspection history.
Prints the median of each figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import time_machine

REPO = Path(__file__).resolve().parent.parent
# Zhejiang's 11 prefecture-level cities; every enterprise lies in one of them.
CITIES = {
    "330100": "杭州市", "330200": "宁波市", "330300": "温州市", "330400": "嘉兴市",
    "330500": "湖州市", "330600": "绍兴市", "330700": "金华市", "330800": "衢州市",
    "330900": "舟山市", "331000": "台州市", "331100": "丽水市",
}  # fmt: skip
GRADES = "ABCD"
BATCH = 50_000


def _bootstrap(var_dir: Path) -> None:
    os.environ["ZHIFA_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _rows(count: int) -> Iterator[tuple[Any, ...]]:
    from django.utils import timezone

    from zhifa.core.identifiers import uscc_check_char

    now = timezone.now()
    cities = list(CITIES)
    for n in range(1, count + 1):
        city = cities[n % len(cities)]
        first17 = f"91{city}{n:09d}"
        yield (
            first17 + uscc_check_char(first17),
            f"基准测试企业{n}有限公司",
            "",
            "",
            city,
            "",
            "",
            GRADES[(n * 7) % 4],
            False,
            "",
            now,
            now,
        )


COLUMNS = (
    "uscc, name, legal_representative, address, region_id, industry, industry_code, credit_grade, "
    "uscc_override, uscc_override_reason, created_at, updated_at"
)


def _fill_enterprises(count: int) -> float:
    """Bulk-load ``count`` enterprises with the database's own fast path; returns seconds."""
    from django.db import connection, transaction

    from zhifa.registry.models import Enterprise

    started = time.perf_counter()
    table = Enterprise._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({COLUMNS}) FROM STDIN") as copy:
                for row in _rows(count):
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * 12)
            sql = f"INSERT INTO {table} ({COLUMNS}) VALUES ({marks})"
            batch: list[tuple[Any, ...]] = []
            for row in _rows(count):
                batch.append(row)
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)
                    batch.clear()
            if batch:
                cursor.executemany(sql, batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def _setup(enterprises: int) -> tuple[Any, Any]:
    """Regions, agency, officers, a published plan and its task; returns (task, actor)."""
    from zhifa.draws.models import DrawTask
    from zhifa.org.models import (
        EnforcementField,
        Officer,
        Organisation,
        OrganisationKind,
        Region,
        RegionLevel,
        Role,
        User,
    )
    from zhifa.plans.models import AnnualPlan, PlanStatus, PlanStratum, PlanTask, TaskKind
    from zhifa.registry.models import Enterprise
    from zhifa_testing import make_id_number

    province, _ = Region.objects.get_or_create(
        code="330000", defaults={"name": "浙江省", "level": RegionLevel.PROVINCE}
    )
    for code, name in CITIES.items():
        Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": RegionLevel.CITY, "parent": province}
        )
    field, _ = EnforcementField.objects.get_or_create(code="market", defaults={"name": "市场监管"})
    agency, _ = Organisation.objects.get_or_create(
        name="浙江省市场监督管理局（基准测试）",
        region=province,
        defaults={"kind": OrganisationKind.AGENCY},
    )
    agency.fields.add(field)
    actor, _ = User.objects.get_or_create(
        username="bench-inspector",
        defaults={"role": Role.INSPECTOR, "organisation": agency, "display_name": "基准测试"},
    )
    today = dt.date.today()
    for n in range(1, 61):
        officer, _ = Officer.objects.get_or_create(
            cert_no=f"浙基准{n:05d}",
            defaults={
                "name": f"执法人员{n}",
                "id_number": make_id_number(n, "330102"),
                "organisation": agency,
                "cert_valid_from": today - dt.timedelta(days=365),
                "cert_valid_until": today + dt.timedelta(days=3 * 365),
            },
        )
        officer.fields.add(field)
    plan, _ = AnnualPlan.objects.get_or_create(
        organisation=agency,
        year=today.year,
        defaults={"title": "基准测试年度计划", "status": PlanStatus.PUBLISHED, "created_by": actor},
    )
    for grade, ratio in zip(GRADES, ("3", "5", "10", "20"), strict=True):
        PlanStratum.objects.get_or_create(
            plan=plan,
            code=grade,
            defaults={"name": f"{grade} 类", "credit_grade": grade, "sampling_ratio": ratio},
        )
    task, _ = PlanTask.objects.get_or_create(
        plan=plan,
        name="全省双随机抽查（基准测试）",
        # A province-wide draw over every enterprise: 不限行业 chosen explicitly, as the form asks.
        defaults={
            "quarter": 1,
            "kind": TaskKind.RANDOM,
            "field": field,
            "region": province,
            "all_industries": True,
        },
    )
    DrawTask.objects.filter(task=task).delete()
    present = Enterprise.objects.count()
    if present != enterprises:
        Enterprise.objects.all().delete()
        seconds = _fill_enterprises(enterprises)
        print(f"loaded {enterprises:,} enterprises in {seconds:.1f} s")
    return task, actor


def _one_draw(task: Any, actor: Any, picks: int, run: int) -> dict[str, float]:
    from zhifa.draws import services
    from zhifa.draws.models import DrawTask

    today = dt.date.today()
    per_stratum = picks // len(GRADES)
    counts = {g: per_stratum + (1 if i < picks % len(GRADES) else 0) for i, g in enumerate(GRADES)}
    draw = services.create_draw(
        task=task,
        title=f"基准测试抽取 {run}",
        mode="public",
        reveal_date=today + dt.timedelta(days=1),
        sources=[
            {"name": "基准测试随机源一", "where": "", "expected_on": today + dt.timedelta(days=1)},
            {"name": "基准测试随机源二", "where": "", "expected_on": today + dt.timedelta(days=1)},
        ],
        actor=actor,
        counts=counts,
    )
    started = time.perf_counter()
    services.announce_draw(draw, actor=actor)
    announce = time.perf_counter() - started
    draw.refresh_from_db()
    # The draw is made on the sources' day, with the clock on that day, as an operator would.
    beijing = zoneinfo.ZoneInfo("Asia/Shanghai")
    reveal = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(10), tzinfo=beijing)
    with time_machine.travel(reveal, tick=True):
        started = time.perf_counter()
        services.perform_draw(draw, values=[f"{run},17,23,31,42,45", f"3{run}71.25"], actor=actor)
        perform = time.perf_counter() - started
    draw = DrawTask.objects.get(pk=draw.pk)
    results = draw.results.count()
    if results != picks:
        raise SystemExit(f"run {run}: {results} results, expected {picks}")
    return {
        "extraction": float(draw.extraction_seconds or 0.0),
        "announce": announce,
        "selection": float(draw.selection_seconds or 0.0),
        "draw": perform,
        "whole": announce + perform,
        "pool": float(draw.pool_size),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="双随机抽取基准测试")
    parser.add_argument("--enterprises", type=int, default=3_500_000, help="企业户数")
    parser.add_argument("--picks", type=int, default=20_000, help="抽取户数合计")
    parser.add_argument("--runs", type=int, default=3, help="重复次数，取中位数")
    parser.add_argument(
        "--var-dir",
        type=Path,
        help="沿用此目录中的 SQLite 数据库（户数相同时不再重新生成）；默认用临时目录，结束后删除",
    )
    args = parser.parse_args(argv)
    if args.enterprises < 1 or args.picks < len(GRADES) or args.runs < 1:
        parser.error("--enterprises、--runs 须为正整数，--picks 至少为 4")

    tmp = Path(tempfile.mkdtemp(prefix="zhifa-bench-draw-"))
    try:
        _bootstrap(args.var_dir or tmp / "var")
        from django.db import connection

        from zhifa.audit.sm3 import SM3_IMPLEMENTATION
        from zhifa.draws.models import DrawTask

        task, actor = _setup(args.enterprises)
        print(f"database {connection.vendor}; SM3 {SM3_IMPLEMENTATION}; cores {os.cpu_count()}")
        figures: list[dict[str, float]] = []
        for run in range(1, args.runs + 1):
            figure = _one_draw(task, actor, args.picks, run)
            figures.append(figure)
            print(
                f"run {run}: pool {int(figure['pool']):,}; extraction {figure['extraction']:.2f} s"
                f" (announce {figure['announce']:.2f} s); selection {figure['selection']:.2f} s"
                f" (draw {figure['draw']:.2f} s); whole {figure['whole']:.2f} s"
            )
            DrawTask.objects.filter(task=task).delete()

        def median(key: str) -> float:
            return statistics.median(f[key] for f in figures)

        print(
            f"enterprises={args.enterprises} picks={args.picks} strata={len(GRADES)} "
            f"runs={args.runs} median: extraction {median('extraction'):.2f} s, "
            f"announce {median('announce'):.2f} s, selection {median('selection'):.2f} s, "
            f"draw {median('draw'):.2f} s, whole {median('whole'):.2f} s"
        )
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
