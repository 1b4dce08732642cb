from __future__ import annotations

import time
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from zhifa.web.demo_data import (
    DEFAULT_ENTERPRISES,
    DEFAULT_OFFICERS,
    DemoSizeError,
    account_rows,
)
from zhifa.web.demo_history import load_demo_history
from zhifa.workdays.demo_clock import DemoCalendarError

HEADERS = {"username": "账号", "password": "密码", "role": "角色", "name": "姓名"}
HEADERS["organisation"] = "机构 / 企业 / 区划"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(rows: list[dict[str, str]]) -> str:
    keys = list(HEADERS)
    widths = {k: max(_width(HEADERS[k]), *(_width(r[k]) for r in rows)) for k in keys}
    lines = ["  ".join(_pad(HEADERS[k], widths[k]) for k in keys).rstrip()]
    lines.append("  ".join("-" * widths[k] for k in keys))
    lines.extend("  ".join(_pad(r[k], widths[k]) for k in keys).rstrip() for r in rows)
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "演示数据：zhifa demo load 载入六地演示数据（可重复执行），"
        "zhifa demo accounts 打印演示账号。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="载入演示数据；已有的数据保持不变")
        load.add_argument(
            "--enterprises",
            type=int,
            default=DEFAULT_ENTERPRISES,
            help=f"企业数（默认 {DEFAULT_ENTERPRISES}）",
        )
        load.add_argument(
            "--officers",
            type=int,
            default=DEFAULT_OFFICERS,
            help=f"执法人员数（默认 {DEFAULT_OFFICERS}）",
        )
        sub.add_parser("accounts", help="打印演示账号、密码、角色和所属机构")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            self._load(options["enterprises"], options["officers"])
        elif options["action"] == "accounts":
            self._accounts()

    def _load(self, enterprises: int, officers: int) -> None:
        # The demo issues official documents; with their fonts missing they would be issued
        # unreadable for good (or Pango would crash half-way), so nothing is loaded at all.
        from zhifa.documents.rendering import render_problems

        problems = render_problems()
        if problems:
            raise CommandError(
                "本机无法生成文书，演示数据未载入（未作任何改动）：" + "；".join(problems) + "。"
                "请安装文书字体（Debian：apt-get install fonts-noto-cjk fonts-lxgw-wenkai；"
                "python3 run.py demo 会自动安装），或用 ZHIFA_FONT_* 设置指向本机已有的字体，"
                "再运行 zhifa demo load。"
            )
        started = time.monotonic()
        try:
            # The history happened in the past, to example addresses: its e-mails (the oral
            # notice to the agency head) are kept in memory, not printed over the summary. The
            # message centre still holds every message.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                history = load_demo_history(enterprises=enterprises, officers=officers)
        except (DemoSizeError, DemoCalendarError) as error:
            raise CommandError(str(error), returncode=2) from None
        result = history.base
        created, totals = result.created, result.totals
        if result.changed:
            self.stdout.write(
                f"演示数据已载入：新增机构 {created['organisations']} 个、"
                f"执法人员 {created['officers']} 名、企业 {created['enterprises']} 家、"
                f"账号 {created['accounts']} 个。"
            )
        else:
            self.stdout.write("演示数据已是最新，未作改动。")
        self.stdout.write(
            f"现有：行政区划 {totals['regions']} 条、机构 {totals['organisations']} 个、"
            f"执法人员 {totals['officers']} 名、企业 {totals['enterprises']} 家"
            f"（用时 {time.monotonic() - started:.1f} 秒）。"
        )
        timeline = history.timeline
        if result.plans.get("plans"):
            self.stdout.write(
                f"演示年度计划：{timeline.year}年 {result.plans['plans']} 份，"
                f"于 {timeline.first_day:%Y-%m-%d} 公布，任务安排在第{timeline.quarter}季度。"
            )
        draws = history.draws
        if draws["drawn"] or draws["announced"]:
            self.stdout.write(
                f"演示双随机抽取：已抽取 {draws['drawn']} 个、"
                f"已公告待抽取 {draws['announced']} 个。"
            )
        guidance, lists = history.guidance, history.lists
        self.stdout.write(
            f"演示合规指导清单：{guidance.title}（{guidance.label}，{guidance.items.count()} 条）；"
            f"裁量清单：新增 {lists['versions']} 个版本、{lists['items']} 条。"
        )
        self._supervising_side()
        from zhifa.complaints.demo import summary_line

        complaints = summary_line()
        if complaints:
            self.stdout.write(complaints)
        cases = history.cases
        if cases["cases"]:
            self.stdout.write(
                f"演示检查案件：{cases['cases']} 件（已批准 {cases['approved']} 件、"
                f"已预告 {cases['notices']} 件、整改中 {cases['rectifying']} 件、"
                f"已办结 {cases['closed']} 件），"
                f"指导时段 {cases['slots']} 个；均办理于 {timeline.day:%Y-%m-%d}。"
            )

    def _supervising_side(self) -> None:
        from zhifa.review.models import Campaign, CaseReview
        from zhifa.social.models import Assignment, SocialSupervisor
        from zhifa.supervision.models import SupervisionLetter
        from zhifa.training.models import TrainingSession

        letters = SupervisionLetter.objects.count()
        sessions = TrainingSession.objects.count()
        if letters:
            self.stdout.write(
                f"演示执法监督：监督文书 {letters} 件、执法培训 {sessions} 次、"
                f"社会监督员 {SocialSupervisor.objects.count()} 名（伴随监督安排 "
                f"{Assignment.objects.count()} 次）、案卷评查 {CaseReview.objects.count()} 份、"
                f"专项监督 {Campaign.objects.count()} 项。"
            )

    def _accounts(self) -> None:
        rows = account_rows()
        missing = [r["username"] for r in rows if r.get("missing")]
        if missing:
            raise CommandError(
                f"演示账号 {'、'.join(missing)} 不存在：请先运行 zhifa demo load。", returncode=2
            )
        self.stdout.write(format_table(rows))
