"""``zhifa workdays``: working-day arithmetic and loading of the holiday table from the shell.

    zhifa workdays is-workday 2026-02-14        → true
    zhifa workdays add 2025-09-30 3             → 2025-10-13
    zhifa workdays latest-notice 2025-10-09     → 2025-09-25   (--days N for another number)
    zhifa workdays load [--year 2026]           → loads from the chinesecalendar package

Bad input and years whose arrangement is not loaded exit with status 2 and a Chinese message.
"""

from __future__ import annotations

import getpass
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.workdays import selectors, services

USAGE_ERROR = 2


class _SubParser(CommandParser):
    """Argument errors of a subcommand exit 2, from the shell and from call_command alike."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            super().error(message)
        raise CommandError("参数错误：" + message, returncode=USAGE_ERROR)


def _usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def _parse_int(text: str, what: str) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        raise _usage_error(f"{what}“{text}”不是整数，请填写整数，例如 3 或 -3。") from None


def _parse_date(text: str, what: str) -> Any:
    try:
        return selectors.parse_date(text, field=what)
    except ValueError as exc:
        raise _usage_error(str(exc)) from None


class Command(BaseCommand):
    help = (
        "工作日计算与节假日安排载入：is-workday 判断是否工作日；"
        "add 推算 N 个工作日之后（负数向前）的日期；"
        "latest-notice 计算检查预告通知书的最晚发出日期；"
        "load 从 chinesecalendar 载入节假日安排。"
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action",
            required=True,
            metavar="{is-workday,add,latest-notice,load}",
            parser_class=_SubParser,
        )
        p = sub.add_parser("is-workday", help="判断某日是否工作日，输出 true 或 false")
        p.add_argument("date", help="日期，YYYY-MM-DD")
        p = sub.add_parser("add", help="某日之后第 N 个工作日（N 为负数时向前数；0 即该日本身）")
        p.add_argument("date", help="起算日期，YYYY-MM-DD（当日不计）")
        p.add_argument("n", help="工作日数，可为负数")
        p = sub.add_parser(
            "latest-notice",
            help="检查预告通知书最晚发出日期：检查日前第 N 个工作日（检查当日不计）",
        )
        p.add_argument("date", help="检查日期，YYYY-MM-DD")
        p.add_argument("--days", default=None, help="提前工作日数，默认取系统设置（5）")
        p = sub.add_parser("load", help="从 chinesecalendar 载入（或更新）节假日安排，可重复运行")
        p.add_argument("--year", default=None, help="只载入该年度；默认载入数据包收录的全部年度")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "is-workday":
                day = _parse_date(options["date"], "日期")
                self.stdout.write("true" if selectors.is_workday(day) else "false")
            elif action == "add":
                day = _parse_date(options["date"], "起算日期")
                n = _parse_int(options["n"], "工作日数")
                self.stdout.write(selectors.add_workdays(day, n).isoformat())
            elif action == "latest-notice":
                day = _parse_date(options["date"], "检查日期")
                days = None
                if options["days"] is not None:
                    days = _parse_int(options["days"], "提前工作日数 --days")
                    if days < 0:
                        raise _usage_error(f"提前工作日数 --days 不能为负数（收到 {days}）。")
                self.stdout.write(selectors.latest_notice_date(day, days=days).isoformat())
            elif action == "load":
                self._load(options["year"])
        except selectors.YearNotLoaded as exc:
            raise _usage_error(str(exc)) from None
        except services.YearNotInPackage as exc:
            raise _usage_error(str(exc)) from None

    def _load(self, year_text: str | None) -> None:
        try:
            who = getpass.getuser()
        except Exception:  # pragma: no cover - no login name in some containers
            who = "?"
        via = f"命令行 zhifa workdays load，操作系统用户 {who}"
        if year_text is None:
            results = services.load_all_from_package(actor=None, via=via)
        else:
            year = _parse_int(year_text, "年度 --year")
            results = [services.load_year_from_package(year, actor=None, via=via)]
        for result in results:
            self.stdout.write(result.describe())
