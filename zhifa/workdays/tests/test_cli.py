"""``zhifa workdays …`` through call_command against the test database.

The console script runs the same management command (``zhifa/__main__.py``); a CommandError's
``returncode`` is the process exit status there, so checking it here checks the exit status.
"""

from __future__ import annotations

import getpass
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhifa.audit.models import AuditRecord
from zhifa.workdays import package, services
from zhifa.workdays.models import Holiday, HolidayArrangement, HolidayYear
from zhifa.workdays.tests.conftest import FAR_YEAR_JSON, SAMPLE_2026
from zhifa.workdays.tests.test_entry import far_year_sheets, xlsx


def run(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def fails(*args: str) -> CommandError:
    with pytest.raises(CommandError) as excinfo:
        run(*args)
    return excinfo.value


@pytest.mark.django_db
def test_is_workday_prints_true_for_the_2026_spring_festival_make_up_saturday():
    assert run("is-workday", "2026-02-14") == "true\n"


@pytest.mark.django_db
def test_is_workday_prints_false_for_a_2026_spring_festival_monday():
    assert run("is-workday", "2026-02-16") == "false\n"


@pytest.mark.django_db
def test_add_prints_the_third_working_day_after_30_september_2025():
    assert run("add", "2025-09-30", "3") == "2025-10-11\n"


@pytest.mark.django_db
def test_add_with_a_negative_number_counts_back():
    assert run("add", "2025-10-09", "-5") == "2025-09-25\n"
    assert run("add", "2026-02-24", "-1") == "2026-02-14\n"


@pytest.mark.django_db
def test_add_zero_prints_the_date_itself():
    assert run("add", "2026-02-16", "0") == "2026-02-16\n"


@pytest.mark.django_db
def test_latest_notice_for_9_october_2025_is_25_september():
    assert run("latest-notice", "2025-10-09") == "2025-09-25\n"


@pytest.mark.django_db
def test_latest_notice_takes_another_number_of_days():
    assert run("latest-notice", "2025-10-09", "--days", "3") == "2025-09-28\n"
    assert run("latest-notice", "2026-02-24", "--days", "1") == "2026-02-14\n"


@pytest.mark.django_db
def test_an_unloaded_year_exits_2_with_a_chinese_message():
    error = fails("is-workday", "2099-05-06")
    assert error.returncode == 2
    assert str(error) == (
        "2099 年的节假日安排尚未载入，无法计算工作日。请系统管理员在“工作日 → 节假日安排”中"
        "按国务院办公厅关于2099年部分节假日安排的通知录入并经另一名系统管理员复核（或运行 "
        "zhifa workdays load --year 2099 从 chinesecalendar 载入）后再试。"
    )
    assert fails("add", "2099-05-06", "3").returncode == 2
    assert fails("latest-notice", "2099-05-06").returncode == 2


@pytest.mark.django_db
def test_a_deleted_year_exits_2_instead_of_guessing(admin_user):
    services.delete_holiday_year(HolidayYear.objects.get(year=2025), actor=admin_user)
    error = fails("latest-notice", "2025-10-09")
    assert error.returncode == 2
    assert "2025 年的节假日安排尚未载入" in str(error)


@pytest.mark.django_db
def test_a_bad_date_exits_2_naming_the_value():
    error = fails("is-workday", "2026-02-30")
    assert error.returncode == 2
    assert str(error) == "日期“2026-02-30”不是有效日期，请按 YYYY-MM-DD 填写，例如 2026-02-14。"
    error = fails("latest-notice", "09/10/2025")
    assert error.returncode == 2
    assert str(error).startswith("检查日期“09/10/2025”不是有效日期")


@pytest.mark.django_db
def test_a_bad_number_exits_2():
    error = fails("add", "2025-09-30", "three")
    assert (error.returncode, str(error)) == (
        2,
        "工作日数“three”不是整数，请填写整数，例如 3 或 -3。",
    )
    error = fails("latest-notice", "2025-10-09", "--days", "-1")
    assert (error.returncode, str(error)) == (2, "提前工作日数 --days 不能为负数（收到 -1）。")


@pytest.mark.django_db
def test_missing_arguments_exit_2():
    error = fails("add", "2025-09-30")
    assert error.returncode == 2
    assert str(error).startswith("参数错误：")


@pytest.mark.django_db
def test_load_after_the_migration_finds_every_year_up_to_date_and_writes_nothing():
    audit_before = AuditRecord.objects.count()
    days_before = Holiday.objects.count()
    label = package.package_label()
    years = package.package_years()
    output = run("load").splitlines()
    assert len(output) == len(years)
    assert output[0] == f"{years[0]} 年：已是最新，无变化（{label}）"
    assert output[years.index(2026)] == (
        "2026 年：已是最新，无变化（国务院办公厅关于2026年部分节假日安排的通知"
        f"（国办发明电〔2025〕7号）；数据取自 {label}）"
    )
    assert AuditRecord.objects.count() == audit_before
    assert Holiday.objects.count() == days_before


@pytest.mark.django_db
def test_load_restores_a_year_and_is_idempotent(admin_user):
    services.delete_holiday_year(HolidayYear.objects.get(year=2026), actor=admin_user)
    audit_before = AuditRecord.objects.count()
    count = len(package.package_days(2026))
    assert run("load", "--year", "2026") == (
        f"2026 年：新载入，新增 {count} 个日期、修改 0 个、删除 0 个"
        "（国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）"
        f"；数据取自 {package.package_label()}）\n"
    )
    assert AuditRecord.objects.count() == audit_before + 1
    record = AuditRecord.objects.order_by("-seq").first()
    assert record.action == "workdays.year.load"
    assert record.actor is None
    assert record.summary.endswith(
        "；命令行 zhifa workdays load，操作系统用户 " + getpass.getuser()
    )
    assert len(record.after["days"]) == count
    assert run("is-workday", "2026-02-14") == "true\n"
    assert run("load", "--year", "2026").startswith("2026 年：已是最新，无变化")
    assert AuditRecord.objects.count() == audit_before + 1


@pytest.mark.django_db
def test_load_of_a_year_the_package_lacks_exits_2_and_changes_nothing():
    audit_before = AuditRecord.objects.count()
    years_before = HolidayYear.objects.count()
    years = package.package_years()
    error = fails("load", "--year", "2099")
    assert error.returncode == 2
    assert str(error).startswith(
        f"{package.package_label()} 不包含 2099 年的节假日安排"
        f"（它收录 {years[0]}—{years[-1]} 年）。"
    )
    assert HolidayYear.objects.count() == years_before
    assert AuditRecord.objects.count() == audit_before


@pytest.mark.django_db
def test_load_file_saves_the_year_awaiting_review_and_confirm_loads_it(
    tmp_path, today_in_2098, admin_user, other_admin
):
    path = tmp_path / "2099.json"
    path.write_text(json.dumps(FAR_YEAR_JSON, ensure_ascii=False), encoding="utf-8")

    assert run("load", "--file", str(path), "--as", "admin") == (
        "已录入 2099 年节假日安排（国办发明电〔2098〕9号）：放假 30 天、调休上班 5 天，"
        "状态：待复核。复核确认前该年度不算已载入；"
        "请另一名系统管理员在“工作日 → 节假日安排”中核对后确认，"
        "或运行 zhifa workdays confirm 2099 --as 其用户名。\n"
    )
    record = AuditRecord.objects.order_by("-seq").first()
    assert (record.action, record.actor) == ("workdays.arrangement.enter", admin_user)
    assert record.summary.endswith(
        "；命令行 zhifa workdays load --file 2099.json，操作系统用户 " + getpass.getuser()
    )
    assert fails("is-workday", "2099-01-31").returncode == 2

    error = fails("confirm", "2099", "--as", "admin")
    assert (error.returncode, str(error)) == (
        2,
        "复核须由录入人以外的另一名系统管理员进行：这份 2099 年节假日安排是您录入的，"
        "请另一名系统管理员核对通知原文后确认。",
    )
    assert run("confirm", "2099", "--as", "admin2") == (
        "已复核确认 2099 年节假日安排（国办发明电〔2098〕9号），自此按其计算 2099 年的工作日。\n"
    )
    assert run("is-workday", "2099-01-31") == "true\n"


@pytest.mark.django_db
def test_load_file_reports_every_error_and_writes_nothing(tmp_path, today_in_2098, admin_user):
    raw = {**FAR_YEAR_JSON, "notice_url": ""}
    raw["makeup_workdays"] = [{"date": "2099-02-04", "name": "春节"}, {"date": "2099-13-01"}]
    path = tmp_path / "2099.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    audit_before = AuditRecord.objects.count()

    error = fails("load", "--file", str(path), "--as", "admin")

    assert error.returncode == 2
    assert str(error) == (
        "有 4 处错误，未写入任何内容：\n"
        "  调休上班日第 2 项 日期：日期“2099-13-01”不是有效日期，请按 YYYY-MM-DD 填写，"
        "例如 2027-02-05。\n"
        "  通知网址：请填写通知原文的网址（以 http:// 或 https:// 开头），便于复核人对照。\n"
        "  调休上班日第 1 项 日期：2099-02-04 是周三，本来就是工作日，不能登记为调休上班日："
        "调休上班日只能是周六或周日。\n"
        "  调休上班日第 2 项 节日：请填写该调休上班日所属的节日，例如“春节”。"
    )
    assert HolidayArrangement.objects.filter(year=2099).exists() is False
    assert AuditRecord.objects.count() == audit_before


@pytest.mark.django_db
def test_load_file_reads_an_xlsx_workbook(tmp_path, today_in_2098, admin_user):
    path = tmp_path / "2099.xlsx"
    path.write_bytes(xlsx(far_year_sheets()))
    assert run("load", "--file", str(path), "--as", "admin").startswith(
        "已录入 2099 年节假日安排（国办发明电〔2098〕9号）：放假 30 天、调休上班 5 天"
    )
    assert HolidayArrangement.objects.get(year=2099).holidays == FAR_YEAR_JSON["holidays"]


@pytest.mark.django_db
def test_load_file_needs_an_administrator(tmp_path, inspector):
    path = tmp_path / "2099.json"
    path.write_text(json.dumps(FAR_YEAR_JSON), encoding="utf-8")
    assert str(fails("load", "--file", str(path))) == (
        "请用 --as 用户名 指明操作的系统管理员（审计记录以其名义记载）。"
    )
    assert str(fails("load", "--file", str(path), "--as", "nobody")) == (
        "用户“nobody”不存在：--as 须是平台上系统管理员的用户名。"
    )
    assert str(fails("load", "--file", str(path), "--as", inspector.username)) == (
        "只有系统管理员可以录入、复核节假日安排或处理其与数据包的差异。"
    )
    assert str(fails("confirm", "2099", "--as", inspector.username)) == (
        "2099 年没有待复核的节假日安排：请先录入（页面或 zhifa workdays load --file）。"
    )
    assert HolidayArrangement.objects.filter(year=2099).exists() is False


@pytest.mark.django_db
def test_the_2026_sample_in_the_docs_loads_and_matches_the_package(
    tmp_path, admin_user, other_admin
):
    services.delete_holiday_year(HolidayYear.objects.get(year=2026), actor=admin_user)
    run("load", "--file", str(SAMPLE_2026), "--as", "admin")
    output = run("confirm", "2026", "--as", "admin2")
    assert output.splitlines() == [
        "已复核确认 2026 年节假日安排（国办发明电〔2025〕7号），自此按其计算 2026 年的工作日。"
    ]
    assert run("load", "--year", "2026") == (
        f"2026 年：现行安排为按通知手工录入，未用 {package.package_label()} 覆盖；"
        "比对结果：与数据包一致\n"
    )
    assert run("latest-notice", "2026-02-24", "--days", "1") == "2026-02-14\n"
