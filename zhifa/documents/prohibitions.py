"""The 五个严禁/八个不得 versions as shipped in ``data/prohibitions.json``, read without the
database: migrations load them, sample documents print the newest, and a flushed test database
falls back to them (``selectors.current_prohibitions``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

PROHIBITIONS_FILE = Path(__file__).resolve().parent / "data" / "prohibitions.json"


def shipped_versions() -> list[dict[str, Any]]:
    versions: list[dict[str, Any]] = json.loads(PROHIBITIONS_FILE.read_text(encoding="utf-8"))[
        "versions"
    ]
    return versions


def shipped_sections(on: dt.date | None = None) -> list[dict[str, Any]]:
    """The sections ``[{"title": …, "items": […]}]`` of the newest shipped version in force on
    ``on`` (any date when None); ``[]`` when none is."""
    in_force = [
        v
        for v in shipped_versions()
        if on is None or dt.date.fromisoformat(v["effective_from"]) <= on
    ]
    if not in_force:
        return []
    latest = max(in_force, key=lambda v: v["effective_from"])
    return [dict(section, items=list(section["items"])) for section in latest["sections"]]
