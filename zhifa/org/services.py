"""State changes of organisations, officers, users and API tokens; each writes its audit record."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.org.models import APIToken, CertificateStatus, Officer

TOKEN_PREFIX = "zf_"


def _hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def create_api_token(*, user: Any, name: str, actor: Any) -> tuple[APIToken, str]:
    """A new token for ``user``; the raw key is returned once and never stored."""
    raw_key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = APIToken.objects.create(
            user=user, name=name, prefix=raw_key[:10], key_hash=_hash_key(raw_key)
        )
        record_change(
            actor=actor,
            action="api_token.create",
            obj=token,
            after={"user": user.username, "name": name, "prefix": token.prefix},
            summary=f"为 {user.username} 创建 API 令牌“{name}”",
        )
    return token, raw_key


def revoke_api_token(token: APIToken, *, actor: Any) -> APIToken:
    with transaction.atomic():
        token = APIToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise ValueError("该令牌已于先前吊销，无需重复操作。")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_change(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            after={"prefix": token.prefix},
            summary=f"吊销 API 令牌“{token.name}”",
        )
    return token


def user_for_token(raw_key: str) -> Any | None:
    """The active user a bearer key belongs to, or None. Marks the token as used."""
    if not raw_key or not raw_key.startswith(TOKEN_PREFIX):
        return None
    token = (
        APIToken.objects.select_related("user")
        .filter(key_hash=_hash_key(raw_key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    APIToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def change_certificate_status(officer: Officer, *, status: str, reason: str, actor: Any) -> Officer:
    """Suspend, revoke or restore an officer's 执法证; a reason is required except to restore."""
    if status not in CertificateStatus.values:
        raise ValueError(f"未知的证件状态“{status}”。")
    if status != CertificateStatus.VALID and not reason.strip():
        raise ValueError("暂扣或吊销执法证必须填写原因。")
    with transaction.atomic():
        officer = Officer.objects.select_for_update().get(pk=officer.pk)
        if officer.cert_status == status:
            raise ValueError(f"执法证当前已是“{CertificateStatus(status).label}”状态。")
        if officer.cert_status == CertificateStatus.REVOKED:
            raise ValueError("已吊销的执法证不能恢复或暂扣，请重新核发。")
        before = snapshot(officer)
        officer.cert_status = status
        officer.cert_status_reason = reason.strip()
        officer.save(update_fields=["cert_status", "cert_status_reason"])
        record_change(
            actor=actor,
            action="officer.certificate_status",
            obj=officer,
            before=before,
            after=snapshot(officer),
            summary=f"{officer.name} 执法证状态变更为“{CertificateStatus(status).label}”",
        )
    return officer
