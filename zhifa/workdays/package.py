"""The holiday arrangements shipped in the ``chinesecalendar`` package, as (kind, name) per date.

The data migration ``0002_prefill_from_chinesecalendar`` keeps its own frozen copy of this logic,
so that migrating an old database gives the same result after this module changes. What the
package holds changes with its releases: code and tests ask this module (``package_years``,
``package_days``, ``package_label``) instead of assuming one release's content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
from chinese_calendar import constants

from zhifa.workdays.models import HolidayKind


@dataclass(frozen=True)
class Notice:
    number: str
    date: dt.date


# The State Council notices behind the years whose notice number and date have been checked.
NOTICES: dict[int, Notice] = {
    2025: Notice("国办发明电〔2024〕12号", dt.date(2024, 11, 12)),
    2026: Notice("国办发明电〔2025〕7号", dt.date(2025, 11, 4)),
}

# The package's short names, as the notices write them.
_NAME_FIXES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def package_version() -> str:
    return str(chinese_calendar.__version__)


def package_years() -> list[int]:
    return sorted(
        {day.year for day in constants.holidays} | {day.year for day in constants.workdays}
    )


def package_label() -> str:
    """“chinesecalendar 1.11.0”: how records name the package release their data came from."""
    return f"chinesecalendar {package_version()}"


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
