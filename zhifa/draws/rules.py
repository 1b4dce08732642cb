"""Who may do what with draws and 回避: the draws app's part of the capability table.

- A draw is created, announced, performed and cancelled by an 执法人员 or 执法机关负责人 of the
  agency whose plan it serves (the account's own role there or a further role granted there,
  ``org.RoleGrant``), and by 系统管理员 (``draw.create``, ``draw.announce``, ``draw.perform``,
  ``draw.cancel``).
- The 回避 list of an officer is kept by the 执法人员 and 执法机关负责人 of his agency
  (``conflict.keep``).
- Every signed-in user may list the draws and conflicts he sees (rows narrowed by
  ``restrict``); the public record of a draw needs no login (``public``).
"""

from __future__ import annotations

from typing import Any

from zhifa.core.access import capability
from zhifa.draws.models import DrawTask, OfficerConflict
from zhifa.org.models import Officer, Organisation, Role
from zhifa.plans.models import PlanTask

DRAWER_ROLES = (Role.INSPECTOR, Role.APPROVER)
DRAW_DENIED = "抽取任务只能由本机关的执法人员或执法机关负责人办理。"
CONFLICT_DENIED = "回避登记只能由该执法人员所在机关的执法人员或执法机关负责人办理。"


def _organisation_id(obj: Any) -> int | None:
    """The agency an object of a draw belongs to; None asks "for some agency of his"."""
    if obj is None:
        return None
    if isinstance(obj, Organisation):
        return int(obj.pk)
    if isinstance(obj, PlanTask):
        return int(obj.plan.organisation_id)
    if isinstance(obj, OfficerConflict):
        return int(obj.officer.organisation_id)
    if isinstance(obj, DrawTask | Officer):
        return int(obj.organisation_id)
    raise TypeError(f"不能判断 {type(obj).__name__} 属于哪个机关。")


def drawer_refusal(user: Any, obj: Any, denied: str = DRAW_DENIED) -> str | None:
    if user.is_admin:
        return None
    mine = user.organisations_as(*DRAWER_ROLES)
    organisation_id = _organisation_id(obj)
    if not mine or (organisation_id is not None and organisation_id not in mine):
        return denied
    return None


INTERNAL_ONLY = (
    "抽取任务和回避登记只供执法机关和执法监督机关查看；已公示的抽取结果请在“抽取公示”中查看。"
)


def _internal_reader(user: Any) -> str | None:
    # The agency's working record (before announcement, conflicts of interest): the public
    # sees a draw once it is announced, on the public pages.
    if user.is_admin or user.has_role(*Role.agency_roles(), Role.SUPERVISOR):
        return None
    return INTERNAL_ONLY


@capability("draw.list", "查看抽取任务（本人可见范围内）")
def _list(user: Any, obj: Any) -> str | None:
    return _internal_reader(user)


@capability("draw.create", "创建抽取任务")
def _create(user: Any, task: Any) -> str | None:
    return drawer_refusal(user, task)


@capability("draw.announce", "公告抽取任务")
def _announce(user: Any, draw: Any) -> str | None:
    return drawer_refusal(user, draw)


@capability("draw.perform", "实施抽取")
def _perform(user: Any, draw: Any) -> str | None:
    return drawer_refusal(user, draw)


@capability("draw.cancel", "撤销抽取任务")
def _cancel(user: Any, draw: Any) -> str | None:
    return drawer_refusal(user, draw)


@capability("conflict.list", "查看回避登记（本人可见范围内）")
def _conflict_list(user: Any, obj: Any) -> str | None:
    return _internal_reader(user)


@capability("conflict.keep", "登记和撤回执法人员回避")
def _conflict_keep(user: Any, obj: Any) -> str | None:
    return drawer_refusal(user, obj, CONFLICT_DENIED)
