"""Anyone re-checks a drawn draw from its public downloads alone, with the two commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from zhifa.draws import services
from zhifa.draws.models import DrawMode, DrawTask
from zhifa.draws.tests.conftest import VALUES, perform_on

pytestmark = pytest.mark.django_db


def _drawn(task: Any, inspector: Any, approver: Any, reveal_date: Any, sources: Any) -> DrawTask:
    draw = services.create_draw(
        task=task,
        title="2026年第四季度公共场所卫生双随机抽查",
        mode=DrawMode.PUBLIC,
        reveal_date=reveal_date,
        sources=sources,
        actor=inspector,
    )
    draw = services.announce_draw(draw, actor=approver)
    return perform_on(reveal_date, draw, values=VALUES, actor=inspector)


def _download(tmp_path: Path, draw: DrawTask) -> dict[str, Path]:
    """What an outsider fetches without logging in: the record and the pool files."""
    anonymous = Client()
    files: dict[str, Path] = {}
    for name, url in (
        ("record", reverse("draws:public_record", args=[draw.pk])),
        ("pool", reverse("draws:public_pool", args=[draw.pk])),
        ("officers", reverse("draws:public_officer_pool", args=[draw.pk])),
        ("pool-D", reverse("draws:public_stratum_pool", args=[draw.pk, "D"])),
    ):
        response = anonymous.get(url)
        assert response.status_code == 200, name
        files[name] = tmp_path / name
        files[name].write_bytes(b"".join(response))
    return files


def _verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    try:
        call_command("verify-draw", *args)
    except SystemExit as exit:
        return int(exit.code or 0), capsys.readouterr().out.strip()
    return 0, capsys.readouterr().out.strip()


def test_an_outsider_verifies_a_drawn_draw_from_its_public_downloads(
    task, registry, officers, inspector, approver, reveal_date, sources, tmp_path, capsys
):
    draw = _drawn(task, inspector, approver, reveal_date, sources)
    files = _download(tmp_path, draw)

    code, out = _verify(
        capsys,
        str(files["record"]),
        "--pool",
        str(files["pool"]),
        "--officer-pool",
        str(files["officers"]),
    )

    assert (code, out) == (0, "VERIFIED")


def test_a_record_with_one_md5_value_changed_fails_at_that_step(
    task, registry, officers, inspector, approver, reveal_date, sources, tmp_path, capsys
):
    draw = _drawn(task, inspector, approver, reveal_date, sources)
    files = _download(tmp_path, draw)
    record = json.loads(files["record"].read_text(encoding="utf-8"))
    genuine = record["strata"][1]["steps"][0]["md5"]
    record["strata"][1]["steps"][0]["md5"] = "0" * 32
    files["record"].write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")

    code, out = _verify(capsys, str(files["record"]))

    assert code == 1
    assert out == (f"MISMATCH: 分层 B 第 1 步（计数器 0）：MD5 应为 {genuine}，记录为 {'0' * 32}。")


def test_a_pool_file_with_one_code_swapped_fails_the_announced_hash(
    task, registry, officers, inspector, approver, reveal_date, sources, tmp_path, capsys
):
    draw = _drawn(task, inspector, approver, reveal_date, sources)
    files = _download(tmp_path, draw)
    lines = files["pool"].read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0], lines[1] = lines[1], lines[0]
    files["pool"].write_text("".join(lines), encoding="utf-8")

    code, out = _verify(capsys, str(files["record"]), "--pool", str(files["pool"]))

    assert code == 1
    assert out.startswith("MISMATCH: 名录文件的 SM3 为 ")
    assert out.endswith(f"与公告的 {draw.pool_sm3} 不符。")


def test_one_stratum_is_reproduced_alone_by_the_rfc3797_command(
    task, registry, officers, inspector, approver, reveal_date, sources, tmp_path, capsys
):
    draw = _drawn(task, inspector, approver, reveal_date, sources)
    files = _download(tmp_path, draw)
    stratum = next(s for s in draw.record["strata"] if s["code"] == "D")
    picked = [s["uscc"] for s in stratum["steps"]]

    call_command(
        "rfc3797",
        *[arg for value in VALUES for arg in ("--source", value)],
        "--source",
        "D",
        "--pool",
        str(files["pool-D"]),
        "--count",
        str(len(picked)),
    )

    assert capsys.readouterr().out.splitlines() == picked
    assert len(picked) == 5
