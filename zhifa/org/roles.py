"""The roles a user can hold (an account has its own, and may be granted more: RoleGrant)."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    INSPECTOR = "inspector", "执法人员"
    APPROVER = "approver", "执法机关负责人"
    LEGAL_REVIEWER = "legal_reviewer", "法制审核人员"
    SUPERVISOR = "supervisor", "执法监督人员"
    # Signs off (签发) the bureau's supervision documents; granted to a 司法局 head who also
    # supervises, and sees what a supervisor of the bureau sees.
    SUPERVISION_HEAD = "supervision_head", "监督机关负责人"
    SOCIAL_SUPERVISOR = "social_supervisor", "社会监督员"
    ENTERPRISE = "enterprise", "企业用户"
    ADMIN = "admin", "系统管理员"

    @classmethod
    def agency_roles(cls) -> list[str]:
        return [cls.INSPECTOR, cls.APPROVER, cls.LEGAL_REVIEWER]

    @classmethod
    def supervising_roles(cls) -> list[str]:
        return [cls.SUPERVISOR, cls.SUPERVISION_HEAD]
