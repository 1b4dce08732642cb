"""The holiday arrangements shipped in the ``chinesecalendar`` package, as (kind, name) per date.

The data migration ``0002_prefill_from_chinesecalendar`` keeps its own frozen copy of this logic,
so that migrating an old database gives the same result after this module changes.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from chinese_calendar import constants

from zhifa.workdays.models import HolidayKind

# The State Council notices behind the years whose notice number has been checked.
NOTICES: dict[int, str] = {
    2025: "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）",
    2026: "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）",
}

# The package's short names, as the notices write them.
_NAME_FIXES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def package_version() -> str:
    return str(chinese_calendar.__version__)


def package_years() -> list[int]:
    return sorted(
        {day.year for day in constants.holidays} | {day.year for day in constants.workdays}
    )


def source_for(year: int) -> str:
    """The text recorded as a loaded year's source."""
    package = f"chinesecalendar {package_version()}"
    notice = NOTICES.get(year)
    return f"{notice}；数据取自 {package}" if notice else package


def chinese_name(english: str) -> str:
    try:
        name = str(constants.Holiday(english).chinese)
    except ValueError:
        return english
    return _NAME_FIXES.get(name, name)


def package_days(year: int) -> dict[dt.date, tuple[str, str]]:
    """Every date of ``year`` the package lists, mapped to (kind, Chinese festival name)."""
    days: dict[dt.date, tuple[str, str]] = {}
    for day, english in constants.holidays.items():
        if day.year == year:
            days[day] = (HolidayKind.HOLIDAY.value, chinese_name(english))
    for day, english in constants.workdays.items():
        if day.year == year:
            days[day] = (HolidayKind.MAKEUP_WORKDAY.value, chinese_name(english))
    return dict(sorted(days.items()))
