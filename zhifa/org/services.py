"""State changes of organisations, officers, users and API tokens; each writes its audit record."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.core import access
from zhifa.core.identifiers import IdentifierError, validate_id_number
from zhifa.org.models import (
    APIToken,
    CertificateStatus,
    EnforcementField,
    Officer,
    Organisation,
    Role,
    RoleGrant,
    User,
)

TOKEN_PREFIX = "zf_"


def _hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def create_api_token(*, user: Any, name: str, actor: Any) -> tuple[APIToken, str]:
    """A new token for ``user``; the raw key is returned once and never stored."""
    access.require(actor, "apitoken.manage", user)
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
            summary=f"为 {user.person_label} 创建 API 令牌“{name}”",
        )
    return token, raw_key


def revoke_api_token(token: APIToken, *, actor: Any) -> APIToken:
    access.require(actor, "apitoken.manage", token.user)
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


GRANTABLE_ROLES = (
    Role.INSPECTOR,
    Role.APPROVER,
    Role.LEGAL_REVIEWER,
    Role.SUPERVISOR,
    Role.SUPERVISION_HEAD,
)


def grant_role(user: User, *, role: str, organisation: Organisation, actor: Any) -> RoleGrant:
    """Give ``user`` a further role at ``organisation`` (兼任): a 法制审核 officer who also
    inspects, a 司法局 head who also supervises."""
    access.require(actor, "role.grant", user)
    if role not in GRANTABLE_ROLES:
        allowed = "、".join(str(Role(r).label) for r in GRANTABLE_ROLES)
        raise ValidationError({"role": f"兼任角色只能是{allowed}之一。"})
    if role in Role.supervising_roles() and not organisation.is_supervising:
        raise ValidationError(
            {"organisation": f"{organisation.name}不是执法监督机关，不能兼任{Role(role).label}。"}
        )
    if role in Role.agency_roles() and not organisation.is_enforcing:
        raise ValidationError(
            {"organisation": f"{organisation.name}不是行政执法机关，不能兼任{Role(role).label}。"}
        )
    if (role, organisation.pk) in user.grants():
        raise ValidationError(
            {"role": f"{user.person_name}已是{organisation.name}的{Role(role).label}。"}
        )
    with transaction.atomic():
        grant = RoleGrant.objects.create(user=user, role=role, organisation=organisation)
        record_change(
            actor=actor,
            action="role_grant.create",
            obj=grant,
            after={"user": user.pk, "role": role, "organisation": organisation.pk},
            summary=f"{user.person_label}兼任{organisation.name}{Role(role).label}",
        )
    user.forget_grants()
    return grant


def revoke_role(grant: RoleGrant, *, actor: Any) -> None:
    access.require(actor, "role.grant", grant.user)
    with transaction.atomic():
        user = grant.user
        record_change(
            actor=actor,
            action="role_grant.delete",
            obj=grant,
            before={"user": user.pk, "role": grant.role, "organisation": grant.organisation_id},
            summary=f"{user.person_label}不再兼任{grant.organisation.name}{grant.get_role_display()}",
        )
        grant.delete()
    user.forget_grants()


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
    access.require(actor, "officer.manage", officer)
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


# --- Officers ---------------------------------------------------------------------------------

OFFICER_EDITABLE = (
    "name",
    "cert_no",
    "id_number",
    "organisation",
    "fields",
    "cert_valid_from",
    "cert_valid_until",
    "mobile",
    "user",
)


def _cert_no_taken_message(cert_no: str) -> str:
    return f"执法证号“{cert_no}”已登记，执法证号不能重复，请核对证号后重新填写。"


def _validate_officer(officer: Officer) -> None:
    """Field checks shared by create and update; a ValidationError keyed by field name."""
    errors: dict[str, list[str]] = {}
    if not officer.name:
        errors.setdefault("name", []).append("姓名：请填写执法人员姓名。")
    if not officer.cert_no:
        errors.setdefault("cert_no", []).append("执法证号：请填写执法证号。")
    else:
        clash = Officer.objects.filter(cert_no=officer.cert_no)
        if officer.pk is not None:
            clash = clash.exclude(pk=officer.pk)
        if clash.exists():
            errors.setdefault("cert_no", []).append(_cert_no_taken_message(officer.cert_no))
    try:
        officer.id_number = validate_id_number(officer.id_number)
    except IdentifierError as error:
        errors.setdefault("id_number", []).append(f"{error}请核对身份证号后重新填写。")
    if (
        officer.cert_valid_from is not None
        and officer.cert_valid_until is not None
        and officer.cert_valid_until < officer.cert_valid_from
    ):
        errors.setdefault("cert_valid_until", []).append(
            f"证件有效期至（{officer.cert_valid_until:%Y-%m-%d}）早于证件有效期起"
            f"（{officer.cert_valid_from:%Y-%m-%d}），请改正有效期。"
        )
    if errors:
        raise ValidationError(errors)


def create_officer(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    cert_no: str,
    id_number: str,
    cert_valid_from: dt.date,
    cert_valid_until: dt.date,
    fields: Iterable[EnforcementField] = (),
    mobile: str = "",
    user: Any = None,
) -> Officer:
    """Register an officer and his 执法证; the audit record carries the masked ID number only."""
    access.require(actor, "officer.manage", organisation)
    officer = Officer(
        organisation=organisation,
        name=name.strip(),
        cert_no=cert_no.strip(),
        id_number=id_number,
        cert_valid_from=cert_valid_from,
        cert_valid_until=cert_valid_until,
        mobile=mobile.strip(),
        user=user,
    )
    _validate_officer(officer)
    try:
        with transaction.atomic():
            officer.save()
            officer.fields.set(list(fields))
            record_change(
                actor=actor,
                action="officer.create",
                obj=officer,
                after=snapshot(officer),
                summary=f"登记执法人员 {officer.name}（执法证号 {officer.cert_no}）",
            )
    except IntegrityError:
        # Another request registered the same 执法证号 between our check and our insert.
        raise ValidationError({"cert_no": [_cert_no_taken_message(officer.cert_no)]}) from None
    return officer


def update_officer(officer: Officer, *, actor: Any, **changes: Any) -> Officer:
    """Change an officer's data (not the certificate status: see ``change_certificate_status``)."""
    unknown = set(changes) - set(OFFICER_EDITABLE)
    if unknown:
        raise TypeError(f"update_officer 不能修改这些字段：{', '.join(sorted(unknown))}")
    access.require(actor, "officer.manage", officer)
    if changes.get("organisation") is not None:
        access.require(actor, "officer.manage", changes["organisation"])
    for key in ("name", "cert_no", "mobile"):
        if key in changes:
            changes[key] = (changes[key] or "").strip()
    try:
        with transaction.atomic():
            officer = Officer.objects.select_for_update().get(pk=officer.pk)
            before = snapshot(officer)
            new_fields = changes.pop("fields", None)
            for key, value in changes.items():
                setattr(officer, key, value)
            _validate_officer(officer)
            officer.save()
            if new_fields is not None:
                officer.fields.set(list(new_fields))
            after = snapshot(officer)
            changed = [key for key in after if after[key] != before.get(key)]
            if "id_number" in changes and "id_number" not in changed:
                # The masked forms can agree while the stored numbers differ.
                changed.append("id_number")
            if not changed:
                raise ValidationError("未作任何修改，无需保存。")
            labels = "、".join(_officer_field_label(key) for key in changed)
            record_change(
                actor=actor,
                action="officer.update",
                obj=officer,
                before=before,
                after=after,
                summary=f"修改执法人员 {officer.name} 的{labels}",
            )
    except IntegrityError:
        raise ValidationError(
            {"cert_no": [_cert_no_taken_message(str(changes.get("cert_no", "")))]}
        ) from None
    return officer


def _officer_field_label(key: str) -> str:
    field = Officer._meta.get_field(key)
    return str(getattr(field, "verbose_name", key))


# --- Organisations -----------------------------------------------------------------------------


def save_organisation(
    organisation: Organisation,
    *,
    actor: Any,
    save_fields: Callable[[], None] | None = None,
) -> Organisation:
    """Create or change an organisation (in admin), its 执法领域 included, with one audit record.

    ``save_fields`` stores the many-to-many 执法领域 after the row itself (the admin form's
    ``save_m2m``), so that the record's "after" shows them.
    """
    with transaction.atomic():
        created = organisation._state.adding or organisation.pk is None
        before = None
        if not created:
            before = snapshot(Organisation.objects.get(pk=organisation.pk))
        organisation.save()
        if save_fields is not None:
            save_fields()
        after = snapshot(organisation)
        if before == after:
            return organisation
        record_change(
            actor=actor,
            action="org.organisation.create" if created else "org.organisation.change",
            obj=organisation,
            before=before,
            after=after,
            summary=f"{'新增' if created else '修改'}机构“{organisation.name}”",
        )
    return organisation


# --- Sign-in ----------------------------------------------------------------------------------


def unlock_login(username: str, *, actor: Any) -> int:
    """Lift the login lockout of ``username`` (every address it was locked at) before its
    cool-off ends; the count of failed attempts cleared is returned and recorded."""
    username = username.strip()
    if not username:
        raise ValidationError({"username": ["请填写要解除登录锁定的用户名。"]})
    with transaction.atomic():
        cleared = reset(username=username)
        user = User.objects.filter(username=username).first()
        record_change(
            actor=actor,
            action="org.user.unlock",
            object_type="org.user",
            object_id=str(user.pk) if user is not None else username,
            after={"username": username, "attempts_cleared": cleared},
            # The summary is read on pages: the person, not the login name, when there is one.
            summary=f"解除 {user.person_label if user is not None else '未登记账号'} 的登录锁定"
            f"（清除登录失败记录 {cleared} 条）",
        )
    return cleared


def login_failures() -> dict[str, int]:
    """Failed logins on record per user name (summed over the addresses they came from)."""
    counts: dict[str, int] = {}
    for name, failures in AccessAttempt.objects.values_list("username", "failures_since_start"):
        counts[name] = counts.get(name, 0) + failures
    return counts


def change_own_password(user: User, *, new_password: str) -> User:
    """A signed-in user changes his own password (already checked by the form, against the
    old one and the password validators); recorded without either password."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        record_change(
            actor=user,
            action="org.user.password_change",
            obj=user,
            after={"username": user.username},
            summary=f"{user.person_label} 修改了自己的登录密码",
        )
    return user
