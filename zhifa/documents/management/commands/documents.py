"""``zhifa documents``: background work of the documents app, for a timer to run.

    zhifa documents run-batches [--stale-minutes 10]

runs every queued batch (批量签发) and resumes every running batch whose worker has shown no
progress for the given minutes (the web process stopped, say). Safe to run again and again:
documents already recorded are skipped and none is issued twice. 文号 left reserved by an issue
whose process died are voided first, with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.documents import services

USAGE_ERROR = 2


class _SubParser(CommandParser):
    """Argument errors of a subcommand exit 2, from the shell and from call_command alike."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            super().error(message)
        raise CommandError("参数错误：" + message, returncode=USAGE_ERROR)


class Command(BaseCommand):
    help = (
        "文书后台任务：run-batches 执行排队中的批量签发，续办中断的批次，并作废中断遗留的预留文号"
        "（可重复运行）。"
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{run-batches}", parser_class=_SubParser
        )
        p = sub.add_parser("run-batches", help="执行排队中的批量签发，续办中断的批次")
        p.add_argument(
            "--stale-minutes",
            default=None,
            help="进行中的批次超过多少分钟没有进展即视为中断并续办，默认 10",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "run-batches":
            self._run_batches(options["stale_minutes"])

    def _run_batches(self, stale_minutes: str | None) -> None:
        stale_after = services.BATCH_STALE_AFTER
        if stale_minutes is not None:
            try:
                minutes = float(str(stale_minutes).strip())
            except ValueError:
                minutes = -1
            if minutes < 0:
                raise CommandError(
                    f"--stale-minutes“{stale_minutes}”不正确，请填写不小于 0 的分钟数，例如 10。",
                    returncode=USAGE_ERROR,
                )
            stale_after = dt.timedelta(minutes=minutes)
        # 文号 reserved by an issue whose process died (and never used) are voided with the
        # reason, so that every gap in the 文号台账 is a recorded void.
        for number in services.void_abandoned_reservations():
            self.stdout.write(f"已作废中断遗留的预留文号 {number.text}：{number.void_reason}")
        batches = services.run_batches(stale_after=stale_after)
        if not batches:
            self.stdout.write("没有待执行或需续办的批量签发批次。")
            return
        for batch in batches:
            self.stdout.write(
                f"批次 {batch.pk}“{batch.title}”：共 {batch.total} 份，"
                f"签发 {batch.done} 份，失败 {batch.failed} 份（{batch.get_status_display()}）"
            )
