"""The registry's rules, shared by the services, the import, the forms and the API.

Who may write: 执法人员 and 执法机关负责人 of an organisation, for enterprises in that
organisation's region subtree, and 系统管理员 everywhere. 执法监督人员 and 企业用户 only read.
A code that is well formed but fails the GB 32100-2015 check character is kept only with a
reviewed override, granted by a 执法机关负责人 or a 系统管理员.

Every check returns a Chinese message (or None) that names what is wrong and what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from zhifa.core import access
from zhifa.core.access import capability
from zhifa.core.identifiers import (
    IdentifierError,
    check_uscc_format,
    normalise_uscc,
    uscc_check_char,
)
from zhifa.core.tabular import clean_text as clean_text  # forms and importers share it
from zhifa.org.models import Region
from zhifa.org.roles import Role
from zhifa.registry import industries

WRITER_ROLES = (Role.INSPECTOR, Role.APPROVER)
OVERRIDE_ROLES = (Role.APPROVER,)

WRITE_DENIED = (
    "企业名录只能由执法人员、执法机关负责人或系统管理员登记和修改；执法监督人员和企业用户只能查看。"
)
OVERRIDE_DENIED = (
    "校验位人工复核只能由执法机关负责人或系统管理员办理。"
    "请核对统一社会信用代码，或交由本机关负责人复核登记。"
)

MOBILE_RE = re.compile(r"^1[0-9]{10}$")
GRADES = ("A", "B", "C", "D")


def industry_code(value: Any, industry: str) -> tuple[str, str]:
    """The 行业代码 to store and a Chinese message when it cannot be read.

    Empty input takes the code of the 行业 name when that is a GB/T 4754 name, so a list that
    gives only names still matches the draws' industry filters."""
    text = clean_text(value)
    if not text:
        return industries.code_for_name(industry), ""
    codes, errors = industries.parse(text)
    if errors:
        return "", "行业代码：" + errors[0]
    if len(codes) != 1:
        return "", (
            f"行业代码：只能填写一个代码（企业所属的 {industries.STANDARD} 大类，"
            f"或只知门类时填门类字母），填写的是“{text}”。"
        )
    return codes[0], ""


MAX_LENGTHS = {
    "name": 200,
    "legal_representative": 64,
    "address": 255,
    "industry": 64,
    "contact_name": 64,
    "uscc_override_reason": 255,
}


# --- Who may do what --------------------------------------------------------------------------
# The capabilities below are the registry's part of the one table (zhifa.core.access); the
# services, pages, API and menu ask ``access.can``/``require`` with these names.

LIST_DENIED = (
    "企业名录仅限执法机关工作人员、执法监督人员和系统管理员查看；"
    "企业用户请从“本企业信息”查看本企业。"
)
OUT_OF_JURISDICTION = "该企业不在您所在机构的管辖范围内，不能修改其登记信息。"


def writer_organisations(user: Any) -> set[int]:
    """The organisations for which ``user`` keeps the registry (any of his roles counts)."""
    return user.organisations_as(*WRITER_ROLES)


def _writer_refusal(user: Any) -> str | None:
    if user.is_admin or writer_organisations(user):
        return None
    return WRITE_DENIED


@capability("enterprise.list", "查看、导出企业名录（限本人可见的企业）")
def _may_list(user: Any, obj: Any) -> str | None:
    # An enterprise user sees one enterprise, its own, from its detail page; the list is for
    # those who keep or supervise the registry.
    if user.is_admin or user.is_agency_user or user.is_supervisor:
        return None
    return LIST_DENIED


@capability("enterprise.view", "查看企业登记信息")
def _may_view(user: Any, obj: Any) -> str | None:
    # Who sees which enterprise is the row restriction's answer; seen is allowed.
    return None


@capability("enterprise.register", "登记企业（逐家登记或批量导入）")
def _may_register(user: Any, obj: Any) -> str | None:
    return _writer_refusal(user)


@capability("enterprise.edit", "修改企业登记信息和送达联系人")
def _may_edit(user: Any, obj: Any) -> str | None:
    refused = _writer_refusal(user)
    if refused is None and obj is not None and not in_jurisdiction(user, obj.region_id):
        return OUT_OF_JURISDICTION
    return refused


@capability("enterprise.review_code", "人工复核校验位不符的统一社会信用代码")
def _may_review_code(user: Any, obj: Any) -> str | None:
    refused = _may_edit(user, obj)
    if refused is not None:
        return refused
    if user.is_admin or user.organisations_as(*OVERRIDE_ROLES):
        return None
    return OVERRIDE_DENIED


def can_write(user: Any) -> bool:
    return access.can(user, "enterprise.register")


def can_override(user: Any) -> bool:
    return access.can(user, "enterprise.review_code")


def jurisdictions(user: Any) -> list[Region] | None:
    """The regions in whose subtrees the user may register enterprises: those of the
    organisations he keeps the registry for; None: everywhere (administrators)."""
    if user.is_admin:
        return None
    ids = tuple(sorted(writer_organisations(user)))
    if not ids:
        return []
    # An import asks this once per row: keep the answer on the user for the same grants.
    cached = user.__dict__.get("_registry_jurisdictions")
    if cached is None or cached[0] != ids:
        regions = Region.objects.filter(organisations__pk__in=ids).distinct().order_by("code")
        cached = (ids, list(regions))
        user.__dict__["_registry_jurisdictions"] = cached
    return list(cached[1])


def in_jurisdiction(user: Any, region_code: str) -> bool:
    regions = jurisdictions(user)
    if regions is None:
        return True
    return any(region_code.startswith(region.code_prefix) for region in regions)


def region_outside_message(user: Any, region: Region | str) -> str:
    regions = jurisdictions(user) or []
    home_name = "、".join(r.full_name for r in regions) or "无"
    label = f"{region.full_name}（{region.code}）" if isinstance(region, Region) else region
    return f"所在区划“{label}”不在您所在机构的管辖范围（{home_name}）内，请填写辖区内的区划。"


# --- Field checks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class UsccVerdict:
    """The outcome of checking a code: ``error`` for a malformed one, ``expected`` (the right
    18th character) for a well-formed one that fails the check character."""

    code: str
    error: str | None = None
    expected: str | None = None

    @property
    def well_formed(self) -> bool:
        return self.error is None

    @property
    def needs_override(self) -> bool:
        return self.error is None and self.expected is not None

    def check_message(self, *, may_override: bool, how: str) -> str:
        """Why the check character fails, and what the user can do about it."""
        base = (
            f"统一社会信用代码“{self.code}”校验位错误：第 18 位应为“{self.expected}”，"
            f"实际为“{self.code[17]}”。请核对代码；"
        )
        if may_override:
            return base + f"确属登记机关赋码的真实代码时，{how}。"
        return base + "确属真实代码时，须由执法机关负责人或系统管理员人工复核后登记。"


def check_uscc(raw: Any) -> UsccVerdict:
    code = normalise_uscc(clean_text(raw))
    if not code:
        return UsccVerdict(code, error="请填写 18 位统一社会信用代码。")
    try:
        check_uscc_format(code)
    except IdentifierError as error:
        return UsccVerdict(code, error=f"{error}请核对后重新填写。")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return UsccVerdict(code, expected=expected)
    return UsccVerdict(code)


def normalise_grade(raw: Any) -> str:
    value = clean_text(raw).upper()
    if value.endswith("类"):
        value = value[:-1].strip()
    return value


def grade_error(value: str) -> str | None:
    if not value:
        return "请填写信用风险分类（A、B、C、D 之一）。"
    if value not in GRADES:
        return f"信用风险分类应为 A、B、C、D 之一，实际为“{value}”。"
    return None


def mobile_error(value: str) -> str | None:
    if value and not MOBILE_RE.match(value):
        return f"手机号应为以 1 开头的 11 位数字，实际为“{value}”，请核对后重新填写。"
    return None


def email_error(value: str) -> str | None:
    if not value:
        return None
    try:
        validate_email(value)
    except DjangoValidationError:
        return f"电子邮箱“{value}”格式不正确，请填写如 name@example.com 的地址。"
    if len(value) > 254:
        return "电子邮箱超过 254 个字符，请核对后重新填写。"
    return None


def too_long_message(label: str, value: str, limit: int) -> str | None:
    if len(value) > limit:
        return f"{label}超过 {limit} 个字符（实际 {len(value)} 个），请精简后重新填写。"
    return None


def contact_errors(name: str, mobile: str, email: str) -> dict[str, str]:
    """Errors of a delivery contact, keyed ``name``/``mobile``/``email``; empty when fine or
    when nothing was given at all (a contact is optional)."""
    errors: dict[str, str] = {}
    if not (name or mobile or email):
        return errors
    if not name:
        errors["name"] = "填写了联系人手机或邮箱时，请同时填写联系人姓名。"
    elif len(name) > MAX_LENGTHS["contact_name"]:
        errors["name"] = f"联系人姓名超过 {MAX_LENGTHS['contact_name']} 个字符，请精简。"
    if not (mobile or email):
        errors["mobile"] = "请填写联系人手机或电子邮箱，以便送达检查通知。"
    message = mobile_error(mobile)
    if message:
        errors["mobile"] = message
    message = email_error(email)
    if message:
        errors["email"] = message
    return errors
