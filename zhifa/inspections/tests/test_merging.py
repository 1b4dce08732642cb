"""The 综合查一次 planner (zhifa.inspections.merging).

Most tests plan in March 2026, which has no 法定节假日 and no 调休 day in the State Council's 2026
arrangement, so Monday–Friday is exactly its working days. The holiday tests use the real table.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest

from zhifa.inspections.merging import (
    AgencyRoster,
    CalendarNotCovered,
    MergePlan,
    OfficerAvailability,
    PlannedCase,
    Unplaced,
    Visit,
    WorkCalendar,
    calendar_span,
    plan_joint_visits,
)
from zhifa.workdays import selectors

MARCH = WorkCalendar.from_predicate(
    lambda day: day.weekday() < 5, dt.date(2026, 3, 1), dt.date(2026, 3, 31)
)
MONDAY = dt.date(2026, 3, 2)


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


def case(
    case_id: int,
    agency_id: int,
    enterprise_id: int,
    earliest: dt.date,
    latest: dt.date,
    items: tuple[str, ...] = ("X1",),
    **kwargs: int,
) -> PlannedCase:
    return PlannedCase(case_id, agency_id, enterprise_id, items, earliest, latest, **kwargs)


def roster(
    agency_id: int, *officer_ids: int, leave: dict[int, list[dt.date]] | None = None
) -> AgencyRoster:
    leave = leave or {}
    return AgencyRoster(
        agency_id,
        tuple(OfficerAvailability(o, frozenset(leave.get(o, []))) for o in officer_ids),
    )


def plan(
    cases: list[PlannedCase],
    rosters: list[AgencyRoster],
    *,
    today: dt.date = MONDAY,
    calendar: WorkCalendar = MARCH,
    cap: int = 2,
) -> MergePlan:
    return plan_joint_visits(cases, rosters, calendar, today=today, visits_per_officer_per_day=cap)


def test_two_agencies_with_overlapping_windows_get_one_joint_visit_led_by_the_one_with_more_items():
    result = plan(
        [
            case(1, 10, 500, d(3, 16), d(3, 20), items=("A1", "A2")),
            case(2, 20, 500, d(3, 18), d(3, 27), items=("B1", "B2", "B3")),
        ],
        [roster(10, 101, 102, 103), roster(20, 201, 202)],
    )

    assert result.visits == [
        Visit(
            enterprise_id=500,
            day=d(3, 18),
            lead_agency_id=20,
            case_ids=(1, 2),
            officers={10: (101, 102), 20: (201, 202)},
            items={10: ("A1", "A2"), 20: ("B1", "B2", "B3")},
        )
    ]
    assert result.visits[0].is_joint is True
    assert result.unplaced == []


def test_on_a_tie_of_items_the_agency_with_the_lowest_id_leads():
    result = plan(
        [
            case(1, 30, 500, d(3, 16), d(3, 20), items=("C1", "C2")),
            case(2, 20, 500, d(3, 16), d(3, 20), items=("B1", "B2")),
        ],
        [roster(20, 201, 202), roster(30, 301, 302)],
    )

    assert [(v.lead_agency_id, v.case_ids, v.agency_ids) for v in result.visits] == [
        (20, (1, 2), (20, 30))
    ]


def test_the_same_agencys_cases_on_one_enterprise_merge_and_count_their_items_once():
    result = plan(
        [
            case(1, 10, 500, d(3, 9), d(3, 20), items=("A1", "A2")),
            case(2, 10, 500, d(3, 9), d(3, 20), items=("A2", "A3"), officers_needed=3),
        ],
        [roster(10, 101, 102, 103, 104)],
    )

    assert result.visits == [
        Visit(
            enterprise_id=500,
            day=d(3, 9),
            lead_agency_id=10,
            case_ids=(1, 2),
            officers={10: (101, 102, 103)},
            items={10: ("A1", "A2", "A3")},
        )
    ]


def test_disjoint_windows_on_one_enterprise_give_two_visits():
    result = plan(
        [
            case(1, 10, 500, d(3, 9), d(3, 13)),
            case(2, 20, 500, d(3, 23), d(3, 27)),
        ],
        [roster(10, 101, 102), roster(20, 201, 202)],
    )

    assert [(v.day, v.case_ids, v.lead_agency_id) for v in result.visits] == [
        (d(3, 9), (1,), 10),
        (d(3, 23), (2,), 20),
    ]
    assert result.stats.visits_after == 2
    assert result.stats.window_bound == 2
    assert result.stats.lower_bound == 1


def test_three_cases_that_no_single_day_covers_need_two_visits_and_greedy_finds_two():
    # A and C do not overlap; B overlaps both. Sorted by window end (A, C, B) the sweep stabs A at
    # 03-11, then C at 03-18, which also covers B.
    result = plan(
        [
            case(1, 10, 500, d(3, 9), d(3, 11)),  # A
            case(2, 20, 500, d(3, 10), d(3, 20)),  # B
            case(3, 30, 500, d(3, 16), d(3, 18)),  # C
        ],
        [roster(10, 101, 102), roster(20, 201, 202), roster(30, 301, 302)],
    )

    assert [(v.day, v.case_ids) for v in result.visits] == [
        (d(3, 9), (1,)),
        (d(3, 16), (2, 3)),
    ]
    stats = result.stats
    assert (stats.visits_before, stats.visits_after, stats.window_bound, stats.lower_bound) == (
        3,
        2,
        2,
        1,
    )
    assert stats.reduction == 1 - 2 / 3
    assert stats.ratio_to_lower_bound == 2.0


def test_a_day_with_an_officer_on_leave_moves_the_visit_to_the_next_day_with_enough_officers():
    result = plan(
        [case(1, 10, 500, d(3, 16), d(3, 20))],
        [roster(10, 101, 102, leave={102: [d(3, 16)]})],
    )

    assert [(v.day, v.officers) for v in result.visits] == [(d(3, 17), {10: (101, 102)})]


def test_officers_full_with_visits_that_day_move_the_next_visit_to_the_following_day():
    result = plan(
        [
            case(1, 10, 500, d(3, 16), d(3, 17)),
            case(2, 10, 600, d(3, 16), d(3, 17)),
        ],
        [roster(10, 101, 102)],
        cap=1,
    )

    assert [(v.enterprise_id, v.day) for v in result.visits] == [
        (500, d(3, 16)),
        (600, d(3, 17)),
    ]


def test_the_day_with_the_most_spare_officers_is_chosen_over_an_earlier_tighter_one():
    result = plan(
        [case(1, 10, 500, d(3, 16), d(3, 18))],
        [roster(10, 101, 102, 103, leave={103: [d(3, 16)]})],
    )

    assert [(v.day, v.officers) for v in result.visits] == [(d(3, 17), {10: (101, 102)})]


def test_officers_with_fewer_visits_in_the_plan_are_sent_first():
    result = plan(
        [
            case(1, 10, 500, d(3, 16), d(3, 16)),
            case(2, 10, 600, d(3, 16), d(3, 16)),
        ],
        [roster(10, 101, 102, 103)],
    )

    assert [(v.enterprise_id, v.officers) for v in result.visits] == [
        (500, {10: (101, 102)}),
        (600, {10: (101, 103)}),
    ]


def test_a_joint_visit_with_no_day_for_every_agency_is_split_and_says_why():
    result = plan(
        [
            case(1, 10, 500, d(3, 16), d(3, 17)),
            case(2, 20, 500, d(3, 9), d(3, 20)),
        ],
        [roster(10, 101, 102), roster(20, 201, 202, leave={202: [d(3, 16), d(3, 17)]})],
    )

    reason = (
        "原拟与同一企业的其他执法机关合并检查（共同可检查期间 2026-03-16 至 2026-03-17），但其间"
        "没有一天各机关都有足够的可派执法人员，本机关改为单独检查。"
    )
    assert [(v.day, v.case_ids, v.split_reason) for v in result.visits] == [
        (d(3, 9), (2,), reason),
        (d(3, 16), (1,), reason),
    ]
    assert result.unplaced == []
    assert (result.stats.visits_after, result.stats.window_bound, result.stats.splits) == (2, 1, 1)


def test_only_the_agency_short_of_officers_leaves_a_three_agency_visit():
    result = plan(
        [
            case(1, 10, 500, d(3, 16), d(3, 17)),
            case(2, 20, 500, d(3, 16), d(3, 17)),
            case(3, 30, 500, d(3, 9), d(3, 20)),
        ],
        [
            roster(10, 101, 102),
            roster(20, 201, 202),
            roster(30, 301, 302, leave={301: [d(3, 16), d(3, 17)]}),
        ],
    )

    assert [(v.day, v.case_ids, v.split_reason) for v in result.visits] == [
        (
            d(3, 9),
            (3,),
            "原拟与同一企业的其他执法机关合并检查（共同可检查期间 2026-03-16 至 2026-03-17），"
            "但其间没有一天各机关都有足够的可派执法人员，本机关改为单独检查。",
        ),
        (
            d(3, 16),
            (1, 2),
            "原拟合并检查的执法机关（编号 30）在共同可检查期间 2026-03-16 至 2026-03-17 内没有"
            "足够的可派执法人员，已改为单独检查；其余机关仍合并检查。",
        ),
    ]


def test_a_case_with_no_day_with_enough_officers_is_unplaced_with_the_reason():
    result = plan(
        [case(1, 10, 500, d(3, 16), d(3, 18))],
        [roster(10, 101, 102, leave={101: [d(3, 16), d(3, 17), d(3, 18)]})],
    )

    assert result.visits == []
    assert result.unplaced == [
        Unplaced(
            1,
            "可检查期间 2026-03-16 至 2026-03-18 的每个工作日，执法机关（编号 10）可派的执法人员"
            "都不足 2 名（请假，或当日已排满 2 次检查），无法安排检查日期；请调整计划检查期限或"
            "增派执法人员。",
        )
    ]
    assert (result.stats.visits_after, result.stats.unplaced, result.stats.reduction) == (1, 1, 0.0)


def test_a_case_of_an_agency_without_a_roster_or_with_one_officer_is_unplaced():
    result = plan(
        [case(1, 10, 500, d(3, 16), d(3, 18)), case(2, 20, 600, d(3, 16), d(3, 18))],
        [roster(20, 201)],
    )

    assert result.unplaced == [
        Unplaced(1, "没有执法机关（编号 10）的执法人员名单，无法安排检查人员。"),
        Unplaced(2, "执法机关（编号 20）只有 1 名执法人员，少于本次检查所需的 2 名。"),
    ]


def test_reasons_name_the_agency_when_its_name_is_given():
    result = plan_joint_visits(
        [case(1, 10, 500, d(3, 16), d(3, 18)), case(2, 20, 600, d(3, 16), d(3, 18))],
        [roster(20, 201)],
        MARCH,
        today=MONDAY,
        agency_names={10: "舟山市卫生健康委员会", 20: "舟山市应急管理局"},
    )

    assert result.unplaced == [
        Unplaced(1, "没有执法机关（舟山市卫生健康委员会）的执法人员名单，无法安排检查人员。"),
        Unplaced(2, "执法机关（舟山市应急管理局）只有 1 名执法人员，少于本次检查所需的 2 名。"),
    ]


def test_no_visit_is_planned_before_the_lawful_notice_date():
    friday = d(3, 6)
    result = plan(
        [
            case(1, 10, 500, d(3, 9), d(3, 31)),
            case(2, 10, 600, d(3, 9), d(3, 12)),
        ],
        [roster(10, 101, 102)],
        today=friday,
    )

    assert [(v.day, v.case_ids) for v in result.visits] == [(d(3, 13), (1,))]
    assert MARCH.latest_notice_date(d(3, 13), 5) == friday
    assert result.unplaced == [
        Unplaced(
            2,
            "须提前 5 个工作日通知：2026-03-06 发出通知，最早可于 2026-03-13 检查，已晚于计划检查"
            "期限的最后一天 2026-03-12；请延后计划检查期限。",
        )
    ]


def test_a_notice_issued_on_a_saturday_allows_a_visit_one_working_day_later_than_on_friday():
    assert MARCH.earliest_lawful_visit(d(3, 6), 5) == d(3, 13)
    assert MARCH.earliest_lawful_visit(d(3, 7), 5) == d(3, 16)
    assert MARCH.earliest_lawful_visit(d(3, 7), 0) == d(3, 9)
    assert MARCH.earliest_lawful_visit(d(3, 27), 5) is None


def test_each_case_keeps_its_own_notice_days():
    result = plan(
        [
            case(1, 10, 500, d(3, 2), d(3, 31), notice_days=3),
            case(2, 10, 600, d(3, 2), d(3, 31), notice_days=10),
        ],
        [roster(10, 101, 102, 103, 104)],
    )

    assert [(v.enterprise_id, v.day) for v in result.visits] == [(500, d(3, 5)), (600, d(3, 16))]


@pytest.mark.django_db
def test_earliest_lawful_visit_mirrors_the_latest_notice_date_of_the_workdays_table():
    table = selectors.work_calendar()
    calendar = WorkCalendar.from_predicate(table.is_workday, d(8, 1), d(12, 31))
    for offset in range(92):
        today = d(9, 1) + dt.timedelta(days=offset)
        for days in (0, 3, 5):
            visit = calendar.earliest_lawful_visit(today, days)
            assert visit is not None
            assert selectors.latest_notice_date(visit, days) >= today
            before = selectors.add_workdays(visit, -1)
            assert selectors.latest_notice_date(before, days) < today


@pytest.mark.django_db
def test_national_day_holidays_and_makeup_workdays_come_from_the_workdays_table():
    # 2026: 中秋 09-25–27 and 国庆 10-01–07 off; Sunday 09-20 and Saturday 10-10 are 调休
    # working days.
    today = d(9, 14)
    calendar = WorkCalendar.from_predicate(selectors.work_calendar().is_workday, today, d(10, 31))
    result = plan(
        [
            case(1, 10, 500, d(9, 19), d(9, 20)),
            case(2, 10, 600, d(10, 1), d(10, 7)),
            case(3, 10, 700, d(10, 3), d(10, 10)),
            case(4, 10, 800, d(9, 25), d(9, 28)),
        ],
        [roster(10, 101, 102, leave={102: [d(10, 8), d(10, 9)]})],
        today=today,
        calendar=calendar,
    )

    assert [(v.enterprise_id, v.day) for v in result.visits] == [
        (500, d(9, 20)),
        (800, d(9, 28)),
        (700, d(10, 10)),
    ]
    assert selectors.latest_notice_date(d(9, 20)) == today
    assert result.unplaced == [
        Unplaced(2, "计划检查期限 2026-10-01 至 2026-10-07 内没有工作日，无法安排检查。")
    ]


def test_the_same_input_in_any_order_gives_the_same_plan():
    rng = random.Random(5)
    cases = []
    for case_id in range(1, 301):
        start = d(3, 2) + dt.timedelta(days=rng.randrange(20))
        cases.append(
            case(
                case_id,
                rng.randint(1, 4),
                rng.randint(1, 60),
                start,
                start + dt.timedelta(days=rng.randrange(10)),
                items=tuple(f"I{n}" for n in rng.sample(range(9), rng.randint(1, 3))),
            )
        )
    rosters = [
        roster(a, *range(a * 100 + 1, a * 100 + 4), leave={a * 100 + 1: [d(3, 17)]})
        for a in range(1, 5)
    ]
    first = plan(cases, rosters)
    shuffled_cases, shuffled_rosters = cases[:], rosters[:]
    rng.shuffle(shuffled_cases)
    rng.shuffle(shuffled_rosters)

    assert plan(shuffled_cases, shuffled_rosters) == first
    assert plan(cases, rosters) == first
    assert sorted(
        [c for v in first.visits for c in v.case_ids] + [u.case_id for u in first.unplaced]
    ) == list(range(1, 301))


def test_the_statistics_count_visits_before_and_after_and_the_bounds():
    result = plan(
        [
            case(1, 10, 500, d(3, 9), d(3, 20)),
            case(2, 20, 500, d(3, 9), d(3, 20)),
            case(3, 10, 600, d(3, 9), d(3, 20)),
            case(4, 20, 700, d(3, 7), d(3, 8)),  # a weekend only: unplaced
        ],
        [roster(10, 101, 102, 103, 104), roster(20, 201, 202)],
    )

    stats = result.stats
    assert (
        stats.cases,
        stats.visits_before,
        stats.visits_planned,
        stats.unplaced,
        stats.visits_after,
        stats.lower_bound,
        stats.window_bound,
        stats.joint_visits,
        stats.splits,
    ) == (4, 4, 2, 1, 3, 3, 3, 1, 0)
    assert stats.reduction == 0.25
    assert stats.ratio_to_lower_bound == 1.0


def test_an_empty_plan_has_no_visits_and_neutral_statistics():
    result = plan([], [])

    assert (result.visits, result.unplaced) == ([], [])
    assert (result.stats.reduction, result.stats.ratio_to_lower_bound) == (0.0, 1.0)


def test_a_case_beyond_the_calendar_is_refused_rather_than_guessed():
    with pytest.raises(CalendarNotCovered) as error:
        plan([case(1, 10, 500, d(3, 30), d(4, 3))], [roster(10, 101, 102)])

    assert str(error.value) == (
        "检查案件 1 的计划检查期限到 2026-04-03，超出了工作日历 2026-03-01 至 2026-03-31；"
        "请先载入 2026 年的节假日安排。"
    )
    assert calendar_span([case(1, 10, 500, d(3, 30), d(4, 3))], MONDAY) == (MONDAY, d(4, 3))


def test_a_case_with_fewer_than_two_officers_or_a_reversed_window_is_refused():
    with pytest.raises(ValueError) as few:
        case(7, 10, 500, d(3, 9), d(3, 20), officers_needed=1)
    with pytest.raises(ValueError) as reversed_window:
        case(8, 10, 500, d(3, 20), d(3, 9))

    assert str(few.value) == "检查案件 7：执法人员不得少于两人（行政处罚法第四十二条），收到 1 人。"
    assert str(reversed_window.value) == (
        "检查案件 8：计划检查期限的开始日期 2026-03-20 晚于结束日期 2026-03-09，"
        "请改正计划检查期限。"
    )


def test_duplicate_cases_are_refused():
    with pytest.raises(ValueError, match="检查案件 1 重复出现。"):
        plan([case(1, 10, 500, d(3, 9), d(3, 20))] * 2, [roster(10, 101, 102)])


def test_one_agencys_cases_with_no_common_day_are_planned_one_by_one():
    result = plan(
        [
            case(1, 10, 500, d(3, 16), d(3, 17)),
            case(2, 10, 500, d(3, 9), d(3, 20), officers_needed=3),
        ],
        [roster(10, 101, 102, 103, leave={103: [d(3, 16), d(3, 17)]})],
    )

    reason = (
        "本机关对该企业的 2 件检查在共同可检查期间 2026-03-16 至 2026-03-17 内没有一天有 3 名"
        "可派执法人员，已改为逐件安排。"
    )
    assert [(v.day, v.case_ids, v.officers, v.split_reason) for v in result.visits] == [
        (d(3, 9), (2,), {10: (101, 102, 103)}, reason),
        (d(3, 16), (1,), {10: (101, 102)}, reason),
    ]


def test_an_officer_listed_twice_or_by_two_agencies_is_refused():
    with pytest.raises(ValueError) as twice:
        plan([], [roster(10, 101, 101)])
    with pytest.raises(ValueError) as two_agencies:
        plan([], [roster(10, 101, 102), roster(20, 102, 201)])

    assert str(twice.value) == "执法机关（编号 10）的执法人员名单中有重复的人员。"
    assert str(two_agencies.value) == (
        "执法人员（编号 102）同时列在执法机关（编号 10）和（编号 20）的名单中；"
        "一名执法人员只能属于一个执法机关。"
    )


def test_a_planning_date_outside_the_calendar_is_refused():
    with pytest.raises(CalendarNotCovered) as error:
        plan([], [], today=d(2, 27))

    assert str(error.value) == "计划编制日 2026-02-27 不在工作日历 2026-03-01 至 2026-03-31 内。"


def test_a_calendar_with_unordered_days_is_refused():
    with pytest.raises(ValueError) as error:
        WorkCalendar([d(3, 3), d(3, 2)], start=d(3, 1), end=d(3, 31))

    assert str(error.value) == "工作日须按日期升序且不重复：2026-03-03 之后是 2026-03-02。"


def _fewest_stabbing_days(windows: list[tuple[int, int]]) -> int:
    days = sorted({day for lo, hi in windows for day in range(lo, hi + 1)})
    for size in range(1, len(windows) + 1):
        for chosen in itertools.combinations(days, size):
            if all(any(lo <= day <= hi for day in chosen) for lo, hi in windows):
                return size
    raise AssertionError("unreachable")


def test_with_officers_to_spare_the_plan_has_the_fewest_visits_the_windows_allow():
    rng = random.Random(11)
    march = [day for day in MARCH.days if day >= d(3, 9)]
    for _ in range(150):
        cases, windows = [], []
        for case_id in range(1, rng.randint(1, 7) + 1):
            first = rng.randrange(len(march))
            last = min(len(march) - 1, first + rng.randrange(6))
            windows.append((first, last))
            cases.append(case(case_id, rng.randint(1, 3), 500, march[first], march[last]))
        rosters = [roster(a, *range(a * 100, a * 100 + 30)) for a in (1, 2, 3)]

        result = plan(cases, rosters)

        fewest = _fewest_stabbing_days(windows)
        assert (result.stats.visits_after, result.stats.window_bound) == (fewest, fewest)


def test_every_visit_keeps_windows_notice_leave_and_daily_limits_when_officers_are_scarce():
    rng = random.Random(3)
    friday = d(3, 6)
    cases = []
    for case_id in range(1, 401):
        start = d(3, 2) + dt.timedelta(days=rng.randrange(25))
        latest = min(d(3, 31), start + dt.timedelta(days=rng.randrange(8)))
        cases.append(
            case(
                case_id,
                rng.randint(1, 5),
                rng.randint(1, 80),
                start,
                latest,
                officers_needed=rng.choice((2, 2, 3)),
                notice_days=rng.choice((3, 5)),
            )
        )
    leave = {
        officer: rng.sample(list(MARCH.days), 4) for officer in range(100, 600) if officer % 100 < 5
    }
    rosters = [
        roster(a, *range(a * 100, a * 100 + 5), leave={o: leave[o] for o in leave if o // 100 == a})
        for a in range(1, 6)
    ]
    by_id = {c.case_id: c for c in cases}

    result = plan(cases, rosters, today=friday, cap=1)

    per_officer_day: dict[tuple[int, dt.date], int] = {}
    placed = []
    for visit in result.visits:
        assert MARCH.is_workday(visit.day)
        for case_id in visit.case_ids:
            c = by_id[case_id]
            placed.append(case_id)
            assert c.enterprise_id == visit.enterprise_id
            assert c.earliest <= visit.day <= c.latest
            assert MARCH.latest_notice_date(visit.day, c.notice_days) >= friday
            assert len(visit.officers[c.agency_id]) >= c.officers_needed
        for officers in visit.officers.values():
            for officer in officers:
                assert visit.day not in leave.get(officer, [])
                per_officer_day[officer, visit.day] = (
                    per_officer_day.get((officer, visit.day), 0) + 1
                )
    assert max(per_officer_day.values()) == 1
    assert sorted(placed + [u.case_id for u in result.unplaced]) == list(range(1, 401))
    assert result.stats.splits > 0
    assert result.stats.visits_after == len(result.visits) + len(result.unplaced)
