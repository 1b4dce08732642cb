"""Who may do what with organisations, officers and accounts, and the one place that says
whether an officer may act for the agency in law (执法证)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from zhifa.core.access import capability
from zhifa.org.roles import Role


def credential_refusal(user: Any, on: dt.date | None = None) -> str | None:
    """Why ``user`` may not act as an 执法人员 of his agency on ``on`` (today by default); None
    when his 执法证 is valid that day.

    Only officers holding a valid certificate may carry out inspections and make decisions in
    the agency's name (《行政处罚法》第四十二条: 行政处罚应当由具有行政执法资格的执法人员实施):
    every capability that does so asks this, never a view or service of its own.
    """
    try:
        officer = user.officer
    except (ObjectDoesNotExist, AttributeError):
        officer = None
    if officer is None:
        return (
            "您的账号未关联执法证，不能以执法人员身份办理此事项；"
            "请由系统管理员在执法人员信息中关联。"
        )
    reason = officer.ineligibility_reason(on or timezone.localdate())
    if reason is not None:
        return f"您的{reason}，不能以执法人员身份办理此事项。"
    return None


# --- Capabilities of organisations, officers and accounts -------------------------------------
# Rows (which organisations and officers one sees) are the restriction's answer
# (``Model.objects.restrict``); these rules say who may open the lists and who may act.

DIRECTORY_DENIED = "机构和执法人员名录仅限执法机关工作人员、执法监督人员和系统管理员查看。"
MANAGE_OFFICERS_DENIED = (
    "只有本机关的执法机关负责人或系统管理员可以办理执法人员登记、修改和执法证状态变更。"
)
ADMIN_ONLY = "此操作仅限系统管理员办理。"
TOKEN_DENIED = "只能为本人签发或吊销接口令牌；为其他用户办理须由系统管理员进行。"


def _directory_refusal(user: Any) -> str | None:
    if user.is_admin or user.is_agency_user or user.is_supervisor:
        return None
    return DIRECTORY_DENIED


@capability("organisation.list", "查看机构名录")
def _may_list_organisations(user: Any, obj: Any) -> str | None:
    return _directory_refusal(user)


@capability("organisation.view", "查看机构详情")
def _may_view_organisation(user: Any, obj: Any) -> str | None:
    return None


@capability("officer.list", "查看执法人员名录（含导出）")
def _may_list_officers(user: Any, obj: Any) -> str | None:
    return _directory_refusal(user)


@capability("officer.view", "查看执法人员及其执法证")
def _may_view_officer(user: Any, obj: Any) -> str | None:
    return None


def _organisation_id_of(obj: Any) -> int | None:
    if obj is None:
        return None
    return obj.pk if obj._meta.model_name == "organisation" else obj.organisation_id


@capability("officer.manage", "登记、修改执法人员，变更执法证状态")
def _may_manage_officers(user: Any, obj: Any) -> str | None:
    """执法机关负责人 of the officer's organisation, and administrators. Without an object:
    whether the user manages the officers of any organisation at all."""
    if user.is_admin:
        return None
    if obj is None:
        return None if user.organisations_as(Role.APPROVER) else MANAGE_OFFICERS_DENIED
    if user.acts_for(_organisation_id_of(obj), Role.APPROVER):
        return None
    return MANAGE_OFFICERS_DENIED


@capability("role.grant", "授予或收回兼任角色")
def _may_grant_roles(user: Any, obj: Any) -> str | None:
    return None if user.is_admin else ADMIN_ONLY


@capability("apitoken.manage", "签发或吊销接口令牌（管理员为任何人，用户为本人）")
def _may_manage_tokens(user: Any, obj: Any) -> str | None:
    # ``obj`` is the user the token lets in: one may always hold a key to one's own account.
    if user.is_admin or (obj is not None and obj.pk == user.pk):
        return None
    return TOKEN_DENIED
