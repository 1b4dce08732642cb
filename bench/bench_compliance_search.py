"""Benchmark of the compliance guidance search: latency on a large list, quality on the demo list.

    .venv/bin/python bench/bench_compliance_search.py --items 10000 --runs 5

It fills a throwaway database (SQLite under a temporary ZHIFA_VAR_DIR, or the PostgreSQL database
named by ZHIFA_DATABASE_URL, which it migrates and from which it deletes the guidance lists
first) with the demo list (108 items, ``zhifa/compliance/data/demo_guidance*.csv``, published as
舟山市 2025版 by ``load_demo_compliance``), then:

- quality: each question of ``zhifa/compliance/data/search_quality.csv`` is searched against the
  demo list alone and recall@5 is the mean share of its expected items among the first five
  results (target ≥ 0.9; the script exits 1 below it);
- size: N generated items are published as a second list. Each is made from a demo item of the
  same field: its title with a generated place or trade in front, and its violations, advice and
  liability recombined from clauses of the demo items of that field, so the vocabulary and the
  lengths are the demo list's. The index over N + 108 items is built once (timed apart: it is
  built again only when a version is published or superseded);
- latency: every run searches each quality question and each of 60 generated two- or
  three-word queries through ``search.search`` (the cached index, the one small query that
  checks the published set, scoring, ranking, highlighting the first 10 hits), one at a time;
  the figure is the median per query over the run, and the script prints the median of the runs
  (target < 50 ms);
- recall@5 of the quality set against the large list is printed as well: strictly (the generated
  items repeat the demo titles and vocabulary, so near-copies compete with the expected items),
  and counting a generated item made from an expected one as found (its code ends with the demo
  item's code).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
QUALITY_FILE = REPO / "zhifa" / "compliance" / "data" / "search_quality.csv"
PLACES = (
    "定海区",
    "普陀区",
    "岱山县",
    "嵊泗县",
    "沈家门",
    "临城",
    "六横",
    "朱家尖",
    "金塘",
    "桃花",
)
TRADES = (
    "宾馆",
    "餐饮店",
    "超市",
    "船厂",
    "化工厂",
    "工地",
    "食品厂",
    "物流园",
    "汽修厂",
    "印染厂",
)


def _bootstrap(var_dir: Path) -> None:
    os.environ["ZHIFA_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _quality_set() -> list[tuple[str, list[str]]]:
    with QUALITY_FILE.open(encoding="utf-8", newline="") as handle:
        return [(row["query"], row["expected"].split("、")) for row in csv.DictReader(handle)]


def _setup() -> tuple[Any, Any]:
    from zhifa.compliance.demo import load_demo_compliance
    from zhifa.compliance.models import GuidanceVersion
    from zhifa.org.models import Region, RegionLevel, Role, User

    GuidanceVersion.objects.all().delete()
    province, _ = Region.objects.get_or_create(
        code="330000", defaults={"name": "浙江省", "level": RegionLevel.PROVINCE}
    )
    Region.objects.get_or_create(
        code="330900", defaults={"name": "舟山市", "level": RegionLevel.CITY, "parent": province}
    )
    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = User.objects.create_user(
            username="bench-admin", password="bench-admin-pass", role=Role.ADMIN
        )
    return admin, load_demo_compliance(admin)


def _clauses(text: str) -> list[str]:
    parts: list[str] = []
    for piece in text.replace("。", "；").split("；"):
        parts.extend(p for p in piece.split("，") if len(p) >= 4)
    return parts


def _generate(demo: Any, admin: Any, count: int, rng: random.Random) -> Any:
    """Publish ``count`` generated items as a second list (written in bulk: this measures
    search, not the import)."""
    from zhifa.compliance import services
    from zhifa.compliance.models import GuidanceItem

    demo_items = list(demo.items.select_related("field"))
    pool: dict[str, dict[str, list[str]]] = {}
    for item in demo_items:
        parts = pool.setdefault(item.field_id and item.field.code, {})
        for name in ("violations", "advice", "liability"):
            parts.setdefault(name, []).extend(_clauses(getattr(item, name)))
    version = services.create_version(
        region=demo.region,
        data={"publisher": "基准测试发布机关", "label": "基准版", "title": "基准测试合规指导清单"},
        actor=admin,
    )
    rows = []
    for n in range(count):
        base = demo_items[n % len(demo_items)]
        parts = pool[base.field.code]

        def pick(name: str, k: int, parts: dict[str, list[str]] = parts) -> str:
            return "，".join(rng.sample(parts[name], min(k, len(parts[name])))) + "。"

        rows.append(
            GuidanceItem(
                version=version,
                # The demo item it was made from stays readable in the code.
                code=f"G{n + 1:05d}-{base.code}",
                field=base.field,
                title=f"{rng.choice(PLACES)}{rng.choice(TRADES)}{base.title}",
                violations=pick("violations", 3),
                legal_basis_law=base.legal_basis_law,
                legal_basis_article=base.legal_basis_article,
                legal_basis_text=base.legal_basis_text,
                liability=pick("liability", 2),
                advice=pick("advice", 2),
                industries=base.industries,
                inspection_item_codes=base.inspection_item_codes,
                position=n + 1,
            )
        )
    GuidanceItem.objects.bulk_create(rows, batch_size=2000)
    return services.publish_version(version, actor=admin)


def _generated_queries(demo: Any, rng: random.Random, count: int = 60) -> list[str]:
    from zhifa.compliance.search import tokenize

    words = sorted({w for item in demo.items.all() for w in tokenize(item.title) if len(w) >= 2})
    return ["".join(rng.sample(words, rng.choice((2, 3)))) for _ in range(count)]


def _recall(questions: list[tuple[str, list[str]]], *, by_source: bool = False) -> float:
    """Mean share of the expected items among the first five results; ``by_source`` also
    counts a generated item made from an expected one."""
    from zhifa.compliance import search

    total = 0.0
    for query, expected in questions:
        got = [hit.code for hit in search.search(query, limit=5).hits]
        if by_source:
            got = [code.split("-", 1)[1] if code.startswith("G") else code for code in got]
        total += len(set(expected) & set(got)) / len(expected)
    return total / len(questions)


def _latency_run(queries: list[str]) -> list[float]:
    from zhifa.compliance import search

    timings = []
    for query in queries:
        start = time.perf_counter()
        search.search(query, limit=10)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10_000, help="generated items (default 10000)")
    parser.add_argument("--runs", type=int, default=5, help="latency runs (default 5)")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)

    temp = Path(tempfile.mkdtemp(prefix="zhifa-bench-compliance-"))
    try:
        _bootstrap(temp)
        from django.db import connection

        from zhifa.compliance import search

        rng = random.Random(args.seed)
        questions = _quality_set()
        admin, demo = _setup()
        search.invalidate()
        recall_demo = _recall(questions)
        print(f"machine: {_machine()}; database: {connection.vendor}")
        print(
            f"quality: {len(questions)} questions, demo list of {demo.items.count()} items, "
            f"recall@5 = {recall_demo:.3f} (target ≥ 0.9)"
        )

        _generate(demo, admin, args.items, rng)
        start = time.perf_counter()
        index = search.current_index()
        build = time.perf_counter() - start
        print(
            f"index: {len(index.items)} items, {len(index.postings)} terms, built in {build:.2f} s"
        )
        queries = [q for q, _ in questions] + _generated_queries(demo, rng)
        _latency_run(queries[:5])  # warm-up
        medians = []
        p95s = []
        for run in range(1, args.runs + 1):
            timings = _latency_run(queries)
            median = statistics.median(timings)
            p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
            medians.append(median)
            p95s.append(p95)
            print(
                f"run {run}: {len(queries)} queries, median {median:.2f} ms, "
                f"p95 {p95:.2f} ms, max {max(timings):.2f} ms"
            )
        recall_large = _recall(questions)
        recall_source = _recall(questions, by_source=True)
        print(
            f"result: {len(index.items)} items, median of {args.runs} run(s): "
            f"{statistics.median(medians):.2f} ms per query (target < 50 ms), "
            f"p95 {statistics.median(p95s):.2f} ms; recall@5 demo list {recall_demo:.3f}, "
            f"with the {args.items} generated items {recall_large:.3f} "
            f"({recall_source:.3f} counting items generated from the expected ones)"
        )
        return 0 if recall_demo >= 0.9 else 1
    finally:
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
