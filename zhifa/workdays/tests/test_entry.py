"""Checking an arrangement as entered: every problem names its field or row."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import Workbook

from zhifa.workdays import entry, statutory
from zhifa.workdays.tests.conftest import FAR_YEAR_JSON, far_year_data, sample_2026

D = dt.date

pytestmark = pytest.mark.usefixtures("today_in_2098")


def messages(data: entry.ArrangementData) -> list[str]:
    return [str(p) for p in entry.check(data)]


def test_the_statutory_days_of_2027_follow_the_2024_amendment():
    days = [(d.date, d.festival, d.note) for d in statutory.statutory_days(2027)]
    assert days == [
        (D(2027, 1, 1), "元旦", "1月1日"),
        (D(2027, 2, 5), "春节", "农历除夕"),
        (D(2027, 2, 6), "春节", "农历正月初一"),
        (D(2027, 2, 7), "春节", "农历正月初二"),
        (D(2027, 2, 8), "春节", "农历正月初三"),
        (D(2027, 4, 5), "清明节", "清明节气当日"),
        (D(2027, 5, 1), "劳动节", "5月1日"),
        (D(2027, 5, 2), "劳动节", "5月2日"),
        (D(2027, 6, 9), "端午节", "农历五月初五"),
        (D(2027, 9, 15), "中秋节", "农历八月十五"),
        (D(2027, 10, 1), "国庆节", "10月1日"),
        (D(2027, 10, 2), "国庆节", "10月2日"),
        (D(2027, 10, 3), "国庆节", "10月3日"),
    ]


def test_before_2025_the_spring_festival_had_three_days_and_labour_day_one():
    spring_2024 = [d.note for d in statutory.statutory_days(2024) if d.festival == "春节"]
    assert spring_2024 == ["农历正月初一", "农历正月初二", "农历正月初三"]
    spring_2013 = [d.note for d in statutory.statutory_days(2013) if d.festival == "春节"]
    assert spring_2013 == ["农历除夕", "农历正月初一", "农历正月初二"]
    assert [d.date for d in statutory.statutory_days(2024) if d.festival == "劳动节"] == [
        D(2024, 5, 1)
    ]
    assert len(statutory.statutory_days(2025)) == 13
    assert len(statutory.statutory_days(2024)) == 11


def test_a_whole_arrangement_has_no_problems():
    assert entry.check(far_year_data()) == []
    days = entry.expand(far_year_data())
    assert len(days) == 35
    assert days[D(2099, 1, 20)] == ("holiday", "春节")
    assert days[D(2099, 1, 31)] == ("makeup_workday", "春节")


def test_the_2026_sample_in_the_docs_passes_the_check():
    with_today = sample_2026()
    assert entry.check(with_today) == []
    assert len(entry.expand(with_today)) == 39


def test_a_statutory_day_outside_every_holiday_is_named_with_the_rule():
    data = far_year_data(
        holidays=[
            h if h["name"] != "春节" else {**h, "first": "2099-01-21"}
            for h in FAR_YEAR_JSON["holidays"]
        ]
    )
    assert messages(data) == [
        "放假安排：2099-01-20（周二，农历除夕）是法定节假日春节，但不在任何一项放假安排内："
        "按《全国年节及纪念日放假办法》（2024年11月10日国务院令第795号修订，2025年1月1日起施行），"
        "春节放假 4 天（农历除夕、农历正月初一、农历正月初二、农历正月初三）。"
        "请核对通知，把它纳入春节的放假日期。"
    ]


def test_a_make_up_workday_on_a_weekday_is_refused():
    data = far_year_data(
        makeup_workdays=[*FAR_YEAR_JSON["makeup_workdays"], {"date": "2099-02-04", "name": "春节"}]
    )
    assert messages(data) == [
        "调休上班日第 6 项 日期：2099-02-04 是周三，本来就是工作日，不能登记为调休上班日："
        "调休上班日只能是周六或周日。"
    ]


def test_a_make_up_workday_inside_a_holiday_and_a_repeated_one_are_refused():
    data = far_year_data(
        makeup_workdays=[
            *FAR_YEAR_JSON["makeup_workdays"],
            {"date": "2099-01-24", "name": "春节"},
            {"date": "2099-01-04", "name": "元旦"},
        ]
    )
    assert messages(data) == [
        "调休上班日第 6 项 日期：2099-01-24 在放假安排第 2 项（春节，1月20日至1月27日）"
        "的放假日期内，不能同时是调休上班日。",
        "调休上班日第 7 项 日期：2099-01-04 已在调休上班日第 1 项填写过，请删去重复的一行。",
    ]


def test_dates_outside_the_year_and_reversed_ranges_are_refused():
    holidays = [dict(h) for h in FAR_YEAR_JSON["holidays"]]
    holidays[0] = {"name": "元旦", "first": "2098-12-31", "last": "2099-01-02"}
    holidays[6] = {"name": "国庆节", "first": "2099-10-07", "last": "2099-10-01"}
    data = far_year_data(holidays=holidays)
    assert messages(data) == [
        "放假安排第 1 项 第一天：2098-12-31 不在 2099 年内：请改正日期，或改填 2098 年的安排。",
        "放假安排第 7 项 最后一天：最后一天 2099-10-01 早于第一天 2099-10-07："
        "请核对通知中的起止日期。",
    ]


def test_overlapping_holidays_and_a_missing_name_are_refused():
    holidays = [dict(h) for h in FAR_YEAR_JSON["holidays"]]
    holidays[5] = {"name": "", "first": "2099-09-27", "last": "2099-10-02"}
    data = far_year_data(holidays=holidays)
    assert messages(data) == [
        "放假安排第 6 项 节日：请填写节日名称，例如“春节”；合并放假可写“国庆节、中秋节”。",
        "放假安排第 7 项：（国庆节，10月1日至10月7日）与放假安排第 6 项（未命名，9月27日至10月2日）"
        "的日期重叠：同一天只能属于一项放假安排，合并放假请写成一行。",
    ]


def test_the_notice_fields_are_required_and_checked():
    data = far_year_data(notice_number="", notice_url="gov.cn/notice", notice_date="2096-11-05")
    assert messages(data) == [
        "通知文号：请填写通知文号，例如“国办发明电〔2025〕7号”。",
        "通知日期：通知日期 2096-11-05 与年度 2099 不符：2099 年的节假日安排通知应在 2098 年或 "
        "2099 年发布，请核对年度和通知日期。",
        "通知网址：“gov.cn/notice”不是有效网址：请填写以 http:// 或 https:// 开头的通知原文地址。",
    ]


def test_a_notice_dated_in_the_future_is_refused():
    data = far_year_data(notice_date="2098-12-01")
    assert messages(data) == [
        "通知日期：通知日期 2098-12-01 晚于今天（2098-11-20）：请填写通知落款的成文日期。"
    ]


def test_unreadable_values_are_named_once_with_their_place():
    raw = {**FAR_YEAR_JSON, "year": "二〇九九", "makeup_days": []}
    raw["holidays"] = [{"name": "元旦", "first": "2099-1-1", "last": "2099-01-03"}]
    data, problems = entry.from_json(json.dumps(raw).encode())
    assert [str(p) for p in entry.check(data, problems)] == [
        "文件：未知的项“makeup_days”：可用的项是 year、notice_number、notice_date、notice_url、"
        "holidays、makeup_workdays。",
        "年度：年度“二〇九九”不是整数，请填写四位数的年份，例如 2027。",
        "放假安排第 1 项 第一天：第一天“2099-1-1”不是有效日期，请按 YYYY-MM-DD 填写，"
        "例如 2027-02-05。",
    ]


def test_a_year_outside_the_rules_is_refused():
    data = far_year_data(year=2100)
    assert messages(data)[0] == (
        "年度：年度 2100 不在可核对的范围内：手工录入只支持 2008—2099 年"
        "（更早的年度请从 chinesecalendar 载入）。"
    )


def test_a_file_that_is_not_json_is_one_problem():
    data, problems = entry.from_json(b"year: 2099")
    assert data == entry.ArrangementData()
    assert [p.where for p in problems] == ["文件"]
    assert str(problems[0]).startswith("文件：不是有效的 JSON（")


def xlsx(rows_by_sheet: dict[str, list[list[object]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in rows_by_sheet.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def far_year_sheets() -> dict[str, list[list[object]]]:
    return {
        "通知": [
            ["项目", "内容"],
            ["年度", 2099],
            ["通知文号", FAR_YEAR_JSON["notice_number"]],
            ["通知日期", dt.datetime(2098, 11, 5)],
            ["通知网址", FAR_YEAR_JSON["notice_url"]],
        ],
        "放假": [["节日", "第一天", "最后一天"]]
        + [
            [h["name"], dt.date.fromisoformat(h["first"]), h["last"]]
            for h in FAR_YEAR_JSON["holidays"]
        ],
        "调休上班": [["日期", "节日"]]
        + [[m["date"], m["name"]] for m in FAR_YEAR_JSON["makeup_workdays"]],
    }


def test_an_xlsx_file_reads_the_same_as_the_json():
    data, problems = entry.from_file("2099.xlsx", xlsx(far_year_sheets()))
    assert problems == []
    assert data.to_json() == far_year_data().to_json()


def test_xlsx_problems_name_the_sheet_and_row():
    sheets = far_year_sheets()
    sheets["调休上班"][2] = ["2099-01-19", "春节"]
    del sheets["通知"][2]
    data, problems = entry.from_file("2099.xlsx", xlsx(sheets))
    assert [str(p) for p in entry.check(data, problems)] == [
        "通知文号：请填写通知文号，例如“国办发明电〔2025〕7号”。",
        "“调休上班”表第 3 行 日期：2099-01-19 是周一，本来就是工作日，不能登记为调休上班日："
        "调休上班日只能是周六或周日。",
    ]


def test_a_workbook_without_its_sheets_says_which_are_missing():
    _, problems = entry.from_file("2099.xlsx", xlsx({"Sheet1": [["年度", 2099]]}))
    assert [str(p) for p in problems] == [
        f"文件：缺少名为“{name}”的工作表：工作簿须有“通知”“放假”“调休上班”三张表。"
        for name in ("通知", "放假", "调休上班")
    ] + ["年度：请填写年度，例如 2027。"]


def test_other_file_types_are_refused():
    assert [str(p) for p in entry.from_file("2099.csv", b"")[1]] == [
        "文件：不支持的文件类型“2099.csv”：请提供 .json 或 .xlsx 文件。"
    ]


def test_a_control_character_in_a_name_or_the_notice_number_is_refused_naming_its_place():
    raw = json.loads(json.dumps(FAR_YEAR_JSON))
    raw["holidays"][0]["name"] = "元\x00旦"
    raw["notice_number"] = "国办发明电\u202e〔2098〕7号"
    _, problems = entry.from_file("2099.json", json.dumps(raw).encode())
    assert [str(p) for p in problems] == [
        "通知文号：含有改变文字显示方向的控制字符（第 6 个字符，U+202E），会使文字显示得与实际"
        "内容不同，请删除后重新填写。",
        "放假安排第 1 项 节日：含有不可见的控制字符（第 2 个字符，U+0000），请删除后重新填写。",
    ]


def test_an_xlsx_that_inflates_beyond_the_limit_is_refused_before_it_is_opened(settings):
    settings.ZHIFA_IMPORT_MAX_UNZIPPED_MB = 1
    sheets = far_year_sheets()
    sheets["调休上班"] += [["", "说明" * 15000] for _ in range(40)]
    data, problems = entry.from_file("2099.xlsx", xlsx(sheets))
    assert data.year is None
    assert [str(p) for p in problems] == [
        "文件：该 Excel 文件中有一部分解压后有 9 MB，超过 1 MB 的上限，不像是正常的导入文件，"
        "已拒绝读取。请只保留要导入的数据，另存为新的 .xlsx 文件后再导入。"
    ]
