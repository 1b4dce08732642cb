"""Items that start inside the platform: an objection, a low rating, a social supervisor's
report with a breach. Filled in by the intake-hooks work (see issue 16)."""

from __future__ import annotations


def connect() -> None:
    """Connect the receivers once at start-up."""
