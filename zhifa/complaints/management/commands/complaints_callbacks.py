"""``zhifa complaints_callbacks``

Sends the 12345 status reports that are due: the first attempt of one whose sending after commit
did not happen (the process stopped), and the retries of failed ones after 1, 5, 15, 60 and 240
minutes; after the last attempt a report is a dead letter on /hotline/callbacks/. Also forgets the
signature nonces older than the replay window. Run it every minute from a timer (systemd timer or
cron); running it twice at once sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhifa.complaints import callbacks, hotline


class Command(BaseCommand):
    help = "发送到期的12345热线状态回传（含失败重试），清理过期的签名随机串。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = callbacks.deliver_due()
        pruned = hotline.prune_nonces()
        self.stdout.write(
            f"状态回传：送达 {counts['delivered']} 条，失败待重试 {counts['failed']} 条，"
            f"转为发送失败 {counts['dead']} 条，暂缓 {counts['held']} 条；"
            f"清理签名随机串 {pruned} 条。"
        )
