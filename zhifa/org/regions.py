"""Loading the GB/T 2260 region table shipped in ``zhifa/org/data/`` (see SOURCE.md there).

The table is data, not code: a CSV with the columns ``code,name,level,parent_code`` covering the
province, prefecture and county levels. ``load_regions`` upserts it in bulk, parents first, and
writes one audit record when it changed anything; a second run changes nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from zhifa.audit.services import record_change
from zhifa.org.models import Region, RegionLevel

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_CSV = DATA_DIR / "regions_2023.csv"
REGIONS_EDITION = "国家统计局2023年统计用区划代码（截止2023-06-30）县级以上部分"
COLUMNS = ("code", "name", "level", "parent_code")
LEVEL_ORDER = {
    RegionLevel.PROVINCE.value: 0,
    RegionLevel.CITY.value: 1,
    RegionLevel.COUNTY.value: 2,
    RegionLevel.TOWNSHIP.value: 3,
}
CODE_LENGTHS = {
    RegionLevel.PROVINCE.value: 6,
    RegionLevel.CITY.value: 6,
    RegionLevel.COUNTY.value: 6,
    RegionLevel.TOWNSHIP.value: 9,
}


class RegionTableError(ValueError):
    """A region table that cannot be loaded; ``str(error)`` names the row and the reason."""


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent_code: str


@dataclass(frozen=True)
class RegionLoadResult:
    total: int
    created: int
    updated: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def read_region_table(path: Path | str | None = None) -> list[RegionRow]:
    """The rows of the table at ``path`` (default: the shipped table), checked and parents first."""
    source = Path(path) if path is not None else REGIONS_CSV
    try:
        handle = source.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise RegionTableError(f"无法读取区划代码表“{source}”：{error.strerror}。") from None
    rows: list[RegionRow] = []
    seen: set[str] = set()
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise RegionTableError(
                f"区划代码表缺少列：{'、'.join(missing)}。表头应为 {','.join(COLUMNS)}。"
            )
        for line, raw in enumerate(reader, start=2):
            row = RegionRow(*((raw.get(c) or "").strip() for c in COLUMNS))
            _check_row(row, line, seen)
            seen.add(row.code)
            rows.append(row)
    rows.sort(key=lambda r: (LEVEL_ORDER[r.level], r.code))
    return rows


def _check_row(row: RegionRow, line: int, seen: set[str]) -> None:
    where = f"区划代码表第 {line} 行"
    if row.level not in LEVEL_ORDER:
        allowed = "、".join(LEVEL_ORDER)
        raise RegionTableError(f"{where}：级别“{row.level}”无效，应为 {allowed} 之一。")
    if not row.code.isdigit() or len(row.code) != CODE_LENGTHS[row.level]:
        raise RegionTableError(f"{where}：代码“{row.code}”应为 {CODE_LENGTHS[row.level]} 位数字。")
    if not row.name:
        raise RegionTableError(f"{where}：代码 {row.code} 缺少名称。")
    if row.code in seen:
        raise RegionTableError(f"{where}：代码 {row.code} 重复出现。")
    if row.level == RegionLevel.PROVINCE and row.parent_code:
        raise RegionTableError(f"{where}：省级区划 {row.code} 不应有上级区划。")
    if row.level != RegionLevel.PROVINCE and not row.parent_code:
        raise RegionTableError(f"{where}：{row.code} {row.name} 缺少上级区划代码。")


def load_regions(path: Path | str | None = None, *, actor: Any = None) -> int:
    """Upsert the region table; returns the number of rows in it. Idempotent."""
    return load_region_table(path, actor=actor).total


def load_region_table(path: Path | str | None = None, *, actor: Any = None) -> RegionLoadResult:
    """Upsert the region table (parents first) and say how many rows were created or updated.

    Rows already in the database but not in the table (e.g. townships added later) are left
    alone, and so is each region's own notice-days setting.
    """
    rows = read_region_table(path)
    with transaction.atomic():
        existing = {
            code: (name, level, parent)
            for code, name, level, parent in Region.objects.values_list(
                "code", "name", "level", "parent_id"
            )
        }
        known = set(existing) | {row.code for row in rows}
        for row in rows:
            if row.parent_code and row.parent_code not in known:
                raise RegionTableError(
                    f"区划 {row.code} {row.name} 的上级区划代码 {row.parent_code} "
                    "既不在表中，也不在数据库中。"
                )
        to_create: list[Region] = []
        to_update: list[Region] = []
        for row in rows:
            region = Region(
                code=row.code, name=row.name, level=row.level, parent_id=row.parent_code or None
            )
            current = existing.get(row.code)
            if current is None:
                to_create.append(region)
            elif current != (row.name, row.level, row.parent_code or None):
                to_update.append(region)
        # Parents first, one level at a time, so that each level's parents already exist.
        for level in LEVEL_ORDER:
            batch = [region for region in to_create if region.level == level]
            if batch:
                Region.objects.bulk_create(batch, batch_size=500)
        if to_update:
            Region.objects.bulk_update(to_update, ["name", "level", "parent"], batch_size=500)
        result = RegionLoadResult(total=len(rows), created=len(to_create), updated=len(to_update))
        if result.changed:
            record_change(
                actor=actor,
                action="region.load",
                object_type="org.region",
                object_id="table",
                after={
                    "edition": REGIONS_EDITION,
                    "rows": result.total,
                    "created": result.created,
                    "updated": result.updated,
                },
                summary=(
                    f"载入行政区划代码表 {result.total} 条"
                    f"（新增 {result.created} 条，更新 {result.updated} 条）"
                ),
            )
    return result
