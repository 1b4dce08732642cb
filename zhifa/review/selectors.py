"""Reading 执法体检: what a user sees, the reviews to do, the results per agency and reviewer."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from zhifa.org.models import Role
from zhifa.review.models import CaseReview, Grade, ReviewStatus


def reviews_for(user: Any) -> QuerySet[CaseReview]:
    """The reviews ``user`` may list: his scope; an agency user only completed ones."""
    rows = CaseReview.objects.restrict(user).select_related(
        "case", "case__organisation", "standard", "reviewer", "organisation"
    )
    if user.is_admin or user.has_role(*Role.supervising_roles()):
        return rows
    return rows.filter(status=ReviewStatus.COMPLETED)


def reviews_to_do(user: Any) -> int:
    """For the workspace: reviews in progress in the user's scope that are his or nobody's yet."""
    if not (user.is_authenticated and user.has_role(*Role.supervising_roles())):
        return 0
    return (
        CaseReview.objects.restrict(user)
        .filter(status=ReviewStatus.IN_PROGRESS)
        .filter(Q(reviewer=user) | Q(reviewer__isnull=True))
        .count()
    )


@dataclass
class Tally:
    name: str
    count: int = 0
    points: Decimal = Decimal(0)
    grades: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Grade.values, 0))

    @property
    def average(self) -> Decimal | None:
        return (self.points / self.count).quantize(Decimal("0.1")) if self.count else None

    @property
    def fail_rate(self) -> str:
        if not self.count:
            return "—"
        return f"{Decimal(100 * self.grades[Grade.FAIL]) / self.count:.1f}%"

    def add(self, review: CaseReview) -> None:
        self.count += 1
        self.points += review.total or Decimal(0)
        self.grades[review.grade] = self.grades.get(review.grade, 0) + 1

    def row(self) -> list[Any]:
        return [
            self.name,
            self.count,
            self.average if self.average is not None else "—",
            *[self.grades[g] for g in Grade.values],
            self.fail_rate,
        ]


RESULT_HEADERS = ["", "已完成评查（件）", "平均分", *Grade.labels, "不合格率"]


def results(user: Any) -> tuple[list[Tally], list[Tally]]:
    """Completed reviews in the user's scope, per agency and per reviewer (by name)."""
    agencies: dict[int, Tally] = {}
    reviewers: dict[int, Tally] = {}
    completed = reviews_for(user).filter(status=ReviewStatus.COMPLETED).order_by("pk")
    for review in completed:
        agency = review.case.organisation
        agencies.setdefault(agency.pk, Tally(agency.name)).add(review)
        if review.reviewer is not None:
            reviewers.setdefault(review.reviewer.pk, Tally(review.reviewer.person_name)).add(review)
    by_name = sorted(agencies.values(), key=lambda t: t.name)
    return by_name, sorted(reviewers.values(), key=lambda t: t.name)
