"""The quality set: realistic enterprise questions against the demo list, recall@5 ≥ 0.9."""

from __future__ import annotations

import csv
from pathlib import Path

from zhifa.compliance.selectors import search_items

QUALITY_FILE = Path(__file__).resolve().parent.parent / "data" / "search_quality.csv"


def quality_set() -> list[tuple[str, list[str]]]:
    with QUALITY_FILE.open(encoding="utf-8", newline="") as handle:
        return [(row["query"], row["expected"].split("、")) for row in csv.DictReader(handle)]


def test_the_quality_set_has_at_least_forty_questions_with_known_items(demo_version):
    questions = quality_set()
    assert len(questions) >= 40
    codes = set(demo_version.items.values_list("code", flat=True))
    assert {code for _, expected in questions for code in expected} <= codes


def test_recall_at_five_on_the_quality_set_is_at_least_ninety_percent(demo_version):
    questions = quality_set()
    total = 0.0
    misses = []
    for query, expected in questions:
        got = [hit.code for hit in search_items(query, limit=5)]
        found = len(set(expected) & set(got)) / len(expected)
        total += found
        if found < 1:
            misses.append((query, expected, got))
    recall = total / len(questions)
    assert recall >= 0.9, misses
