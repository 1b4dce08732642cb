"""Who may do what with complaints (capabilities ``complaints.*``).

- Anyone may file (signed in or not) and follow an item with its tracking code.
- A supervising body's staff take in what reaches them (a 联系点 enters what enterprises report
  there); a 司法局 or 司法所 handles: 分办, 不予受理, 核实, 退回重办, 销号, losses recovered.
- The agency an item is handed to answers it; it never learns who complained.
- An enterprise user reads and rates the items his enterprise filed.
- Which items one sees at all is the restriction's answer (``ComplaintQuerySet``).
"""

from __future__ import annotations

from typing import Any

from zhifa.core.access import capability
from zhifa.org.roles import Role

SUPERVISING = tuple(Role.supervising_roles())
AGENCY = tuple(Role.agency_roles())

SUPERVISING_ONLY = "问题清单由行政执法监督机关（司法局、司法所、监督联系点）办理。"
HANDLER_ONLY = "分办、核实和销号由司法局或司法所的执法监督人员办理。"
AGENCY_ONLY = "只有被分办的行政执法机关可以办理答复。"
NOT_ASSIGNED = "该问题不在办理中，不能答复。"
LIST_ONLY = "问题清单仅供执法监督机关、行政执法机关和反映问题的企业查看。"
NOT_COMPLAINANT = "只有反映问题的企业可以评价办理结果。"


def _handling_orgs(user: Any) -> list[Any]:
    from zhifa.org.models import Organisation, OrganisationKind

    ids = user.organisations_as(*SUPERVISING)
    return list(
        Organisation.objects.filter(
            pk__in=ids, kind__in=[OrganisationKind.SUPERVISOR, OrganisationKind.JUSTICE_OFFICE]
        )
    )


@capability("complaints.file", "提交投诉举报（企业端，可匿名，无需登录）", public=True)
def _may_file(user: Any, obj: Any) -> str | None:
    return None


@capability("complaints.track", "凭查询码查看办理进度、评价办理结果（无需登录）", public=True)
def _may_track(user: Any, obj: Any) -> str | None:
    return None


@capability("complaints.list", "查看问题清单（按数据范围）")
def _may_list(user: Any, obj: Any) -> str | None:
    if user.is_admin or user.is_supervisor or user.is_agency_user or user.is_enterprise_user:
        return None
    return LIST_ONLY


@capability("complaints.view", "查看问题及其办理过程")
def _may_view(user: Any, obj: Any) -> str | None:
    return _may_list(user, obj)


@capability("complaints.enter", "登记收到的投诉举报（监督机关、监督联系点）")
def _may_enter(user: Any, obj: Any) -> str | None:
    return None if user.is_admin or user.is_supervisor else SUPERVISING_ONLY


@capability("complaints.identity", "查看反映人身份和联系方式（仅执法监督机关）")
def _may_see_identity(user: Any, obj: Any) -> str | None:
    return None if user.is_admin or user.is_supervisor else SUPERVISING_ONLY


@capability("complaints.handle", "分办、核实、退回重办、销号和记录挽回损失")
def _may_handle(user: Any, obj: Any) -> str | None:
    if user.is_admin:
        return None
    orgs = _handling_orgs(user)
    if not orgs:
        return HANDLER_ONLY
    if obj is not None and not any(
        str(obj.region_id).startswith(org.region.code_prefix) for org in orgs
    ):
        return HANDLER_ONLY
    return None


@capability("complaints.answer", "办理并答复分办的问题（被分办的行政执法机关）")
def _may_answer(user: Any, obj: Any) -> str | None:
    if user.is_admin:
        return None
    if not user.organisations_as(*AGENCY):
        return AGENCY_ONLY
    if obj is None:
        return None
    if not user.acts_for(obj.agency_id, *AGENCY):
        return AGENCY_ONLY
    from zhifa.complaints.models import Status

    if obj.status != Status.ASSIGNED:
        return NOT_ASSIGNED
    return None


@capability("complaints.rate", "评价本企业反映问题的办理结果")
def _may_rate(user: Any, obj: Any) -> str | None:
    if user.is_admin:
        return None
    if not user.is_enterprise_user:
        return NOT_COMPLAINANT
    if obj is not None and obj.complainant_enterprise_id != user.enterprise_id:
        return NOT_COMPLAINANT
    return None


SUBMIT_ONLY = "经接口提交投诉举报的是企业用户，登记收到的投诉举报的是执法监督机关和监督联系点。"


@capability("complaints.submit", "经接口提交（企业用户）或登记（监督机关、联系点）投诉举报")
def _may_submit(user: Any, obj: Any) -> str | None:
    if user.is_admin or user.is_supervisor or user.is_enterprise_user:
        return None
    return SUBMIT_ONLY


@capability("complaints.hotline", "12345热线对接（签名认证）", public=True)
def _hotline_machine(user: Any, obj: Any) -> str | None:
    # No session: each request is signed with the hotline's own key (complaints.hotline), and
    # refused there (401) when it is not.
    return None


CALLBACKS_ONLY = "12345热线状态回传失败记录仅系统管理员可查看和重新发送。"


@capability("complaints.callbacks", "查看和重新发送12345热线状态回传失败记录（系统管理员）")
def _may_manage_callbacks(user: Any, obj: Any) -> str | None:
    return None if user.is_admin else CALLBACKS_ONLY


@capability("complaints.open311", "Open311 接口：查询公开，提交问题需 api_key", public=True)
def _may_use_open311(user: Any, obj: Any) -> str | None:
    # Anyone reads (no identity, no content); a POST is refused in the view without a valid
    # api_key (Open311Key), which is not a user's capability.
    return None


SUPERVISOR_VIEW_ONLY = "辖区问题清单和挽回损失统计仅供执法监督机关查看。"


@capability("complaints.supervise", "查看辖区问题清单和挽回损失统计（执法监督机关）")
def _may_supervise(user: Any, obj: Any) -> str | None:
    return None if user.is_admin or user.is_supervisor else SUPERVISOR_VIEW_ONLY


MINE_ONLY = "“我的投诉”供企业用户查看本企业反映的问题。"


@capability("complaints.mine", "查看本企业反映的问题（我的投诉）")
def _may_see_own(user: Any, obj: Any) -> str | None:
    if not user.is_enterprise_user:
        return MINE_ONLY
    if obj is not None and obj.complainant_enterprise_id != user.enterprise_id:
        return MINE_ONLY
    return None
