"""The one function that turns a review's marks into its points, grade and veto result.

- Each section (卷面, 内容) starts from its points and loses the deductions of its items; a
  section stops at zero, however much was deducted in it.
- The total is the sum of the sections.
- Any veto item hit makes the file 不合格, whatever the total.
- Otherwise the grade is the highest whose minimum the total reaches; the minimums are
  inclusive (a total equal to the 良好 minimum is 良好) and belong to the standard version,
  since no published national standard fixes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from zhifa.review.models import Grade

ZERO = Decimal(0)


@dataclass(frozen=True)
class Outcome:
    total: Decimal
    sections: dict[str, Decimal]
    vetoed: bool
    grade: str

    @property
    def grade_label(self) -> str:
        return str(Grade(self.grade).label)


def grade_for(total: Decimal, thresholds: tuple[Decimal, Decimal, Decimal]) -> str:
    excellent, good, passing = thresholds
    if total >= excellent:
        return Grade.EXCELLENT
    if total >= good:
        return Grade.GOOD
    if total >= passing:
        return Grade.PASS
    return Grade.FAIL


def score(
    *,
    sections: Mapping[str, Decimal],
    deductions: Iterable[tuple[str, Decimal]],
    veto_hits: int,
    thresholds: tuple[Decimal, Decimal, Decimal],
) -> Outcome:
    """``sections`` maps a section to its points; ``deductions`` are (section, points)."""
    lost: dict[str, Decimal] = dict.fromkeys(sections, ZERO)
    for section, points in deductions:
        lost[section] = lost.get(section, ZERO) + Decimal(points)
    kept = {
        section: max(Decimal(points) - lost.get(section, ZERO), ZERO)
        for section, points in sections.items()
    }
    total = sum(kept.values(), ZERO)
    vetoed = veto_hits > 0
    grade = Grade.FAIL if vetoed else grade_for(total, thresholds)
    return Outcome(total=total, sections=kept, vetoed=vetoed, grade=grade)
