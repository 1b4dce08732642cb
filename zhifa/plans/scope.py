"""Which industries a plan task draws its enterprises from.

A 卫健委 public-place hygiene task must not draw construction or chemical companies: its pool is
limited to the industries its inspection items apply to (GB/T 4754-2017 门类/大类, see
``zhifa.registry.industries``). A task may name its own industries within theirs, or choose
"不限行业" explicitly; leaving things blank never widens a pool to every industry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zhifa.registry import industries

if TYPE_CHECKING:
    from zhifa.plans.models import InspectionItem, PlanTask

ALL = "all"
TASK = "task"
ITEMS = "items"
NONE = "none"


@dataclass(frozen=True)
class IndustryScope:
    """``source``: ``all`` (不限行业 chosen), ``task`` (the task's own codes), ``items`` (the
    union of its items' industries) or ``none`` (nothing to draw from: no item names one)."""

    source: str
    codes: tuple[str, ...] = ()
    # Items of the task that name no industry (they neither widen nor narrow the pool).
    unscoped_items: tuple[str, ...] = ()

    @property
    def is_all(self) -> bool:
        return self.source == ALL

    @property
    def is_undetermined(self) -> bool:
        return self.source == NONE

    def enterprise_codes(self) -> list[str] | None:
        """The 行业代码 values of enterprises in the pool; None when every industry is."""
        if self.is_all:
            return None
        return industries.matching_codes(self.codes)

    def describe(self) -> str:
        """The filter in words, as the public record and the pages state it."""
        if self.is_all:
            return "不限行业（计划任务明确选择“不限行业”）"
        if self.is_undetermined:
            return "未确定（检查事项均未设置适用行业）"
        listed = industries.describe(self.codes)
        if self.source == TASK:
            return f"限于计划任务指定的行业（{industries.STANDARD}）：{listed}"
        return f"限于检查事项适用的行业（{industries.STANDARD}）：{listed}"

    def short(self) -> str:
        """For a table cell: ``不限行业`` or the codes with names."""
        if self.is_all:
            return "不限行业"
        if self.is_undetermined:
            return "未确定"
        return industries.describe(self.codes)

    def as_record(self) -> dict[str, Any]:
        """What a draw freezes at announcement and publishes."""
        if self.is_all:
            return {"all": True, "from": self.source, "description": self.describe()}
        return {
            "all": False,
            "from": self.source,
            "standard": industries.STANDARD,
            "codes": list(self.codes),
            "names": [industries.label(c) for c in self.codes],
            "enterprise_codes": self.enterprise_codes(),
            "description": self.describe(),
        }


def items_industries(items: Iterable[InspectionItem]) -> tuple[list[str], list[str]]:
    """(the union of the items' industries in shortest form, codes of items that name none)."""
    codes: set[str] = set()
    unscoped: list[str] = []
    for item in items:
        if item.industries:
            codes.update(item.industries)
        else:
            unscoped.append(item.code)
    return industries.normalise(codes), sorted(unscoped)


def scope_of(
    *, all_industries: bool, task_codes: Iterable[str], items: Iterable[InspectionItem]
) -> IndustryScope:
    union, unscoped = items_industries(items)
    if all_industries:
        return IndustryScope(ALL, unscoped_items=tuple(unscoped))
    chosen = industries.normalise(task_codes)
    if chosen:
        return IndustryScope(TASK, tuple(chosen), tuple(unscoped))
    if union:
        return IndustryScope(ITEMS, tuple(union), tuple(unscoped))
    return IndustryScope(NONE, (), tuple(unscoped))


def task_scope(task: PlanTask) -> IndustryScope:
    return scope_of(
        all_industries=task.all_industries,
        task_codes=task.industries or [],
        items=task.items.all(),
    )


def outside(task_codes: Iterable[str], items: Iterable[InspectionItem]) -> list[str]:
    """Codes a task names that its items' industries do not cover (none when no item names
    any: then the task's own codes are the only statement of its scope)."""
    union, _ = items_industries(items)
    if not union:
        return []
    return [c for c in industries.ordered(task_codes) if not industries.covers(union, c)]


def clean(data: Any, items: Iterable[InspectionItem]) -> tuple[bool, list[str], str]:
    """(不限行业, the task's own codes, a Chinese message naming what is wrong) for a task's input.

    ``data`` holds ``all_industries`` and ``industries`` (codes, or text as in the import file).
    An amendment written before tasks had these carries ``industry`` instead: blank meant 不限行业
    then, and a GB/T 4754 name is taken as its code."""
    items = list(items)
    if "industry" in data and "all_industries" not in data and "industries" not in data:
        legacy = str(data.get("industry") or "").strip()
        if not legacy:
            return True, [], ""
        code = industries.code_for_name(legacy)
        data = {"industries": [code] if code else legacy}
    raw_all = data.get("all_industries", False)
    all_industries = raw_all is True or str(raw_all).strip().lower() in ("1", "true", "on", "是")
    codes, problems = industries.parse(data.get("industries") or "")
    if problems:
        return all_industries, [], "抽取行业：" + "；".join(problems)
    codes = industries.normalise(codes)
    if all_industries and codes:
        return True, [], "抽取行业：已选择“不限行业”，就不要再指定行业；请二选一。"
    beyond = outside(codes, items)
    if beyond:
        union, _ = items_industries(items)
        return (
            False,
            [],
            f"抽取行业：{industries.describe(beyond)} 不在所选检查事项的适用行业"
            f"（{industries.describe(union)}）之内；任务只能在事项适用的行业中抽取，"
            "或明确选择“不限行业”。",
        )
    if not all_industries and not codes and not items_industries(items)[0]:
        return (
            False,
            [],
            "抽取行业：所选检查事项都没有设置适用行业，抽取名录无法确定；请先为检查事项设置"
            "适用行业，或在此指定抽取行业，或明确选择“不限行业”。",
        )
    return all_industries, codes, ""
