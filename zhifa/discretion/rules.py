"""The discretion app's rules, shared by the services, the import, the forms and the API.

Who may do what (capabilities ``discretion.*``): the 法制审核人员 and the 执法机关负责人 of an
enforcing organisation keep its three lists (draft, edit, import, publish); 系统管理员 may do so
for every organisation. Every agency user may evaluate a finding (supervisors may not); agency
users and supervisors read the versions of their scope, drafts included. Published lists are
public.

Every check returns Chinese messages keyed by field.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from zhifa.core.access import capability
from zhifa.core.tabular import clean_text as cell_text
from zhifa.discretion.conditions import (
    ConditionError,
    conditions_from_columns,
    dump_conditions,
    format_yuan,
    parse_conditions,
)
from zhifa.discretion.models import ListKind
from zhifa.org.models import Organisation, Role

CURATOR_ROLES = (Role.LEGAL_REVIEWER, Role.APPROVER)
EVALUATOR_ROLES = (Role.INSPECTOR, Role.APPROVER, Role.LEGAL_REVIEWER)

CURATE_DENIED = (
    "裁量“三张清单”只能由执法机关的法制审核人员、执法机关负责人或系统管理员编制、修改和公布；"
    "其他用户只能查看已公布的清单。"
)
EVALUATE_DENIED = "只有执法机关的执法人员、执法机关负责人、法制审核人员可以进行裁量评估。"
OTHER_ORG = "该清单属于其他机关，您只能办理本机关的裁量清单。"
READ_DENIED = (
    "裁量清单的编制情况由执法机关和执法监督机关的用户查看；已公布的清单请在“裁量清单”中查看。"
)

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
MAX_LENGTHS = {
    "code": 32,
    "violation_code": 64,
    "violation_basis_law": 200,
    "violation_basis_article": 100,
    "discretion_basis_law": 200,
    "discretion_basis_article": 100,
    "penalty_text": 200,
    "compliance_item_code": 64,
    "source": 255,
}
LABELS = {
    "code": "事项编号",
    "kind": "清单",
    "field": "执法领域",
    "violation_code": "违法行为编码",
    "violation": "违法行为",
    "violation_basis_law": "违法依据（法律法规）",
    "violation_basis_article": "违法依据（条款）",
    "discretion_basis_law": "裁量依据（法律法规）",
    "discretion_basis_article": "裁量依据（条款）",
    "conditions": "适用条件",
    "outcome": "处理结果",
    "penalty_min": "罚款下限（元）",
    "penalty_max": "罚款上限（元）",
    "penalty_text": "处罚幅度",
    "compliance_item_code": "对应合规指导事项编码",
    "source": "出处",
    "is_paraphrased": "转述",
}
ITEM_FIELDS = tuple(LABELS)
KIND_BY_TEXT: dict[str, str] = {
    **{value: value for value in ListKind.values},
    **{str(label): value for value, label in ListKind.choices},
    "免予处罚": ListKind.EXEMPT,
    "免罚": ListKind.EXEMPT,
    "不予行政处罚": ListKind.EXEMPT,
    "从轻": ListKind.LIGHTER,
    "从轻行政处罚": ListKind.LIGHTER,
    "减轻": ListKind.MITIGATED,
    "减轻行政处罚": ListKind.MITIGATED,
}
KIND_TEXT = "、".join(str(label) for _, label in ListKind.choices)


# --- Who may do what --------------------------------------------------------------------------


def _organisation_id(obj: Any) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, Organisation):
        return int(obj.pk)
    version = obj if hasattr(obj, "organisation_id") else obj.version
    return cast(int, version.organisation_id)


@capability("discretion.read", "查看本机关（本区划）的裁量清单版本，含草稿")
def _may_read(user: Any, obj: Any) -> str | None:
    if user.is_admin or user.is_agency_user or user.is_supervisor:
        return None
    return READ_DENIED


@capability("discretion.manage", "编制、导入、修改和公布裁量“三张清单”")
def _may_manage(user: Any, obj: Any) -> str | None:
    """``obj``: None (may keep lists at all), the Organisation a version is drafted for, a
    version or an item."""
    if user.is_admin:
        return None
    ids = user.organisations_as(*CURATOR_ROLES)
    mine = {org.pk for org in Organisation.objects.filter(pk__in=ids) if org.is_enforcing}
    if not mine:
        return CURATE_DENIED
    organisation_id = _organisation_id(obj)
    if organisation_id is not None and organisation_id not in mine:
        return OTHER_ORG
    return None


@capability("discretion.evaluate", "裁量评估（对照三张清单评估一项违法事实）")
def _may_evaluate(user: Any, obj: Any) -> str | None:
    # Agency users only: the evaluation prepares an agency's decision. A supervisor reads the
    # published lists instead (the public pages); the evaluate page has always refused him.
    if user.is_admin or user.organisations_as(*EVALUATOR_ROLES):
        return None
    return EVALUATE_DENIED


# --- Values of an item ------------------------------------------------------------------------


def clean_text(value: Any) -> str:
    return cell_text(value).replace("\u3000", " ").strip()


def normalise_kind(value: Any) -> str:
    return KIND_BY_TEXT.get(clean_text(value), "")


def parse_money(value: Any, label: str) -> tuple[Decimal | None, str]:
    if isinstance(value, Decimal):
        text = f"{value:f}"
    else:
        text = clean_text(value).replace(",", "").replace("，", "").removesuffix("元").strip()
    if not text:
        return None, ""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None, f"{label}应为金额（元），“{text}”不是数字。"
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        return None, f"{label}应为不小于 0、最多两位小数的金额，填写的是“{text}”。"
    if amount >= Decimal("1e12"):
        return None, f"{label}过大，填写的是“{text}”。"
    # Stored with two decimals; compare the same way, so 500 and 500.00 are one value.
    return amount.quantize(Decimal("0.01")), ""


def parse_flag(value: Any, label: str) -> tuple[bool, str]:
    if isinstance(value, bool):
        return value, ""
    text = clean_text(value)
    if text in ("", "否", "0", "N", "n", "false", "False"):
        return False, ""
    if text in ("是", "1", "Y", "y", "true", "True"):
        return True, ""
    return False, f"{label}：请填写“是”或“否”，“{text}”无法识别。"


def check_item(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Cleaned values and {key: Chinese message} of one item's input; ``field`` is left as
    given (the caller resolves it). Conditions come either as ``conditions`` (the JSON list)
    or as the human columns of ``conditions.CONDITION_COLUMNS``; errors of a column are keyed
    by that column's key."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for key in (
        "code",
        "violation_code",
        "violation",
        "violation_basis_law",
        "violation_basis_article",
        "discretion_basis_law",
        "discretion_basis_article",
        "outcome",
    ):
        text = clean_text(values.get(key, ""))
        cleaned[key] = text
        if not text:
            errors[key] = f"请填写{LABELS[key]}。"
        elif key in MAX_LENGTHS and len(text) > MAX_LENGTHS[key]:
            errors[key] = f"{LABELS[key]}不能超过 {MAX_LENGTHS[key]} 字，现为 {len(text)} 字。"
    for key in ("code", "violation_code"):
        text = cleaned[key]
        if text and key not in errors and not CODE_RE.match(text):
            errors[key] = (
                f"{LABELS[key]}“{text}”只能由英文字母、数字和 . _ - 组成，且以字母或数字开头，"
                "如 SC-SP-001。"
            )
    for key in ("violation_basis_law", "discretion_basis_law"):
        law = cleaned[key]
        if law and key not in errors and not (law.startswith("《") and "》" in law):
            errors[key] = (
                f"{LABELS[key]}应写全称并加书名号，如《中华人民共和国食品安全法》，现为“{law}”。"
            )
    for key in ("penalty_text", "compliance_item_code", "source"):
        text = clean_text(values.get(key, ""))
        cleaned[key] = text
        if len(text) > MAX_LENGTHS[key]:
            errors[key] = f"{LABELS[key]}不能超过 {MAX_LENGTHS[key]} 字，现为 {len(text)} 字。"

    raw_kind = values.get("kind", "")
    kind = normalise_kind(raw_kind)
    cleaned["kind"] = kind
    if not clean_text(raw_kind):
        errors["kind"] = f"请填写清单：{KIND_TEXT}之一。"
    elif not kind:
        errors["kind"] = f"清单“{clean_text(raw_kind)}”无效，应为{KIND_TEXT}之一。"

    for key in ("penalty_min", "penalty_max"):
        amount, message = parse_money(values.get(key), LABELS[key])
        cleaned[key] = amount
        if message:
            errors[key] = message
    low, high = cleaned["penalty_min"], cleaned["penalty_max"]
    if low is not None and high is not None and low > high and "penalty_max" not in errors:
        errors["penalty_max"] = (
            f"罚款上限（{format_yuan(high)}）不能低于下限（{format_yuan(low)}）。"
        )
    has_penalty = low is not None or high is not None or bool(cleaned["penalty_text"])
    if kind == ListKind.EXEMPT and has_penalty:
        errors["penalty_text"] = "不予处罚清单的事项不填处罚幅度（罚款上下限和处罚幅度应为空）。"
    elif kind in (ListKind.LIGHTER, ListKind.MITIGATED) and not has_penalty:
        errors["penalty_text"] = (
            f"{ListKind(kind).label}清单的事项须写明处罚幅度：罚款上下限（元）或处罚幅度文字，"
            "如“警告”“罚款 5000 元以上 1 万元以下”。"
        )

    paraphrased, message = parse_flag(values.get("is_paraphrased", ""), LABELS["is_paraphrased"])
    cleaned["is_paraphrased"] = paraphrased
    if message:
        errors["is_paraphrased"] = message

    if isinstance(values.get("conditions"), list | tuple):
        try:
            parsed = parse_conditions(values["conditions"])
        except ConditionError as error:
            errors["conditions"] = str(error)
            parsed = []
    else:
        parsed, condition_errors = conditions_from_columns(values)
        errors.update(condition_errors)
    cleaned["conditions"] = dump_conditions(parsed)
    if not parsed and not any(k in errors for k in ("conditions", *_condition_keys())):
        errors["conditions"] = "请至少填写一项适用条件（如首次违法年限、危害程度上限、改正期限）。"
    return cleaned, errors


def _condition_keys() -> tuple[str, ...]:
    from zhifa.discretion.conditions import CONDITION_KEYS

    return CONDITION_KEYS
