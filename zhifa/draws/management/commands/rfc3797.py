"""``zhifa rfc3797``: RFC 3797 selection from public sources and a pool file, nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.draws import rfc3797


class Command(BaseCommand):
    help = (
        "按 RFC 3797 从名录文件中抽取：每个 --source 是一个公开随机源的取值（多个数字用逗号分隔），"
        "按顺序输出抽中的行，每行一个。"
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source", action="append", required=True, help="随机源取值，可重复，按公布顺序给出"
        )
        parser.add_argument("--pool", required=True, type=Path, help="名录文件，UTF-8，每行一项")
        parser.add_argument("--count", required=True, type=int, help="抽取数量")
        parser.add_argument(
            "--steps", action="store_true", help="另在标准错误输出密钥串和每一步的 MD5"
        )
        parser.add_argument(
            "--key-format",
            type=int,
            choices=rfc3797.KEY_FORMATS,
            default=rfc3797.KEY_FORMAT,
            help="密钥串格式版本（抽取记录的 key_format）：2 按 RFC 3797 原文，字母数字取值后接 ./"
            "（默认）；1 为此前的抽取记录所用，字母数字取值后接 /",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["pool"]
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CommandError(f"无法读取名录文件 {path}：{exc.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"名录文件 {path} 不是 UTF-8 编码。") from None
        count = options["count"]
        if count < 1:
            raise CommandError("--count 应为正整数。")
        try:
            key = rfc3797.key_string(options["source"], options["key_format"])
            selection = rfc3797.select(key, len(lines), min(count, len(lines)))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["steps"]:
            self.stderr.write(f"密钥串：{key}")
            for step in selection.steps:
                self.stderr.write(
                    f"{step.index + 1:>5}  {step.md5}  {step.remaining:>7}  {step.position:>7}"
                )
        for step in selection.steps:
            self.stdout.write(lines[step.position - 1])
