from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.org import services


class Command(BaseCommand):
    help = (
        "解除登录锁定：zhifa unlock USERNAME 清除该用户名的登录失败记录，使其立即可以重新登录"
        "（管理员自己被锁定时也可用）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="被锁定的用户名")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        try:
            cleared = services.unlock_login(username, actor=None)
        except ValidationError as error:
            raise CommandError("；".join(error.messages), returncode=2) from None
        if cleared:
            self.stdout.write(
                f"已解除 {username} 的登录锁定（清除登录失败记录 {cleared} 条），可以立即重新登录。"
            )
        else:
            self.stdout.write(f"{username} 没有登录失败记录，无需解锁；已记录本次操作。")
