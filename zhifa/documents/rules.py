"""Who may do what with documents (文书) and their numbers: the documents part of the
capability table (zhifa.core.access).

Which documents one sees is the restriction's answer (``Document.objects.restrict``: the
issuing side by organisation and region, recipients the documents sent to them); these rules
say who may open the registers and who may act on a document he sees.
"""

from __future__ import annotations

from typing import Any

from zhifa.core.access import capability
from zhifa.org.roles import Role

# The roles that author, issue and deliver documents in their organisation's name.
AUTHOR_ROLES = (*Role.agency_roles(), Role.SUPERVISOR)
AUTHOR_DENIED = "制作、签发和送达文书仅限执法机关工作人员、执法监督人员和系统管理员办理。"
OTHER_ORGANISATION = "只能办理本机构制发的文书。"
NO_ORGANISATION = "您未隶属于任何机构，不能制作文书；请联系系统管理员。"
DOCUMENTS_DENIED = "文书台账仅限执法机关工作人员、执法监督人员和系统管理员查看。"
NUMBERS_DENIED = "文号台账仅限执法机关工作人员、执法监督人员和系统管理员查看。"
INBOX_DENIED = "收到的文书仅供受送达的企业和机构的用户查看。"
NOT_RECIPIENT = "只有受送达的企业或机关的用户可以签收该文书。"


def _organisation_id(obj: Any) -> int | None:
    """The issuing organisation of a document or batch, or the organisation itself."""
    if obj._meta.model_name == "organisation":
        return int(obj.pk)
    return obj.organisation_id  # type: ignore[no-any-return]


def _author_refusal(user: Any, obj: Any) -> str | None:
    if user.is_admin:
        return None
    if not user.has_role(*AUTHOR_ROLES):
        return AUTHOR_DENIED
    if obj is not None and not user.acts_for(_organisation_id(obj), *AUTHOR_ROLES):
        return OTHER_ORGANISATION
    return None


def _register_refusal(user: Any, message: str) -> str | None:
    return None if user.is_admin or user.has_role(*AUTHOR_ROLES) else message


@capability("document.list", "查看文书台账和批量签发批次")
def _may_list(user: Any, obj: Any) -> str | None:
    return _register_refusal(user, DOCUMENTS_DENIED)


@capability("number.list", "查看文号台账")
def _may_list_numbers(user: Any, obj: Any) -> str | None:
    return _register_refusal(user, NUMBERS_DENIED)


@capability("document.view", "查看文书及其文件")
def _may_view(user: Any, obj: Any) -> str | None:
    # Seen is allowed: the restriction already narrowed the documents to those one may open.
    return None


@capability("document.draft", "拟制、修改本机构的文书草稿")
def _may_draft(user: Any, obj: Any) -> str | None:
    refused = _author_refusal(user, obj)
    if refused is None and obj is None and user.organisation_id is None:
        # A new draft is made in the name of the user's organisation.
        return NO_ORGANISATION
    return refused


@capability("document.issue", "签发、送达、归档、更正本机构的文书（含批量签发）")
def _may_issue(user: Any, obj: Any) -> str | None:
    return _author_refusal(user, obj)


def recipient_organisations(user: Any) -> set[int]:
    """The organisations whose received documents ``user`` reads: any he holds a role at."""
    found = {org for _, org in user.grants() if org is not None}
    if user.organisation_id is not None:
        found.add(user.organisation_id)
    return found


@capability("document.inbox", "查看收到的文书")
def _may_open_inbox(user: Any, obj: Any) -> str | None:
    if user.is_enterprise_user or recipient_organisations(user):
        return None
    return INBOX_DENIED


@capability("document.sign_for", "签收送达本企业或本机构的文书")
def _may_sign_for(user: Any, obj: Any) -> str | None:
    if obj is None:
        return _may_open_inbox(user, obj)
    if obj.recipient_enterprise_id is not None:
        if user.is_enterprise_user and user.enterprise_id == obj.recipient_enterprise_id:
            return None
        return NOT_RECIPIENT
    if obj.recipient_organisation_id in recipient_organisations(user):
        return None
    return NOT_RECIPIENT
