from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.audit.services import verify_chain


class Command(BaseCommand):
    help = "审计链工具：zhifa audit verify 校验整条审计链。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验整条审计链，完好时输出 OK <记录数>")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            report = verify_chain()
            if report.ok:
                self.stdout.write(f"OK {report.count}")
                return
            raise CommandError(
                f"审计链在第 {report.broken_seq} 号记录处断裂：{report.reason}"
                f"（此前 {report.count} 条记录完好）。",
                returncode=1,
            )
