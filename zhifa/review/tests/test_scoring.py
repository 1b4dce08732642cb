"""The one scoring function at its edges."""

from __future__ import annotations

from decimal import Decimal as D

from zhifa.review.models import Grade
from zhifa.review.scoring import score

SECTIONS = {"appearance": D(20), "content": D(80)}
THRESHOLDS = (D(90), D(80), D(60))


def test_a_file_with_no_deductions_scores_full_points_and_is_excellent():
    outcome = score(sections=SECTIONS, deductions=[], veto_hits=0, thresholds=THRESHOLDS)
    assert (outcome.total, outcome.grade, outcome.vetoed) == (D(100), Grade.EXCELLENT, False)


def test_deductions_in_a_section_stop_at_zero_and_do_not_eat_into_the_other_section():
    outcome = score(
        sections=SECTIONS,
        deductions=[("appearance", D(15)), ("appearance", D(12)), ("content", D("0.5"))],
        veto_hits=0,
        thresholds=THRESHOLDS,
    )
    assert outcome.sections == {"appearance": D(0), "content": D("79.5")}
    assert (outcome.total, outcome.grade) == (D("79.5"), Grade.PASS)


def test_the_grade_minimums_are_inclusive():
    def grade(total_lost):
        return score(
            sections=SECTIONS,
            deductions=[("content", D(total_lost))],
            veto_hits=0,
            thresholds=THRESHOLDS,
        ).grade

    assert grade(10) == Grade.EXCELLENT  # exactly 90
    assert grade("10.1") == Grade.GOOD
    assert grade(20) == Grade.GOOD  # exactly 80
    assert grade("20.1") == Grade.PASS
    assert grade(40) == Grade.PASS  # exactly 60
    assert grade("40.1") == Grade.FAIL


def test_any_veto_item_hit_fails_the_file_whatever_its_points():
    outcome = score(sections=SECTIONS, deductions=[], veto_hits=1, thresholds=THRESHOLDS)
    assert (outcome.total, outcome.grade, outcome.vetoed) == (D(100), Grade.FAIL, True)
    assert outcome.grade_label == "不合格"
