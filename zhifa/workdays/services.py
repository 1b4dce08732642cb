"""Changes to the holiday table. Each runs in a transaction, writes its audit record, gives the
year a new revision token and drops the per-process cache (``selectors.invalidate``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from zhifa.audit.services import record_change, snapshot
from zhifa.workdays import package, selectors
from zhifa.workdays.models import Holiday, HolidayKind, HolidayYear, new_revision


class YearNotInPackage(ValueError):
    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            gettext(
                "chinesecalendar %(version)s 不包含 %(year)s 年的节假日安排"
                "（它收录 %(first)s—%(last)s 年）。"
                "请在“系统管理 → 工作日”中新建 %(year)s 年度，"
                "按国务院办公厅关于%(year)s年部分节假日安排的通知逐日录入放假和调休上班日期，"
                "或升级 chinesecalendar 后再载入。"
            )
            % {
                "version": package.package_version(),
                "year": year,
                "first": min(package.package_years()),
                "last": max(package.package_years()),
            }
        )


def _touch(*year_ids: int | None) -> None:
    """Give each affected year a new revision token, so every process reloads its days."""
    for year_id in {y for y in year_ids if y is not None}:
        HolidayYear.objects.filter(pk=year_id).update(revision=new_revision())


def _invalidate_after(years: set[int]) -> None:
    for year in years:
        selectors.invalidate(year)
        transaction.on_commit(partial(selectors.invalidate, year))


def _days_snapshot(holiday_year: HolidayYear) -> dict[str, list[str]]:
    rows = holiday_year.days.order_by("date").values_list("date", "kind", "name")
    return {day.isoformat(): [kind, name] for day, kind, name in rows}


def save_holiday_year(holiday_year: HolidayYear, *, actor: Any) -> HolidayYear:
    """Register a year (its arrangement then counts as loaded) or change its source text."""
    with transaction.atomic():
        before = None
        if holiday_year.pk:
            before = snapshot(HolidayYear.objects.select_for_update().get(pk=holiday_year.pk))
        creating = before is None
        holiday_year.full_clean()
        holiday_year.revision = new_revision()
        if creating:
            holiday_year.loaded_at = timezone.now()
            holiday_year.loaded_by = actor if getattr(actor, "pk", None) else None
        holiday_year.save()
        record_change(
            actor=actor,
            action="workdays.year.create" if creating else "workdays.year.update",
            obj=holiday_year,
            before=before,
            after=snapshot(holiday_year),
            summary=(
                gettext("登记 %(year)s 年节假日安排：%(source)s")
                if creating
                else gettext("修改 %(year)s 年节假日安排的依据：%(source)s")
            )
            % {"year": holiday_year.year, "source": holiday_year.source},
        )
        _invalidate_after({holiday_year.year})
    return holiday_year


def delete_holiday_year(holiday_year: HolidayYear, *, actor: Any) -> None:
    """Remove a year and all its days; arithmetic over that year then fails until it is loaded."""
    with transaction.atomic():
        holiday_year = HolidayYear.objects.select_for_update().get(pk=holiday_year.pk)
        before = {**snapshot(holiday_year), "days": _days_snapshot(holiday_year)}
        year, pk = holiday_year.year, holiday_year.pk
        count = holiday_year.days.count()
        holiday_year.delete()
        record_change(
            actor=actor,
            action="workdays.year.delete",
            object_type=HolidayYear._meta.label_lower,
            object_id=str(pk),
            before=before,
            summary=gettext("删除 %(year)s 年节假日安排及其 %(count)s 个日期")
            % {
                "year": year,
                "count": count,
            },
        )
        _invalidate_after({year})


def save_holiday(holiday: Holiday, *, actor: Any) -> Holiday:
    """Add a holiday or make-up workday, or change one (its date, kind or name)."""
    with transaction.atomic():
        before = None
        old_year_id: int | None = None
        years = {holiday.year.year}
        if holiday.pk:
            old = Holiday.objects.select_for_update().select_related("year").get(pk=holiday.pk)
            before = snapshot(old)
            old_year_id = old.year_id
            years.add(old.year.year)
        holiday.full_clean()
        holiday.save()
        _touch(holiday.year_id, old_year_id)
        values = {
            "date": holiday.date.isoformat(),
            "kind": holiday.get_kind_display(),
            "name": holiday.name,
        }
        record_change(
            actor=actor,
            action="workdays.holiday.create" if before is None else "workdays.holiday.update",
            obj=holiday,
            before=before,
            after=snapshot(holiday),
            summary=(
                gettext("新增 %(date)s %(kind)s（%(name)s）")
                if before is None
                else gettext("修改 %(date)s 为%(kind)s（%(name)s）")
            )
            % values,
        )
        _invalidate_after(years)
    return holiday


def delete_holiday(holiday: Holiday, *, actor: Any) -> None:
    with transaction.atomic():
        holiday = Holiday.objects.select_for_update().select_related("year").get(pk=holiday.pk)
        before = snapshot(holiday)
        pk, year_id, year = holiday.pk, holiday.year_id, holiday.year.year
        summary = gettext("删除 %(date)s %(kind)s（%(name)s）") % {
            "date": holiday.date.isoformat(),
            "kind": holiday.get_kind_display(),
            "name": holiday.name,
        }
        holiday.delete()
        _touch(year_id)
        record_change(
            actor=actor,
            action="workdays.holiday.delete",
            object_type=Holiday._meta.label_lower,
            object_id=str(pk),
            before=before,
            summary=summary,
        )
        _invalidate_after({year})


@dataclass
class LoadResult:
    year: int
    source: str
    created: bool = False
    added: list[dt.date] = field(default_factory=list)
    changed: list[dt.date] = field(default_factory=list)
    removed: list[dt.date] = field(default_factory=list)
    source_changed: bool = False

    @property
    def unchanged(self) -> bool:
        return not (
            self.created or self.added or self.changed or self.removed or self.source_changed
        )

    def describe(self) -> str:
        if self.unchanged:
            return gettext("%(year)s 年：已是最新，无变化（%(source)s）") % {
                "year": self.year,
                "source": self.source,
            }
        return gettext(
            "%(year)s 年：%(verb)s，新增 %(added)s 个日期、修改 %(changed)s 个、删除 %(removed)s 个"
            "（%(source)s）"
        ) % {
            "year": self.year,
            "verb": gettext("新载入") if self.created else gettext("已更新"),
            "added": len(self.added),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "source": self.source,
        }


def load_year_from_package(year: int, *, actor: Any, via: str = "") -> LoadResult:
    """Make ``year`` match the chinesecalendar package exactly; idempotent.

    A year already identical to the package is left alone and writes no audit record. Otherwise
    days are added, changed and removed to match, the source is set to the package (and the
    State Council notice where known), and one audit record lists the before and after days.
    """
    if year not in package.package_years():
        raise YearNotInPackage(year)
    wanted = package.package_days(year)
    source = package.source_for(year)
    with transaction.atomic():
        holiday_year = HolidayYear.objects.select_for_update().filter(year=year).first()
        result = LoadResult(year=year, source=source, created=holiday_year is None)
        existing: dict[dt.date, Holiday] = {}
        if holiday_year is not None:
            existing = {h.date: h for h in holiday_year.days.all()}
            result.source_changed = holiday_year.source != source
        # A date of this year attached to another year's row cannot exist (Holiday.clean), but
        # unique dates are enforced by the database either way.
        for day, (kind, name) in wanted.items():
            current = existing.get(day)
            if current is None:
                result.added.append(day)
            elif (current.kind, current.name) != (kind, name):
                result.changed.append(day)
        result.removed = sorted(set(existing) - set(wanted))
        if result.unchanged:
            return result

        before = None
        if holiday_year is None:
            holiday_year = HolidayYear(year=year)
        else:
            before = {**snapshot(holiday_year), "days": _days_snapshot(holiday_year)}
        holiday_year.source = source
        holiday_year.loaded_at = timezone.now()
        holiday_year.loaded_by = actor if getattr(actor, "pk", None) else None
        holiday_year.revision = new_revision()
        holiday_year.save()
        Holiday.objects.filter(year=holiday_year, date__in=result.removed).delete()
        for day in result.changed:
            kind, name = wanted[day]
            Holiday.objects.filter(pk=existing[day].pk).update(kind=kind, name=name)
        Holiday.objects.bulk_create(
            [
                Holiday(date=day, year=holiday_year, kind=wanted[day][0], name=wanted[day][1])
                for day in result.added
            ]
        )
        summary = result.describe()
        if via:
            summary = f"{summary}；{via}"
        record_change(
            actor=actor,
            action="workdays.year.load",
            obj=holiday_year,
            before=before,
            after={**snapshot(holiday_year), "days": _days_snapshot(holiday_year)},
            summary=summary,
        )
        _invalidate_after({year})
    return result


def load_all_from_package(*, actor: Any, via: str = "") -> list[LoadResult]:
    return [load_year_from_package(year, actor=actor, via=via) for year in package.package_years()]


__all__ = [
    "HolidayKind",
    "LoadResult",
    "YearNotInPackage",
    "delete_holiday",
    "delete_holiday_year",
    "load_all_from_package",
    "load_year_from_package",
    "save_holiday",
    "save_holiday_year",
]
