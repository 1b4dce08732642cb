"""What the social pages read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from zhifa.core import access
from zhifa.inspections.models import CaseStatus, InspectionCase
from zhifa.org.models import Organisation, OrganisationKind, Role
from zhifa.social.models import (
    Assignment,
    AssignmentStatus,
    ProblemStatus,
    Report,
    SocialSupervisor,
)
from zhifa.social.services import DRAWABLE


def bureau_of(user: Any) -> Organisation | None:
    """The supervising organisation the user keeps the registry for (his own)."""
    ids = user.organisations_as(*Role.supervising_roles())
    return (
        Organisation.objects.filter(pk__in=ids, kind__in=OrganisationKind.supervising())
        .select_related("region")
        .order_by("pk")
        .first()
    )


def supervisors(user: Any) -> QuerySet[SocialSupervisor]:
    return SocialSupervisor.objects.restrict(user).select_related("user", "region", "bureau")


def profile_of(user: Any) -> SocialSupervisor | None:
    return SocialSupervisor.objects.filter(user=user).select_related("region", "bureau").first()


def my_assignments(user: Any) -> QuerySet[Assignment]:
    """His own assignments, the open ones first, then by inspection date."""
    return (
        Assignment.objects.filter(supervisor__user=user)
        .select_related("case__enterprise", "case__organisation", "supervisor")
        .order_by("-case__inspection_date", "-pk")
    )


def drawable_cases(user: Any, today: Any) -> QuerySet[InspectionCase]:
    """Upcoming approved inspections of the bureau's region with no supervisor drawn or
    accepted: those it may draw for."""
    busy = Assignment.objects.filter(
        status__in=(AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED)
    ).values("case_id")
    return (
        InspectionCase.objects.restrict(user)
        .filter(status__in=DRAWABLE, inspection_date__gte=today)
        .exclude(pk__in=busy)
        .select_related("enterprise", "organisation", "region")
        .order_by("inspection_date", "reference")
    )


def bureau_assignments(user: Any) -> QuerySet[Assignment]:
    return (
        Assignment.objects.restrict(user)
        .select_related("case__enterprise", "case__organisation", "supervisor__user")
        .order_by("-drawn_at", "-pk")
    )


def problems(user: Any) -> QuerySet[Report]:
    """The reports with a problem the bureau deals with (待处理 first)."""
    return (
        Report.objects.restrict(user)
        .exclude(problem_status=ProblemStatus.NO_PROBLEM)
        .select_related(
            "assignment__case__enterprise",
            "assignment__case__organisation",
            "assignment__supervisor__user",
        )
        .order_by("problem_status", "-filed_at", "-pk")
    )


def problems_count(user: Any) -> int:
    """Problems waiting for the bureau (待处理), for the supervisor's workspace: 0 when none."""
    if not access.can(user, "social.problems"):
        return 0
    return problems(user).filter(problem_status=ProblemStatus.PENDING).count()


@dataclass
class ServiceRecord:
    """One supervisor's 履职记录: counts of what happened to his assignments, per year."""

    supervisor: SocialSupervisor
    years: dict[int, Counter[str]] = field(default_factory=dict)
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[int, list[int]]]:
        """(year, counts in ``COUNTED`` order), the latest year first; 0 where none."""
        return [
            (year, [self.years[year].get(key, 0) for key, _ in COUNTED])
            for year in sorted(self.years, reverse=True)
        ]

    def counts_in(self, year: int) -> list[int]:
        counts = self.years.get(year, Counter())
        return [counts.get(key, 0) for key, _ in COUNTED]

    @property
    def total(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counts in self.years.values():
            total.update(counts)
        return total


COUNTED = (
    ("offered", "抽中"),
    ("accepted", "接受"),
    ("declined", "谢绝"),
    ("checked_in", "到场签到"),
    ("reported", "提交反馈"),
    ("problems", "反映问题"),
)


def _count(assignment: Assignment) -> Counter[str]:
    counts: Counter[str] = Counter(offered=1)
    if assignment.status == AssignmentStatus.ACCEPTED:
        counts["accepted"] += 1
    if assignment.status == AssignmentStatus.DECLINED:
        counts["declined"] += 1
    if assignment.checked_in_at is not None:
        counts["checked_in"] += 1
    report = getattr(assignment, "report", None) if hasattr(assignment, "report") else None
    if report is not None:
        counts["reported"] += 1
        if report.problem_status != ProblemStatus.NO_PROBLEM:
            counts["problems"] += 1
    return counts


def service_records(user: Any, only: SocialSupervisor | None = None) -> list[ServiceRecord]:
    """履职记录 of the supervisors ``user`` sees (or of ``only``)."""
    people = supervisors(user) if only is None else [only]
    records = {s.pk: ServiceRecord(supervisor=s) for s in people}
    rows = (
        Assignment.objects.restrict(user)
        .filter(supervisor_id__in=list(records))
        .select_related("case__enterprise", "case__organisation", "report")
        .order_by("-case__inspection_date", "-pk")
    )
    for assignment in rows:
        record = records[assignment.supervisor_id]
        record.assignments.append(assignment)
        year = assignment.case.inspection_date.year
        record.years.setdefault(year, Counter()).update(_count(assignment))
    return list(records.values())


def open_statuses() -> tuple[str, ...]:
    return (CaseStatus.APPROVED, CaseStatus.NOTIFIED, CaseStatus.ON_SITE)
