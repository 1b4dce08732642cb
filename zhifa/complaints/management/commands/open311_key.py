"""``zhifa open311_key``: issue, list and withdraw the ``api_key`` of Open311 clients."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from zhifa.audit.services import record_change
from zhifa.complaints.models import Open311Key
from zhifa.complaints.open311 import key_digest
from zhifa.core.textinput import problem
from zhifa.org.models import Region


class Command(BaseCommand):
    help = (
        "Open311 接口密钥：create --name 使用方 --region 区划代码 签发新密钥（只显示这一次，"
        "平台只保存其 SHA-256 摘要和前 8 位）；deactivate 前8位 停用；list 列出全部。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="签发新密钥")
        create.add_argument("--name", required=True, help="使用方名称，如“舟山市民热线 App”")
        create.add_argument("--region", required=True, help="服务区划代码，如 330900")
        deactivate = actions.add_parser("deactivate", help="停用密钥")
        deactivate.add_argument("hint", help="密钥的前 8 位（list 中显示）")
        actions.add_parser("list", help="列出全部密钥")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["name"], options["region"])
        elif action == "deactivate":
            self._deactivate(options["hint"])
        else:
            for key in Open311Key.objects.select_related("region").order_by("created_at"):
                state = "启用" if key.is_active else "已停用"
                self.stdout.write(f"{key.key_hint}…  {key.name}  {key.region.name}  {state}")

    def _create(self, name: str, region_code: str) -> None:
        name = name.strip()
        reason = problem(name) if name else "不能为空。"
        if reason or len(name) > 100:
            raise CommandError(f"使用方名称{reason or '不能超过 100 个字。'}", returncode=2)
        region = Region.objects.filter(code=region_code.strip()).first()
        if region is None:
            raise CommandError(f"没有区划代码为 {region_code[:12]} 的区划。", returncode=2)
        raw = secrets.token_urlsafe(32)
        with transaction.atomic():
            key = Open311Key.objects.create(
                name=name, key_digest=key_digest(raw), key_hint=raw[:8], region=region
            )
            record_change(
                actor=None,
                action="complaints.open311key.create",
                obj=key,
                after={"name": name, "region": region.code, "key_hint": key.key_hint},
                summary=f"签发 Open311 接口密钥 {key.key_hint}…（{name}，{region.name}）",
                region=region.code,
            )
        self.stdout.write(f"已为“{name}”签发 Open311 接口密钥（{region.name}），只显示这一次：")
        self.stdout.write(raw)

    def _deactivate(self, hint: str) -> None:
        found = list(Open311Key.objects.filter(key_hint=hint.strip()[:8]))
        if not found:
            raise CommandError(f"没有前 8 位为 {hint[:8]} 的密钥。", returncode=2)
        if len(found) > 1:
            raise CommandError(
                f"前 8 位为 {hint[:8]} 的密钥不止一个，请在管理后台停用。", returncode=2
            )
        key = found[0]
        if not key.is_active:
            self.stdout.write(f"密钥 {key.key_hint}…（{key.name}）已是停用状态。")
            return
        with transaction.atomic():
            key.is_active = False
            key.save(update_fields=["is_active"])
            record_change(
                actor=None,
                action="complaints.open311key.deactivate",
                obj=key,
                before={"is_active": True},
                after={"is_active": False},
                summary=f"停用 Open311 接口密钥 {key.key_hint}…（{key.name}）",
                region=key.region_id,
            )
        self.stdout.write(
            f"已停用密钥 {key.key_hint}…（{key.name}），此后用它提交将被拒绝（403）。"
        )
