"""``zhifa complaints_escalate [--date 2026-12-30] [--as username]``

For every item of the problem list the agency has not answered by its deadline: a 提示函 draft
once the remind period has passed, then a 督办函 draft once the urge period has passed, each once
per item and step (run it daily from a timer; running it twice does nothing more). The drafts are
the supervisor's to review and sign; they are made in the name of the supervisor who handed the
item over unless --as names one. Then it names the dormant items (open, untouched for
``DORMANT_DAYS`` days) for the bureau to take up. A year whose working days are not loaded is
named, never guessed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.complaints.services import dormant, escalate_overdue
from zhifa.complaints.services.escalation import DORMANT_DAYS
from zhifa.core import timefmt
from zhifa.org.models import User
from zhifa.workdays.selectors import parse_date


class Command(BaseCommand):
    help = "逾期未答复的问题：拟制提示函、督办函草稿（每件每步一次），并列出长期无办理的问题。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按该日判断逾期（默认今天），如 2026-12-30")
        parser.add_argument("--as", dest="actor", help="以该执法监督人员的名义拟稿（用户名）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = parse_date(options["date"], field="--date") if options["date"] else None
        except ValueError as error:
            raise CommandError(str(error)) from None
        actor = None
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"], is_active=True).first()
            if actor is None:
                raise CommandError(f"没有找到在用的账号“{options['actor']}”。")
        today = today or timefmt.today()
        problems: list[str] = []
        try:
            made = escalate_overdue(today, actor, problems=problems)
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(f"不能拟制催办文书：{error}") from None
        for letter in made:
            self.stdout.write(f"已拟制{letter.letter_type.name}草稿：{letter.source_label}")
        for problem in problems:
            self.stderr.write(problem)
        self.stdout.write(f"共拟制 {len(made)} 件催办文书草稿。")
        sleeping = list(
            dormant(today).select_related("agency", "bureau").order_by("last_activity_at", "pk")
        )
        for item in sleeping:
            where = item.agency.name if item.agency is not None else "未指明被反映单位"
            self.stdout.write(
                f"长期无办理：问题 {item.number}（{item.get_status_display()}，{where}），"
                f"最近办理于{timefmt.chinese_date(item.last_activity_at)}。"
            )
        self.stdout.write(f"共 {len(sleeping)} 件问题超过 {DORMANT_DAYS} 日无办理。")
