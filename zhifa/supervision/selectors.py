"""Reading supervision letters: the supervisor's lists, the agency's inbox, the ledger (台账)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhifa.org.roles import Role
from zhifa.supervision.models import (
    AWAITING_REPLY,
    VISIBLE_TO_ADDRESSEE,
    LetterStatus,
    ReviewStatus,
    SupervisionLetter,
)

SUPERVISING = tuple(Role.supervising_roles())
AGENCY = tuple(Role.agency_roles())
RELATED = ("letter_type__kind", "document__number", "addressee", "bureau", "case")


def overdue_q(today: dt.date) -> Q:
    return Q(status__in=AWAITING_REPLY, letter_type__needs_reply=True, reply_due__lt=today)


def bureau_letters(user: Any) -> QuerySet[SupervisionLetter]:
    """The letters of the bureaus the user supervises for (all the letters he sees for admin)."""
    qs = SupervisionLetter.objects.restrict(user).select_related(*RELATED)
    if user.is_admin:
        return qs
    return qs.filter(bureau_id__in=user.organisations_as(*SUPERVISING))


def inbox_letters(user: Any) -> QuerySet[SupervisionLetter]:
    """Issued letters addressed to the organisations the user works for as agency staff."""
    qs = SupervisionLetter.objects.restrict(user).select_related(*RELATED)
    return qs.filter(
        addressee_id__in=user.organisations_as(*AGENCY), status__in=VISIBLE_TO_ADDRESSEE
    ).order_by("-signed_at", "-pk")


def letters_on_case(user: Any, case: Any) -> list[SupervisionLetter]:
    """Issued 决定书 (or other letters) ordering correction or revocation of ``case``."""
    return list(
        SupervisionLetter.objects.restrict(user)
        .select_related(*RELATED)
        .filter(case=case, orders_correction=True, status__in=VISIBLE_TO_ADDRESSEE)
        .exclude(review_status=ReviewStatus.REVOKED)
        .order_by("signed_at", "pk")
    )


def workspace_lists(
    user: Any, today: dt.date | None = None
) -> dict[str, QuerySet[SupervisionLetter]]:
    today = today or timezone.localdate()
    mine = bureau_letters(user)
    head_of = user.organisations_as(Role.SUPERVISION_HEAD)
    awaiting_sign = mine.filter(status=LetterStatus.REVIEWED)
    if not user.is_admin:
        awaiting_sign = awaiting_sign.filter(bureau_id__in=head_of)
    return {
        "awaiting_review": mine.filter(status=LetterStatus.SUBMITTED).exclude(
            drafted_by_id=user.pk
        ),
        "awaiting_sign": awaiting_sign,
        "awaiting_reply": mine.filter(status__in=AWAITING_REPLY, letter_type__needs_reply=True)
        .exclude(overdue_q(today))
        .order_by("reply_due", "pk"),
        "overdue": mine.filter(overdue_q(today)).order_by("reply_due", "pk"),
        "replies_to_verify": mine.filter(status=LetterStatus.REPLIED).order_by("replied_at"),
        "review_requests": mine.filter(review_status=ReviewStatus.APPLIED).order_by(
            "review_decision_due"
        ),
    }


WORKSPACE_LABELS = {
    "awaiting_review": "待审核",
    "awaiting_sign": "待签发",
    "awaiting_reply": "等待回复",
    "overdue": "逾期未回复",
    "replies_to_verify": "待核查的回复",
    "review_requests": "待决定的复查申请",
}


def workspace_counts(user: Any) -> dict[str, int]:
    """Counts for the supervisor's home page; every key present, 0 when empty."""
    if not (user.is_admin or user.organisations_as(*SUPERVISING)):
        return dict.fromkeys(WORKSPACE_LABELS, 0)
    return {key: qs.count() for key, qs in workspace_lists(user).items()}


# --- Ledger (监督文书台账) -------------------------------------------------------------------


@dataclass
class LedgerFilter:
    addressee: int | None = None
    kind: int | None = None
    status: str = ""
    overdue: bool = False
    year: int | None = None


def ledger(user: Any, f: LedgerFilter, today: dt.date | None = None) -> QuerySet[SupervisionLetter]:
    today = today or timezone.localdate()
    qs = bureau_letters(user)
    if f.addressee:
        qs = qs.filter(addressee_id=f.addressee)
    if f.kind:
        qs = qs.filter(letter_type_id=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.overdue:
        qs = qs.filter(overdue_q(today))
    if f.year:
        qs = qs.filter(drafted_at__year=f.year)
    return qs.order_by("-drafted_at", "-pk")


LEDGER_COUNTS = (
    ("issued", "已签发"),
    ("delivered", "已签收"),
    ("replied", "已回复"),
    ("overdue", "逾期"),
    ("closed", "已办结"),
)
ISSUED_ON = (*VISIBLE_TO_ADDRESSEE,)
RECEIVED_ON = (
    LetterStatus.RECEIVED,
    LetterStatus.REPLIED,
    LetterStatus.RETURNED,
    LetterStatus.CLOSED,
)


@dataclass
class LedgerRow:
    label: str
    counts: dict[str, int] = field(default_factory=dict)


def _classes(letter: SupervisionLetter, today: dt.date) -> list[str]:
    found = []
    if letter.status in ISSUED_ON:
        found.append("issued")
    if letter.status in RECEIVED_ON:
        found.append("delivered")
    if letter.replied_at is not None:
        found.append("replied")
    if letter.is_overdue(today):
        found.append("overdue")
    if letter.status == LetterStatus.CLOSED:
        found.append("closed")
    return found


def ledger_summary(
    letters: QuerySet[SupervisionLetter], today: dt.date | None = None
) -> dict[str, list[LedgerRow]]:
    """Counts issued / delivered / replied / overdue / closed, by agency and by kind."""
    today = today or timezone.localdate()
    by_agency: dict[str, Counter[str]] = {}
    by_kind: dict[str, Counter[str]] = {}
    for letter in letters:
        classes = _classes(letter, today)
        by_agency.setdefault(letter.addressee.name, Counter()).update(classes)
        by_kind.setdefault(letter.letter_type.name, Counter()).update(classes)

    def rows(table: dict[str, Counter[str]]) -> list[LedgerRow]:
        return [
            LedgerRow(label, {key: counter.get(key, 0) for key, _ in LEDGER_COUNTS})
            for label, counter in sorted(table.items())
        ]

    return {"agency": rows(by_agency), "kind": rows(by_kind)}
