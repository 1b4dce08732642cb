"""综合查一次: merge several agencies' planned inspections of the same enterprise into joint visits.

A pure algorithm (standard library only, no database): the service reads approved cases, officer
rosters and the working-day table, builds the inputs below, calls ``plan_joint_visits`` and turns
the resulting ``MergePlan`` into joint cases. Everything here is deterministic: the same input
gives the same plan (stable sorts on full keys, no randomness, no dependence on input order).

Rules, in the order the planner applies them:

1. **Feasible days of a case.** A visit happens on a working day of the ``WorkCalendar`` inside the
   case's planned window ``[earliest, latest]`` and not before the earliest lawful day: the notice
   may be issued from ``today`` on, and a notice for a visit on day V is on time when it is issued
   no later than ``latest_notice_date(V, notice_days)`` — exactly the rule of
   ``zhifa.workdays.selectors``: the ``notice_days``-th working day counted back from V, V itself
   not counted. The earliest lawful visit is therefore the first working day V with
   ``latest_notice_date(V) >= today``: the ``notice_days``-th working day after ``today`` when
   today is a working day, one working day later when today is a weekend or holiday (a notice
   issued on a Saturday is only on time for a visit 5 working days after the following Monday).
   A case with no feasible day is *unplaced*, with the reason in Chinese.

2. **Grouping (interval stabbing).** Per enterprise, cases are sorted by the end of their feasible
   window and swept greedily: a case whose window starts after the current group's day opens a new
   group at its own last feasible day; otherwise it joins. With unlimited officers this gives the
   minimum number of visits for the enterprise (the classic optimal greedy for stabbing
   intervals); that minimum, summed, is reported as ``window_bound``. A group's common window is
   ``[latest start of its cases, the group's stabbing day]``.

3. **Day and officers.** Groups are placed most-constrained first (shortest common window, then
   earliest end, enterprise id, smallest case id). Each participating agency sends the largest
   ``officers_needed`` of its cases in the group; an officer is available on a day when not on
   leave and with fewer than ``visits_per_officer_per_day`` visits that day. Among the days of the
   common window where every agency has enough available officers the planner takes the day with
   the **most slack** — the largest "available minus needed" of the tightest agency — and the
   earliest of those on a tie. Most slack spreads visits over the window, so that tighter groups
   placed later still find officers; earliest on a tie visits as early as the plan allows. Within an
   agency the officers with the fewest visits so far in this plan go first (then the lowest id),
   which spreads the work over the roster.

4. **Lead agency**: the agency with the most distinct inspection items in the visit; on a tie the
   lowest agency id.

5. **Fallback split.** If no day of a joint group's common window suits every agency, the agency
   with the fewest suitable days in that window (then the highest id) is detached and planned on its
   own, with its own cases' (wider) common window; this repeats until the rest fits or one agency is
   left. A single agency's group that does not fit is split into its cases, each with its own
   window. A case that fits on no day is unplaced. Every visit produced by a split carries
   ``split_reason`` in Chinese.

Statistics: ``visits_before`` is the number of cases (one visit each, as planned separately);
``visits_after`` counts the planned visits **plus one per unplaced case**, because each of those
still needs a visit of its own outside this plan — so the figure never flatters the merge;
``lower_bound`` is the number of distinct enterprises among the cases (no plan can visit fewer);
``reduction = 1 - visits_after / visits_before``; ``ratio_to_lower_bound = visits_after /
lower_bound``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "AgencyRoster",
    "CalendarNotCovered",
    "MergePlan",
    "MergeStats",
    "OfficerAvailability",
    "PlannedCase",
    "Unplaced",
    "Visit",
    "WorkCalendar",
    "calendar_span",
    "plan_joint_visits",
]


class CalendarNotCovered(ValueError):
    """A date the planner needs lies outside the working-day calendar it was given."""


@dataclass(frozen=True, slots=True)
class PlannedCase:
    """One approved case the agency planned to inspect somewhere in ``[earliest, latest]``."""

    case_id: int
    agency_id: int
    enterprise_id: int
    item_codes: tuple[str, ...]
    earliest: dt.date
    latest: dt.date
    officers_needed: int = 2
    notice_days: int = 5

    def __post_init__(self) -> None:
        if self.earliest > self.latest:
            raise ValueError(
                f"检查案件 {self.case_id}：计划检查期限的开始日期 {self.earliest} 晚于结束日期 "
                f"{self.latest}，请改正计划检查期限。"
            )
        if self.officers_needed < 2:
            raise ValueError(
                f"检查案件 {self.case_id}：执法人员不得少于两人（行政处罚法第四十二条），"
                f"收到 {self.officers_needed} 人。"
            )
        if self.notice_days < 0:
            raise ValueError(
                f"检查案件 {self.case_id}：提前通知的工作日数不能为负数"
                f"（收到 {self.notice_days}）。"
            )


@dataclass(frozen=True, slots=True)
class OfficerAvailability:
    officer_id: int
    unavailable: frozenset[dt.date] = frozenset()


@dataclass(frozen=True, slots=True)
class AgencyRoster:
    agency_id: int
    officers: tuple[OfficerAvailability, ...]


class WorkCalendar:
    """The working days of ``[start, end]`` in order; every date the planner uses must be inside.

    The service builds it from the holiday table (``from_predicate(selectors.work_calendar()
    .is_workday, start, end)``), so there is no weekday guessing here either.
    """

    __slots__ = ("_index", "days", "end", "start")

    def __init__(self, workdays: Iterable[dt.date], *, start: dt.date, end: dt.date) -> None:
        if start > end:
            raise ValueError(f"工作日历的开始日期 {start} 晚于结束日期 {end}。")
        days = tuple(workdays)
        for before, after in itertools.pairwise(days):
            if before >= after:
                raise ValueError(f"工作日须按日期升序且不重复：{before} 之后是 {after}。")
        if days and (days[0] < start or days[-1] > end):
            raise ValueError(f"工作日 {days[0]} 至 {days[-1]} 超出了日历范围 {start} 至 {end}。")
        self.start = start
        self.end = end
        self.days = days
        self._index = {day: n for n, day in enumerate(days)}

    @classmethod
    def from_predicate(
        cls, is_workday: Callable[[dt.date], bool], start: dt.date, end: dt.date
    ) -> WorkCalendar:
        one = dt.timedelta(days=1)
        days: list[dt.date] = []
        day = start
        while day <= end:
            if is_workday(day):
                days.append(day)
            day += one
        return cls(days, start=start, end=end)

    def __len__(self) -> int:
        return len(self.days)

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def is_workday(self, day: dt.date) -> bool:
        self._require(day)
        return day in self._index

    def index_of(self, day: dt.date) -> int:
        """The position of working day ``day`` in ``days``."""
        self._require(day)
        try:
            return self._index[day]
        except KeyError:
            raise ValueError(f"{day} 不是工作日。") from None

    def latest_notice_date(self, visit_day: dt.date, notice_days: int) -> dt.date:
        """As ``selectors.latest_notice_date`` for a visit on the working day ``visit_day``."""
        position = self.index_of(visit_day) - notice_days
        if position < 0:
            raise CalendarNotCovered(
                f"工作日历从 {self.start} 开始，不足以往前数 {notice_days} 个工作日（检查日期 "
                f"{visit_day}）。"
            )
        return self.days[position]

    def earliest_lawful_index(self, today: dt.date, notice_days: int) -> int:
        """Index of the first working day V whose latest notice date is on or after ``today``.

        May equal ``len(self)``: no such day inside the calendar.
        """
        self._require(today)
        return bisect_left(self.days, today) + notice_days

    def earliest_lawful_visit(self, today: dt.date, notice_days: int) -> dt.date | None:
        """The first day a visit may lawfully take place with a notice issued ``today``."""
        position = self.earliest_lawful_index(today, notice_days)
        return self.days[position] if position < len(self.days) else None

    def _require(self, day: dt.date) -> None:
        if not self.covers(day):
            raise CalendarNotCovered(
                f"{day} 不在工作日历 {self.start} 至 {self.end} 内；请先载入 {day.year} 年的节假日"
                f"安排。"
            )


def calendar_span(cases: Iterable[PlannedCase], today: dt.date) -> tuple[dt.date, dt.date]:
    """The ``(start, end)`` a ``WorkCalendar`` must cover to plan ``cases`` from ``today``."""
    end = today
    for case in cases:
        if case.latest > end:
            end = case.latest
    return today, end


class Unplaced(NamedTuple):
    case_id: int
    reason: str


@dataclass(frozen=True)
class Visit:
    """One visit to one enterprise on one day; a joint inspection when several agencies go."""

    enterprise_id: int
    day: dt.date
    lead_agency_id: int
    case_ids: tuple[int, ...]
    officers: dict[int, tuple[int, ...]]  # agency id → its officers' ids, agencies in id order
    items: dict[int, tuple[str, ...]]  # agency id → its inspection items, in case order
    split_reason: str = ""

    @property
    def agency_ids(self) -> tuple[int, ...]:
        return tuple(self.officers)

    @property
    def is_joint(self) -> bool:
        return len(self.officers) > 1


@dataclass(frozen=True)
class MergeStats:
    cases: int
    visits_before: int
    visits_planned: int
    unplaced: int
    visits_after: int
    lower_bound: int
    window_bound: int
    joint_visits: int
    splits: int

    @property
    def reduction(self) -> float:
        if not self.visits_before:
            return 0.0
        return 1.0 - self.visits_after / self.visits_before

    @property
    def ratio_to_lower_bound(self) -> float:
        if not self.lower_bound:
            return 1.0
        return self.visits_after / self.lower_bound


@dataclass(frozen=True)
class MergePlan:
    visits: list[Visit]
    unplaced: list[Unplaced]
    stats: MergeStats
    today: dt.date


# A case as the planner sees it: its feasible working-day indices [lo, hi] and the case itself.
class _Window(NamedTuple):
    lo: int
    hi: int
    case: PlannedCase


class _Agency:
    """One agency's officers and what the plan has used of them so far."""

    __slots__ = ("cap", "day_left", "free", "keys", "leave", "load", "officer_ids", "order")

    def __init__(self, roster: AgencyRoster, calendar: WorkCalendar, cap: int) -> None:
        ordered = sorted(roster.officers, key=lambda officer: officer.officer_id)
        self.officer_ids = [officer.officer_id for officer in ordered]
        self.cap = cap
        size = len(calendar.days)
        # Officers free for at least one more visit, per working day.
        self.free = [len(ordered)] * size
        self.leave: list[set[int]] = []
        for officer in ordered:
            days = set()
            for day in officer.unavailable:
                if calendar.covers(day) and calendar.is_workday(day):
                    days.add(calendar.index_of(day))
            for index in days:
                self.free[index] -= 1
            self.leave.append(days)
        self.load = [0] * len(ordered)
        # Officer positions by (visits so far in this plan, officer id): who goes first.
        self.order = list(range(len(ordered)))
        self.keys = [(0, officer_id) for officer_id in self.officer_ids]
        # Visits left per officer, for the days the plan has touched.
        self.day_left: dict[int, list[int]] = {}

    def assign(self, index: int, count: int) -> tuple[int, ...]:
        left = self.day_left.get(index)
        if left is None:
            left = [0 if index in leave else self.cap for leave in self.leave]
            self.day_left[index] = left
        chosen: list[int] = []
        for n in self.order:
            if left[n] > 0:
                chosen.append(n)
                if len(chosen) == count:
                    break
        for n in chosen:
            left[n] -= 1
            if left[n] == 0:
                self.free[index] -= 1
            # Keep ``order`` sorted by (visits so far, officer id) without re-sorting it.
            position = bisect_left(self.keys, (self.load[n], self.officer_ids[n]))
            del self.keys[position], self.order[position]
            self.load[n] += 1
            key = (self.load[n], self.officer_ids[n])
            position = bisect_left(self.keys, key)
            self.keys.insert(position, key)
            self.order.insert(position, n)
        return tuple(sorted(self.officer_ids[n] for n in chosen))


def _common(windows: Sequence[_Window]) -> tuple[int, int]:
    return max(w.lo for w in windows), min(w.hi for w in windows)


def _first_id(windows: Sequence[_Window]) -> int:
    return min(w.case.case_id for w in windows)


def _needs(windows: Sequence[_Window]) -> dict[int, int]:
    needs: dict[int, int] = {}
    for w in windows:
        agency = w.case.agency_id
        if w.case.officers_needed > needs.get(agency, 0):
            needs[agency] = w.case.officers_needed
    return dict(sorted(needs.items()))


def _best_day(lo: int, hi: int, needs: dict[int, int], agencies: dict[int, _Agency]) -> int | None:
    """The most-slack day of [lo, hi] (earliest on a tie), or None."""
    best, best_slack = None, -1
    if len(needs) == 1:
        ((agency_id, need),) = needs.items()
        free = agencies[agency_id].free
        for index in range(lo, hi + 1):
            slack = free[index] - need
            if slack > best_slack:
                best, best_slack = index, slack
        return best
    pairs = [(agencies[a].free, need) for a, need in needs.items()]
    for index in range(lo, hi + 1):
        slack = min(free[index] - need for free, need in pairs)
        if slack > best_slack:
            best, best_slack = index, slack
    return best


def _suitable_days(lo: int, hi: int, agency: _Agency, need: int) -> int:
    return sum(1 for index in range(lo, hi + 1) if agency.free[index] >= need)


class _Planner:
    def __init__(
        self,
        calendar: WorkCalendar,
        agencies: dict[int, _Agency],
        cap: int,
        label: Callable[[int], str],
    ) -> None:
        self.label = label
        self.calendar = calendar
        self.agencies = agencies
        self.cap = cap
        self.visits: list[Visit] = []
        self.unplaced: list[Unplaced] = []
        self.splits = 0

    def span(self, lo: int, hi: int) -> str:
        return f"{self.calendar.days[lo].isoformat()} 至 {self.calendar.days[hi].isoformat()}"

    def place(self, windows: list[_Window], lo: int, hi: int, split_reason: str = "") -> None:
        needs = _needs(windows)
        index = _best_day(lo, hi, needs, self.agencies)
        if index is not None:
            self.visits.append(self._visit(windows, index, needs, split_reason))
            return
        self.splits += 1
        if len(needs) > 1:
            self._detach(windows)
        elif len(windows) > 1:
            reason = (
                f"本机关对该企业的 {len(windows)} 件检查在共同可检查期间 {self.span(lo, hi)} 内"
                f"没有一天有 {next(iter(needs.values()))} 名可派执法人员，已改为逐件安排。"
            )
            for w in sorted(windows, key=lambda w: (w.hi, w.lo, w.case.case_id)):
                self.place([w], w.lo, w.hi, reason)
        else:
            case = windows[0].case
            self.unplaced.append(
                Unplaced(
                    case.case_id,
                    f"可检查期间 {self.span(lo, hi)} 的每个工作日，执法机关（"
                    f"{self.label(case.agency_id)}）可派的执法人员都不足 {case.officers_needed} "
                    f"名（请假，或当日已排满 {self.cap} 次检查），无法安排检查日期；请调整计划"
                    f"检查期限或增派执法人员。",
                )
            )

    def _detach(self, windows: list[_Window]) -> None:
        by_agency: dict[int, list[_Window]] = defaultdict(list)
        for w in windows:
            by_agency[w.case.agency_id].append(w)
        remaining = dict(sorted(by_agency.items()))
        detached: list[int] = []
        while len(remaining) > 1:
            rest = [w for group in remaining.values() for w in group]
            lo, hi = _common(rest)
            needs = _needs(rest)
            if _best_day(lo, hi, needs, self.agencies) is not None:
                break
            worst = min(
                remaining,
                key=lambda a: (_suitable_days(lo, hi, self.agencies[a], needs[a]), -a),
            )
            detached.append(worst)
            del remaining[worst]
        span = self.span(*_common(windows))
        names = "、".join(self.label(a) for a in detached)
        if len(remaining) > 1:
            rest = [w for group in remaining.values() for w in group]
            self.place(
                rest,
                *_common(rest),
                f"原拟合并检查的执法机关（{names}）在共同可检查期间 {span} 内没有足够的可派执法"
                f"人员，已改为单独检查；其余机关仍合并检查。",
            )
        else:
            detached.extend(remaining)
        for agency_id in sorted(detached):
            group = by_agency[agency_id]
            self.place(
                group,
                *_common(group),
                f"原拟与同一企业的其他执法机关合并检查（共同可检查期间 {span}），但其间没有一天"
                f"各机关都有足够的可派执法人员，本机关改为单独检查。",
            )

    def _visit(
        self, windows: list[_Window], index: int, needs: dict[int, int], split_reason: str
    ) -> Visit:
        ordered = sorted(windows, key=lambda w: w.case.case_id)
        items: dict[int, list[str]] = {agency_id: [] for agency_id in needs}
        for w in ordered:
            codes = items[w.case.agency_id]
            for code in w.case.item_codes:
                if code not in codes:
                    codes.append(code)
        lead = min(items, key=lambda a: (-len(items[a]), a))
        officers = {a: self.agencies[a].assign(index, need) for a, need in needs.items()}
        return Visit(
            enterprise_id=ordered[0].case.enterprise_id,
            day=self.calendar.days[index],
            lead_agency_id=lead,
            case_ids=tuple(w.case.case_id for w in ordered),
            officers=officers,
            items={a: tuple(codes) for a, codes in items.items()},
            split_reason=split_reason,
        )


def _window_reason(case: PlannedCase, calendar: WorkCalendar, today: dt.date) -> str:
    first = bisect_left(calendar.days, case.earliest)
    last = bisect_right(calendar.days, case.latest) - 1
    if case.latest < today:
        return f"计划检查期限 {case.earliest} 至 {case.latest} 已过，无法安排检查。"
    if first > last:
        return f"计划检查期限 {case.earliest} 至 {case.latest} 内没有工作日，无法安排检查。"
    lawful = calendar.earliest_lawful_visit(today, case.notice_days)
    when = f"最早可于 {lawful} 检查" if lawful else f"最早合法检查日期晚于 {calendar.end}"
    return (
        f"须提前 {case.notice_days} 个工作日通知：{today} 发出通知，{when}，已晚于计划检查期限的"
        f"最后一天 {case.latest}；请延后计划检查期限。"
    )


def plan_joint_visits(
    cases: Iterable[PlannedCase],
    rosters: Iterable[AgencyRoster],
    calendar: WorkCalendar,
    *,
    today: dt.date,
    visits_per_officer_per_day: int = 2,
    agency_names: Mapping[int, str] | None = None,
) -> MergePlan:
    """Merge ``cases`` into as few visits as windows, notice rules and officers allow.

    Raises ``ValueError`` on contradictory input (duplicate case or agency ids, a capacity below
    one) and ``CalendarNotCovered`` when ``today`` or a case's last day lies outside ``calendar``.
    Reasons name an agency by ``agency_names[agency_id]`` when given, else as "编号 <id>".
    """
    names = agency_names or {}

    def label(agency_id: int) -> str:
        return names.get(agency_id) or f"编号 {agency_id}"

    if visits_per_officer_per_day < 1:
        raise ValueError(
            f"每名执法人员每天的检查次数至少为 1（收到 {visits_per_officer_per_day}）。"
        )
    if not calendar.covers(today):
        raise CalendarNotCovered(
            f"计划编制日 {today} 不在工作日历 {calendar.start} 至 {calendar.end} 内。"
        )
    agencies: dict[int, _Agency] = {}
    officer_agency: dict[int, int] = {}
    for roster in rosters:
        if roster.agency_id in agencies:
            raise ValueError(f"执法机关（{label(roster.agency_id)}）的执法人员名单重复提供。")
        # An officer listed twice would have their daily limit counted twice.
        ids = [officer.officer_id for officer in roster.officers]
        if len(set(ids)) != len(ids):
            raise ValueError(f"执法机关（{label(roster.agency_id)}）的执法人员名单中有重复的人员。")
        for officer_id in ids:
            listed = officer_agency.setdefault(officer_id, roster.agency_id)
            if listed != roster.agency_id:
                raise ValueError(
                    f"执法人员（编号 {officer_id}）同时列在执法机关（{label(listed)}）和"
                    f"（{label(roster.agency_id)}）的名单中；一名执法人员只能属于一个执法机关。"
                )
        agencies[roster.agency_id] = _Agency(roster, calendar, visits_per_officer_per_day)

    days = calendar.days
    lawful: dict[int, int] = {}
    seen: set[int] = set()
    enterprises: set[int] = set()
    unplaced: list[Unplaced] = []
    by_enterprise: dict[int, list[_Window]] = defaultdict(list)
    for case in cases:
        if case.case_id in seen:
            raise ValueError(f"检查案件 {case.case_id} 重复出现。")
        seen.add(case.case_id)
        enterprises.add(case.enterprise_id)
        if case.latest > calendar.end:
            # Refuse rather than guess weekdays beyond the loaded holiday arrangements.
            raise CalendarNotCovered(
                f"检查案件 {case.case_id} 的计划检查期限到 {case.latest}，超出了工作日历 "
                f"{calendar.start} 至 {calendar.end}；请先载入 {case.latest.year} 年的节假日安排。"
            )
        first_lawful = lawful.get(case.notice_days)
        if first_lawful is None:
            first_lawful = lawful[case.notice_days] = calendar.earliest_lawful_index(
                today, case.notice_days
            )
        lo = max(bisect_left(days, case.earliest), first_lawful)
        hi = bisect_right(days, case.latest) - 1
        if lo > hi:
            unplaced.append(Unplaced(case.case_id, _window_reason(case, calendar, today)))
            continue
        agency = agencies.get(case.agency_id)
        if agency is None:
            unplaced.append(
                Unplaced(
                    case.case_id,
                    f"没有执法机关（{label(case.agency_id)}）的执法人员名单，无法安排检查人员。",
                )
            )
            continue
        if len(agency.officer_ids) < case.officers_needed:
            unplaced.append(
                Unplaced(
                    case.case_id,
                    f"执法机关（{label(case.agency_id)}）只有 {len(agency.officer_ids)} 名"
                    f"执法人员，少于本次检查所需的 {case.officers_needed} 名。",
                )
            )
            continue
        by_enterprise[case.enterprise_id].append(_Window(lo, hi, case))

    groups: list[tuple[int, int, int, int, list[_Window]]] = []
    for enterprise_id, windows in by_enterprise.items():
        windows.sort(key=lambda w: (w.hi, w.lo, w.case.case_id))
        current: list[_Window] = []
        point = -1
        start = -1
        for w in windows:
            if current and w.lo <= point:
                current.append(w)
                start = max(start, w.lo)
                continue
            if current:
                groups.append((point - start, point, enterprise_id, _first_id(current), current))
            current, point, start = [w], w.hi, w.lo
        groups.append((point - start, point, enterprise_id, _first_id(current), current))
    window_bound = len(groups) + len(unplaced)
    groups.sort(key=lambda g: g[:4])

    planner = _Planner(calendar, agencies, visits_per_officer_per_day, label)
    planner.unplaced = unplaced
    for length, point, _enterprise, _first, windows in groups:
        planner.place(windows, point - length, point)

    visits = sorted(planner.visits, key=lambda v: (v.day, v.enterprise_id, v.case_ids[0]))
    unplaced.sort()
    stats = MergeStats(
        cases=len(seen),
        visits_before=len(seen),
        visits_planned=len(visits),
        unplaced=len(unplaced),
        visits_after=len(visits) + len(unplaced),
        lower_bound=len(enterprises),
        window_bound=window_bound,
        joint_visits=sum(1 for v in visits if v.is_joint),
        splits=planner.splits,
    )
    return MergePlan(visits=visits, unplaced=unplaced, stats=stats, today=today)
