from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhifa.audit.models import AuditRecord
from zhifa.org.models import Region, RegionLevel
from zhifa.org.regions import (
    REGIONS_CSV,
    RegionTableError,
    load_region_table,
    load_regions,
    read_region_table,
)

pytestmark = pytest.mark.django_db

TABLE_ROWS = 3209
SIX_PLACES = {
    # code: (name, level, parent code, parent name, code prefix)
    "330900": ("舟山市", RegionLevel.CITY, "330000", "浙江省", "3309"),
    "500000": ("重庆市", RegionLevel.PROVINCE, None, None, "50"),
    "150204": ("青山区", RegionLevel.COUNTY, "150200", "包头市", "150204"),
    "140700": ("晋中市", RegionLevel.CITY, "140000", "山西省", "1407"),
    "140429": ("武乡县", RegionLevel.COUNTY, "140400", "长治市", "140429"),
    "450800": ("贵港市", RegionLevel.CITY, "450000", "广西壮族自治区", "4508"),
}
PROVINCES = {
    "330000": "浙江省",
    "150000": "内蒙古自治区",
    "140000": "山西省",
    "450000": "广西壮族自治区",
    "500000": "重庆市",
}


def _write_table(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "level", "parent_code"])
        writer.writerows(rows)
    return path


def test_the_shipped_table_has_one_row_per_region_with_a_known_parent():
    rows = read_region_table()
    assert len(rows) == TABLE_ROWS
    assert Counter(r.level for r in rows) == {"province": 31, "city": 333, "county": 2845}
    codes = {r.code for r in rows}
    assert len(codes) == TABLE_ROWS
    assert all(r.parent_code in codes for r in rows if r.parent_code)


def test_loading_the_table_creates_every_row_and_one_audit_record():
    assert load_regions() == TABLE_ROWS
    assert Region.objects.count() == TABLE_ROWS
    assert Region.objects.filter(level=RegionLevel.PROVINCE).count() == 31
    assert Region.objects.filter(level=RegionLevel.CITY).count() == 333
    assert Region.objects.filter(level=RegionLevel.COUNTY).count() == 2845
    record = AuditRecord.objects.get()
    assert record.action == "region.load"
    assert record.after["rows"] == TABLE_ROWS
    assert record.after["created"] == TABLE_ROWS
    assert record.summary == "载入行政区划代码表 3209 条（新增 3209 条，更新 0 条）"


def test_a_second_load_changes_nothing_and_records_nothing():
    load_regions()
    result = load_region_table()
    assert (result.total, result.created, result.updated) == (TABLE_ROWS, 0, 0)
    assert Region.objects.count() == TABLE_ROWS
    assert AuditRecord.objects.count() == 1


def test_the_six_places_and_their_provinces_have_the_right_names_and_parents():
    load_regions()
    for code, (name, level, parent_code, parent_name, prefix) in SIX_PLACES.items():
        region = Region.objects.get(code=code)
        assert (region.name, region.level, region.parent_id) == (name, level, parent_code)
        if parent_name is not None:
            assert region.parent is not None
            assert region.parent.name == parent_name
        assert region.code_prefix == prefix
    for code, name in PROVINCES.items():
        province = Region.objects.get(code=code)
        assert (province.name, province.level, province.parent_id) == (
            name,
            RegionLevel.PROVINCE,
            None,
        )
    assert Region.objects.get(code="150200").parent_id == "150000"
    assert Region.objects.get(code="140400").parent_id == "140000"
    assert Region.objects.get(code="150204").full_name == "内蒙古自治区包头市青山区"
    assert Region.objects.get(code="140429").full_name == "山西省长治市武乡县"


def test_chongqings_districts_and_counties_hang_directly_under_the_municipality():
    load_regions()
    children = Region.objects.filter(parent_id="500000")
    assert children.count() == 38
    assert set(children.values_list("level", flat=True)) == {RegionLevel.COUNTY}
    assert not Region.objects.filter(code__in=["500100", "500200"]).exists()
    assert Region.objects.get(code="500103").full_name == "重庆市渝中区"
    assert Region.objects.get(code="500230").name == "丰都县"


def test_province_administered_counties_hang_under_their_province():
    load_regions()
    xiantao = Region.objects.get(code="429004")
    assert (xiantao.name, xiantao.level, xiantao.parent_id) == ("仙桃市", "county", "420000")
    assert not Region.objects.filter(code="429000").exists()


def test_every_code_lies_inside_its_parents_prefix_and_no_city_prefix_catches_a_stranger():
    load_regions()
    regions = {r.code: r for r in Region.objects.all()}
    for region in regions.values():
        if region.parent_id:
            parent = regions[region.parent_id]
            assert region.code.startswith(parent.code_prefix), region.code
        # Scoping matches by prefix: every region under a city's 4-digit prefix is that city's.
        city = regions.get(region.code[:4] + "00")
        if region.level == RegionLevel.COUNTY and city and city.level == RegionLevel.CITY:
            assert region.parent_id == city.code, region.code
    prefixes = Counter(r.code_prefix for r in regions.values())
    assert max(prefixes.values()) == 1


def test_statistical_only_units_are_not_regions():
    load_regions()
    dropped = ["150271", "140971", "232761", "620201", "632857", "110100", "659000"]
    assert not Region.objects.filter(code__in=dropped).exists()
    dongguan = Region.objects.get(code="441900")
    assert (dongguan.name, dongguan.level, dongguan.children.count()) == ("东莞市", "city", 0)


def test_a_reload_restores_a_changed_name_but_keeps_the_regions_notice_days():
    load_regions()
    Region.objects.filter(code="330900").update(name="舟山", notice_working_days=7)
    result = load_region_table()
    assert (result.created, result.updated) == (0, 1)
    zhoushan = Region.objects.get(code="330900")
    assert (zhoushan.name, zhoushan.notice_working_days) == ("舟山市", 7)
    assert AuditRecord.objects.count() == 2


def test_a_bad_table_is_refused_naming_the_row_and_nothing_is_written(tmp_path):
    path = _write_table(
        tmp_path / "bad.csv",
        [["330000", "浙江省", "province", ""], ["330900", "舟山市", "prefecture", "330000"]],
    )
    with pytest.raises(RegionTableError) as error:
        load_regions(path)
    assert str(error.value) == (
        "区划代码表第 3 行：级别“prefecture”无效，应为 province、city、county、township 之一。"
    )
    assert Region.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_a_table_whose_parent_is_unknown_is_refused(tmp_path):
    path = _write_table(tmp_path / "orphan.csv", [["330900", "舟山市", "city", "330000"]])
    with pytest.raises(RegionTableError) as error:
        load_regions(path)
    assert str(error.value) == (
        "区划 330900 舟山市 的上级区划代码 330000 既不在表中，也不在数据库中。"
    )
    assert Region.objects.count() == 0


def test_a_smaller_table_adds_to_what_is_there_and_deletes_nothing(tmp_path):
    load_regions()
    path = _write_table(tmp_path / "township.csv", [["150204101", "兴胜镇", "township", "150204"]])
    assert load_regions(path) == 1
    assert Region.objects.count() == TABLE_ROWS + 1
    assert Region.objects.get(code="150204101").code_prefix == "150204101"


def test_the_regions_load_command_prints_the_counts():
    out = io.StringIO()
    call_command("regions", "load", stdout=out)
    assert out.getvalue() == (
        f"行政区划 {TABLE_ROWS} 条（新增 {TABLE_ROWS} 条，更新 0 条）"
        "：国家统计局2023年统计用区划代码（截止2023-06-30）县级以上部分\n"
    )
    out = io.StringIO()
    call_command("regions", "load", stdout=out)
    assert out.getvalue().startswith(f"行政区划 {TABLE_ROWS} 条（新增 0 条，更新 0 条）")


def test_the_regions_load_command_exits_with_status_2_on_a_missing_file(tmp_path):
    missing = tmp_path / "missing.csv"
    with pytest.raises(CommandError) as error:
        call_command("regions", "load", "--file", str(missing))
    assert error.value.returncode == 2
    assert str(error.value) == f"无法读取区划代码表“{missing}”：No such file or directory。"
    assert Region.objects.count() == 0


def test_the_shipped_table_is_the_dated_file_named_in_its_source_note():
    note = (REGIONS_CSV.parent / "SOURCE.md").read_text(encoding="utf-8")
    assert REGIONS_CSV.name == "regions_2023.csv"
    assert "2023-06-30" in note
    assert "3,209" in note
