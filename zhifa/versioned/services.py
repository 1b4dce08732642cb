"""State changes of a published versioned list, written once (see the package docstring).

Each function here runs inside the caller's ``transaction.atomic()`` or opens its own, locks
what it changes and leaves the audit record to the last step, as every service of the house
does. Who may act is not decided here: the app's service asks ``access.require`` first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from zhifa.audit.services import record_change
from zhifa.core.tabular import upsert_by_code
from zhifa.versioned.importing import ImportReport
from zhifa.versioned.models import PUBLISHED, SUPERSEDED, Lifecycle

V = TypeVar("V", bound=Lifecycle)
P = TypeVar("P", bound=Lifecycle)
Item = TypeVar("Item", bound=models.Model)


def refused(row: Lifecycle, doing: str, tail: str = "。") -> ValidationError:
    """“{list}当前状态为“{state}”，不能{doing}{tail}”."""
    return ValidationError(f"{row.describe()}当前状态为“{row.state_label}”，不能{doing}{tail}")


def require_draft(row: Lifecycle, *, doing: str) -> None:
    """Only a draft is edited; a published version changes only by a new version."""
    if not row.is_draft:
        raise refused(row, doing, row.DRAFT_ONLY)


def move(row: Lifecycle, target: str, *, doing: str) -> None:
    """Set ``row.status`` to ``target`` if its table allows it (the caller saves)."""
    if not row.may_become(target):
        raise refused(row, doing, row.transition_tail(target, doing))
    row.status = target


def locked(row: V, *related: str) -> V:
    """``row`` read again under a row lock, for a change decided on its current state."""
    rows = type(row)._default_manager.select_for_update()
    return rows.select_related(*related).get(pk=row.pk) if related else rows.get(pk=row.pk)


def _person(actor: Any) -> Any:
    # A command run by the system has no account to name.
    return actor if getattr(actor, "pk", None) else None


def publish(
    version: P,
    *,
    actor: Any,
    previous: Callable[[P], Iterable[P]],
    check: Callable[[P], None],
    audit: Callable[[P, list[P]], dict[str, Any]],
    before: Callable[[P], Any],
    draft_first: bool = False,
    link_superseded: bool = False,
) -> P:
    """Publish ``version`` and supersede ``previous(version)`` in one transaction.

    ``version`` has ``published_at`` and ``published_by`` (a ``PublishedVersion`` has them, and
    so does the annual plan, which nothing supersedes: its ``previous`` gives none).

    ``check`` raises ``ValidationError`` when the draft may not be published yet (no items, a
    law no longer in force …); ``audit(version, superseded)`` gives the record's ``action``,
    ``after`` and ``summary``; ``before(version)`` its ``before``, read before anything
    changes. With ``draft_first`` a non-draft is refused with the app's draft-only wording
    rather than the transition's; with ``link_superseded`` each superseded version points at
    its successor (``superseded_by``).
    """
    with transaction.atomic():
        version = locked(version)
        if draft_first:
            require_draft(version, doing="公布")
        elif not version.may_become(PUBLISHED):
            raise refused(version, "公布", version.transition_tail(PUBLISHED, "公布"))
        check(version)
        was = before(version)
        now = timezone.now()
        superseded = list(previous(version))
        for old in superseded:
            move(old, SUPERSEDED, doing="废止")
            # Only a PublishedVersion is ever superseded: it has these fields.
            old.superseded_at = now  # type: ignore[attr-defined]
            fields = ["status", "superseded_at"]
            if link_superseded:
                old.superseded_by = version  # type: ignore[attr-defined]
                fields.append("superseded_by")
            old.save(update_fields=fields)
        move(version, PUBLISHED, doing="公布")
        version.published_at = now  # type: ignore[attr-defined]
        version.published_by = _person(actor)  # type: ignore[attr-defined]
        version.save(update_fields=["status", "published_at", "published_by"])
        record_change(actor=actor, obj=version, before=was, **audit(version, superseded))
    return version


# --- Import -------------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    """A checked file and, when it was clean, what writing it did."""

    report: ImportReport
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    created_codes: Sequence[str] = ()
    updated_codes: Sequence[str] = ()

    @property
    def written(self) -> bool:
        return self.report.ok


def write_rows(
    outcome: ImportOutcome,
    *,
    existing: dict[str, Item],
    make: Callable[[Mapping[str, Any]], Item],
    snapshot: Callable[[Item], Any],
    save: Callable[[Item], None],
) -> list[Item]:
    """Create the rows of a clean report whose code is new and update the changed ones (the
    caller holds the transaction and the locks, and writes the audit record after).

    Returns the new, unsaved items for the caller to ``bulk_create`` (it knows the model)."""
    done = upsert_by_code(
        [parsed.values for parsed in outcome.report.rows],
        existing,
        make=make,
        snapshot=snapshot,
        save=save,
    )
    outcome.created_codes = done.created
    outcome.updated_codes = done.updated
    outcome.created = len(done.created)
    outcome.updated = len(done.updated)
    outcome.unchanged = done.unchanged
    return done.new
