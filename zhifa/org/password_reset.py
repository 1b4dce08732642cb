"""Resetting a forgotten password with a code sent to the user's registered mobile or e-mail.

The answer to a request never says whether the account exists or has the chosen channel: a
request for an unknown account is stored like any other (without user or code), and the page
says the same either way. The caller (``web``) sends the code after the transaction commits,
through the pluggable senders, which this layer does not know.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from axes.utils import reset as reset_login_failures
from django.contrib.auth import password_validation
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from zhifa.audit.services import record_change
from zhifa.org.models import PasswordResetRequest, ResetChannel, User

CODE_DIGITS = 6
CODE_VALID = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5
# How many codes one account may be sent, and how many requests one address may make, per hour.
ACCOUNT_REQUESTS_PER_HOUR = 3
ADDRESS_REQUESTS_PER_HOUR = 10
_WINDOW = dt.timedelta(hours=1)
_SALT = "zhifa.org.password_reset"


class ResetRefused(Exception):
    """A step of the reset refused, with the Chinese message the visitor reads."""


@dataclass(frozen=True)
class CodeToSend:
    channel: str
    destination: str
    code: str
    person_name: str


def _code_hash(request_id: int, code: str) -> str:
    return salted_hmac(_SALT, f"{request_id}:{code}", algorithm="sha256").hexdigest()


def destination_of(user: User, channel: str) -> str:
    return user.mobile if channel == ResetChannel.SMS else user.email


def request_code(
    username: str, *, channel: str, ip_address: str | None
) -> tuple[PasswordResetRequest, CodeToSend | None]:
    """Store a reset request and, when the account exists, is active, has registered ``channel``
    and has not been sent too many codes this hour, a new code for it (only its hash kept)."""
    if channel not in ResetChannel.values:
        raise ResetRefused("接收方式：请选择短信或电子邮件。")
    now = timezone.now()
    if (
        ip_address
        and PasswordResetRequest.objects.filter(
            ip_address=ip_address, created_at__gte=now - _WINDOW
        ).count()
        >= ADDRESS_REQUESTS_PER_HOUR
    ):
        raise ResetRefused(
            "本机获取验证码过于频繁，请一小时后再试，或联系本单位系统管理员重置密码。"
        )
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    destination = destination_of(user, channel) if user is not None else ""
    if (
        user is not None
        and PasswordResetRequest.objects.filter(user=user, created_at__gte=now - _WINDOW).count()
        >= ACCOUNT_REQUESTS_PER_HOUR
    ):
        # Said to nobody: a different answer would tell that the account exists.
        destination = ""
    with transaction.atomic():
        request = PasswordResetRequest.objects.create(
            user=user if destination else None,
            channel=channel,
            ip_address=ip_address,
            created_at=now,
            expires_at=now + CODE_VALID,
        )
        if not destination or user is None:
            return request, None
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        request.code_hash = _code_hash(request.pk, code)
        request.save(update_fields=["code_hash"])
        record_change(
            actor=user,
            action="org.user.password_reset_code",
            obj=request,
            after={"channel": channel},
            summary=f"向 {user.person_label} 登记的{ResetChannel(channel).label}发送找回密码验证码",
        )
    return request, CodeToSend(channel, destination, code, user.person_name)


def check_code(request_id: int, code: str) -> PasswordResetRequest:
    """Accept the right code once, within its time and attempts; a wrong one is counted."""
    with transaction.atomic():
        request = PasswordResetRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise ResetRefused("请先获取验证码。")
        if request.verified_at is not None:
            raise ResetRefused("验证码已使用过，请重新获取验证码。")
        if request.attempts >= MAX_ATTEMPTS:
            raise ResetRefused(f"验证码已输错 {MAX_ATTEMPTS} 次而失效，请重新获取验证码。")
        if timezone.now() >= request.expires_at:
            raise ResetRefused("验证码已过期（10 分钟内有效），请重新获取验证码。")
        code = code.strip()
        right = bool(request.code_hash) and constant_time_compare(
            request.code_hash, _code_hash(request.pk, code)
        )
        refusal = ""
        if right:
            request.verified_at = timezone.now()
            request.save(update_fields=["verified_at"])
        else:
            # Counted in this transaction, refused after it: the count must outlive the refusal.
            request.attempts += 1
            request.save(update_fields=["attempts"])
            left = MAX_ATTEMPTS - request.attempts
            refusal = (
                f"验证码：验证码不正确，还可以再试 {left} 次。"
                if left
                else f"验证码：验证码不正确，已输错 {MAX_ATTEMPTS} 次，请重新获取验证码。"
            )
    if refusal:
        raise ResetRefused(refusal)
    return request


def set_new_password(request_id: int, new_password: str) -> User:
    """The last step: the new password (checked by Django's validators) for the user whose code
    was accepted less than 10 minutes ago. Every session of the user ends (the session's
    password hash no longer matches), pending codes lapse, and a login lockout is lifted."""
    with transaction.atomic():
        # Only the request's row is locked: PostgreSQL cannot lock the nullable side of the
        # join to its user.
        request = (
            PasswordResetRequest.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=request_id)
            .first()
        )
        if (
            request is None
            or request.user is None
            or request.verified_at is None
            or request.completed_at is not None
            or timezone.now() >= request.verified_at + CODE_VALID
        ):
            raise ResetRefused("找回密码已超时或已完成，请重新获取验证码。")
        user = request.user
        password_validation.validate_password(new_password, user)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        now = timezone.now()
        request.completed_at = now
        request.save(update_fields=["completed_at"])
        PasswordResetRequest.objects.filter(user=user, verified_at__isnull=True).update(
            expires_at=now
        )
        reset_login_failures(username=user.username)
        record_change(
            actor=user,
            action="org.user.password_reset",
            obj=user,
            after={"channel": request.channel},
            summary=f"{user.person_label} 通过{request.get_channel_display()}验证码重置了登录密码",
        )
    return user
