"""Laws that are no longer in force (``data/repealed_laws.json``), so that no list is published
citing one as its current basis.

A citation is matched by the titles in its 《》 (or the whole text when it has none), with or
without the “中华人民共和国” prefix: 《大气污染防治法》 and 《中华人民共和国大气污染防治法》 are
the same law.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "repealed_laws.json"
PREFIX = "中华人民共和国"


@dataclass(frozen=True)
class Repeal:
    title: str
    repealed_on: dt.date
    replaced_by: str
    basis: str

    def message(self) -> str:
        return (
            f"《{self.title}》已于{self.repealed_on.year}年{self.repealed_on.month}月"
            f"{self.repealed_on.day}日废止（{self.basis}），"
            f"请改引《{self.replaced_by}》"
        )


def _key(title: str) -> str:
    title = title.strip()
    return title[len(PREFIX) :] if title.startswith(PREFIX) else title


@cache
def _repeals() -> dict[str, Repeal]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return {
        _key(law["title"]): Repeal(
            title=law["title"],
            repealed_on=dt.date.fromisoformat(law["repealed_on"]),
            replaced_by=law["replaced_by"],
            basis=law["basis"],
        )
        for law in data["laws"]
    }


def cited_titles(citation: str) -> list[str]:
    return re.findall(r"《([^》]+)》", citation) or ([citation.strip()] if citation.strip() else [])


def repealed_in(citation: str, on: dt.date) -> list[Repeal]:
    """The laws ``citation`` names that are repealed on ``on``."""
    found = (_repeals().get(_key(title)) for title in cited_titles(citation))
    return [r for r in found if r is not None and r.repealed_on <= on]


def citation_problems(citations: Iterable[tuple[str, str]], on: dt.date) -> list[str]:
    """``(label, citation)`` pairs → one Chinese line per citation of a repealed law, naming the
    label (e.g. the item code)."""
    return [
        f"{label}：{repeal.message()}"
        for label, citation in citations
        for repeal in repealed_in(citation, on)
    ]


def require_current_law(what: str, citations: Iterable[tuple[str, str]], on: dt.date) -> None:
    """Refuse to publish ``what`` (e.g. “清单“…（2025版）””) while any citation names a law repealed
    on ``on``; the refusal lists every such citation."""
    problems = citation_problems(citations, on)
    if problems:
        raise ValidationError([f"{what}引用了已废止的法律，请改正后再公布：", *problems])
