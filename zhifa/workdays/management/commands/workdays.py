"""``zhifa workdays``: working-day arithmetic and loading of the holiday table from the shell.

    zhifa workdays is-workday 2026-02-14        → true
    zhifa workdays add 2025-09-30 3             → 2025-10-13
    zhifa workdays latest-notice 2025-10-09     → 2025-09-25   (--days N for another number)
    zhifa workdays load [--year 2026]           → loads from the chinesecalendar package
    zhifa workdays load --file 2027.json --as NAME → saves a year as entered, awaiting review
    zhifa workdays confirm 2027 --as OTHER      → a second administrator confirms it

Bad input and years whose arrangement is not loaded exit with status 2 and a Chinese message.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any, NoReturn

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.core import access
from zhifa.workdays import entry, selectors, services
from zhifa.workdays.models import ArrangementStatus, HolidayArrangement

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


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no login name in some containers
        return "?"


def _actor(username: str | None, option: str) -> Any:
    if not username:
        raise _usage_error(f"请用 {option} 用户名 指明操作的系统管理员（审计记录以其名义记载）。")
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise _usage_error(f"用户“{username}”不存在：{option} 须是平台上系统管理员的用户名。")
    return user


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
        "load 从 chinesecalendar 载入节假日安排，或以 --file 载入按通知录入的文件（待复核）；"
        "confirm 由另一名系统管理员复核确认录入的安排。"
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action",
            required=True,
            metavar="{is-workday,add,latest-notice,load,confirm}",
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
        p = sub.add_parser(
            "load",
            help="从 chinesecalendar 载入（或更新）节假日安排，可重复运行；"
            "手工录入的年度只比对、不覆盖。--file 载入按通知录入的 .json 或 .xlsx 文件（待复核）",
        )
        p.add_argument("--year", default=None, help="只载入该年度；默认载入数据包收录的全部年度")
        p.add_argument(
            "--file", default=None, help="按通知录入的一个年度（.json 或 .xlsx，格式见 docs）"
        )
        p.add_argument(
            "--as",
            dest="as_user",
            default=None,
            help="录入人（系统管理员用户名），与 --file 同用",
        )
        p = sub.add_parser("confirm", help="复核确认某年度待复核的安排（须非录入人的系统管理员）")
        p.add_argument("year", help="年度，如 2027")
        p.add_argument("--as", dest="as_user", default=None, help="复核人（系统管理员的用户名）")

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
            elif action == "load" and options["file"] is not None:
                if options["year"] is not None:
                    raise _usage_error("--file 与 --year 不能同用：年度写在文件里。")
                self._load_file(options["file"], options["as_user"])
            elif action == "load":
                if options["as_user"] is not None:
                    raise _usage_error("--as 只与 --file 同用：从数据包载入由命令行记为操作人。")
                self._load(options["year"])
            elif action == "confirm":
                self._confirm(options["year"], options["as_user"])
        except selectors.YearNotLoaded as exc:
            raise _usage_error(str(exc)) from None
        except services.YearNotInPackage as exc:
            raise _usage_error(str(exc)) from None
        except services.ArrangementInvalid as exc:
            lines = [f"  {problem}" for problem in exc.problems]
            raise _usage_error(
                f"有 {len(lines)} 处错误，未写入任何内容：\n" + "\n".join(lines)
            ) from None
        except PermissionDenied as exc:
            raise _usage_error(str(exc)) from None
        except ValidationError as exc:
            raise _usage_error("；".join(exc.messages)) from None

    def _load_file(self, name: str, username: str | None) -> None:
        actor = _actor(username, "--as")
        refused = access.refusal(actor, "holidays.manage")
        if refused is not None:
            raise _usage_error(refused)
        path = Path(name)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise _usage_error(f"无法读取文件“{name}”：{exc.strerror or exc}。") from None
        data, problems = entry.from_file(path.name, content)
        if problems and data == entry.ArrangementData():  # the file itself could not be read
            raise services.ArrangementInvalid(problems)
        problems = entry.check(data, problems)
        if problems:
            raise services.ArrangementInvalid(problems)
        via = f"命令行 zhifa workdays load --file {path.name}，操作系统用户 {_os_user()}"
        arrangement = services.enter_arrangement(data, actor=actor, via=via)
        days = entry.expand(data)
        holidays = sum(1 for kind, _ in days.values() if kind == "holiday")
        self.stdout.write(
            f"已录入 {arrangement.year} 年节假日安排（{arrangement.notice_number}）："
            f"放假 {holidays} 天、调休上班 {len(days) - holidays} 天，状态：待复核。"
            f"复核确认前该年度不算已载入；请另一名系统管理员在“工作日 → 节假日安排”中核对后确认，"
            f"或运行 zhifa workdays confirm {arrangement.year} --as 其用户名。"
        )

    def _confirm(self, year_text: str, username: str | None) -> None:
        year = _parse_int(year_text, "年度")
        actor = _actor(username, "--as")
        arrangement = HolidayArrangement.objects.filter(
            year=year, status=ArrangementStatus.PENDING
        ).first()
        if arrangement is None:
            raise _usage_error(
                f"{year} 年没有待复核的节假日安排：请先录入（页面或 zhifa workdays load --file）。"
            )
        via = f"命令行 zhifa workdays confirm，操作系统用户 {_os_user()}"
        arrangement = services.confirm_arrangement(arrangement, actor=actor, via=via)
        self.stdout.write(
            f"已复核确认 {year} 年节假日安排（{arrangement.notice_number}），"
            f"自此按其计算 {year} 年的工作日。"
        )
        if arrangement.differences:
            result = services.LoadResult(
                year=year, source="", compared=True, differences=arrangement.differences
            )
            self.stdout.write(result.describe())

    def _load(self, year_text: str | None) -> None:
        via = f"命令行 zhifa workdays load，操作系统用户 {_os_user()}"
        if year_text is None:
            results = services.load_all_from_package(actor=None, via=via)
        else:
            year = _parse_int(year_text, "年度 --year")
            results = [services.load_year_from_package(year, actor=None, via=via)]
        for result in results:
            self.stdout.write(result.describe())
