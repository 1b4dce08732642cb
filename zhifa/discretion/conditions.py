"""The structured conditions of a discretion item, and their spreadsheet columns.

An item's ``conditions`` is a JSON list of dicts, each with a ``kind``; every condition must hold
for the item to apply. The schema is defined here (pydantic), never free text:

- ``{"kind": "first_violation", "years": 2}``: no decision on the same violation within N years
- ``{"kind": "harm_at_most", "level": "minor"}``: harm none < minor < general < serious
- ``{"kind": "corrected_within", "days": 10, "working_days": true}``: corrected within N
  (working) days of the order to correct; ``days`` null means the deadline the officer set
- ``{"kind": "corrected_before_inspection"}``: corrected before the inspection found it
- ``{"kind": "no_subjective_fault"}``: evidence shows no subjective fault
- ``{"kind": "amount_at_most", "measure": "illegal_income", "limit": "5000"}`` (元)
- ``{"kind": "duration_at_most", "days": 30}``: the violation lasted at most N days
- ``{"kind": "statutory_circumstance", "any_of": ["eliminated_harm", "confessed"]}``:
  one of the circumstances of 行政处罚法 Art. 32 is present

This module imports nothing from Django so that the engine stays pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic import ValidationError as PydanticError


class HarmLevel(StrEnum):
    NONE = "none"
    MINOR = "minor"
    GENERAL = "general"
    SERIOUS = "serious"


HARM_LABELS: dict[str, str] = {
    HarmLevel.NONE: "未造成危害后果",
    HarmLevel.MINOR: "危害后果轻微",
    HarmLevel.GENERAL: "危害后果一般",
    HarmLevel.SERIOUS: "危害后果严重",
}
HARM_SHORT: dict[str, str] = {
    HarmLevel.NONE: "无",
    HarmLevel.MINOR: "轻微",
    HarmLevel.GENERAL: "一般",
    HarmLevel.SERIOUS: "严重",
}
HARM_RANK: dict[str, int] = {level.value: rank for rank, level in enumerate(HarmLevel)}


class AmountMeasure(StrEnum):
    ILLEGAL_INCOME = "illegal_income"
    GOODS_VALUE = "goods_value"
    TURNOVER = "turnover"


AMOUNT_LABELS: dict[str, str] = {
    AmountMeasure.ILLEGAL_INCOME: "违法所得",
    AmountMeasure.GOODS_VALUE: "货值金额",
    AmountMeasure.TURNOVER: "违法经营额",
}


class Circumstance(StrEnum):
    """行政处罚法（2021）第三十二条 items (一)–(五)."""

    ELIMINATED_HARM = "eliminated_harm"
    COERCED = "coerced"
    CONFESSED = "confessed"
    MERITORIOUS = "meritorious"
    OTHER = "other"


CIRCUMSTANCE_LABELS: dict[str, str] = {
    Circumstance.ELIMINATED_HARM: "主动消除或者减轻违法行为危害后果",
    Circumstance.COERCED: "受他人胁迫或者诱骗实施违法行为",
    Circumstance.CONFESSED: "主动供述行政机关尚未掌握的违法行为",
    Circumstance.MERITORIOUS: "配合行政机关查处违法行为有立功表现",
    Circumstance.OTHER: "法律、法规、规章规定其他应当从轻或者减轻行政处罚的情形",
}
CIRCUMSTANCE_SHORT: dict[str, str] = {
    Circumstance.ELIMINATED_HARM: "主动消除或减轻危害后果",
    Circumstance.COERCED: "受胁迫或诱骗",
    Circumstance.CONFESSED: "主动供述",
    Circumstance.MERITORIOUS: "立功表现",
    Circumstance.OTHER: "其他法定情形",
}

KIND_LABELS: dict[str, str] = {
    "first_violation": "首次违法",
    "harm_at_most": "危害程度",
    "corrected_within": "限期改正",
    "corrected_before_inspection": "检查前改正",
    "no_subjective_fault": "无主观过错",
    "amount_at_most": "金额上限",
    "duration_at_most": "持续时间",
    "statutory_circumstance": "法定从轻减轻情形",
}


class _Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FirstViolation(_Condition):
    kind: Literal["first_violation"] = "first_violation"
    years: int = Field(ge=1, le=10)


class HarmAtMost(_Condition):
    kind: Literal["harm_at_most"] = "harm_at_most"
    level: HarmLevel


class CorrectedWithin(_Condition):
    kind: Literal["corrected_within"] = "corrected_within"
    days: int | None = Field(default=None, ge=1, le=365)
    working_days: bool = True


class CorrectedBeforeInspection(_Condition):
    kind: Literal["corrected_before_inspection"] = "corrected_before_inspection"


class NoSubjectiveFault(_Condition):
    kind: Literal["no_subjective_fault"] = "no_subjective_fault"


class AmountAtMost(_Condition):
    kind: Literal["amount_at_most"] = "amount_at_most"
    measure: AmountMeasure
    limit: Decimal = Field(ge=0, max_digits=14, decimal_places=2)


class DurationAtMost(_Condition):
    kind: Literal["duration_at_most"] = "duration_at_most"
    days: int = Field(ge=0, le=3650)


class StatutoryCircumstance(_Condition):
    kind: Literal["statutory_circumstance"] = "statutory_circumstance"
    any_of: tuple[Circumstance, ...] = Field(min_length=1)


Condition = Annotated[
    FirstViolation
    | HarmAtMost
    | CorrectedWithin
    | CorrectedBeforeInspection
    | NoSubjectiveFault
    | AmountAtMost
    | DurationAtMost
    | StatutoryCircumstance,
    Field(discriminator="kind"),
]
_ADAPTER: TypeAdapter[list[Condition]] = TypeAdapter(list[Condition])


class ConditionError(ValueError):
    """The conditions are not valid; ``str(error)`` is the Chinese reason."""


def _key(condition: Condition) -> str:
    if isinstance(condition, AmountAtMost):
        return f"{condition.kind}:{condition.measure}"
    return condition.kind


def parse_conditions(data: Any) -> list[Condition]:
    """Validated conditions from their JSON form; ``ConditionError`` names the bad one."""
    if not isinstance(data, list | tuple):
        raise ConditionError("适用条件应为条件列表。")
    try:
        conditions = _ADAPTER.validate_python(list(data))
    except PydanticError as error:
        first = error.errors()[0]
        loc = first.get("loc", ())
        index = loc[0] if loc and isinstance(loc[0], int) else 0
        raw = data[index] if index < len(data) and isinstance(data[index], Mapping) else {}
        label = KIND_LABELS.get(str(raw.get("kind", "")), str(raw.get("kind", "")) or "未写明")
        names = [str(p) for p in loc[2:] if not isinstance(p, int)] if len(loc) > 1 else []
        where = f"的“{names[-1]}”" if names else ""
        raise ConditionError(
            f"第 {index + 1} 个适用条件（{label}）{where}取值无效：请按条件格式填写。"
        ) from None
    seen: set[str] = set()
    for condition in conditions:
        key = _key(condition)
        if key in seen:
            raise ConditionError(
                f"适用条件“{KIND_LABELS[condition.kind]}”重复出现，同类条件只能写一个。"
            )
        seen.add(key)
    return conditions


def dump_conditions(conditions: Sequence[Condition]) -> list[dict[str, Any]]:
    """The JSON form stored in the database (Decimals as text, so they round-trip exactly)."""
    return [c.model_dump(mode="json") for c in conditions]


def describe(condition: Condition) -> str:
    """The condition as a reader of the published list sees it."""
    if isinstance(condition, FirstViolation):
        return f"首次违法（近{condition.years}年内无同类违法记录）"
    if isinstance(condition, HarmAtMost):
        if condition.level == HarmLevel.NONE:
            return "未造成危害后果"
        return f"危害后果不超过“{HARM_SHORT[condition.level]}”"
    if isinstance(condition, CorrectedWithin):
        if condition.days is None:
            return "在责令改正期限内改正"
        unit = "个工作日" if condition.working_days else "日"
        return f"自责令改正之日起{condition.days}{unit}内改正"
    if isinstance(condition, CorrectedBeforeInspection):
        return "在检查发现前已主动改正"
    if isinstance(condition, NoSubjectiveFault):
        return "有证据足以证明没有主观过错"
    if isinstance(condition, AmountAtMost):
        return f"{AMOUNT_LABELS[condition.measure]}不超过{format_yuan(condition.limit)}"
    if isinstance(condition, DurationAtMost):
        return f"违法行为持续时间不超过{condition.days}日"
    names = "、".join(CIRCUMSTANCE_SHORT[c] for c in condition.any_of)
    return f"具有行政处罚法第三十二条规定的情形之一（{names}）"


def plain_amount(value: Decimal) -> str:
    """An amount as people write it: 500, not 500.00; 1999.5 stays as it is."""
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def format_yuan(value: Decimal) -> str:
    return f"{plain_amount(value)} 元"


# --- Spreadsheet and form columns -------------------------------------------------------------

# (key, header, rule, example). The same keys are the item form's fields.
CONDITION_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("first_years", "首次违法年限", "填年数 1–10：近 N 年内无同类违法记录；空为不要求", "2"),
    ("harm_max", "危害程度上限", "无、轻微、一般 或 严重；空为不要求", "轻微"),
    ("before_inspection", "须检查前改正", "是 或 否，空为 否", "否"),
    (
        "correction",
        "改正期限",
        "如 5个工作日、15日、责令期限内；空为不要求",
        "责令期限内",
    ),
    ("no_fault", "须无主观过错", "是 或 否，空为 否", "否"),
    ("income_max", "违法所得上限(元)", "非负金额；空为不要求", ""),
    ("goods_max", "货值金额上限(元)", "非负金额；空为不要求", ""),
    ("turnover_max", "违法经营额上限(元)", "非负金额；空为不要求", ""),
    ("duration_max", "持续时间上限(日)", "0–3650 的整数；空为不要求", ""),
    (
        "circumstances",
        "法定从轻减轻情形(具备其一)",
        "用“；”分隔：" + "、".join(CIRCUMSTANCE_SHORT.values()) + "；空为不要求",
        "",
    ),
)
CONDITION_KEYS = tuple(key for key, *_ in CONDITION_COLUMNS)
CONDITION_HEADERS = {key: header for key, header, *_ in CONDITION_COLUMNS}

_YES = {"是", "需", "须", "1", "Y", "y", "true", "True", "TRUE"}
_NO = {"", "否", "不", "0", "N", "n", "false", "False", "FALSE"}
_HARM_BY_TEXT = {
    **{v: k for k, v in HARM_SHORT.items()},
    **{v: k for k, v in HARM_LABELS.items()},
    **{level.value: level.value for level in HarmLevel},
    "未造成危害后果": HarmLevel.NONE,
    "没有危害后果": HarmLevel.NONE,
}
_CIRCUMSTANCE_BY_TEXT = {
    **{v: k for k, v in CIRCUMSTANCE_SHORT.items()},
    **{v: k for k, v in CIRCUMSTANCE_LABELS.items()},
    **{c.value: c.value for c in Circumstance},
}
_CORRECTION_RE = re.compile(r"^(\d+)\s*(个工作日|工作日|日|天|个自然日|自然日)$")
_DEADLINE_WORDS = {"责令期限内", "责令改正期限内", "限期内", "期限内"}
_SPLIT = re.compile(r"[；;、,，\n]+")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value).replace("\u3000", " ").strip()


def _amount(text: str, header: str) -> tuple[Decimal | None, str]:
    if not text:
        return None, ""
    cleaned = text.replace(",", "").replace("，", "").removesuffix("元").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None, f"{header}应为金额（元），“{text}”不是数字。"
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        return None, f"{header}应为不小于 0、最多两位小数的金额，填写的是“{text}”。"
    return value, ""


def _integer(text: str, header: str, low: int, high: int) -> tuple[int | None, str]:
    if not text:
        return None, ""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, f"{header}应为整数（{low}–{high}），“{text}”不是整数。"
    if not number.is_finite() or number != number.to_integral():
        return None, f"{header}应为整数（{low}–{high}），“{text}”不是整数。"
    if not low <= int(number) <= high:
        return None, f"{header}应在 {low} 至 {high} 之间，填写的是 {int(number)}。"
    return int(number), ""


def _flag(text: str, header: str) -> tuple[bool, str]:
    if text in _YES:
        return True, ""
    if text in _NO:
        return False, ""
    return False, f"{header}：请填写“是”或“否”，“{text}”无法识别。"


def conditions_from_columns(
    values: Mapping[str, Any],
) -> tuple[list[Condition], dict[str, str]]:
    """Conditions from the human columns (keys of ``CONDITION_COLUMNS``), and {key: message}."""
    errors: dict[str, str] = {}
    out: list[Condition] = []
    text = {key: _text(values.get(key)) for key in CONDITION_KEYS}
    h = CONDITION_HEADERS

    years, message = _integer(text["first_years"], h["first_years"], 1, 10)
    if message:
        errors["first_years"] = message
    elif years is not None:
        out.append(FirstViolation(years=years))

    if text["harm_max"]:
        level = _HARM_BY_TEXT.get(text["harm_max"])
        if level is None:
            errors["harm_max"] = (
                f"{h['harm_max']}应为 无、轻微、一般 或 严重 之一，“{text['harm_max']}”无法识别。"
            )
        else:
            out.append(HarmAtMost(level=HarmLevel(level)))

    flag, message = _flag(text["before_inspection"], h["before_inspection"])
    if message:
        errors["before_inspection"] = message
    elif flag:
        out.append(CorrectedBeforeInspection())

    correction = text["correction"].replace(" ", "")
    if correction:
        match = _CORRECTION_RE.match(correction)
        if correction in _DEADLINE_WORDS:
            out.append(CorrectedWithin(days=None))
        elif match and 1 <= int(match.group(1)) <= 365:
            out.append(
                CorrectedWithin(days=int(match.group(1)), working_days="工作日" in match.group(2))
            )
        else:
            errors["correction"] = (
                f"{h['correction']}应写作“5个工作日”“15日”或“责令期限内”（1–365），"
                f"“{text['correction']}”无法识别。"
            )

    flag, message = _flag(text["no_fault"], h["no_fault"])
    if message:
        errors["no_fault"] = message
    elif flag:
        out.append(NoSubjectiveFault())

    for key, measure in (
        ("income_max", AmountMeasure.ILLEGAL_INCOME),
        ("goods_max", AmountMeasure.GOODS_VALUE),
        ("turnover_max", AmountMeasure.TURNOVER),
    ):
        amount, message = _amount(text[key], h[key])
        if message:
            errors[key] = message
        elif amount is not None:
            out.append(AmountAtMost(measure=measure, limit=amount))

    days, message = _integer(text["duration_max"], h["duration_max"], 0, 3650)
    if message:
        errors["duration_max"] = message
    elif days is not None:
        out.append(DurationAtMost(days=days))

    if text["circumstances"]:
        parts = [p.strip() for p in _SPLIT.split(text["circumstances"]) if p.strip()]
        unknown = [p for p in parts if p not in _CIRCUMSTANCE_BY_TEXT]
        if unknown:
            errors["circumstances"] = (
                f"{h['circumstances']}中“{'、'.join(unknown)}”无法识别，应为 "
                + "、".join(CIRCUMSTANCE_SHORT.values())
                + " 之一（多个用“；”分隔）。"
            )
        else:
            chosen = tuple(dict.fromkeys(Circumstance(_CIRCUMSTANCE_BY_TEXT[p]) for p in parts))
            out.append(StatutoryCircumstance(any_of=chosen))
    return out, errors


def columns_from_conditions(conditions: Sequence[Condition]) -> dict[str, str]:
    """The human columns of stored conditions (the export writes these, so they import back)."""
    cells = dict.fromkeys(CONDITION_KEYS, "")
    cells["before_inspection"] = "否"
    cells["no_fault"] = "否"
    for c in conditions:
        if isinstance(c, FirstViolation):
            cells["first_years"] = str(c.years)
        elif isinstance(c, HarmAtMost):
            cells["harm_max"] = HARM_SHORT[c.level]
        elif isinstance(c, CorrectedBeforeInspection):
            cells["before_inspection"] = "是"
        elif isinstance(c, CorrectedWithin):
            if c.days is None:
                cells["correction"] = "责令期限内"
            else:
                cells["correction"] = f"{c.days}{'个工作日' if c.working_days else '日'}"
        elif isinstance(c, NoSubjectiveFault):
            cells["no_fault"] = "是"
        elif isinstance(c, AmountAtMost):
            key = {
                AmountMeasure.ILLEGAL_INCOME: "income_max",
                AmountMeasure.GOODS_VALUE: "goods_max",
                AmountMeasure.TURNOVER: "turnover_max",
            }[c.measure]
            cells[key] = f"{c.limit:f}"
        elif isinstance(c, DurationAtMost):
            cells["duration_max"] = str(c.days)
        elif isinstance(c, StatutoryCircumstance):
            cells["circumstances"] = "；".join(CIRCUMSTANCE_SHORT[x] for x in c.any_of)
    return cells
