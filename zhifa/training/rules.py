"""Who may do what in training (capabilities ``training.*``), and whom a session may count.

Decided here:
- a supervising body (司法局, 司法所: 执法监督人员 or 监督机关负责人) records the sessions it
  organises, for the officers of the agencies in its region (a 司法所: its township), and sees
  every session organised in its region;
- an agency records its own internal sessions, for its own officers only: its 执法机关负责人 or
  法制审核人员 (the legal office usually runs the agency's training), not every 执法人员;
- every agency user, supervisor and administrator reads the training records and hours he can
  see (rows: ``Model.objects.restrict``); an agency user sees his own officers' hours;
- the yearly minimum is set by an administrator, or by a supervisor for a region inside his own.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from zhifa.core.access import capability
from zhifa.core.tabular import clean_text
from zhifa.org.models import Officer, Organisation, OrganisationKind, Region
from zhifa.org.roles import Role

AGENCY_MANAGER_ROLES = (Role.APPROVER, Role.LEGAL_REVIEWER)

VIEW_DENIED = "培训记录仅限执法机关工作人员、执法监督人员和系统管理员查看。"
MANAGE_DENIED = (
    "培训只能由组织单位登记：司法局、司法所的执法监督人员登记本机关组织的培训，"
    "执法机关负责人或法制审核人员登记本机关的内部培训。"
)
CONFIGURE_DENIED = "年度最低培训学时只能由系统管理员，或执法监督人员为本区划（含下级区划）设置。"
OTHER_REGION = "该区划不在您所在机关的区划范围内，您只能为本区划（含下级区划）设置年度最低学时。"


def _organisation_of(obj: Any) -> Organisation | None:
    if obj is None:
        return None
    if isinstance(obj, Organisation):
        return obj
    if hasattr(obj, "organiser"):
        return obj.organiser  # type: ignore[no-any-return]
    return obj.session.organiser  # type: ignore[no-any-return]


def manager_roles(organisation: Organisation) -> tuple[str, ...]:
    """The roles that record sessions for ``organisation``."""
    if organisation.kind in OrganisationKind.supervising():
        return tuple(Role.supervising_roles())
    return AGENCY_MANAGER_ROLES


@capability("training.view", "查看培训记录和培训学时统计")
def _may_view(user: Any, obj: Any) -> str | None:
    if user.is_admin or user.is_agency_user or user.is_supervisor:
        return None
    return VIEW_DENIED


@capability("training.manage", "登记培训、参训人员、学时和考试成绩")
def _may_manage(user: Any, obj: Any) -> str | None:
    """``obj``: None (may record any session at all), the organiser, a session or one of its
    attendances."""
    if user.is_admin:
        return None
    organisation = _organisation_of(obj)
    if organisation is None:
        if user.organisations_as(*Role.supervising_roles(), *AGENCY_MANAGER_ROLES):
            return None
        return MANAGE_DENIED
    if user.acts_for(organisation.pk, *manager_roles(organisation)):
        return None
    return MANAGE_DENIED


def _covers(user: Any, region: Region) -> bool:
    bureaus = Organisation.objects.filter(
        pk__in=user.organisations_as(*Role.supervising_roles())
    ).select_related("region")
    return any(str(region.code).startswith(b.region.code_prefix) for b in bureaus)


@capability("training.configure", "设置年度最低培训学时")
def _may_configure(user: Any, obj: Any) -> str | None:
    """``obj``: None, or the Region the figure is for (no region: the national default)."""
    if user.is_admin:
        return None
    if not user.organisations_as(*Role.supervising_roles()):
        return CONFIGURE_DENIED
    if isinstance(obj, Region) and not _covers(user, obj):
        return OTHER_REGION
    return None


def in_scope(organiser: Organisation, officer: Officer) -> bool:
    """Whether ``officer`` is one of those ``organiser`` trains: an agency its own officers; a
    supervising body the officers of the agencies in its region (a 司法所: its township)."""
    if organiser.kind in OrganisationKind.supervising():
        return str(officer.organisation.region_id).startswith(organiser.region.code_prefix)
    return bool(officer.organisation_id == organiser.pk)


def attendee_refusal(organiser: Organisation, officer: Officer) -> str | None:
    """Why ``officer`` may not be recorded at a session of ``organiser``; None when he may."""
    if in_scope(organiser, officer):
        return None
    if organiser.kind in OrganisationKind.supervising():
        return (
            f"执法人员{officer.name}（{officer.cert_no}）所属的{officer.organisation.name}"
            f"不在{organiser.name}的区划范围内，不能登记为本次培训的参训人员。"
        )
    return (
        f"执法人员{officer.name}（{officer.cert_no}）不是{organiser.name}的执法人员；"
        "机关内部培训只能登记本机关的执法人员。"
    )


def parse_decimal(value: Any, *, label: str, low: Decimal, high: Decimal) -> Decimal:
    """``value`` as a Decimal with one decimal place within [low, high]; ValueError with the
    Chinese reason naming ``label`` otherwise."""
    text = clean_text(value)
    if not text:
        raise ValueError(f"请填写{label}。")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(f"{label}“{text}”不是数字，请填写如 2.5 的数字。") from None
    if not number.is_finite():
        raise ValueError(f"{label}“{text}”不是数字，请填写如 2.5 的数字。")
    if number < low or number > high:
        raise ValueError(f"{label}应在 {low} 至 {high} 之间，填写的是 {text}。")
    if number != number.quantize(Decimal("0.1")):
        raise ValueError(f"{label}最多保留一位小数，填写的是 {text}。")
    return number.quantize(Decimal("0.1"))
