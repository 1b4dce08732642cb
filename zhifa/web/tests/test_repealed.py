"""No shipped demo list cites a repealed law (``zhifa/data/repealed_laws.json``) as its basis,
whatever the date: the data must be updated when a law is repealed, or publishing it fails."""

from __future__ import annotations

import csv
import datetime as dt
import io

from zhifa.compliance.demo import demo_file_bytes
from zhifa.core import repealed
from zhifa.discretion.demo import demo_data
from zhifa.plans.demo import DATA_FILE as ITEMS_FILE

EVER = dt.date.max


def test_a_citation_matches_with_or_without_the_prc_prefix_from_the_repeal_day_on():
    short = repealed.repealed_in("《大气污染防治法》", dt.date(2026, 8, 15))
    full = repealed.repealed_in("中华人民共和国大气污染防治法", dt.date(2026, 8, 15))

    assert [r.title for r in short] == ["中华人民共和国大气污染防治法"]
    assert short == full
    assert repealed.repealed_in("《大气污染防治法》", dt.date(2026, 8, 14)) == []
    assert repealed.repealed_in("《中华人民共和国生态环境法典》", EVER) == []


def test_the_demo_guidance_list_cites_no_repealed_law():
    rows = csv.DictReader(io.StringIO(demo_file_bytes().decode("utf-8")))
    citations = [(row["条目编码"], row["法律依据"]) for row in rows]

    assert len(citations) == 108
    assert repealed.citation_problems(citations, EVER) == []


def test_the_demo_discretion_lists_cite_no_repealed_law():
    citations = [
        (item["code"], law)
        for version in demo_data()["versions"]
        for item in version["items"]
        for law in (item["violation_basis_law"], item["discretion_basis_law"])
    ]

    assert len(citations) == 90
    assert repealed.citation_problems(citations, EVER) == []


def test_the_demo_inspection_items_cite_no_repealed_law():
    with ITEMS_FILE.open(encoding="utf-8") as handle:
        citations = [(row["code"], row["legal_basis_law"]) for row in csv.DictReader(handle)]

    assert repealed.citation_problems(citations, EVER) == []
