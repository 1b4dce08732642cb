"""Who may do what in social (capabilities ``social.*``).

- The supervising bureau (执法监督人员 / 监督机关负责人 of a 司法局 or 司法所) keeps the registry of
  the social supervisors of its region, draws one for an approved inspection of its region, reads
  their reports and deals with the problems they raise (``social.manage``, ``social.draw``,
  ``social.problems``). The inspected agency does none of this: who watches it is not its choice.
- A social supervisor answers his own assignments, checks in and reports (``social.respond``),
  and reads his own record of service (``social.mine``).

Rows are narrowed first by the models' ``restrict`` (the bureau's region, or the supervisor's
own rows); a rule may assume its object was found through it.
"""

from __future__ import annotations

from typing import Any

from zhifa.core.access import capability
from zhifa.org.roles import Role

BUREAU_ONLY = "社会监督员由执法监督机关（司法局、司法所）的执法监督人员管理和安排。"
SOCIAL_ONLY = "此页面仅供社会监督员使用。"
NOT_YOURS = "这项伴随监督不是安排给您的。"


def bureau_refusal(user: Any) -> str | None:
    if user.is_admin or user.has_role(*Role.supervising_roles()):
        return None
    return BUREAU_ONLY


@capability("social.manage", "管理社会监督员名册（登记、暂停、回避申报、履职记录）")
def _manage(user: Any, obj: Any) -> str | None:
    return bureau_refusal(user)


@capability("social.draw", "为检查抽取伴随监督的社会监督员")
def _draw(user: Any, obj: Any) -> str | None:
    return bureau_refusal(user)


@capability("social.problems", "处理社会监督员反映的问题")
def _problems(user: Any, obj: Any) -> str | None:
    return bureau_refusal(user)


@capability("social.view", "查看伴随监督安排与反馈")
def _view(user: Any, obj: Any) -> str | None:
    if user.is_admin or user.has_role(*Role.supervising_roles(), Role.SOCIAL_SUPERVISOR):
        return None
    return BUREAU_ONLY


@capability("social.mine", "我的伴随监督（社会监督员）")
def _mine(user: Any, obj: Any) -> str | None:
    return None if user.has_role(Role.SOCIAL_SUPERVISOR) else SOCIAL_ONLY


@capability("social.respond", "答复伴随监督安排、到场签到、提交反馈（本人）")
def _respond(user: Any, obj: Any) -> str | None:
    if not user.has_role(Role.SOCIAL_SUPERVISOR):
        return SOCIAL_ONLY
    # An assignment, or a report of one (its photos).
    assignment = getattr(obj, "assignment", obj)
    if assignment is not None and assignment.supervisor.user_id != user.pk:
        return NOT_YOURS
    return None
