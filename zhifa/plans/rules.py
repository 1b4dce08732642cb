"""The plans app's rules, shared by the services, the import, the forms and the API.

Who may do what (capabilities ``item.*`` and ``plan.*`` of ``zhifa.core.access``): 执法人员 and
执法机关负责人 of an enforcing organisation keep its inspection-item list and draft its plans; only
a 执法机关负责人 approves, returns and publishes a plan and publishes an amendment, and never
approves a plan he drafted himself. 系统管理员 may do everything except approve a plan he drafted.
Agency users and supervisors read (supervisors within their region); the published plans are
public pages of their own.

Every check of values returns a Chinese message naming the field, or None.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.utils import timezone

from zhifa.core import access
from zhifa.core.access import capability
from zhifa.core.repealed import repealed_in
from zhifa.core.tabular import clean_text as cell_text
from zhifa.org.models import Organisation, Role
from zhifa.plans.models import AnnualPlan, InspectionMethod
from zhifa.registry import industries as industry_table

WRITER_ROLES = (Role.INSPECTOR, Role.APPROVER)
APPROVER_ROLES = (Role.APPROVER,)

WRITE_DENIED = (
    "检查事项清单和年度执法计划只能由执法机关的执法人员、执法机关负责人或系统管理员编制和修改；"
    "执法监督人员、法制审核人员、社会监督员和企业用户只能查看。"
)
APPROVE_DENIED = "年度执法计划只能由执法机关负责人批准、退回和公布。"
OTHER_ORG = "该事项或计划属于其他机关，您只能办理本机关的检查事项和计划。"
SELF_APPROVAL = "计划的编制人不能批准自己编制的计划，请由本机关另一名执法机关负责人批准。"
READ_DENIED = (
    "检查事项清单和年度执法计划由执法机关和执法监督机关的用户查看；"
    "已公布的计划请在“计划公开”中查看。"
)

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
MAX_LENGTHS = {"code": 32, "name": 200, "legal_basis_law": 200, "legal_basis_article": 200}
MAX_CAP = 12
MAX_QUIET_DAYS = 3650
CHECKLIST_SPLIT = re.compile(r"[\n；;]+")

LABELS = {
    "code": "事项编码",
    "name": "检查事项名称",
    "field": "执法领域",
    "legal_basis_law": "依据法律法规",
    "legal_basis_article": "条款",
    "standard": "检查标准",
    "checklist": "检查要点",
    "method": "检查方式",
    "yearly_cap": "每家企业年度检查上限",
    "quiet_period_days": "同事项检查间隔（日）",
    "industries": "适用行业",
    "is_active": "有效",
}

_METHOD_BY_TEXT = {
    **{value: value for value in InspectionMethod.values},
    **{str(label): value for value, label in InspectionMethod.choices},
    "现场": InspectionMethod.ONSITE,
    "非现场": InspectionMethod.OFFSITE,
    "书面": InspectionMethod.WRITTEN,
}
METHOD_TEXT = "、".join(str(label) for _, label in InspectionMethod.choices)


# --- Who may do what --------------------------------------------------------------------------
#
# The rules take ``obj`` as None (may the user do this at all: the list pages, the menu, a form
# before the agency is chosen), an ``Organisation`` (creating for it), or an item, plan, task or
# amendment (acting on it).


def _organisation_id(obj: Any) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, Organisation):
        return int(obj.pk)
    if hasattr(obj, "organisation_id"):
        return cast(int, obj.organisation_id)
    return cast(int, obj.plan.organisation_id)


def _enforcing_organisations(user: Any, roles: tuple[str, ...]) -> set[int]:
    ids = user.organisations_as(*roles)
    if not ids:
        return set()
    return {
        org.pk
        for org in Organisation.objects.filter(pk__in=ids).only("pk", "kind")
        if org.is_enforcing
    }


def _holds(user: Any, roles: tuple[str, ...], obj: Any, denied: str) -> str | None:
    """None when ``user`` holds one of ``roles`` at an enforcing organisation, and at the one
    ``obj`` belongs to when there is an ``obj``; else the reason."""
    if user.is_admin:
        return None
    mine = _enforcing_organisations(user, roles)
    if not mine:
        return denied
    organisation_id = _organisation_id(obj)
    if organisation_id is not None and organisation_id not in mine:
        return OTHER_ORG
    return None


def _reader(user: Any, obj: Any) -> str | None:
    if user.is_admin or user.is_agency_user or user.is_supervisor:
        return None
    return READ_DENIED


@capability("item.list", "查看检查事项清单")
def _may_list_items(user: Any, obj: Any) -> str | None:
    return _reader(user, obj)


@capability("item.view", "查看检查事项")
def _may_view_item(user: Any, obj: Any) -> str | None:
    return _reader(user, obj)


@capability("item.edit", "编制、导入和修改检查事项清单")
def _may_edit_items(user: Any, obj: Any) -> str | None:
    return _holds(user, WRITER_ROLES, obj, WRITE_DENIED)


@capability("plan.list", "查看年度执法计划")
def _may_list_plans(user: Any, obj: Any) -> str | None:
    return _reader(user, obj)


@capability("plan.view", "查看年度执法计划（含草稿和调整）")
def _may_view_plan(user: Any, obj: Any) -> str | None:
    return _reader(user, obj)


@capability("plan.edit", "编制和修改年度执法计划、提出计划调整")
def _may_edit_plan(user: Any, obj: Any) -> str | None:
    return _holds(user, WRITER_ROLES, obj, WRITE_DENIED)


@capability("plan.approve", "批准年度执法计划（不能批准本人编制的计划）")
def _may_approve_plan(user: Any, obj: Any) -> str | None:
    reason = _holds(user, APPROVER_ROLES, obj, APPROVE_DENIED)
    if reason is None and isinstance(obj, AnnualPlan) and obj.created_by_id == user.pk:
        # Separation of duties: whoever drafted a plan does not approve it, administrators too.
        return SELF_APPROVAL
    return reason


@capability("plan.publish", "公布、退回年度执法计划，公布计划调整")
def _may_publish_plan(user: Any, obj: Any) -> str | None:
    return _holds(user, APPROVER_ROLES, obj, APPROVE_DENIED)


# Kept for ``inspections``, which still asks these three while its own capabilities are made.


def can_write(user: Any) -> bool:
    return access.can(user, "plan.edit")


def can_approve(user: Any) -> bool:
    return access.can(user, "plan.publish")


def owns(user: Any, organisation_id: int) -> bool:
    """Whether ``user`` acts for the organisation (administrators for every one)."""
    return bool(user.acts_for(organisation_id))


# --- Values of an inspection item --------------------------------------------------------------


def clean_text(value: Any) -> str:
    """A cell as text (``zhifa.core.tabular.clean_text``), inner ideographic spaces made plain."""
    return cell_text(value).replace("\u3000", " ").strip()


def split_checklist(value: Any) -> list[str]:
    """Checklist questions from one cell or text box: one per line, or separated by "；"."""
    if isinstance(value, list | tuple):
        parts = [clean_text(v) for v in value]
    else:
        parts = [clean_text(p) for p in CHECKLIST_SPLIT.split(clean_text(value))]
    return [p for p in parts if p]


def normalise_method(value: Any) -> str:
    return _METHOD_BY_TEXT.get(clean_text(value), "")


def parse_int(value: Any, *, label: str, low: int, high: int, default: int) -> tuple[int, str]:
    text = clean_text(value)
    if text == "":
        return default, ""
    try:
        number = int(Decimal(text))
        if Decimal(text) != number:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        return default, f"{label}应为整数（{low}–{high}），“{text}”不是整数。"
    if not low <= number <= high:
        return default, f"{label}应在 {low} 至 {high} 之间，填写的是 {number}。"
    return number, ""


def industries_cell(codes: list[str]) -> str:
    """An item's industries as one cell of the import file: ``61 住宿业；62 餐饮业``."""
    return "；".join(industry_table.label(c) for c in codes)


def parse_bool(value: Any, *, default: bool = True) -> tuple[bool, str]:
    if isinstance(value, bool):
        return value, ""
    text = clean_text(value)
    if text == "":
        return default, ""
    if text in ("是", "有效", "1", "Y", "y", "TRUE", "True", "true"):
        return True, ""
    if text in ("否", "无效", "停用", "0", "N", "n", "FALSE", "False", "false"):
        return False, ""
    return default, f"有效：请填写“是”或“否”，“{text}”无法识别。"


def check_item(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Cleaned values and {field: Chinese message} of one item's input; ``field`` is left as
    given (the caller resolves it against the organisation's fields)."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for key in ("code", "name", "legal_basis_law", "legal_basis_article"):
        text = clean_text(values.get(key, ""))
        cleaned[key] = text
        if not text:
            errors[key] = f"请填写{LABELS[key]}。"
        elif len(text) > MAX_LENGTHS[key]:
            errors[key] = f"{LABELS[key]}不能超过 {MAX_LENGTHS[key]} 字，现为 {len(text)} 字。"
    code = cleaned["code"]
    if code and "code" not in errors and not CODE_RE.match(code):
        errors["code"] = (
            f"事项编码“{code}”只能由英文字母、数字和 . _ - 组成，且以字母或数字开头，"
            "如 WJ-GGCS-01。"
        )
    law = cleaned["legal_basis_law"]
    if law and "legal_basis_law" not in errors and not (law.startswith("《") and "》" in law):
        errors["legal_basis_law"] = (
            f"依据法律法规应写全称并加书名号，如《中华人民共和国安全生产法》，现为“{law}”。"
        )
    elif law and "legal_basis_law" not in errors:
        # An item may not be inspected on a law that is no longer in force.
        repeals = repealed_in(law, timezone.localdate())
        if repeals:
            errors["legal_basis_law"] = f"依据法律法规：{repeals[0].message()}。"
    cleaned["standard"] = clean_text(values.get("standard", ""))
    cleaned["checklist"] = split_checklist(values.get("checklist", ""))
    raw_method = values.get("method", "")
    method = normalise_method(raw_method)
    cleaned["method"] = method
    if not clean_text(raw_method):
        errors["method"] = f"请填写检查方式：{METHOD_TEXT}之一。"
    elif not method:
        errors["method"] = f"检查方式“{clean_text(raw_method)}”无效，应为{METHOD_TEXT}之一。"
    cap, message = parse_int(
        values.get("yearly_cap", ""), label=LABELS["yearly_cap"], low=1, high=MAX_CAP, default=1
    )
    cleaned["yearly_cap"] = cap
    if message:
        errors["yearly_cap"] = message
    quiet, message = parse_int(
        values.get("quiet_period_days", ""),
        label=LABELS["quiet_period_days"],
        low=0,
        high=MAX_QUIET_DAYS,
        default=180,
    )
    cleaned["quiet_period_days"] = quiet
    if message:
        errors["quiet_period_days"] = message
    codes, problems = industry_table.parse(values.get("industries", ""))
    cleaned["industries"] = industry_table.normalise(codes)
    if problems:
        errors["industries"] = "适用行业：" + "；".join(problems)
    active, message = parse_bool(values.get("is_active", ""))
    cleaned["is_active"] = active
    if message:
        errors["is_active"] = message
    return cleaned, errors
