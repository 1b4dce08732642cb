"""The discretion engine: which of the three lists, and which statutory rules, a finding meets.

``evaluate(finding, items=...)`` is pure: it reads nothing but its arguments (the calendar is
asked only when an item counts its correction deadline in working days). It returns, in Chinese,

- every list item about the finding's violation, each condition met / unmet / undecidable and
  whether the item applies (all its conditions met);
- the statutory outcomes of 行政处罚法（2021）Art. 33 (and Art. 32, and for natural persons
  Art. 30/31), evaluated independently of any list;
- a proposal: the most lenient applicable outcome, 不予处罚 > 减轻处罚 > 从轻处罚 > 一般处罚,
  with its legal basis and the outcomes that same basis equally allows.

An officer may decide otherwise, but must give a reason: ``requires_reason(evaluation, chosen)``.

A condition that the finding does not let us decide (e.g. no amount given) counts as not met: an
item applies only on facts that are established.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from zhifa.discretion.conditions import (
    AMOUNT_LABELS,
    CIRCUMSTANCE_LABELS,
    HARM_LABELS,
    HARM_RANK,
    HARM_SHORT,
    AmountAtMost,
    Circumstance,
    Condition,
    CorrectedBeforeInspection,
    CorrectedWithin,
    DurationAtMost,
    FirstViolation,
    HarmAtMost,
    HarmLevel,
    NoSubjectiveFault,
    StatutoryCircumstance,
    format_yuan,
    parse_conditions,
)

LAW = "《中华人民共和国行政处罚法》"


class Outcome(StrEnum):
    EXEMPT = "exempt"
    MITIGATED = "mitigated"
    LIGHTER = "lighter"
    GENERAL = "general"


OUTCOME_LABELS: dict[str, str] = {
    Outcome.EXEMPT: "不予处罚",
    Outcome.MITIGATED: "减轻处罚",
    Outcome.LIGHTER: "从轻处罚",
    Outcome.GENERAL: "一般处罚",
}
# Proposal order: the more lenient wins.
OUTCOME_RANK: dict[str, int] = {
    Outcome.EXEMPT: 3,
    Outcome.MITIGATED: 2,
    Outcome.LIGHTER: 1,
    Outcome.GENERAL: 0,
}


class PartyKind(StrEnum):
    ENTERPRISE = "enterprise"
    NATURAL_PERSON = "natural_person"


class MentalState(StrEnum):
    NORMAL = "normal"
    INCAPABLE = "incapable"  # 不能辨认或者不能控制自己行为
    PARTIAL = "partial"  # 尚未完全丧失辨认或者控制自己行为能力


class Calendar(Protocol):
    def add_workdays(self, day: dt.date, n: int) -> dt.date: ...


# --- Input ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorViolation:
    """A decision on an earlier violation of the same party (from the case history)."""

    violation_code: str
    decided_on: dt.date


@dataclass(frozen=True)
class Finding:
    """What the inspection established about one violation.

    ``found_on`` is the inspection (discovery) date: history windows count back from it and
    "corrected before the inspection" means before it. ``ordered_on`` is the date of the order to
    correct (责令改正), ``deadline`` the last day the officer allowed; ``corrected_on`` the day the
    correction was verified. ``amounts`` are in 元 by ``AmountMeasure`` value.
    """

    violation_code: str
    found_on: dt.date
    harm: HarmLevel | None = None
    minor_violation: bool = False
    corrected_before_inspection: bool = False
    ordered_on: dt.date | None = None
    deadline: dt.date | None = None
    corrected_on: dt.date | None = None
    no_subjective_fault: bool = False
    law_excludes_fault_defence: bool = False
    amounts: Mapping[str, Decimal] = field(default_factory=dict)
    duration_days: int | None = None
    circumstances: frozenset[Circumstance] = frozenset()
    party: PartyKind = PartyKind.ENTERPRISE
    age: int | None = None
    mental_state: MentalState = MentalState.NORMAL
    history: tuple[PriorViolation, ...] = ()
    # 行政处罚法第三十六条: the day the violation happened, or ended if it was continuing.
    ended_on: dt.date | None = None
    life_or_financial_safety: bool = False
    # "法律另有规定的除外": a law that sets its own period for this violation (e.g.
    # 税收征收管理法第八十六条, five years). The officer names it; the engine cannot know every law.
    special_limitation_months: int | None = None
    special_limitation_basis: str = ""


@dataclass(frozen=True)
class Rule:
    """One list item as the engine needs it (``rule_of`` turns a model instance into one)."""

    code: str
    kind: Outcome
    violation_code: str
    violation: str
    conditions: tuple[Condition, ...]
    outcome_text: str = ""
    penalty_text: str = ""
    violation_basis: str = ""
    discretion_basis: str = ""
    item_id: int | None = None
    version_label: str = ""


# --- Output -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionResult:
    kind: str
    met: bool | None  # None: the finding does not let us decide
    text: str


@dataclass(frozen=True)
class ItemResult:
    item_id: int | None
    code: str
    kind: Outcome
    kind_label: str
    violation: str
    outcome_text: str
    penalty_text: str
    violation_basis: str
    discretion_basis: str
    version_label: str
    conditions: tuple[ConditionResult, ...]
    matches: bool


@dataclass(frozen=True)
class StatutoryResult:
    rule: str  # short key, e.g. "art33_1_first"
    article: str
    summary: str
    outcomes: tuple[Outcome, ...]
    mandatory: bool  # 应当 (True) or 可以 (False)
    conditions: tuple[ConditionResult, ...]
    applies: bool


@dataclass(frozen=True)
class Proposal:
    outcome: Outcome
    label: str
    allowed: tuple[Outcome, ...]
    mandatory: bool
    basis: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class Evaluation:
    violation_code: str
    items: tuple[ItemResult, ...]
    statutory: tuple[StatutoryResult, ...]
    proposed: Proposal
    notes: tuple[str, ...] = ()

    @property
    def matching_items(self) -> tuple[ItemResult, ...]:
        return tuple(i for i in self.items if i.matches)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, StrEnum):
        return value.value
    return value


# --- Condition checks -------------------------------------------------------------------------


def _verdict(met: bool | None) -> str:
    return {True: "满足", False: "不满足", None: "无法判断"}[met]


def _result(kind: str, label: str, detail: str, met: bool | None) -> ConditionResult:
    return ConditionResult(kind=kind, met=met, text=f"{label}：{detail}（{_verdict(met)}）")


def _months_after(day: dt.date, months: int) -> dt.date:
    """The corresponding day ``months`` later; where that month has no such day, its last day
    (民法典第二百零二条)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def period_label(months: int) -> str:
    return f"{months // 12}年" if months % 12 == 0 else f"{months}个月"


def check_limitation(finding: Finding) -> ConditionResult:
    """行政处罚法第三十六条: not found within two years of the day the violation happened (or
    ended), five where it concerns life, health or financial safety and caused harm, unless a law
    provides otherwise (``special_limitation_months``). The day itself is not counted; the period
    ends on the corresponding day (民法典第二百零一、二百零二条)."""
    label = "超过追责期限"
    if finding.ended_on is None:
        return _result("limitation", label, "未认定违法行为发生或终了的日期，无法判断", None)
    if finding.special_limitation_months is not None:
        months = finding.special_limitation_months
        source = f"依{finding.special_limitation_basis}，"
    else:
        harmful = finding.harm is not None and finding.harm != HarmLevel.NONE
        months = 60 if finding.life_or_financial_safety and harmful else 24
        source = ""
    last = _months_after(finding.ended_on, months)
    beyond = finding.found_on > last
    return _result(
        "limitation",
        label,
        f"违法行为于 {finding.ended_on:%Y-%m-%d} 发生或终了，{source}{period_label(months)}期限至 "
        f"{last:%Y-%m-%d}，{finding.found_on:%Y-%m-%d} 发现"
        + ("，已超过期限" if beyond else "，未超过期限"),
        beyond,
    )


def _prior(finding: Finding, years: int | None) -> list[PriorViolation]:
    start = _months_after(finding.found_on, -12 * years) if years is not None else None
    return sorted(
        (
            p
            for p in finding.history
            if p.violation_code == finding.violation_code
            and p.decided_on <= finding.found_on
            and (start is None or p.decided_on > start)
        ),
        key=lambda p: p.decided_on,
    )


def check_first_violation(finding: Finding, years: int | None) -> ConditionResult:
    window = f"近{years}年内" if years is not None else ""
    earlier = _prior(finding, years)
    if not earlier:
        return _result("first_violation", "首次违法", f"{window}无同类违法记录", True)
    last = earlier[-1]
    return _result(
        "first_violation",
        "首次违法",
        f"{window}有同类违法记录 {len(earlier)} 次"
        f"（最近一次 {last.decided_on:%Y-%m-%d} 作出处理决定）",
        False,
    )


def check_harm(finding: Finding, level: HarmLevel) -> ConditionResult:
    wanted = "未造成危害后果" if level == HarmLevel.NONE else f"危害后果不超过“{HARM_SHORT[level]}”"
    if finding.harm is None:
        return _result("harm_at_most", "危害程度", f"要求{wanted}，未认定危害程度", None)
    met = HARM_RANK[finding.harm] <= HARM_RANK[level]
    return _result(
        "harm_at_most", "危害程度", f"要求{wanted}，认定为{HARM_LABELS[finding.harm]}", met
    )


def _deadline(
    finding: Finding, condition: CorrectedWithin, calendar: Calendar | None
) -> tuple[dt.date | None, str]:
    if condition.days is None:
        if finding.deadline is None:
            return None, "未设定责令改正期限"
        return finding.deadline, f"责令改正期限至 {finding.deadline:%Y-%m-%d}"
    start = finding.ordered_on or finding.found_on
    if condition.working_days:
        if calendar is None:
            return None, "未提供工作日历"
        try:
            end = calendar.add_workdays(start, condition.days)
        except ValueError as error:  # YearNotLoaded: never guess weekdays
            return None, str(error)
        return end, f"自 {start:%Y-%m-%d} 起{condition.days}个工作日即 {end:%Y-%m-%d} 前"
    end = start + dt.timedelta(days=condition.days)
    return end, f"自 {start:%Y-%m-%d} 起{condition.days}日即 {end:%Y-%m-%d} 前"


def check_corrected_within(
    finding: Finding, condition: CorrectedWithin, calendar: Calendar | None
) -> ConditionResult:
    label = "限期改正"
    if finding.corrected_before_inspection:
        return _result("corrected_within", label, "检查前已改正", True)
    if finding.corrected_on is None:
        return _result("corrected_within", label, "尚未改正", False)
    if finding.corrected_on <= finding.found_on:
        return _result("corrected_within", label, f"{finding.corrected_on:%Y-%m-%d} 当场改正", True)
    end, detail = _deadline(finding, condition, calendar)
    if end is None:
        return _result(
            "corrected_within", label, f"{finding.corrected_on:%Y-%m-%d} 改正，{detail}", None
        )
    met = finding.corrected_on <= end
    return _result(
        "corrected_within",
        label,
        f"{finding.corrected_on:%Y-%m-%d} 改正，{detail}" + ("" if met else "，已超期"),
        met,
    )


def check_before_inspection(finding: Finding) -> ConditionResult:
    if finding.corrected_before_inspection:
        return _result("corrected_before_inspection", "检查前改正", "检查发现前已主动改正", True)
    return _result("corrected_before_inspection", "检查前改正", "检查发现前未改正", False)


def check_no_fault(finding: Finding) -> ConditionResult:
    if finding.no_subjective_fault:
        return _result("no_subjective_fault", "无主观过错", "有证据足以证明没有主观过错", True)
    return _result("no_subjective_fault", "无主观过错", "未证明没有主观过错", False)


def check_amount(finding: Finding, condition: AmountAtMost) -> ConditionResult:
    label = AMOUNT_LABELS[condition.measure]
    limit = format_yuan(condition.limit)
    value = finding.amounts.get(condition.measure)
    if value is None:
        return _result("amount_at_most", label, f"要求不超过{limit}，未认定{label}", None)
    met = Decimal(value) <= condition.limit
    return _result("amount_at_most", label, f"{format_yuan(Decimal(value))}，上限{limit}", met)


def check_duration(finding: Finding, condition: DurationAtMost) -> ConditionResult:
    if finding.duration_days is None:
        return _result(
            "duration_at_most", "持续时间", f"要求不超过{condition.days}日，未认定持续时间", None
        )
    met = finding.duration_days <= condition.days
    return _result(
        "duration_at_most",
        "持续时间",
        f"违法行为持续{finding.duration_days}日，上限{condition.days}日",
        met,
    )


def check_circumstances(
    finding: Finding, wanted: Iterable[Circumstance], *, label: str = "法定从轻减轻情形"
) -> ConditionResult:
    wanted = tuple(wanted)
    present = [c for c in wanted if c in finding.circumstances]
    if present:
        names = "；".join(CIRCUMSTANCE_LABELS[c] for c in present)
        return _result("statutory_circumstance", label, f"具有：{names}", True)
    return _result("statutory_circumstance", label, "不具有行政处罚法第三十二条所列情形", False)


def check(finding: Finding, condition: Condition, calendar: Calendar | None) -> ConditionResult:
    if isinstance(condition, FirstViolation):
        return check_first_violation(finding, condition.years)
    if isinstance(condition, HarmAtMost):
        return check_harm(finding, condition.level)
    if isinstance(condition, CorrectedWithin):
        return check_corrected_within(finding, condition, calendar)
    if isinstance(condition, CorrectedBeforeInspection):
        return check_before_inspection(finding)
    if isinstance(condition, NoSubjectiveFault):
        return check_no_fault(finding)
    if isinstance(condition, AmountAtMost):
        return check_amount(finding, condition)
    if isinstance(condition, DurationAtMost):
        return check_duration(finding, condition)
    assert isinstance(condition, StatutoryCircumstance)
    return check_circumstances(finding, condition.any_of)


# --- Statutory rules --------------------------------------------------------------------------


def _corrected_in_time(finding: Finding) -> ConditionResult:
    """及时改正 of Art. 33: before the inspection, on the spot, or within the officer's deadline."""
    return check_corrected_within(finding, CorrectedWithin(days=None), None)


def _minor(finding: Finding) -> ConditionResult:
    if finding.minor_violation:
        return _result("minor_violation", "违法行为轻微", "认定违法行为轻微", True)
    return _result("minor_violation", "违法行为轻微", "未认定违法行为轻微", False)


def _statute(
    rule: str,
    article: str,
    summary: str,
    outcomes: tuple[Outcome, ...],
    mandatory: bool,
    conditions: Sequence[ConditionResult],
) -> StatutoryResult:
    return StatutoryResult(
        rule=rule,
        article=article,
        summary=summary,
        outcomes=outcomes,
        mandatory=mandatory,
        conditions=tuple(conditions),
        applies=all(c.met is True for c in conditions),
    )


def statutory_results(finding: Finding) -> list[StatutoryResult]:
    results = [
        _statute(
            "art33_1_minor",
            f"{LAW}第三十三条第一款",
            "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚",
            (Outcome.EXEMPT,),
            True,
            [_minor(finding), _corrected_in_time(finding), check_harm(finding, HarmLevel.NONE)],
        ),
        _statute(
            "art33_1_first",
            f"{LAW}第三十三条第一款",
            "初次违法且危害后果轻微并及时改正的，可以不予行政处罚",
            (Outcome.EXEMPT,),
            False,
            [
                check_first_violation(finding, None),
                check_harm(finding, HarmLevel.MINOR),
                _corrected_in_time(finding),
            ],
        ),
    ]
    fault = [check_no_fault(finding)]
    if finding.law_excludes_fault_defence:
        fault.append(
            _result("law_excludes", "法律、行政法规另有规定", "本违法行为另有规定，从其规定", False)
        )
    results.append(
        _statute(
            "art33_2",
            f"{LAW}第三十三条第二款",
            "当事人有证据足以证明没有主观过错的，不予行政处罚；法律、行政法规另有规定的，从其规定",
            (Outcome.EXEMPT,),
            True,
            fault,
        )
    )
    results.append(
        _statute(
            "art32",
            f"{LAW}第三十二条",
            "当事人有第三十二条所列情形之一的，应当从轻或者减轻行政处罚",
            (Outcome.LIGHTER, Outcome.MITIGATED),
            True,
            [check_circumstances(finding, tuple(Circumstance))],
        )
    )
    results.append(
        _statute(
            "art36",
            f"{LAW}第三十六条",
            "违法行为在二年内未被发现的，不再给予行政处罚；涉及公民生命健康安全、金融安全且有"
            "危害后果的，延长至五年（法律另有规定的除外）",
            (Outcome.EXEMPT,),
            True,
            [check_limitation(finding)],
        )
    )
    if finding.party == PartyKind.NATURAL_PERSON:
        results.extend(_natural_person_results(finding))
    return results


def _natural_person_results(finding: Finding) -> list[StatutoryResult]:
    results: list[StatutoryResult] = []
    if finding.age is not None:
        under14 = finding.age < 14
        results.append(
            _statute(
                "art30_under14",
                f"{LAW}第三十条",
                "不满十四周岁的未成年人有违法行为的，不予行政处罚，责令监护人加以管教",
                (Outcome.EXEMPT,),
                True,
                [_result("age", "年龄", f"{finding.age}周岁，不满十四周岁", under14)],
            )
        )
        minor = 14 <= finding.age < 18
        results.append(
            _statute(
                "art30_minor",
                f"{LAW}第三十条",
                "已满十四周岁不满十八周岁的未成年人有违法行为的，应当从轻或者减轻行政处罚",
                (Outcome.LIGHTER, Outcome.MITIGATED),
                True,
                [_result("age", "年龄", f"{finding.age}周岁，已满十四周岁不满十八周岁", minor)],
            )
        )
    if finding.mental_state != MentalState.NORMAL:
        incapable = finding.mental_state == MentalState.INCAPABLE
        results.append(
            _statute(
                "art31_incapable",
                f"{LAW}第三十一条",
                "精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚",
                (Outcome.EXEMPT,),
                True,
                [
                    _result(
                        "mental_state", "辨认控制能力", "不能辨认或者不能控制自己行为", incapable
                    )
                ],
            )
        )
        results.append(
            _statute(
                "art31_partial",
                f"{LAW}第三十一条",
                "尚未完全丧失辨认或者控制自己行为能力的精神病人、智力残疾人有违法行为的，"
                "可以从轻或者减轻行政处罚",
                (Outcome.LIGHTER, Outcome.MITIGATED),
                False,
                [
                    _result(
                        "mental_state",
                        "辨认控制能力",
                        "尚未完全丧失辨认或者控制自己行为能力",
                        not incapable,
                    )
                ],
            )
        )
    return results


# --- List items -------------------------------------------------------------------------------


def rule_of(item: Any) -> Rule:
    """A ``DiscretionItem`` (or anything with its attributes) as a ``Rule``."""
    if isinstance(item, Rule):
        return item
    version = getattr(item, "version", None)
    return Rule(
        code=item.code,
        kind=Outcome(item.kind),
        violation_code=item.violation_code,
        violation=item.violation,
        conditions=tuple(parse_conditions(item.conditions)),
        outcome_text=item.outcome,
        penalty_text=item.penalty_summary,
        violation_basis=item.violation_basis,
        discretion_basis=item.discretion_basis,
        item_id=item.pk,
        version_label=getattr(version, "label", "") if version is not None else "",
    )


def _item_result(rule: Rule, finding: Finding, calendar: Calendar | None) -> ItemResult:
    conditions = tuple(check(finding, c, calendar) for c in rule.conditions)
    return ItemResult(
        item_id=rule.item_id,
        code=rule.code,
        kind=rule.kind,
        kind_label=OUTCOME_LABELS[rule.kind],
        violation=rule.violation,
        outcome_text=rule.outcome_text,
        penalty_text=rule.penalty_text,
        violation_basis=rule.violation_basis,
        discretion_basis=rule.discretion_basis,
        version_label=rule.version_label,
        conditions=conditions,
        matches=all(c.met is True for c in conditions),
    )


# --- Proposal ---------------------------------------------------------------------------------


def _propose(items: Sequence[ItemResult], statutory: Sequence[StatutoryResult]) -> Proposal:
    # (rank, allowed, mandatory, basis, why)
    candidates: list[tuple[int, tuple[Outcome, ...], bool, str, str]] = []
    for item in items:
        if item.matches:
            basis = f"{item.version_label}“{item.kind_label}”清单第 {item.code} 项".lstrip()
            if item.discretion_basis:
                basis += f"（{item.discretion_basis}）"
            candidates.append((OUTCOME_RANK[item.kind], (item.kind,), False, basis, basis))
    for rule in statutory:
        if rule.applies:
            # "从轻或者减轻" proposes the lesser step; either is within the statute.
            rank = min(OUTCOME_RANK[o] for o in rule.outcomes)
            candidates.append(
                (
                    rank,
                    rule.outcomes,
                    rule.mandatory,
                    rule.article,
                    f"{rule.article}：{rule.summary}",
                )
            )
    if not candidates:
        return Proposal(
            outcome=Outcome.GENERAL,
            label=OUTCOME_LABELS[Outcome.GENERAL],
            allowed=(Outcome.GENERAL,),
            mandatory=False,
            basis=(),
            explanation="未满足任何清单事项或法定不予、从轻、减轻处罚情形，依法给予行政处罚。",
        )
    top = max(c[0] for c in candidates)
    best = [c for c in candidates if c[0] == top]
    outcome = next(o for o, r in OUTCOME_RANK.items() if r == top)
    allowed: list[Outcome] = [Outcome(outcome)]
    for c in best:
        allowed.extend(o for o in c[1] if o not in allowed)
    mandatory = any(c[2] for c in best)
    bases = tuple(dict.fromkeys(c[3] for c in best))
    explanation = "；".join(dict.fromkeys(c[4] for c in best))
    return Proposal(
        outcome=Outcome(outcome),
        label=OUTCOME_LABELS[outcome],
        allowed=tuple(allowed),
        mandatory=mandatory,
        basis=bases,
        explanation=f"建议{OUTCOME_LABELS[outcome]}。依据：{explanation}。",
    )


# --- Entry points -----------------------------------------------------------------------------


def evaluate(
    finding: Finding,
    *,
    version: Any = None,
    items: Iterable[Any] | None = None,
    calendar: Calendar | None = None,
) -> Evaluation:
    """Evaluate ``finding`` against the items (``Rule``s or ``DiscretionItem``s) of its
    violation and against the statute. ``version`` (a ``DiscretionVersion``) supplies its items
    when ``items`` is not given. Items about other violations are ignored."""
    if items is None and version is not None:
        items = version.items.filter(violation_code=finding.violation_code).select_related(
            "version"
        )
    rules = [rule_of(i) for i in items or ()]
    rules = [r for r in rules if r.violation_code == finding.violation_code]
    rules.sort(key=lambda r: (-OUTCOME_RANK[r.kind], r.code))
    if calendar is None and any(
        isinstance(c, CorrectedWithin) and c.days is not None and c.working_days
        for r in rules
        for c in r.conditions
    ):
        calendar = _default_calendar()
    item_results = [_item_result(r, finding, calendar) for r in rules]
    statutory = statutory_results(finding)
    notes: list[str] = []
    if not finding.violation_code:
        notes.append("未从三张清单中选择违法行为，仅按法律规定判断。")
    elif not rules:
        notes.append(
            f"三张清单中没有违法行为编码“{finding.violation_code}”的事项，仅按法律规定判断。"
        )
    if finding.party == PartyKind.ENTERPRISE:
        notes.append("当事人为单位，行政处罚法第三十条、第三十一条（年龄、精神状况）不适用。")
    return Evaluation(
        violation_code=finding.violation_code,
        items=tuple(item_results),
        statutory=tuple(statutory),
        proposed=_propose(item_results, statutory),
        notes=tuple(notes),
    )


def _default_calendar() -> Calendar | None:
    try:
        from zhifa.workdays.selectors import work_calendar
    except ImportError:  # pragma: no cover - the engine used outside the project
        return None
    return work_calendar()


def requires_reason(evaluation: Evaluation, chosen_outcome: str | Outcome) -> bool:
    """Whether an officer deciding ``chosen_outcome`` departs from the proposal and so must
    record a reason (the supervising body sees it)."""
    return Outcome(chosen_outcome) not in evaluation.proposed.allowed
