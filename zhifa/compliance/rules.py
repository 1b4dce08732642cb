"""The compliance app's rules, shared by services, the import, forms and the API.

Who may do what (capabilities ``guidance.*`` and ``selfcheck.*``): a guidance list is curated by
系统管理员 and by 执法监督人员 (司法局/司法所, the bodies that coordinate the lists) for regions
inside their own; everyone reads published versions without signing in. A self-check is kept
by a user of the enterprise it belongs to (and administrators); agencies and supervisors do not
list self-checks.

Every check of values returns a Chinese message naming the field, or None.
"""

from __future__ import annotations

import re
from typing import Any, cast

from zhifa.core import params
from zhifa.core.access import capability
from zhifa.core.tabular import clean_text
from zhifa.org.models import Organisation, Region, Role
from zhifa.registry.models import Enterprise

CURATOR_ROLES = (Role.SUPERVISOR,)
CURATE_DENIED = (
    "合规指导清单只能由系统管理员或执法监督人员编制、导入和公布；其他用户只能查看已公布的清单。"
)
OTHER_REGION = "该清单属于您所在区划以外的地区，您只能编制本区划内的合规指导清单。"
SELF_CHECK_DENIED = "企业自查只能由企业用户为本企业办理。"

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
LIST_SPLIT = re.compile(r"[\n、，,；;]+")
MAX_LENGTHS = {
    "code": 32,
    "title": 200,
    "legal_basis_law": 200,
    "legal_basis_article": 100,
}
REQUIRED = ("code", "title", "violations", "legal_basis_law", "legal_basis_article", "liability",
            "advice")  # fmt: skip
TEXT_KEYS = (
    "code",
    "title",
    "violations",
    "legal_basis_law",
    "legal_basis_article",
    "legal_basis_text",
    "liability",
    "advice",
)
LABELS = {
    "code": "条目编码",
    "field": "执法领域",
    "title": "合规事项",
    "violations": "常见违法行为",
    "legal_basis_law": "法律依据",
    "legal_basis_article": "条款",
    "legal_basis_text": "条文内容（摘要）",
    "liability": "责任后果",
    "advice": "合规建议",
    "industries": "适用行业",
    "inspection_item_codes": "对应检查事项编码",
    "position": "排序",
}


# --- Who may do what ---------------------------------------------------------------------------


def _region_of(obj: Any) -> Region | None:
    if obj is None or isinstance(obj, Region):
        return obj
    version = obj if hasattr(obj, "region_id") else obj.version
    return cast(Region, version.region)


def _covers(user: Any, region: Region) -> bool:
    """Whether ``region`` lies inside the region of an organisation the user supervises for."""
    bureaus = Organisation.objects.filter(pk__in=user.organisations_as(*CURATOR_ROLES))
    return any(
        str(region.code).startswith(bureau.region.code_prefix)
        for bureau in bureaus.select_related("region")
    )


@capability("guidance.list", "查看已公布的合规指导清单（无需登录）", public=True)
def _may_read_guidance(user: Any, obj: Any) -> str | None:
    return None


@capability("guidance.curate", "编制、导入和公布合规指导清单")
def _may_curate(user: Any, obj: Any) -> str | None:
    """``obj``: None (may curate at all), the Region a version is made for, a version or an
    item."""
    if user.is_admin:
        return None
    if not user.organisations_as(*CURATOR_ROLES):
        return CURATE_DENIED
    region = _region_of(obj)
    if region is not None and not _covers(user, region):
        return OTHER_REGION
    return None


def _enterprise_id(obj: Any) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, Enterprise):
        return int(obj.pk)
    check = obj if hasattr(obj, "enterprise_id") else obj.self_check
    return cast(int, check.enterprise_id)


def _self_checker(user: Any, obj: Any) -> str | None:
    if user.is_admin:
        return None
    if not user.is_enterprise_user:
        return SELF_CHECK_DENIED
    enterprise_id = _enterprise_id(obj)
    if enterprise_id is not None and enterprise_id != user.enterprise_id:
        return SELF_CHECK_DENIED
    return None


@capability("selfcheck.list", "查看本企业的自查")
def _may_list_self_checks(user: Any, obj: Any) -> str | None:
    return _self_checker(user, obj)


@capability("selfcheck.view", "查看本企业的自查、报告和整改材料")
def _may_view_self_check(user: Any, obj: Any) -> str | None:
    return _self_checker(user, obj)


@capability("selfcheck.start", "为本企业开始自查")
def _may_start_self_check(user: Any, obj: Any) -> str | None:
    # Only a user of an enterprise: a self-check is started for the user's own enterprise.
    return None if user.is_enterprise_user else SELF_CHECK_DENIED


@capability("selfcheck.edit", "填写、完成本企业的自查，登记整改")
def _may_keep_self_check(user: Any, obj: Any) -> str | None:
    return _self_checker(user, obj)


# --- Values of an item -------------------------------------------------------------------------


def split_list(value: Any) -> list[str]:
    """A list typed in one cell or field: separated by 、 ， ； or new lines; repeats dropped."""
    if isinstance(value, list | tuple):
        parts = [clean_text(v) for v in value]
    else:
        parts = [clean_text(p) for p in LIST_SPLIT.split(clean_text(value))]
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return seen


def check_item(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The cleaned text values of an item and the problems found, by key (field not resolved)."""
    cleaned: dict[str, Any] = {key: clean_text(data.get(key, "")) for key in TEXT_KEYS}
    errors: dict[str, str] = {}
    for key in REQUIRED:
        if not cleaned[key]:
            errors[key] = f"请填写{LABELS[key]}。"
    for key, limit in MAX_LENGTHS.items():
        if len(cleaned[key]) > limit:
            errors[key] = f"{LABELS[key]}不能超过 {limit} 个字（现为 {len(cleaned[key])} 个）。"
    code = cleaned["code"]
    if code and "code" not in errors and not CODE_RE.match(code):
        errors["code"] = (
            "条目编码只能由英文字母、数字和 . _ - 组成，且以字母或数字开头，如 HG-SP-01。"
        )
    cleaned["industries"] = split_list(data.get("industries", ""))
    codes = split_list(data.get("inspection_item_codes", ""))
    bad = [c for c in codes if not CODE_RE.match(c) or len(c) > 32]
    if bad:
        errors["inspection_item_codes"] = (
            "对应检查事项编码“"
            + "、".join(bad)
            + "”格式不正确：每个编码由英文字母、数字和 . _ - 组成，"
            "多个编码用“、”分隔。"
        )
    cleaned["inspection_item_codes"] = codes
    raw_position = clean_text(data.get("position", ""))
    if raw_position == "":
        cleaned["position"] = 0
    elif params.is_digits(raw_position) and int(raw_position) < 1_000_000:
        cleaned["position"] = int(raw_position)
    else:
        errors["position"] = "排序应为不超过 999999 的非负整数，可留空。"
    return cleaned, errors
