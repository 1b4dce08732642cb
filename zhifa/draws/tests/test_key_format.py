"""The key string follows RFC 3797 §4 to the letter (format 2), and records of format 1 stay
verifiable under the format they declare."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from zhifa.draws import pools, services
from zhifa.draws import record as draw_record
from zhifa.draws.models import DrawMode, DrawTask
from zhifa.draws.tests.conftest import VALUES, perform_on

pytestmark = pytest.mark.django_db


# --- RFC 3797 §4, written from its text and nothing else ---------------------------------------


def rfc_source(value: str) -> str:
    """One source as §4 says: numbers in decimal without leading zeroes, a whole number ended by
    a period, a fraction with its period between the parts and no trailing zeroes, sorted from
    smallest to largest, the source suffixed with "/"; an alphanumeric source, reduced to
    upper-case A–Z and 0–9, "can be treated as a canonicalized number above and suffixed with a
    "./"."""
    parts = value.replace(",", " ").split()
    if parts and all(p.replace(".", "", 1).isdigit() for p in parts):
        written = []
        for number in sorted(Decimal(p) for p in parts):
            whole, _, fraction = f"{number:f}".partition(".")
            fraction = fraction.rstrip("0")
            written.append(f"{int(whole)}.{fraction}" if fraction else f"{int(whole)}.")
        return "".join(written) + "/"
    return "".join(c for c in value.upper() if c.isascii() and c.isalnum()) + "./"


def rfc_selection(sources: list[str], pool_size: int, count: int) -> list[tuple[str, int]]:
    """(MD5 in hex, 1-based position picked) of each step: MD5 of the key string prefixed and
    suffixed with a two-byte big-endian counter, taken as a 128-bit big-endian integer, modulo
    the number of entries remaining, plus one; the entry leaves the pool."""
    key = "".join(rfc_source(s) for s in sources).encode("ascii")
    remaining = list(range(1, pool_size + 1))
    steps = []
    for counter in range(count):
        prefix = counter.to_bytes(2, "big")
        digest = hashlib.md5(prefix + key + prefix).digest()
        picked = remaining.pop(int.from_bytes(digest, "big") % len(remaining))
        steps.append((digest.hex().upper(), picked))
    return steps


# -----------------------------------------------------------------------------------------------


def drawn(task, inspector, approver, reveal_date, sources, *, key_format=None) -> DrawTask:
    draw = services.create_draw(
        task=task,
        title="2026年第四季度公共场所卫生双随机抽查",
        mode=DrawMode.PUBLIC,
        reveal_date=reveal_date,
        sources=sources,
        actor=inspector,
    )
    if key_format is not None:
        # A draw created before format 2 existed carries format 1 (migration draws 0002).
        DrawTask.objects.filter(pk=draw.pk).update(key_format=key_format)
        draw.refresh_from_db()
    draw = services.announce_draw(draw, actor=approver)
    return perform_on(reveal_date, draw, values=VALUES, actor=inspector)


def pool_files(draw: DrawTask) -> tuple[bytes, bytes]:
    return pools.read_pool(draw.pool_file), pools.read_pool(draw.officer_pool_file)


def test_a_draw_agrees_step_by_step_with_rfc_3797_written_from_its_text(
    task, registry, officers, inspector, approver, reveal_date, sources
):
    draw = drawn(task, inspector, approver, reveal_date, sources)
    record = draw.record
    pool, officer_pool = pool_files(draw)
    lines = pool.decode("utf-8").splitlines()
    cert_nos = officer_pool.decode("utf-8").splitlines()

    compared = 0
    start = 0
    for stratum in record["strata"]:
        block = lines[start : start + stratum["pool_size"]]
        start += stratum["pool_size"]
        expected = rfc_selection([*VALUES, stratum["code"]], len(block), len(stratum["steps"]))
        assert [(s["md5"], s["position"]) for s in stratum["steps"]] == expected
        assert [s["uscc"] for s in stratum["steps"]] == [block[p - 1] for _, p in expected]
        compared += len(expected)
    for officer_draw in record["officer_draws"]:
        expected = rfc_selection(
            [*VALUES, "OFFICERS", officer_draw["uscc"]], len(cert_nos), len(officer_draw["steps"])
        )
        assert [(s["md5"], s["position"]) for s in officer_draw["steps"]] == expected
        compared += len(expected)

    assert record["key_format"] == 2
    assert [s["key_string"] for s in record["strata"]] == [
        f"3.8.9.14.22.27.31./3021.57/{code}./" for code in "ABCD"
    ]
    # 10 enterprises in four strata, then 2 officers for each of them.
    assert compared == 30


def test_a_record_of_format_1_still_verifies_under_its_own_format(
    task, registry, officers, inspector, approver, reveal_date, sources
):
    draw = drawn(task, inspector, approver, reveal_date, sources, key_format=1)
    record = draw.record
    pool, officer_pool = pool_files(draw)

    assert record["key_format"] == 1
    assert record["strata"][0]["key_string"] == "3.8.9.14.22.27.31./3021.57/A/"
    uscc = record["officer_draws"][0]["uscc"]
    assert record["officer_draws"][0]["key_string"] == (
        f"3.8.9.14.22.27.31./3021.57/OFFICERS/{uscc}/"
    )
    draw_record.verify(record, pool, officer_pool)
    # Records published before formats were named carry no key_format at all.
    published_before = {k: v for k, v in record.items() if k != "key_format"}
    draw_record.verify(published_before, pool, officer_pool)


def test_a_record_read_under_the_other_format_fails_at_its_first_key_string(
    task, registry, officers, inspector, approver, reveal_date, sources
):
    draw = drawn(task, inspector, approver, reveal_date, sources, key_format=1)

    with pytest.raises(draw_record.Mismatch) as error:
        draw_record.verify({**draw.record, "key_format": 2})

    assert str(error.value) == (
        "分层 A ：密钥串应为 3.8.9.14.22.27.31./3021.57/A./，记录为 3.8.9.14.22.27.31./3021.57/A/。"
    )


def _verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    try:
        call_command("verify-draw", *args)
    except SystemExit as exit:
        return int(exit.code or 0), capsys.readouterr().out.strip()
    return 0, capsys.readouterr().out.strip()


def test_verify_draw_checks_records_of_both_formats(
    task, registry, officers, inspector, approver, reveal_date, sources, tmp_path: Path, capsys
):
    old = drawn(task, inspector, approver, reveal_date, sources, key_format=1)
    new = drawn(task, inspector, approver, reveal_date, sources)
    outcomes = []
    for name, draw in (("old", old), ("new", new)):
        record = tmp_path / f"{name}.json"
        record.write_bytes(draw.record_json.encode("utf-8"))
        pool, officer_pool = tmp_path / f"{name}-pool.txt", tmp_path / f"{name}-officers.txt"
        pool.write_bytes(pools.read_pool(draw.pool_file))
        officer_pool.write_bytes(pools.read_pool(draw.officer_pool_file))
        outcomes.append(
            _verify(capsys, str(record), "--pool", str(pool), "--officer-pool", str(officer_pool))
        )

    assert outcomes == [(0, "VERIFIED"), (0, "VERIFIED")]
    assert (old.key_format, new.key_format) == (1, 2)


def test_verify_draw_refuses_a_key_format_it_does_not_know(
    task, registry, officers, inspector, approver, reveal_date, sources, tmp_path: Path, capsys
):
    draw = drawn(task, inspector, approver, reveal_date, sources)
    path = tmp_path / "record.json"
    path.write_text(json.dumps({**draw.record, "key_format": 7}), encoding="utf-8")

    assert _verify(capsys, str(path)) == (
        1,
        "MISMATCH: 记录的密钥串格式版本为 7，本工具只认识 1、2。",
    )


def test_the_announcement_and_the_public_page_name_the_key_format(
    task, registry, officers, inspector, approver, reveal_date, sources, client
):
    draw = services.create_draw(
        task=task,
        title="2026年第四季度公共场所卫生双随机抽查",
        mode=DrawMode.PUBLIC,
        reveal_date=reveal_date,
        sources=sources,
        actor=inspector,
    )
    draw = services.announce_draw(draw, actor=approver)

    assert services.announcement(draw)["key_format"] == 2
    page = client.get(reverse("draws:public_detail", args=[draw.pk])).content.decode()
    assert "第 2 版（RFC 3797 第 4 节原文：字母数字取值后接 ./）" in page
