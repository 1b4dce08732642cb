"""``zhifa check``: what a running platform needs and whether it is there.

    zhifa check [--deploy] [--missing-year-is-warning]

One line per item (数据库、系统配置、文书字体、浏览器、节假日安排、批量签发、逾期事项), each 正常,
警告 or 错误, then a count; exits 1 when any item is 错误, so a monitoring timer can alert on it.

The console script sends ``zhifa check`` here (``zhifa/__main__.py``): Django's own ``check``
command keeps its name for Django's tooling, and its system checks are the 系统配置 item
(``--deploy`` adds the deployment checks).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhifa.web import readiness


class Command(BaseCommand):
    help = (
        "平台自检（zhifa check）：数据库迁移、系统配置、文书字体、浏览器、节假日安排、"
        "批量签发、逾期事项；有错误时以状态 1 退出。"
    )
    requires_system_checks: list[str] = []  # they are one of the items, not a precondition

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--deploy", action="store_true", help="同时运行 Django 的部署检查")
        parser.add_argument(
            "--missing-year-is-warning",
            action="store_true",
            help="当年节假日安排未载入只作警告（仅供 CI 的新建测试库使用，生产监控不要使用）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        items = readiness.run_all(
            deploy=options["deploy"], missing_year_is_warning=options["missing_year_is_warning"]
        )
        for item in items:
            self.stdout.write(item.line())
        levels = [item.level for item in items]
        errors = levels.count(readiness.ERROR)
        self.stdout.write(
            f"共 {len(items)} 项：正常 {levels.count(readiness.OK)} 项，"
            f"警告 {levels.count(readiness.WARNING)} 项，错误 {errors} 项。"
        )
        if errors:
            raise SystemExit(1)
