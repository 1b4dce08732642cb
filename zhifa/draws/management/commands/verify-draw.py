"""``zhifa verify-draw RECORD.json``: re-run a published draw from its record alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.draws import record as draw_record


def _read(path: Path | None, what: str) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取{what} {path}：{exc.strerror}") from None


class Command(BaseCommand):
    help = (
        "根据公开的抽取记录（JSON）重新计算整个抽取过程，一致时输出 VERIFIED，"
        "否则输出第一处不一致并以状态 1 退出。给出 --pool 时同时核对名录文件。"
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("record", type=Path, help="抽取记录 JSON 文件")
        parser.add_argument("--pool", type=Path, help="公告的企业名录文件")
        parser.add_argument("--officer-pool", type=Path, help="公告的执法人员名录文件")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = _read(options["record"], "抽取记录")
        assert raw is not None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"抽取记录不是有效的 UTF-8 JSON：{exc}") from None
        if not isinstance(data, dict):
            raise CommandError("抽取记录应为 JSON 对象。")
        try:
            draw_record.verify(
                data,
                pool_bytes=_read(options["pool"], "名录文件"),
                officer_pool_bytes=_read(options["officer_pool"], "执法人员名录文件"),
            )
        except draw_record.Mismatch as exc:
            self.stdout.write(f"MISMATCH: {exc}")
            raise SystemExit(1) from None
        except (KeyError, TypeError, ValueError) as exc:
            self.stdout.write(f"MISMATCH: 记录结构不完整或取值类型不符（{exc!r}）")
            raise SystemExit(1) from None
        self.stdout.write("VERIFIED")
