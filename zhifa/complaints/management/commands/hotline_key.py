"""``zhifa hotline_key --hotline CODE [--rotate [--grace-hours 24]]``

Without ``--rotate``: lists the hotline's signing keys (number, since, until; never the secret).
With ``--rotate``: makes a new key and prints its number and secret once — hand them to the
hotline over a safe channel; they are not shown again. Every older key stays valid until
``--grace-hours`` from now (24 by default; 0 retires them at once), so the hotline can switch
without a refused push. The first key of a new hotline is made the same way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhifa.complaints import hotline as hotline_api
from zhifa.complaints.models import Hotline
from zhifa.core import timefmt


class Command(BaseCommand):
    help = "查看或轮换12345热线的签名密钥（新密钥只显示一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hotline", required=True, help="热线代码，如 zhoushan-12345")
        parser.add_argument("--rotate", action="store_true", help="生成新密钥，旧密钥过渡期后停用")
        parser.add_argument(
            "--grace-hours", type=float, default=24.0, help="旧密钥继续有效的小时数（默认 24）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = Hotline.objects.filter(code=options["hotline"]).first()
        if found is None:
            raise CommandError(f"没有代码为“{options['hotline']}”的热线对接，请先在管理后台添加。")
        if options["rotate"]:
            try:
                key, secret = hotline_api.new_key(found, grace_hours=options["grace_hours"])
            except ValidationError as error:
                raise CommandError("；".join(error.messages)) from None
            self.stdout.write(f"{found.name}的新签名密钥（只显示这一次，请妥善交给热线）：")
            self.stdout.write(f"密钥编号 {hotline_api.HEADER_KEY}: {key.key_id}")
            self.stdout.write(f"密钥: {secret}")
        now = timezone.now()
        self.stdout.write(f"{found.name}的签名密钥：")
        for key in found.keys.order_by("-created_at", "-pk"):
            if key.retires_at is None:
                until = "长期有效"
            elif key.is_valid(now):
                until = f"{timefmt.fmt_datetime(key.retires_at)} 停用"
            else:
                until = f"已于 {timefmt.fmt_datetime(key.retires_at)} 停用"
            since = timefmt.fmt_datetime(key.created_at)
            self.stdout.write(f"  {key.key_id}  启用 {since}  {until}")
