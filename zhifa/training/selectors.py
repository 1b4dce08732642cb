"""Read-side queries of training: sessions a user sees, the yearly minimum that applies, and
the figures (person-times 人次 and hours per officer and per agency for a year)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from zhifa.org.models import CertificateStatus, Officer, Organisation, OrganisationKind, Region
from zhifa.org.scoping import visible_to
from zhifa.training.models import Attendance, TrainingRequirement, TrainingSession

ZERO = Decimal("0.0")


def sessions_for(user: Any, *, q: str = "", year: int | None = None) -> QuerySet[TrainingSession]:
    """Sessions ``user`` may see; ``q`` matches part of the topic, trainer, place or organiser."""
    qs = visible_to(user, TrainingSession.objects.all()).select_related("organiser")
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(topic__icontains=q)
            | Q(trainer__icontains=q)
            | Q(place__icontains=q)
            | Q(organiser__name__icontains=q)
        )
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs.annotate(attendee_count=Count("attendances")).order_by("-date", "-pk")


def session_years(user: Any) -> list[int]:
    dates = visible_to(user, TrainingSession.objects.all()).dates("date", "year", order="DESC")
    return [d.year for d in dates]


# --- The yearly minimum ------------------------------------------------------------------------


def requirement_for(region: Region | str | None) -> TrainingRequirement | None:
    """The yearly minimum of ``region``: the nearest figure up its ancestors, else the national
    default (no region), else None (no minimum has been set: nobody is listed as below it)."""
    current: Region | None = (
        region
        if isinstance(region, Region) or region is None
        else Region.objects.filter(code=region).first()
    )
    seen: set[str] = set()
    while current is not None and current.code not in seen:
        seen.add(current.code)
        found = TrainingRequirement.objects.filter(region_id=current.code).first()
        if found is not None:
            return found
        current = current.parent
    return TrainingRequirement.objects.filter(region__isnull=True).order_by("pk").first()


# --- Figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficerHours:
    """One officer's training in a year."""

    officer: Officer
    person_times: int
    hours: Decimal
    required: Decimal | None  # None: no minimum applies
    source: str

    @property
    def shortfall(self) -> Decimal:
        if self.required is None or self.hours >= self.required:
            return ZERO
        return self.required - self.hours

    @property
    def below_minimum(self) -> bool:
        return self.shortfall > 0


@dataclass(frozen=True)
class AgencyFigures:
    organisation: Organisation
    officers: int
    person_times: int
    hours: Decimal
    below: int
    required: Decimal | None

    @property
    def average_hours(self) -> Decimal:
        if not self.officers:
            return ZERO
        return (self.hours / self.officers).quantize(Decimal("0.1"))


def _trained_officers(organisation: Organisation) -> QuerySet[Officer]:
    """The officers ``organisation`` looks after: an agency its own; a supervising body those
    of the enforcing organisations in its region (a 司法所: its township). A revoked 执法证
    takes an officer out of enforcement, and out of the yearly minimum."""
    qs = Officer.objects.exclude(cert_status=CertificateStatus.REVOKED)
    if organisation.kind in OrganisationKind.supervising():
        qs = qs.filter(
            organisation__region__code__startswith=organisation.region.code_prefix,
            organisation__kind__in=OrganisationKind.enforcing(),
        )
    else:
        qs = qs.filter(organisation=organisation)
    return qs.select_related("organisation__region").order_by(
        "organisation__name", "name", "cert_no"
    )


def officer_hours(officers: QuerySet[Officer], year: int) -> list[OfficerHours]:
    """Person-times and hours of each of ``officers`` in ``year`` (by the session's date),
    with the minimum of his organisation's region."""
    totals = {
        row["officer_id"]: (row["times"], row["hours"])
        for row in Attendance.objects.filter(officer__in=officers, session__date__year=year)
        .values("officer_id")
        .annotate(times=Count("pk"), hours=Sum("hours"))
    }
    by_region: dict[str, TrainingRequirement | None] = {}
    rows: list[OfficerHours] = []
    for officer in officers:
        region_id = officer.organisation.region_id
        if region_id not in by_region:
            by_region[region_id] = requirement_for(officer.organisation.region)
        requirement = by_region[region_id]
        times, hours = totals.get(officer.pk, (0, None))
        rows.append(
            OfficerHours(
                officer=officer,
                person_times=int(times),
                hours=Decimal(hours or 0).quantize(Decimal("0.1")),
                required=requirement.yearly_hours if requirement is not None else None,
                source=requirement.source if requirement is not None else "",
            )
        )
    return rows


def hours_for_organisation(organisation: Organisation, year: int) -> list[OfficerHours]:
    return officer_hours(_trained_officers(organisation), year)


def below_minimum(organisation: Organisation, year: int) -> list[OfficerHours]:
    """The officers ``organisation`` looks after (an agency: its own; a bureau: those of its
    region's agencies) whose hours in ``year`` are below the minimum that applies to them,
    largest shortfall first. For the agency's home page and the bureau's list."""
    rows = [r for r in hours_for_organisation(organisation, year) if r.below_minimum]
    return sorted(rows, key=lambda r: (-r.shortfall, r.officer.organisation.name, r.officer.name))


def agency_figures(user: Any, year: int) -> list[AgencyFigures]:
    """For each enforcing organisation ``user`` sees that has officers: officers, person-times,
    hours and how many are below the minimum in ``year``."""
    agencies = (
        visible_to(user, Organisation.objects.filter(kind__in=OrganisationKind.enforcing()))
        .select_related("region")
        .order_by("region_id", "name")
    )
    figures: list[AgencyFigures] = []
    for agency in agencies:
        rows = hours_for_organisation(agency, year)
        if not rows:
            continue
        figures.append(
            AgencyFigures(
                organisation=agency,
                officers=len(rows),
                person_times=sum(r.person_times for r in rows),
                hours=sum((r.hours for r in rows), ZERO),
                below=sum(1 for r in rows if r.below_minimum),
                required=rows[0].required,
            )
        )
    return figures


def officer_candidates(
    user: Any, session: TrainingSession, q: str = ""
) -> list[tuple[Officer, bool]]:
    """Officers ``user`` sees matching ``q`` (part of the name or the 执法证号), each with whether
    he may be recorded at ``session`` (False: shown greyed, outside the organiser's scope)."""
    from zhifa.training.rules import in_scope

    qs = visible_to(user, Officer.objects.select_related("organisation__region"))
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(cert_no__icontains=q))
    taken = set(session.attendances.values_list("officer_id", flat=True))
    qs = qs.exclude(pk__in=taken).order_by("organisation__name", "name", "cert_no")[:50]
    return [(o, in_scope(session.organiser, o)) for o in qs]
