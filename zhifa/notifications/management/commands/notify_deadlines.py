"""``zhifa notify_deadlines [--date 2026-12-30]``

The daily reminders of deadlines approaching and overdue (a notice's latest lawful date, a
result's publication, a 补办, a supervision letter's reply, a complaint item's answer), from
every source the apps registered (``zhifa.notifications.deadlines``): one message per item,
kind, recipient and day, so a second run the same day sends nothing more. Run it daily.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.core import timefmt
from zhifa.notifications.deadlines import send_reminders


class Command(BaseCommand):
    help = "发送期限将至和已逾期的提醒消息（每件每天一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按该日判断期限（默认今天，北京时间），如 2026-12-30")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timefmt.today()
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"].strip())
            except ValueError:
                raise CommandError(
                    f"--date“{options['date']}”不是有效日期，请写成 2026-12-30 的格式。"
                ) from None
        written = send_reminders(today)
        self.stdout.write(f"共发送 {written} 条期限提醒。")
