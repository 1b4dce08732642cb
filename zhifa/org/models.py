from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from zhifa.core.access import RestrictedManager, RestrictedQuerySet
from zhifa.core.identifiers import mask_id_number
from zhifa.org.roles import Role

__all__ = ["Role"]  # where every app has always imported it from


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "地级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡级"


class Region(models.Model):
    """An administrative division under GB/T 2260 (county level and above: 6 digits)."""

    code = models.CharField("行政区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("级别", max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Working days of advance notice before an inspection; blank means the national default.
    notice_working_days = models.PositiveSmallIntegerField(
        "检查预告提前工作日数", null=True, blank=True
    )

    access_unrestricted = "行政区划是公开的国家标准代码（GB/T 2260）。"

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def code_prefix(self) -> str:
        """The leading digits every code inside this region shares (GB/T 2260 is positional)."""
        if self.level == RegionLevel.PROVINCE:
            return self.code[:2]
        if self.level == RegionLevel.CITY:
            return self.code[:4]
        if self.level == RegionLevel.COUNTY:
            return self.code[:6]
        return self.code

    @property
    def full_name(self) -> str:
        names = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))

    def effective_notice_working_days(self) -> int:
        node: Region | None = self
        while node is not None:
            if node.notice_working_days is not None:
                return node.notice_working_days
            node = node.parent
        return int(settings.ZHIFA_NOTICE_WORKING_DAYS)


class EnforcementField(models.Model):
    """执法领域, e.g. 卫生健康、市场监管、生态环境、应急管理."""

    code = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=32, unique=True)

    access_unrestricted = "执法领域是公开的分类目录。"

    class Meta:
        verbose_name = "执法领域"
        verbose_name_plural = "执法领域"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    AGENCY = "agency", "行政执法主体"
    AUTHORISED = "authorised", "法律法规授权组织"
    ENTRUSTED = "entrusted", "受委托组织"
    SUPERVISOR = "supervisor", "行政执法监督机关（司法局）"
    JUSTICE_OFFICE = "justice_office", "司法所"
    TOWNSHIP = "township", "乡镇人民政府（街道办事处）"
    # 行政执法监督联系点 (贵港 has 32): staff take in what enterprises report there.
    CONTACT_POINT = "contact_point", "行政执法监督联系点"
    # A joint team (e.g. 纪委监委 and 司法行政 members) supervising a campaign together.
    JOINT_TEAM = "joint_team", "联合监督组"

    @classmethod
    def enforcing(cls) -> list[str]:
        return [cls.AGENCY, cls.AUTHORISED, cls.ENTRUSTED, cls.TOWNSHIP]

    @classmethod
    def supervising(cls) -> list[str]:
        return [cls.SUPERVISOR, cls.JUSTICE_OFFICE, cls.CONTACT_POINT, cls.JOINT_TEAM]

    @classmethod
    def local(cls) -> list[str]:
        """Supervising bodies that look after a place rather than a level of government: they
        see what happens within their region, whoever the agency (a 司法所 its township)."""
        return [cls.JUSTICE_OFFICE, cls.CONTACT_POINT]


class Organisation(models.Model):
    name = models.CharField("名称", max_length=128)
    short_name = models.CharField("简称", max_length=32, blank=True)
    kind = models.CharField("类型", max_length=32, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级机关",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    fields = models.ManyToManyField(
        EnforcementField, verbose_name="执法领域", blank=True, related_name="organisations"
    )
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    doc_prefix = models.CharField(
        "机关代字",
        max_length=16,
        blank=True,
        help_text="文号中的机关代字前缀，如“舟卫”。",
    )
    legal_basis = models.TextField("主体资格依据", blank=True)
    address = models.CharField("地址", max_length=255, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    is_active = models.BooleanField("有效", default=True)

    objects = RestrictedManager()
    scope_org_path = ""

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="org_unique_name_in_region"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_supervising(self) -> bool:
        return self.kind in OrganisationKind.supervising()

    @property
    def is_enforcing(self) -> bool:
        return self.kind in OrganisationKind.enforcing()

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "short_name": self.short_name,
            "kind": self.kind,
            "region": self.region_id,
            "parent": self.parent_id,
            "fields": sorted(self.fields.values_list("code", flat=True)) if self.pk else [],
            "uscc": self.uscc,
            "doc_prefix": self.doc_prefix,
            "legal_basis": self.legal_basis,
            "address": self.address,
            "phone": self.phone,
            "is_active": self.is_active,
        }


class CertificateStatus(models.TextChoices):
    VALID = "valid", "有效"
    SUSPENDED = "suspended", "暂扣"
    REVOKED = "revoked", "吊销"


class Officer(models.Model):
    """A law-enforcement officer holding an 执法证."""

    name = models.CharField("姓名", max_length=32)
    cert_no = models.CharField("执法证号", max_length=32, unique=True)
    id_number = models.CharField("身份证号", max_length=18)
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属机构", on_delete=models.PROTECT, related_name="officers"
    )
    fields = models.ManyToManyField(
        EnforcementField, verbose_name="执法领域", blank=True, related_name="officers"
    )
    cert_valid_from = models.DateField("证件有效期起")
    cert_valid_until = models.DateField("证件有效期至")
    cert_status = models.CharField(
        "证件状态",
        max_length=16,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    cert_status_reason = models.CharField("证件状态说明", max_length=255, blank=True)
    mobile = models.CharField("手机号", max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officer",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = RestrictedManager()
    scope_org_path = "organisation"

    class Meta:
        verbose_name = "执法人员"
        verbose_name_plural = "执法人员"
        ordering = ["organisation_id", "name", "cert_no"]

    def __str__(self) -> str:
        return f"{self.name}（{self.cert_no}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def ineligibility_reason(self, on: dt.date | None = None) -> str | None:
        """Why this officer may not take part in an inspection on ``on``; None when eligible."""
        day = on or timezone.localdate()
        if self.cert_status == CertificateStatus.SUSPENDED:
            detail = f"：{self.cert_status_reason}" if self.cert_status_reason else ""
            return f"执法证已暂扣{detail}"
        if self.cert_status == CertificateStatus.REVOKED:
            detail = f"：{self.cert_status_reason}" if self.cert_status_reason else ""
            return f"执法证已吊销{detail}"
        if day < self.cert_valid_from:
            return f"执法证自 {self.cert_valid_from:%Y-%m-%d} 起生效，尚未生效"
        if day > self.cert_valid_until:
            return f"执法证已于 {self.cert_valid_until:%Y-%m-%d} 过期"
        return None

    def public_ineligibility(self, on: dt.date | None = None) -> str | None:
        """What may be published of why this officer may not inspect on ``on`` (a public draw
        record, the public 扫码核验 page): the category alone, as for 回避. The stated reason
        of a suspension or revocation is a disciplinary matter that stays on his record."""
        day = on or timezone.localdate()
        if self.cert_status == CertificateStatus.SUSPENDED:
            return "执法证暂扣"
        if self.cert_status == CertificateStatus.REVOKED:
            return "执法证吊销"
        if day < self.cert_valid_from:
            return "执法证尚未生效"
        if day > self.cert_valid_until:
            return "执法证过期"
        return None

    def is_eligible(self, on: dt.date | None = None) -> bool:
        return self.ineligibility_reason(on) is None

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "cert_no": self.cert_no,
            "id_number": self.masked_id_number,
            "organisation": self.organisation_id,
            "cert_valid_from": self.cert_valid_from.isoformat(),
            "cert_valid_until": self.cert_valid_until.isoformat(),
            "cert_status": self.cert_status,
            "cert_status_reason": self.cert_status_reason,
            "fields": sorted(self.fields.values_list("code", flat=True)) if self.pk else [],
            "mobile": self.mobile,
            "user": self.user_id,
        }


class RestrictedUserManager(UserManager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    """Django's user manager (create_user, …) whose rows are narrowed like every other model's."""


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=64, blank=True)
    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.INSPECTOR)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属机构",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="所属企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    region = models.ForeignKey(
        Region,
        verbose_name="所在区划",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="社会监督员等不隶属机构的用户所在区划。",
    )
    # Where a forgotten password's reset code goes (with the e-mail address): the user's own.
    mobile = models.CharField(
        "手机号码",
        max_length=11,
        blank=True,
        validators=[
            RegexValidator(
                r"^1[3-9][0-9]{9}$",
                message="手机号码：请填写 11 位中国大陆手机号码（1 开头，如 13812345678）。",
            )
        ],
        help_text="用于接收找回密码的短信验证码。",
    )

    objects: ClassVar[RestrictedUserManager] = RestrictedUserManager()  # type: ignore[assignment]
    scope_org_path = "organisation"
    scope_enterprise_path = "enterprise"

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.person_name

    @property
    def person_name(self) -> str:
        """The name people read. Never the login name (house rule): a user registered without
        a name reads as his role."""
        return self.display_name or f"{self.get_role_display()}（未登记姓名）"

    def get_short_name(self) -> str:
        # Django's admin greets the user by this, falling back to the login name.
        return self.person_name

    def get_full_name(self) -> str:
        return self.person_name

    @property
    def person_label(self) -> str:
        """The name with where the person stands, e.g. 王检查（舟山市卫生健康委员会·执法人员）: how
        the audit chain and every case history name who acted."""
        role = self.get_role_display()
        if self.is_superuser and self.role != Role.ADMIN:
            role = Role.ADMIN.label
        place = self.organisation or self.enterprise
        where = f"{place.name}·{role}" if place is not None else role
        return f"{self.display_name}（{where}）" if self.display_name else f"{where}（未登记姓名）"

    # --- Roles: the account's own, and any further ones granted (RoleGrant) -----------------

    def grants(self) -> list[tuple[str, int | None]]:
        """Every (role, organisation id) this user holds: the account's own role at its
        organisation first, then each further grant. Nothing may assume there is only one."""
        cached: list[tuple[str, int | None]] | None = self.__dict__.get("_grants")
        if cached is None:
            cached = [(self.role, self.organisation_id)]
            if self.pk is not None:
                cached += [
                    (role, org)
                    for role, org in self.role_grants.values_list("role", "organisation_id")
                    if (role, org) not in cached
                ]
            cached = self._held_where_they_count(cached)
            self.__dict__["_grants"] = cached
        return cached

    @staticmethod
    def _held_where_they_count(
        grants: list[tuple[str, int | None]],
    ) -> list[tuple[str, int | None]]:
        """An agency role (执法人员, 负责人, 法制审核) is held at an enforcing organisation only:
        the head of a 司法局 whose account says 负责人 acts for no agency by it; his supervision
        comes by a grant (RoleGrant refuses agency roles at other organisations already)."""
        agency = set(Role.agency_roles())
        at = {org for role, org in grants if role in agency and org is not None}
        if not at:
            return grants
        enforcing = set(
            Organisation.objects.filter(
                pk__in=at, kind__in=OrganisationKind.enforcing()
            ).values_list("pk", flat=True)
        )
        return [
            (role, org)
            for role, org in grants
            if role not in agency or org is None or org in enforcing
        ]

    def forget_grants(self) -> None:
        self.__dict__.pop("_grants", None)

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        self.forget_grants()
        super().refresh_from_db(*args, **kwargs)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for role, _ in self.grants())

    def has_role(self, *roles: str) -> bool:
        return any(role in roles for role, _ in self.grants())

    def organisations_as(self, *roles: str) -> set[int]:
        """The organisations this user acts for in any of ``roles``."""
        return {org for role, org in self.grants() if role in roles and org is not None}

    def acts_for(self, organisation_id: int | None, *roles: str) -> bool:
        """Whether this user holds one of ``roles`` (any agency role when none is named) at
        ``organisation_id``; an administrator acts for every organisation."""
        if self.is_admin:
            return True
        wanted = roles or tuple(Role.agency_roles())
        return organisation_id is not None and organisation_id in self.organisations_as(*wanted)

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_agency_user(self) -> bool:
        return bool(self.organisations_as(*Role.agency_roles()))

    @property
    def is_supervisor(self) -> bool:
        return bool(self.organisations_as(*Role.supervising_roles()))

    @property
    def is_enterprise_user(self) -> bool:
        return self.role == Role.ENTERPRISE and self.enterprise_id is not None

    def audit_snapshot(self) -> dict[str, Any]:
        """Account data for the audit chain; the password hash never goes into a record."""
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "organisation": self.organisation_id,
            "enterprise": self.enterprise_id,
            "region": self.region_id,
            "is_active": self.is_active,
            "is_staff": self.is_staff,
            "is_superuser": self.is_superuser,
        }


class RoleGrant(models.Model):
    """A further role a user holds beside his account's own, at an organisation: a 法制审核
    officer who is also an 执法人员, a 司法局 head who is also an 执法监督人员."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="role_grants",
    )
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所在机构",
        on_delete=models.PROTECT,
        related_name="role_grants",
    )
    granted_at = models.DateTimeField("授予时间", default=timezone.now, editable=False)

    objects = RestrictedManager()
    scope_org_path = "organisation"

    class Meta:
        verbose_name = "兼任角色"
        verbose_name_plural = "兼任角色"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation"], name="org_rolegrant_unique"
            ),
            # Only roles held at an organisation can be added; 系统管理员, 企业用户 and 社会监督员
            # are what an account is, never a second hat.
            models.CheckConstraint(
                condition=models.Q(
                    role__in=[
                        "inspector",
                        "approver",
                        "legal_reviewer",
                        "supervisor",
                        "supervision_head",
                    ]
                ),
                name="org_rolegrant_organisation_roles",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name}·{self.get_role_display()}"


class APIToken(models.Model):
    """A bearer token for machine clients (12345 hotline, mobile apps); only its hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField("用途", max_length=64)
    prefix = models.CharField("前缀", max_length=12, editable=False, db_index=True)
    key_hash = models.CharField("摘要", max_length=64, editable=False, unique=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    objects = RestrictedManager()
    scope_org_path = "user__organisation"

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class ResetChannel(models.TextChoices):
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"


class PasswordResetRequest(models.Model):
    """One request to reset a forgotten password: the 6-digit code (only its keyed hash), where it
    went and how often it was tried. A request for an account that does not exist, or that has
    not registered the chosen channel, is kept too (without user or code), so that the per-address
    limit counts every request alike."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="password_resets",
    )
    channel = models.CharField("接收方式", max_length=8, choices=ResetChannel.choices)
    ip_address = models.GenericIPAddressField("请求地址", null=True, blank=True)
    code_hash = models.CharField("验证码摘要", max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField("请求时间", default=timezone.now, editable=False)
    expires_at = models.DateTimeField("失效时间")
    attempts = models.PositiveSmallIntegerField("输错次数", default=0)
    verified_at = models.DateTimeField("验证通过时间", null=True, blank=True)
    completed_at = models.DateTimeField("重置完成时间", null=True, blank=True)

    objects = RestrictedManager()
    scope_org_path = "user__organisation"
    scope_enterprise_path = "user__enterprise"

    class Meta:
        verbose_name = "找回密码请求"
        verbose_name_plural = "找回密码请求"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["ip_address", "created_at"], name="org_reset_ip_time"),
            models.Index(fields=["user", "created_at"], name="org_reset_user_time"),
        ]

    def __str__(self) -> str:
        return f"找回密码请求（{self.get_channel_display()}）"
