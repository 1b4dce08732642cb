"""What a running platform needs and whether it is there: the items of ``zhifa check``.

Each item is one line for an administrator or a monitoring timer: 正常, 警告 (works, but needs
attention) or 错误 (something people rely on does not work). Items that read the database are
left out when the database is not migrated: the first item already says what to run.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone

OK = "正常"
WARNING = "警告"
ERROR = "错误"

# The State Council publishes next year's holiday arrangement around November; from the 1st of
# November a missing next year is worth a warning.
NEXT_YEAR_WARNING_FROM = (11, 1)
MIGRATE_HINT = "数据库尚未迁移：请先运行 zhifa migrate"


@dataclass(frozen=True)
class Item:
    level: str
    name: str
    detail: str

    def line(self) -> str:
        return f"{self.level}  {self.name}：{self.detail}"


def unapplied_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The migrations not yet applied to the database (``app.name``); raises DatabaseError when
    the database cannot be reached."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def database_item() -> Item:
    try:
        pending = unapplied_migrations()
    except DatabaseError as error:
        return Item(ERROR, "数据库", f"无法连接（{error}）：请检查 ZHIFA_DATABASE_URL 设置")
    if pending:
        return Item(
            ERROR,
            "数据库",
            f"{MIGRATE_HINT}（{len(pending)} 项迁移未执行）；其余依赖数据库的检查项已跳过",
        )
    return Item(OK, "数据库", f"已连接（{connections[DEFAULT_DB_ALIAS].vendor}），迁移已全部执行")


def system_item(*, deploy: bool = False) -> Item:
    """Django's own system checks (what ``manage.py check`` reports)."""
    from django.core import checks

    found = [m for m in checks.run_checks(include_deployment_checks=deploy) if not m.is_silenced()]
    errors = [m for m in found if m.is_serious()]
    if errors:
        return Item(ERROR, "系统配置", "；".join(str(m) for m in errors))
    if found:
        return Item(WARNING, "系统配置", "；".join(str(m) for m in found))
    return Item(OK, "系统配置", "Django 系统检查未发现问题")


def fonts_item() -> Item:
    from zhifa.documents import fontcheck, layout, rendering

    problems = rendering.render_problems()
    if problems:
        return Item(
            ERROR,
            "文书字体",
            "；".join(problems) + "。文书不能签发：请安装 fonts-noto-cjk、fonts-lxgw-wenkai，"
            "或用 ZHIFA_FONT_* 设置指向本机已有的字体",
        )
    faces = [
        f"{layout.ROLE_NAMES[role]} {found.face.family}（{Path(found.path).name}）"
        for role, found in fontcheck.resolved_faces().items()
        if found is not None
    ]
    return Item(OK, "文书字体", "、".join(faces) + "；示例文书排版正常")


def browser_item() -> Item:
    path = Path(os.environ.get("ZHIFA_CHROMIUM", "/usr/bin/chromium"))
    if path.exists():
        return Item(OK, "浏览器", f"{path}（仅浏览器测试需要）")
    return Item(WARNING, "浏览器", f"未找到 {path}：仅浏览器测试需要，运行平台不受影响")


def holiday_items(today: dt.date, *, missing_year_is_warning: bool = False) -> list[Item]:
    """This year's arrangement must be loaded; next year's is expected from 1 November.

    ``missing_year_is_warning`` is for a freshly made test database (CI): it can hold only the
    years a package or the shipped migrations bring, so in the first days of a year whose notice
    no package has yet, refusing would block every change to the platform, not warn anyone.
    """
    from zhifa.workdays.selectors import YearNotLoaded, next_year_warning, work_calendar

    calendar = work_calendar()
    items = []
    for year in (today.year, today.year + 1):
        try:
            calendar.arrangement(year)
        except YearNotLoaded as error:
            if year == today.year:
                level = WARNING if missing_year_is_warning else ERROR
                items.append(Item(level, f"{year} 年节假日安排", str(error)))
            elif (today.month, today.day) >= NEXT_YEAR_WARNING_FROM:
                # The workdays app words it, naming a year entered but still awaiting review.
                warning = next_year_warning(today) or str(error)
                items.append(Item(WARNING, f"{year} 年节假日安排", warning))
            else:
                items.append(
                    Item(OK, f"{year} 年节假日安排", "尚未载入，国务院通常于当年 11 月前后公布")
                )
        else:
            items.append(Item(OK, f"{year} 年节假日安排", "已载入"))
    return items


def batches_item(now: dt.datetime) -> Item:
    from zhifa.documents.selectors import stalled_batches, unfinished_batches
    from zhifa.documents.services import BATCH_STALE_AFTER

    unfinished = unfinished_batches().count()
    stalled = stalled_batches(now=now, stale_after=BATCH_STALE_AFTER).count()
    minutes = int(BATCH_STALE_AFTER.total_seconds() // 60)
    if stalled:
        return Item(
            WARNING,
            "批量签发",
            f"{unfinished} 个批次未完成，其中 {stalled} 个超过 {minutes} 分钟没有进展："
            "请运行 zhifa documents run-batches（宜由定时任务每几分钟运行一次）",
        )
    if unfinished:
        return Item(OK, "批量签发", f"{unfinished} 个批次排队或进行中")
    return Item(OK, "批量签发", "没有待办的批次")


def overdue_item(today: dt.date) -> Item:
    from zhifa.inspections.models import InspectionCase
    from zhifa.inspections.selectors import overdue_makeups, overdue_publications

    cases = InspectionCase.objects.all()
    makeups = overdue_makeups(cases, today).count()
    unpublished = overdue_publications(cases, today).count()
    if makeups or unpublished:
        return Item(
            WARNING,
            "逾期事项",
            f"{makeups} 件逾期未补办、{unpublished} 件逾期未公示："
            "运行 zhifa inspections overdue 查看明细",
        )
    return Item(OK, "逾期事项", "没有逾期未补办或逾期未公示的案件")


def run_all(*, deploy: bool = False, missing_year_is_warning: bool = False) -> list[Item]:
    """Every item, in the order ``zhifa check`` prints them."""
    database = database_item()
    items = [database, system_item(deploy=deploy), fonts_item(), browser_item()]
    if database.level != OK:
        return items
    now = timezone.now()
    today = timezone.localdate(now)
    holidays = holiday_items(today, missing_year_is_warning=missing_year_is_warning)
    return [*items, *holidays, batches_item(now), overdue_item(today)]
