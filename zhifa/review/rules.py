"""Who may do what in review (capabilities ``review.*``).

- The supervising side (执法监督人员, 监督机关负责人 of a 司法局, a 司法所, a contact point or
  a joint team) reads the standards, reviews, spot checks and campaigns of its scope (rows
  narrowed by ``restrict``: a 司法局 its region's agencies, a 司法所 its township) and does the
  work there.
- A standard is drafted and published by the supervising users of the organisation that owns
  it (``review.standard.curate``).
- An agency (执法人员, 负责人, 法制审核) reads the reviews of its own cases once they are
  completed, read-only; nothing of other agencies and nothing still being scored.
- A spot check's public record needs no login (``public``, in ``zhifa.core.access``).
"""

from __future__ import annotations

from typing import Any

from zhifa.core.access import capability
from zhifa.org.models import Role

SUPERVISING_ONLY = "此功能只供执法监督机关（司法局、司法所）的执法监督人员使用。"
NOT_YET = "该案卷评查尚未完成；评查完成后，被评查机关才能查看结果。"
CURATE_DENIED = "评查标准只能由制定机关的执法监督人员编制和公布。"


def supervising(user: Any) -> str | None:
    if user.is_admin or user.has_role(*Role.supervising_roles()):
        return None
    return SUPERVISING_ONLY


def _reader(user: Any) -> str | None:
    if user.is_admin or user.has_role(*Role.supervising_roles(), *Role.agency_roles()):
        return None
    return SUPERVISING_ONLY


@capability("review.standard.view", "查看案卷评查标准")
def _standard_view(user: Any, obj: Any) -> str | None:
    return supervising(user)


@capability("review.standard.curate", "编制和公布案卷评查标准")
def _standard_curate(user: Any, obj: Any) -> str | None:
    if user.is_admin:
        return None
    mine = user.organisations_as(*Role.supervising_roles())
    organisation_id = getattr(obj, "organisation_id", None) if obj is not None else None
    if not mine or (organisation_id is not None and organisation_id not in mine):
        return CURATE_DENIED
    return None


@capability("review.list", "查看案卷评查（本人可见范围内）")
def _list(user: Any, obj: Any) -> str | None:
    return _reader(user)


@capability("review.view", "查看一份案卷评查")
def _view(user: Any, review: Any) -> str | None:
    if supervising(user) is None:
        return None
    if review is not None and user.has_role(*Role.agency_roles()):
        # An agency sees its own case's review (the row scope), and only once completed.
        return None if review.is_completed else NOT_YET
    return _reader(user)


@capability("review.score", "评查案卷（逐项评分、完成评查）")
def _score(user: Any, review: Any) -> str | None:
    return supervising(user)


@capability("review.start", "发起案卷评查")
def _start(user: Any, case: Any) -> str | None:
    return supervising(user)


@capability("review.results", "查看和导出评查结果统计")
def _results(user: Any, obj: Any) -> str | None:
    return supervising(user)


@capability("review.spotcheck.list", "查看日常抽查")
def _spot_list(user: Any, obj: Any) -> str | None:
    return supervising(user)


@capability("review.spotcheck.create", "公告日常抽查")
def _spot_create(user: Any, obj: Any) -> str | None:
    return supervising(user)


@capability("review.spotcheck.draw", "实施日常抽查的抽取")
def _spot_draw(user: Any, obj: Any) -> str | None:
    return supervising(user)


@capability("review.campaign.view", "查看专项监督")
def _campaign_view(user: Any, obj: Any) -> str | None:
    return supervising(user)


@capability("review.campaign.manage", "组织专项监督（创建、记录问题、推进和结束）")
def _campaign_manage(user: Any, obj: Any) -> str | None:
    return supervising(user)
