"""The engine on plain ``Rule``s: each condition kind, combinations, and 行政处罚法 Art. 32/33."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhifa.discretion.conditions import (
    AmountAtMost,
    AmountMeasure,
    Circumstance,
    ConditionError,
    CorrectedBeforeInspection,
    CorrectedWithin,
    DurationAtMost,
    FirstViolation,
    HarmAtMost,
    HarmLevel,
    NoSubjectiveFault,
    StatutoryCircumstance,
    parse_conditions,
)
from zhifa.discretion.engine import (
    Finding,
    MentalState,
    Outcome,
    PartyKind,
    PriorViolation,
    Rule,
    evaluate,
    requires_reason,
)

DAY = dt.date(2026, 6, 15)  # a Monday
CODE = "SP-JYXK-BG"


def rule(code: str, kind: Outcome, *conditions, violation_code: str = CODE) -> Rule:
    return Rule(
        code=code,
        kind=kind,
        violation_code=violation_code,
        violation="食品经营许可证载明事项变化未按规定申请变更",
        conditions=tuple(conditions),
        outcome_text="不予行政处罚，责令改正",
        discretion_basis="《中华人民共和国行政处罚法》第三十三条第一款",
        version_label="晋中市 2024版",
    )


def finding(**facts) -> Finding:
    facts.setdefault("violation_code", CODE)
    facts.setdefault("found_on", DAY)
    return Finding(**facts)


def only(evaluation, code: str):
    [item] = [i for i in evaluation.items if i.code == code]
    return item


class FixedCalendar:
    """Mon–Fri are working days; 2026-06-19 (端午) is a holiday."""

    holidays = {dt.date(2026, 6, 19)}

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        current = day
        while n:
            current += dt.timedelta(days=1)
            if current.weekday() < 5 and current not in self.holidays:
                n -= 1
        return current


# --- first_violation --------------------------------------------------------------------------


def test_first_violation_holds_when_the_history_has_no_same_violation_in_the_window():
    ev = evaluate(
        finding(
            history=(
                PriorViolation(CODE, dt.date(2024, 6, 14)),  # just over 2 years before
                PriorViolation("OTHER", dt.date(2026, 1, 1)),
            )
        ),
        items=[rule("A1", Outcome.EXEMPT, FirstViolation(years=2))],
    )
    [result] = only(ev, "A1").conditions
    assert result.met is True
    assert result.text == "首次违法：近2年内无同类违法记录（满足）"
    assert only(ev, "A1").matches is True


def test_a_repeat_violation_within_the_window_is_not_a_first_violation():
    ev = evaluate(
        finding(history=(PriorViolation(CODE, dt.date(2025, 3, 1)),)),
        items=[rule("A1", Outcome.EXEMPT, FirstViolation(years=2))],
    )
    [result] = only(ev, "A1").conditions
    assert result.met is False
    assert result.text == (
        "首次违法：近2年内有同类违法记录 1 次（最近一次 2025-03-01 作出处理决定）（不满足）"
    )
    assert only(ev, "A1").matches is False


# --- harm_at_most -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("harm", "limit", "met"),
    [
        (HarmLevel.NONE, HarmLevel.MINOR, True),
        (HarmLevel.MINOR, HarmLevel.MINOR, True),
        (HarmLevel.GENERAL, HarmLevel.MINOR, False),
        (HarmLevel.MINOR, HarmLevel.NONE, False),
        (None, HarmLevel.MINOR, None),
    ],
)
def test_harm_level_is_compared_on_the_scale_none_minor_general_serious(harm, limit, met):
    ev = evaluate(finding(harm=harm), items=[rule("A1", Outcome.EXEMPT, HarmAtMost(level=limit))])
    assert only(ev, "A1").conditions[0].met is met
    assert only(ev, "A1").matches is (met is True)


def test_harm_text_names_the_requirement_and_the_finding():
    ev = evaluate(
        finding(harm=HarmLevel.GENERAL),
        items=[rule("A1", Outcome.EXEMPT, HarmAtMost(level=HarmLevel.MINOR))],
    )
    assert only(ev, "A1").conditions[0].text == (
        "危害程度：要求危害后果不超过“轻微”，认定为危害后果一般（不满足）"
    )


# --- corrected_within -------------------------------------------------------------------------


def test_correction_within_the_officers_deadline():
    items = [rule("A1", Outcome.EXEMPT, CorrectedWithin(days=None))]
    on_time = evaluate(
        finding(ordered_on=DAY, deadline=dt.date(2026, 6, 25), corrected_on=dt.date(2026, 6, 25)),
        items=items,
    )
    late = evaluate(
        finding(ordered_on=DAY, deadline=dt.date(2026, 6, 25), corrected_on=dt.date(2026, 6, 26)),
        items=items,
    )
    assert only(on_time, "A1").conditions[0].met is True
    assert only(late, "A1").conditions[0].met is False
    assert only(late, "A1").conditions[0].text == (
        "限期改正：2026-06-26 改正，责令改正期限至 2026-06-25，已超期（不满足）"
    )


def test_correction_within_working_days_skips_weekends_and_holidays():
    items = [rule("A1", Outcome.EXEMPT, CorrectedWithin(days=5, working_days=True))]
    # 5 working days after Mon 06-15 with 06-19 a holiday: 16, 17, 18, 22, 23.
    on_time = evaluate(
        finding(ordered_on=DAY, corrected_on=dt.date(2026, 6, 23)),
        items=items,
        calendar=FixedCalendar(),
    )
    late = evaluate(
        finding(ordered_on=DAY, corrected_on=dt.date(2026, 6, 24)),
        items=items,
        calendar=FixedCalendar(),
    )
    assert only(on_time, "A1").conditions[0].met is True
    assert only(late, "A1").conditions[0].met is False
    assert "即 2026-06-23 前" in only(late, "A1").conditions[0].text


def test_correction_within_calendar_days():
    items = [rule("A1", Outcome.EXEMPT, CorrectedWithin(days=5, working_days=False))]
    on_time = evaluate(finding(ordered_on=DAY, corrected_on=dt.date(2026, 6, 20)), items=items)
    late = evaluate(finding(ordered_on=DAY, corrected_on=dt.date(2026, 6, 21)), items=items)
    assert only(on_time, "A1").conditions[0].met is True
    assert only(late, "A1").conditions[0].met is False


def test_a_calendar_without_the_year_leaves_the_working_day_deadline_undecided():
    class NoYear:
        def add_workdays(self, day, n):
            raise ValueError("2026 年的节假日安排尚未载入")

    ev = evaluate(
        finding(ordered_on=DAY, corrected_on=dt.date(2026, 6, 18)),
        items=[rule("A1", Outcome.EXEMPT, CorrectedWithin(days=5))],
        calendar=NoYear(),
    )
    result = only(ev, "A1").conditions[0]
    assert result.met is None
    assert result.text.endswith("2026 年的节假日安排尚未载入（无法判断）")
    assert only(ev, "A1").matches is False


def test_not_yet_corrected_does_not_meet_a_correction_condition():
    ev = evaluate(finding(), items=[rule("A1", Outcome.EXEMPT, CorrectedWithin(days=None))])
    assert only(ev, "A1").conditions[0].text == "限期改正：尚未改正（不满足）"


# --- corrected_before_inspection, no_subjective_fault -----------------------------------------


def test_correction_before_the_inspection():
    items = [rule("A1", Outcome.EXEMPT, CorrectedBeforeInspection())]
    assert only(evaluate(finding(corrected_before_inspection=True), items=items), "A1").matches
    ev = evaluate(finding(corrected_on=DAY + dt.timedelta(days=1)), items=items)
    assert only(ev, "A1").conditions[0].text == "检查前改正：检查发现前未改正（不满足）"


def test_no_subjective_fault_condition():
    items = [rule("A1", Outcome.EXEMPT, NoSubjectiveFault())]
    assert only(evaluate(finding(no_subjective_fault=True), items=items), "A1").matches
    assert not only(evaluate(finding(), items=items), "A1").matches


# --- amounts and duration ---------------------------------------------------------------------


def test_amount_thresholds_compare_each_measure_in_yuan():
    items = [
        rule(
            "C1",
            Outcome.LIGHTER,
            AmountAtMost(measure=AmountMeasure.ILLEGAL_INCOME, limit=Decimal("5000")),
            AmountAtMost(measure=AmountMeasure.GOODS_VALUE, limit=Decimal("10000")),
        )
    ]
    ok = evaluate(
        finding(amounts={"illegal_income": Decimal("5000"), "goods_value": Decimal("9999.99")}),
        items=items,
    )
    over = evaluate(
        finding(amounts={"illegal_income": Decimal("5000.01"), "goods_value": Decimal("1")}),
        items=items,
    )
    missing = evaluate(finding(amounts={"illegal_income": Decimal("1")}), items=items)
    assert only(ok, "C1").matches is True
    assert [c.met for c in only(over, "C1").conditions] == [False, True]
    assert only(over, "C1").conditions[0].text == ("违法所得：5000.01 元，上限5000 元（不满足）")
    assert [c.met for c in only(missing, "C1").conditions] == [True, None]


def test_duration_threshold():
    items = [rule("C1", Outcome.LIGHTER, DurationAtMost(days=30))]
    assert only(evaluate(finding(duration_days=30), items=items), "C1").matches
    ev = evaluate(finding(duration_days=31), items=items)
    assert only(ev, "C1").conditions[0].text == "持续时间：违法行为持续31日，上限30日（不满足）"
    assert only(evaluate(finding(), items=items), "C1").conditions[0].met is None


def test_statutory_circumstance_condition_needs_one_of_the_listed():
    items = [
        rule(
            "M1",
            Outcome.MITIGATED,
            StatutoryCircumstance(any_of=(Circumstance.ELIMINATED_HARM, Circumstance.CONFESSED)),
        )
    ]
    hit = evaluate(finding(circumstances=frozenset({Circumstance.CONFESSED})), items=items)
    miss = evaluate(finding(circumstances=frozenset({Circumstance.COERCED})), items=items)
    assert only(hit, "M1").conditions[0].text == (
        "法定从轻减轻情形：具有：主动供述行政机关尚未掌握的违法行为（满足）"
    )
    assert only(miss, "M1").matches is False


# --- combinations and the proposal -------------------------------------------------------------


def three_lists() -> list[Rule]:
    return [
        rule(
            "BY-1",
            Outcome.EXEMPT,
            FirstViolation(years=2),
            HarmAtMost(level=HarmLevel.MINOR),
            CorrectedWithin(days=None),
        ),
        rule(
            "JQ-1",
            Outcome.MITIGATED,
            HarmAtMost(level=HarmLevel.MINOR),
            StatutoryCircumstance(any_of=(Circumstance.ELIMINATED_HARM,)),
        ),
        rule("CQ-1", Outcome.LIGHTER, HarmAtMost(level=HarmLevel.GENERAL)),
        rule("OTHER-1", Outcome.EXEMPT, HarmAtMost(level=HarmLevel.SERIOUS), violation_code="X"),
    ]


def test_all_conditions_must_hold_and_items_of_other_violations_are_ignored():
    ev = evaluate(
        finding(harm=HarmLevel.MINOR, corrected_on=DAY + dt.timedelta(days=3)),
        items=three_lists(),
    )
    assert [i.code for i in ev.items] == ["BY-1", "JQ-1", "CQ-1"]
    exempt = only(ev, "BY-1")
    assert [c.met for c in exempt.conditions] == [True, True, None]
    assert exempt.matches is False
    assert [i.code for i in ev.matching_items] == ["CQ-1"]
    assert ev.proposed.outcome == Outcome.LIGHTER


def test_a_first_violation_corrected_before_the_inspection_is_not_penalised():
    ev = evaluate(
        finding(harm=HarmLevel.MINOR, corrected_before_inspection=True), items=three_lists()
    )
    assert only(ev, "BY-1").matches is True
    assert ev.proposed.outcome == Outcome.EXEMPT
    assert ev.proposed.label == "不予处罚"
    assert ev.proposed.basis[0] == (
        "晋中市 2024版“不予处罚”清单第 BY-1 项（《中华人民共和国行政处罚法》第三十三条第一款）"
    )
    art33 = {s.rule: s for s in ev.statutory}["art33_1_first"]
    assert art33.applies is True
    assert art33.mandatory is False
    assert [c.text for c in art33.conditions] == [
        "首次违法：无同类违法记录（满足）",
        "危害程度：要求危害后果不超过“轻微”，认定为危害后果轻微（满足）",
        "限期改正：检查前已改正（满足）",
    ]
    assert requires_reason(ev, Outcome.EXEMPT) is False
    assert requires_reason(ev, "lighter") is True


def test_a_repeat_violation_is_not_exempt_even_when_corrected():
    ev = evaluate(
        finding(
            harm=HarmLevel.MINOR,
            corrected_before_inspection=True,
            history=(PriorViolation(CODE, dt.date(2025, 9, 1)),),
        ),
        items=three_lists(),
    )
    assert only(ev, "BY-1").matches is False
    assert {s.rule: s.applies for s in ev.statutory}["art33_1_first"] is False
    assert ev.proposed.outcome == Outcome.LIGHTER
    assert requires_reason(ev, Outcome.EXEMPT) is True


def test_a_mitigation_item_outranks_a_lighter_item():
    ev = evaluate(
        finding(
            harm=HarmLevel.MINOR,
            circumstances=frozenset({Circumstance.ELIMINATED_HARM}),
            history=(PriorViolation(CODE, dt.date(2026, 1, 5)),),
        ),
        items=three_lists(),
    )
    assert [i.code for i in ev.matching_items] == ["JQ-1", "CQ-1"]
    assert ev.proposed.outcome == Outcome.MITIGATED
    assert ev.proposed.allowed == (Outcome.MITIGATED,)


# --- Statute alone ----------------------------------------------------------------------------


def statute(ev, key: str):
    return {s.rule: s for s in ev.statutory}[key]


def test_art33_minor_violation_corrected_without_harm_is_not_penalised_by_statute():
    ev = evaluate(
        finding(
            harm=HarmLevel.NONE,
            minor_violation=True,
            corrected_on=DAY,
            history=(PriorViolation(CODE, dt.date(2026, 1, 5)),),
        )
    )
    rule_ = statute(ev, "art33_1_minor")
    assert rule_.applies is True
    assert rule_.mandatory is True
    assert statute(ev, "art33_1_first").applies is False
    assert ev.proposed.outcome == Outcome.EXEMPT
    assert ev.proposed.mandatory is True
    assert ev.proposed.basis == ("《中华人民共和国行政处罚法》第三十三条第一款",)
    assert ev.notes[0] == "三张清单中没有违法行为编码“SP-JYXK-BG”的事项，仅按法律规定判断。"


def test_art33_minor_violation_with_harm_is_not_exempt_by_that_rule():
    ev = evaluate(finding(harm=HarmLevel.MINOR, minor_violation=True, corrected_on=DAY))
    assert statute(ev, "art33_1_minor").applies is False
    # but a first violation with minor harm corrected on the spot may be exempt
    assert statute(ev, "art33_1_first").applies is True
    assert ev.proposed.outcome == Outcome.EXEMPT
    assert ev.proposed.mandatory is False


def test_no_subjective_fault_is_not_penalised_unless_the_law_provides_otherwise():
    ev = evaluate(finding(harm=HarmLevel.GENERAL, no_subjective_fault=True))
    assert statute(ev, "art33_2").applies is True
    assert ev.proposed.outcome == Outcome.EXEMPT
    assert ev.proposed.basis == ("《中华人民共和国行政处罚法》第三十三条第二款",)
    excluded = evaluate(
        finding(harm=HarmLevel.GENERAL, no_subjective_fault=True, law_excludes_fault_defence=True)
    )
    assert statute(excluded, "art33_2").applies is False
    assert excluded.proposed.outcome == Outcome.GENERAL


@pytest.mark.parametrize("circumstance", list(Circumstance))
def test_each_art32_circumstance_calls_for_lighter_or_mitigated(circumstance):
    ev = evaluate(finding(harm=HarmLevel.SERIOUS, circumstances=frozenset({circumstance})))
    assert statute(ev, "art32").applies is True
    assert ev.proposed.outcome == Outcome.LIGHTER
    assert ev.proposed.allowed == (Outcome.LIGHTER, Outcome.MITIGATED)
    assert ev.proposed.mandatory is True
    assert requires_reason(ev, Outcome.MITIGATED) is False
    assert requires_reason(ev, Outcome.GENERAL) is True


def test_without_any_circumstance_the_proposal_is_a_general_penalty():
    ev = evaluate(finding(harm=HarmLevel.SERIOUS))
    assert ev.proposed.outcome == Outcome.GENERAL
    assert ev.proposed.basis == ()
    assert requires_reason(ev, Outcome.GENERAL) is False
    assert requires_reason(ev, Outcome.LIGHTER) is True


def test_natural_person_rules_of_art30_and_art31():
    child = evaluate(finding(party=PartyKind.NATURAL_PERSON, age=13, harm=HarmLevel.SERIOUS))
    assert statute(child, "art30_under14").applies is True
    assert child.proposed.outcome == Outcome.EXEMPT
    teen = evaluate(finding(party=PartyKind.NATURAL_PERSON, age=16, harm=HarmLevel.SERIOUS))
    assert teen.proposed.outcome == Outcome.LIGHTER
    assert teen.proposed.allowed == (Outcome.LIGHTER, Outcome.MITIGATED)
    ill = evaluate(
        finding(
            party=PartyKind.NATURAL_PERSON,
            mental_state=MentalState.INCAPABLE,
            harm=HarmLevel.SERIOUS,
        )
    )
    assert ill.proposed.outcome == Outcome.EXEMPT
    company = evaluate(finding(age=13, harm=HarmLevel.SERIOUS))
    assert "art30_under14" not in {s.rule for s in company.statutory}
    assert company.proposed.outcome == Outcome.GENERAL


def test_the_evaluation_serialises_to_json_values():
    ev = evaluate(
        finding(harm=HarmLevel.MINOR, corrected_before_inspection=True), items=three_lists()
    )
    data = ev.to_dict()
    assert data["proposed"]["outcome"] == "exempt"
    assert data["proposed"]["allowed"] == ["exempt"]
    assert data["items"][0]["conditions"][0] == {
        "kind": "first_violation",
        "met": True,
        "text": "首次违法：近2年内无同类违法记录（满足）",
    }


# --- Schema -----------------------------------------------------------------------------------


def test_conditions_schema_refuses_unknown_kinds_bad_values_and_repeats():
    assert parse_conditions([{"kind": "first_violation", "years": 2}]) == [FirstViolation(years=2)]
    with pytest.raises(ConditionError, match="第 1 个适用条件（未知）"):
        parse_conditions([{"kind": "未知"}])
    with pytest.raises(ConditionError, match="第 2 个适用条件（首次违法）的“years”取值无效"):
        parse_conditions([{"kind": "no_subjective_fault"}, {"kind": "first_violation", "years": 0}])
    with pytest.raises(ConditionError, match="重复"):
        parse_conditions([{"kind": "no_subjective_fault"}, {"kind": "no_subjective_fault"}])
    with pytest.raises(ConditionError):
        parse_conditions("首次违法")


# --- Art. 36: the limitation period --------------------------------------------------------------


def art36(ev):
    return {s.rule: s for s in ev.statutory}["art36"]


def test_a_violation_found_more_than_two_years_after_it_ended_is_not_penalised():
    ev = evaluate(finding(ended_on=dt.date(2024, 6, 14), harm=HarmLevel.GENERAL), items=[])

    assert art36(ev).applies is True
    assert art36(ev).conditions[0].text == (
        "超过追责期限：违法行为于 2024-06-14 发生或终了，2年期限至 2026-06-14，2026-06-15 发现，"
        "已超过期限（满足）"
    )
    assert ev.proposed.outcome == Outcome.EXEMPT


def test_the_period_ends_on_the_corresponding_day_which_is_still_within_it():
    ev = evaluate(finding(ended_on=dt.date(2024, 6, 15)), items=[])

    assert art36(ev).applies is False
    assert ev.proposed.outcome == Outcome.GENERAL


def test_life_or_financial_safety_with_harm_extends_the_period_to_five_years():
    harmful = finding(
        ended_on=dt.date(2022, 6, 14), harm=HarmLevel.MINOR, life_or_financial_safety=True
    )
    harmless = finding(
        ended_on=dt.date(2022, 6, 14), harm=HarmLevel.NONE, life_or_financial_safety=True
    )

    assert art36(evaluate(harmful, items=[])).applies is False
    assert art36(evaluate(harmless, items=[])).applies is True


def test_a_period_from_29_february_ends_on_the_last_day_of_february():
    on_last_day = finding(ended_on=dt.date(2024, 2, 29), found_on=dt.date(2026, 2, 28))
    day_after = finding(ended_on=dt.date(2024, 2, 29), found_on=dt.date(2026, 3, 1))

    assert art36(evaluate(on_last_day, items=[])).applies is False
    assert art36(evaluate(day_after, items=[])).applies is True


def test_without_the_date_of_the_violation_the_limitation_is_undecided():
    condition = art36(evaluate(finding(), items=[])).conditions[0]

    assert (condition.met, condition.text) == (
        None,
        "超过追责期限：未认定违法行为发生或终了的日期，无法判断（无法判断）",
    )


def test_a_period_another_law_sets_replaces_the_statutory_two_years():
    taxed = finding(
        ended_on=dt.date(2022, 6, 14),
        special_limitation_months=60,
        special_limitation_basis="《中华人民共和国税收征收管理法》第八十六条",
    )

    condition = art36(evaluate(taxed, items=[])).conditions[0]
    assert (condition.met, condition.text) == (
        False,
        "超过追责期限：违法行为于 2022-06-14 发生或终了，依《中华人民共和国税收征收管理法》"
        "第八十六条，5年期限至 2027-06-14，2026-06-15 发现，未超过期限（不满足）",
    )


def test_a_period_in_months_ends_on_the_last_day_of_a_month_without_the_corresponding_day():
    def beyond(found_on):
        special = finding(
            ended_on=dt.date(2025, 8, 31),
            found_on=found_on,
            special_limitation_months=6,
            special_limitation_basis="某法第二十二条",
        )
        return art36(evaluate(special, items=[])).applies

    assert beyond(dt.date(2026, 2, 28)) is False
    assert beyond(dt.date(2026, 3, 1)) is True
