"""The statutory holidays (法定节假日) of a year under 《全国年节及纪念日放假办法》.

A State Council notice arranges the breaks around these days; every statutory day must lie inside
one of the notice's holidays, which is what the entry check verifies. The lunar festivals are
converted with ``lunardate`` (lunar years 1900–2099), 清明 is the solar term as chinesecalendar
computes it.

The version in force for each year:

- 2008–2013, as amended by 国务院令第513号 (2007-12-14): 春节 3 days, 农历除夕、正月初一、初二;
  劳动节 1 day; 清明、端午、中秋 1 day each (new in 2008).
- 2014–2024, as amended by 国务院令第644号 (2013-12-11): 春节 3 days, 正月初一至初三.
- from 2025, as amended by 国务院令第795号 (2024-11-10, in force 2025-01-01): 春节 4 days,
  农历除夕、正月初一至初三; 劳动节 2 days, 5月1日、2日.

元旦 (1月1日) and 国庆节 (10月1日至3日) are the same throughout.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
from django.utils.translation import gettext
from lunardate import LunarDate

FIRST_YEAR = 2008
LAST_YEAR = 2099

_SPRING_LABELS = {-1: "农历除夕", 0: "农历正月初一", 1: "农历正月初二", 2: "农历正月初三"}


@dataclass(frozen=True)
class Rules:
    first_year: int
    last_year: int
    basis: str
    spring_offsets: tuple[int, ...]  # days from 正月初一; -1 is 除夕
    labour_days: int


RULES = (
    Rules(
        2008,
        2013,
        "《全国年节及纪念日放假办法》（2007年12月14日国务院令第513号修订）",
        (-1, 0, 1),
        1,
    ),
    Rules(
        2014,
        2024,
        "《全国年节及纪念日放假办法》（2013年12月11日国务院令第644号修订）",
        (0, 1, 2),
        1,
    ),
    Rules(
        2025,
        LAST_YEAR,
        "《全国年节及纪念日放假办法》（2024年11月10日国务院令第795号修订，2025年1月1日起施行）",
        (-1, 0, 1, 2),
        2,
    ),
)


@dataclass(frozen=True)
class StatutoryDay:
    date: dt.date
    festival: str  # 春节
    note: str  # 农历除夕


class YearOutsideRules(ValueError):
    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            gettext(
                "年度 %(year)s 不在可核对的范围内：手工录入只支持 %(first)s—%(last)s 年"
                "（更早的年度请从 chinesecalendar 载入）。"
            )
            % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR}
        )


def rules_for(year: int) -> Rules:
    for rules in RULES:
        if rules.first_year <= year <= rules.last_year:
            return rules
    raise YearOutsideRules(year)


def _lunar(year: int, month: int, day: int) -> dt.date:
    return LunarDate(year, month, day).to_solar_date()  # type: ignore[no-any-return]


def qingming(year: int) -> dt.date:
    terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 30))
    return next(day for day, name in terms if name == "清明")


def statutory_days(year: int) -> list[StatutoryDay]:
    """Every statutory holiday of ``year``, in date order."""
    rules = rules_for(year)
    new_year = _lunar(year, 1, 1)
    days = [StatutoryDay(dt.date(year, 1, 1), "元旦", "1月1日")]
    days += [
        StatutoryDay(new_year + dt.timedelta(days=offset), "春节", _SPRING_LABELS[offset])
        for offset in rules.spring_offsets
    ]
    days.append(StatutoryDay(qingming(year), "清明节", "清明节气当日"))
    days += [
        StatutoryDay(dt.date(year, 5, n), "劳动节", f"5月{n}日")
        for n in range(1, rules.labour_days + 1)
    ]
    days.append(StatutoryDay(_lunar(year, 5, 5), "端午节", "农历五月初五"))
    days.append(StatutoryDay(_lunar(year, 8, 15), "中秋节", "农历八月十五"))
    days += [StatutoryDay(dt.date(year, 10, n), "国庆节", f"10月{n}日") for n in (1, 2, 3)]
    return sorted(days, key=lambda d: d.date)
