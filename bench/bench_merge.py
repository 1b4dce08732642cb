"""Benchmark of the 综合查一次 planner on a city-scale year.

    .venv/bin/python bench/bench_merge.py --agencies 40 --enterprises 300000 --cases 120000 --runs 3

Generates, with a fixed seed, a year of approved plans of a prefecture city (plan year 2026,
planned on Friday 2025-12-19):

- N agencies with rosters of 10–60 officers; each officer takes one block of 5–10 consecutive
  working days of leave and 0–6 single days off (training, sick leave);
- M enterprises, of which the first 5% are 重点企业 that draw about a third of all cases (so several
  agencies meet there), the rest spread over every enterprise;
- C planned cases, split over the agencies in proportion to roster size times a workload factor
  of 0.5–2; each with 1–4 of its agency's items, a window of one quarter (60%) or one month
  (40%) of 2026, two officers (one case in ten needs three) and 5 working days' notice.

Working days come from the ``chinesecalendar`` package (the source the holiday table is
pre-filled from), so 2026's 春节, 国庆 and the 调休 Saturdays and Sundays apply.

Each run times ``plan_joint_visits`` alone (the inputs are built once, untimed), then checks the
plan (untimed): every case in exactly one visit or unplaced; each visit on a working day inside
every one of its cases' windows and not before the lawful notice date; no officer on leave or
above the daily limit; the lead agency has the most items. Prints the median.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from zhifa.inspections.merging import (  # noqa: E402
    AgencyRoster,
    MergePlan,
    OfficerAvailability,
    PlannedCase,
    WorkCalendar,
    plan_joint_visits,
)

YEAR = 2026
TODAY = dt.date(2025, 12, 19)
KEY_SHARE = 0.05  # share of enterprises that are 重点企业
KEY_CASES = 0.35  # share of cases on them
ITEMS_PER_AGENCY = 20


def _calendar() -> WorkCalendar:
    import chinese_calendar

    return WorkCalendar.from_predicate(chinese_calendar.is_workday, TODAY, dt.date(YEAR, 12, 31))


def _month(month: int) -> tuple[dt.date, dt.date]:
    following = dt.date(YEAR + 1, 1, 1) if month == 12 else dt.date(YEAR, month + 1, 1)
    return dt.date(YEAR, month, 1), following - dt.timedelta(days=1)


def _generate(
    agencies: int, enterprises: int, cases: int, calendar: WorkCalendar, seed: int
) -> tuple[list[PlannedCase], list[AgencyRoster]]:
    rng = random.Random(seed)
    year_days = [day for day in calendar.days if day.year == YEAR]
    rosters: list[AgencyRoster] = []
    weights: list[float] = []
    officer_id = 0
    for agency_id in range(1, agencies + 1):
        officers: list[OfficerAvailability] = []
        for _ in range(rng.randint(10, 60)):
            officer_id += 1
            start = rng.randrange(len(year_days) - 10)
            leave = set(year_days[start : start + rng.randint(5, 10)])
            leave.update(rng.sample(year_days, rng.randint(0, 6)))
            officers.append(OfficerAvailability(officer_id, frozenset(leave)))
        rosters.append(AgencyRoster(agency_id, tuple(officers)))
        weights.append(len(officers) * rng.uniform(0.5, 2.0))

    total = sum(weights)
    shares = [int(cases * w / total) for w in weights]
    shares[0] += cases - sum(shares)
    key_enterprises = max(1, int(enterprises * KEY_SHARE))
    quarters = [(dt.date(YEAR, 3 * q - 2, 1), _month(3 * q)[1]) for q in range(1, 5)]
    planned: list[PlannedCase] = []
    case_id = 0
    for roster, share in zip(rosters, shares, strict=True):
        agency_items = [f"A{roster.agency_id:02d}-{k:03d}" for k in range(1, ITEMS_PER_AGENCY + 1)]
        for _ in range(share):
            case_id += 1
            if rng.random() < KEY_CASES:
                enterprise_id = rng.randint(1, key_enterprises)
            else:
                enterprise_id = rng.randint(1, enterprises)
            if rng.random() < 0.6:
                earliest, latest = quarters[rng.randrange(4)]
            else:
                earliest, latest = _month(rng.randint(1, 12))
            planned.append(
                PlannedCase(
                    case_id=case_id,
                    agency_id=roster.agency_id,
                    enterprise_id=enterprise_id,
                    item_codes=tuple(sorted(rng.sample(agency_items, rng.randint(1, 4)))),
                    earliest=earliest,
                    latest=latest,
                    officers_needed=3 if rng.random() < 0.1 else 2,
                    notice_days=5,
                )
            )
    return planned, rosters


def _check(
    plan: MergePlan,
    cases: list[PlannedCase],
    rosters: list[AgencyRoster],
    calendar: WorkCalendar,
    cap: int,
) -> None:
    by_id = {case.case_id: case for case in cases}
    leave = {o.officer_id: o.unavailable for r in rosters for o in r.officers}
    seen: Counter[int] = Counter()
    per_officer_day: Counter[tuple[int, dt.date]] = Counter()
    problems: list[str] = []
    for visit in plan.visits:
        if not calendar.is_workday(visit.day):
            problems.append(f"{visit.case_ids}: {visit.day} is not a working day")
        items: Counter[int] = Counter()
        for case_id in visit.case_ids:
            seen[case_id] += 1
            case = by_id[case_id]
            if case.enterprise_id != visit.enterprise_id:
                problems.append(f"case {case_id} is on enterprise {case.enterprise_id}")
            if not case.earliest <= visit.day <= case.latest:
                problems.append(f"case {case_id}: {visit.day} outside its window")
            if calendar.latest_notice_date(visit.day, case.notice_days) < TODAY:
                problems.append(f"case {case_id}: {visit.day} earlier than the notice rule allows")
            if len(visit.officers[case.agency_id]) < case.officers_needed:
                problems.append(f"case {case_id}: too few officers")
        for agency_id, codes in visit.items.items():
            items[agency_id] = len(codes)
        most = max(items.values())
        if items[visit.lead_agency_id] != most or visit.lead_agency_id != min(
            a for a, n in items.items() if n == most
        ):
            problems.append(f"{visit.case_ids}: wrong lead agency")
        for officers in visit.officers.values():
            for officer in officers:
                if visit.day in leave[officer]:
                    problems.append(f"officer {officer} is on leave on {visit.day}")
                per_officer_day[officer, visit.day] += 1
    for case_id, _reason in plan.unplaced:
        seen[case_id] += 1
    if set(seen) != set(by_id) or any(n != 1 for n in seen.values()):
        problems.append("cases not each placed exactly once")
    problems.extend(
        f"officer {officer} has {n} visits on {day}"
        for (officer, day), n in per_officer_day.items()
        if n > cap
    )
    if problems:
        raise SystemExit("plan check failed:\n" + "\n".join(problems[:20]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="综合查一次合并规划基准测试")
    parser.add_argument("--agencies", type=int, default=40, help="执法机关数")
    parser.add_argument("--enterprises", type=int, default=300_000, help="企业户数")
    parser.add_argument("--cases", type=int, default=120_000, help="计划检查件数")
    parser.add_argument("--runs", type=int, default=3, help="重复次数，取中位数")
    parser.add_argument(
        "--visits-per-day", type=int, default=2, help="每名执法人员每天检查次数上限"
    )
    parser.add_argument("--seed", type=int, default=2026, help="生成数据的随机种子")
    args = parser.parse_args(argv)
    if min(args.agencies, args.enterprises, args.cases, args.runs, args.visits_per_day) < 1:
        parser.error("各参数须为正整数")

    started = time.perf_counter()
    calendar = _calendar()
    cases, rosters = _generate(args.agencies, args.enterprises, args.cases, calendar, args.seed)
    officers = sum(len(r.officers) for r in rosters)
    print(
        f"generated {len(cases):,} cases, {len(rosters)} agencies, {officers:,} officers, "
        f"{args.enterprises:,} enterprises, {len(calendar):,} working days "
        f"in {time.perf_counter() - started:.1f} s; cores {os.cpu_count()}; "
        f"load {os.getloadavg()[0]:.2f}"
    )
    seconds: list[float] = []
    plan: MergePlan | None = None
    for run in range(1, args.runs + 1):
        # The previous run's plan is garbage by now; collect it outside the timed part.
        plan = None
        gc.collect()
        started = time.perf_counter()
        plan = plan_joint_visits(
            cases,
            rosters,
            calendar,
            today=TODAY,
            visits_per_officer_per_day=args.visits_per_day,
        )
        elapsed = time.perf_counter() - started
        seconds.append(elapsed)
        _check(plan, cases, rosters, calendar, args.visits_per_day)
        s = plan.stats
        print(
            f"run {run}: {elapsed:.2f} s; visits before {s.visits_before:,}, after "
            f"{s.visits_after:,} ({s.visits_planned:,} planned, {s.joint_visits:,} joint, "
            f"{s.unplaced:,} unplaced, {s.splits:,} splits); lower bound {s.lower_bound:,}, "
            f"window bound {s.window_bound:,}"
        )
    assert plan is not None
    s = plan.stats
    print(
        f"agencies={args.agencies} enterprises={args.enterprises} cases={args.cases} "
        f"runs={args.runs} median: {statistics.median(seconds):.2f} s; visits "
        f"{s.visits_before:,} → {s.visits_after:,}, reduction {s.reduction:.1%}, "
        f"ratio to lower bound {s.ratio_to_lower_bound:.3f} "
        f"(to window bound {s.visits_after / max(1, s.window_bound):.3f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
