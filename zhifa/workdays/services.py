"""Changes to the holiday table. Each runs in a transaction, writes its audit record, gives the
year a new revision token and drops the per-process cache (``selectors.invalidate``).

A hand-entered arrangement goes through four eyes: ``enter_arrangement`` (one administrator,
from the page or ``zhifa workdays load --file``) saves it as 待复核; ``confirm_arrangement``
(another administrator) makes its days the year's days, and only then does the year count as
loaded. ``load_year_from_package`` loads what the chinesecalendar package has, confirmed by the
loader; a year whose arrangement in force was entered by hand is compared with the package, never
overwritten, and ``resolve_differences`` lets an administrator keep it or take the package's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from zhifa.audit.services import record_change, snapshot
from zhifa.core import access, timefmt
from zhifa.workdays import entry, package, rules, selectors
from zhifa.workdays.models import (
    WEEKDAY_NAMES,
    ArrangementSource,
    ArrangementStatus,
    DifferencesStatus,
    Holiday,
    HolidayArrangement,
    HolidayKind,
    HolidayYear,
    new_revision,
)

ADMIN_ONLY = rules.ADMIN_ONLY
FOUR_EYES = rules.FOUR_EYES


class YearNotInPackage(ValueError):
    def __init__(self, year: int) -> None:
        self.year = year
        years = package.package_years()
        super().__init__(
            gettext(
                "%(package)s 不包含 %(year)s 年的节假日安排（它收录 %(first)s—%(last)s 年）。"
                "请系统管理员在“工作日 → 节假日安排”中按国务院办公厅关于%(year)s年部分节假日安排"
                "的通知录入并由另一名系统管理员复核，或用 zhifa workdays load --file 载入录入文件，"
                "或升级 chinesecalendar 后再载入。"
            )
            % {
                "package": package.package_label(),
                "year": year,
                "first": min(years),
                "last": max(years),
            }
        )


class ArrangementInvalid(ValidationError):
    """The content has problems; ``problems`` name the field or row of each."""

    def __init__(self, problems: list[entry.Problem]) -> None:
        self.problems = problems
        super().__init__([str(p) for p in problems])


def _require_admin(actor: Any) -> None:
    if actor is None:
        # Only the package loads run without a person, and they do not come through here.
        raise PermissionDenied(gettext(ADMIN_ONLY))
    access.require(actor, "holidays.manage")


def _require_transition(arrangement: HolidayArrangement, to: str, doing: str) -> None:
    if to not in HolidayArrangement.TRANSITIONS[ArrangementStatus(arrangement.status)]:
        raise ValidationError(
            gettext("这份 %(year)s 年节假日安排当前状态为“%(status)s”，不能%(doing)s。")
            % {"year": arrangement.year, "status": arrangement.get_status_display(), "doing": doing}
        )


def _invalidate_after(years: set[int]) -> None:
    for year in years:
        selectors.invalidate(year)
        transaction.on_commit(partial(selectors.invalidate, year))


def _days_snapshot(holiday_year: HolidayYear) -> dict[str, list[str]]:
    rows = holiday_year.days.order_by("date").values_list("date", "kind", "name")
    return {day.isoformat(): [kind, name] for day, kind, name in rows}


def _year_days(holiday_year: HolidayYear) -> dict[dt.date, tuple[str, str]]:
    return {h.date: (h.kind, h.name) for h in holiday_year.days.all()}


def _with(summary: str, via: str) -> str:
    return f"{summary}；{via}" if via else summary


@dataclass
class Installed:
    holiday_year: HolidayYear
    before: dict[str, Any] | None
    added: list[dt.date] = field(default_factory=list)
    changed: list[dt.date] = field(default_factory=list)
    removed: list[dt.date] = field(default_factory=list)


def _install(
    arrangement: HolidayArrangement, days: dict[dt.date, tuple[str, str]], *, actor: Any
) -> Installed:
    """Make ``arrangement`` (saved, confirmed) the year's arrangement in force, with ``days``."""
    holiday_year = HolidayYear.objects.select_for_update().filter(
        year=arrangement.year
    ).first() or HolidayYear(year=arrangement.year)
    result = Installed(holiday_year=holiday_year, before=None)
    existing: dict[dt.date, Holiday] = {}
    previous_id = None
    if holiday_year.pk:
        result.before = {**snapshot(holiday_year), "days": _days_snapshot(holiday_year)}
        existing = {h.date: h for h in holiday_year.days.all()}
        previous_id = holiday_year.arrangement_id
    for day, value in days.items():
        current = existing.get(day)
        if current is None:
            result.added.append(day)
        elif (current.kind, current.name) != value:
            result.changed.append(day)
    result.removed = sorted(set(existing) - set(days))

    holiday_year.source = arrangement.source_text[:255]
    holiday_year.loaded_at = timezone.now()
    holiday_year.loaded_by = actor if getattr(actor, "pk", None) else None
    holiday_year.arrangement = arrangement
    holiday_year.revision = new_revision()
    holiday_year.save()
    Holiday.objects.filter(year=holiday_year, date__in=result.removed).delete()
    for day in result.changed:
        kind, name = days[day]
        Holiday.objects.filter(pk=existing[day].pk).update(kind=kind, name=name)
    Holiday.objects.bulk_create(
        [
            Holiday(date=day, year=holiday_year, kind=days[day][0], name=days[day][1])
            for day in result.added
        ]
    )
    if previous_id is not None and previous_id != arrangement.pk:
        HolidayArrangement.objects.filter(pk=previous_id).update(
            status=ArrangementStatus.SUPERSEDED
        )
    _invalidate_after({arrangement.year})
    return result


def _day_state(days: dict[dt.date, tuple[str, str]], day: dt.date) -> tuple[str, str]:
    if day in days:
        return days[day]
    return ("weekend", "") if day.weekday() >= 5 else ("workday", "")


def _is_working(kind: str) -> bool:
    return kind in ("workday", HolidayKind.MAKEUP_WORKDAY)


def compare_days(
    manual: dict[dt.date, tuple[str, str]], library: dict[dt.date, tuple[str, str]]
) -> list[dict[str, str]]:
    """The dates on which the two disagree about working or not (names are not compared)."""
    differences = []
    for day in sorted(set(manual) | set(library)):
        mine, theirs = _day_state(manual, day), _day_state(library, day)
        if _is_working(mine[0]) != _is_working(theirs[0]):
            differences.append(
                {
                    "date": day.isoformat(),
                    "manual_kind": mine[0],
                    "manual_name": mine[1],
                    "library_kind": theirs[0],
                    "library_name": theirs[1],
                }
            )
    return differences


_KIND_LABELS = {
    HolidayKind.HOLIDAY.value: "法定节假日",
    HolidayKind.MAKEUP_WORKDAY.value: "调休上班日",
    "weekend": "周末休息日",
    "workday": "工作日",
}


def describe_difference(difference: dict[str, str]) -> str:
    """“2027-02-04（周四）：手工录入为工作日，数据包为法定节假日（春节）”."""

    def label(kind: str, name: str) -> str:
        text = gettext(_KIND_LABELS[kind])
        return f"{text}（{name}）" if name else text

    day = dt.date.fromisoformat(difference["date"])
    return gettext("%(date)s（%(weekday)s）：手工录入为%(manual)s，数据包为%(library)s") % {
        "date": difference["date"],
        "weekday": WEEKDAY_NAMES[day.weekday()],
        "manual": label(difference["manual_kind"], difference["manual_name"]),
        "library": label(difference["library_kind"], difference["library_name"]),
    }


def _compare_into(arrangement: HolidayArrangement, days: dict[dt.date, tuple[str, str]]) -> bool:
    """Compare a hand-entered arrangement with the package, if it has the year; True if new."""
    if arrangement.year not in package.package_years():
        return False
    label = package.package_label()
    differences = compare_days(days, package.package_days(arrangement.year))
    if arrangement.compared_with == label and arrangement.differences == differences:
        return False
    arrangement.compared_with = label
    arrangement.differences = differences
    arrangement.differences_status = (
        DifferencesStatus.OPEN if differences else DifferencesStatus.AGREES
    )
    arrangement.differences_resolved_by = None
    arrangement.differences_resolved_at = None
    return True


def enter_arrangement(
    data: entry.ArrangementData, *, actor: Any, via: str = ""
) -> HolidayArrangement:
    """Save a year's arrangement as entered from the notice; it waits for a second administrator."""
    _require_admin(actor)
    problems = entry.check(data)
    if problems:
        raise ArrangementInvalid(problems)
    assert data.year is not None
    with transaction.atomic():
        pending = (
            HolidayArrangement.objects.select_for_update(of=("self",))
            .filter(year=data.year, status=ArrangementStatus.PENDING)
            .select_related("entered_by")
            .first()
        )
        if pending is not None:
            raise ValidationError(
                gettext(
                    "%(year)s 年已有一份待复核的节假日安排（%(who)s 于 %(at)s 录入）："
                    "请先由另一名系统管理员复核确认或退回，再录入新的一份。"
                )
                % {
                    "year": data.year,
                    "who": pending.entered_by or gettext("命令行"),
                    "at": timefmt.fmt_datetime(pending.entered_at),
                }
            )
        arrangement = HolidayArrangement.objects.create(
            year=data.year,
            source=ArrangementSource.MANUAL,
            notice_number=data.notice_number,
            notice_date=data.notice_date,
            notice_url=data.notice_url,
            holidays=data.holidays_json(),
            makeup_workdays=data.makeup_json(),
            status=ArrangementStatus.PENDING,
            entered_by=actor,
            entered_at=timezone.now(),
        )
        days = entry.expand(data)
        holiday_count = sum(1 for kind, _ in days.values() if kind == HolidayKind.HOLIDAY)
        record_change(
            actor=actor,
            action="workdays.arrangement.enter",
            obj=arrangement,
            after=snapshot(arrangement),
            summary=_with(
                gettext(
                    "录入 %(year)s 年节假日安排（%(number)s）：放假 %(holidays)s 天、"
                    "调休上班 %(makeup)s 天，待另一名系统管理员复核"
                )
                % {
                    "year": data.year,
                    "number": data.notice_number,
                    "holidays": holiday_count,
                    "makeup": len(days) - holiday_count,
                },
                via,
            ),
        )
    return arrangement


def confirm_arrangement(
    arrangement: HolidayArrangement, *, actor: Any, via: str = ""
) -> HolidayArrangement:
    """The second administrator's confirmation: the year's days become the arrangement's."""
    _require_admin(actor)
    with transaction.atomic():
        arrangement = HolidayArrangement.objects.select_for_update().get(pk=arrangement.pk)
        _require_transition(arrangement, ArrangementStatus.CONFIRMED, gettext("复核确认"))
        access.require(actor, "holidays.confirm", arrangement)
        data = entry.from_record(arrangement)
        problems = entry.check(data)
        if problems:
            raise ArrangementInvalid(problems)
        before = snapshot(arrangement)
        days = entry.expand(data)
        arrangement.status = ArrangementStatus.CONFIRMED
        arrangement.confirmed_by = actor
        arrangement.confirmed_at = timezone.now()
        _compare_into(arrangement, days)
        arrangement.save()
        installed = _install(arrangement, days, actor=actor)
        summary = gettext(
            "复核确认 %(year)s 年节假日安排（%(number)s），自此按其计算工作日："
            "新增 %(added)s 个日期、修改 %(changed)s 个、删除 %(removed)s 个"
        ) % {
            "year": arrangement.year,
            "number": arrangement.notice_number,
            "added": len(installed.added),
            "changed": len(installed.changed),
            "removed": len(installed.removed),
        }
        if arrangement.differences_status == DifferencesStatus.OPEN:
            summary += gettext("；与 %(package)s 有 %(count)s 处不一致，待处理") % {
                "package": arrangement.compared_with,
                "count": len(arrangement.differences),
            }
        record_change(
            actor=actor,
            action="workdays.arrangement.confirm",
            obj=arrangement,
            before={**before, "year_days": (installed.before or {}).get("days")},
            after={**snapshot(arrangement), "year_days": _days_snapshot(installed.holiday_year)},
            summary=_with(summary, via),
        )
    return arrangement


def return_arrangement(
    arrangement: HolidayArrangement, *, actor: Any, reason: str
) -> HolidayArrangement:
    """Send an entry back (or, by the one who entered it, withdraw it); nothing is loaded."""
    _require_admin(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": gettext("请写明退回理由，例如哪一天与通知原文不符，便于录入人改正。")}
        )
    with transaction.atomic():
        arrangement = HolidayArrangement.objects.select_for_update().get(pk=arrangement.pk)
        _require_transition(arrangement, ArrangementStatus.RETURNED, gettext("退回"))
        before = snapshot(arrangement)
        arrangement.status = ArrangementStatus.RETURNED
        arrangement.returned_by = actor
        arrangement.returned_at = timezone.now()
        arrangement.return_reason = reason
        arrangement.save()
        own = arrangement.entered_by_id == actor.pk
        record_change(
            actor=actor,
            action="workdays.arrangement.return",
            obj=arrangement,
            before=before,
            after=snapshot(arrangement),
            summary=(
                gettext("撤回自己录入的 %(year)s 年节假日安排：%(reason)s")
                if own
                else gettext("退回 %(year)s 年节假日安排：%(reason)s")
            )
            % {"year": arrangement.year, "reason": reason},
        )
    return arrangement


def resolve_differences(arrangement: HolidayArrangement, *, keep: str, actor: Any) -> None:
    """Settle a hand-entered year that the package disagrees with: keep it, or take the package's.

    ``keep`` is ``"manual"`` or ``"library"``.
    """
    _require_admin(actor)
    if keep not in ("manual", "library"):
        raise ValidationError({"keep": gettext("请选择保留手工录入的安排，或改用数据包的安排。")})
    with transaction.atomic():
        arrangement = HolidayArrangement.objects.select_for_update().get(pk=arrangement.pk)
        if (
            arrangement.status != ArrangementStatus.CONFIRMED
            or arrangement.differences_status != DifferencesStatus.OPEN
        ):
            raise ValidationError(
                gettext("%(year)s 年的这份安排没有待处理的数据包差异，无需处理。")
                % {"year": arrangement.year}
            )
        if arrangement.compared_with != package.package_label():
            raise ValidationError(
                gettext(
                    "比对所用的 %(then)s 已换成 %(now)s：请先运行 zhifa workdays load --year "
                    "%(year)s 重新比对，再处理差异。"
                )
                % {
                    "then": arrangement.compared_with,
                    "now": package.package_label(),
                    "year": arrangement.year,
                }
            )
        before = snapshot(arrangement)
        arrangement.differences_resolved_by = actor
        arrangement.differences_resolved_at = timezone.now()
        count = len(arrangement.differences)
        if keep == "manual":
            arrangement.differences_status = DifferencesStatus.KEPT_MANUAL
            arrangement.save()
            record_change(
                actor=actor,
                action="workdays.arrangement.resolve",
                obj=arrangement,
                before=before,
                after=snapshot(arrangement),
                summary=gettext(
                    "保留手工录入的 %(year)s 年节假日安排，不采用 %(package)s（%(count)s 处不一致）"
                )
                % {"year": arrangement.year, "package": arrangement.compared_with, "count": count},
            )
            return
        arrangement.save()
        library = _library_arrangement(arrangement.year, actor=actor)
        installed = _install(library, package.package_days(arrangement.year), actor=actor)
        arrangement.refresh_from_db()
        record_change(
            actor=actor,
            action="workdays.arrangement.resolve",
            obj=arrangement,
            before={**before, "year_days": (installed.before or {}).get("days")},
            after={**snapshot(arrangement), "year_days": _days_snapshot(installed.holiday_year)},
            summary=gettext(
                "%(year)s 年改用 %(package)s 的节假日安排，手工录入的安排失效（%(count)s 处不一致）"
            )
            % {"year": arrangement.year, "package": library.library_version, "count": count},
        )


def delete_holiday_year(holiday_year: HolidayYear, *, actor: Any) -> None:
    """Remove a year and all its days; arithmetic over that year then fails until it is loaded."""
    with transaction.atomic():
        holiday_year = HolidayYear.objects.select_for_update().get(pk=holiday_year.pk)
        before = {**snapshot(holiday_year), "days": _days_snapshot(holiday_year)}
        year, pk, arrangement_id = holiday_year.year, holiday_year.pk, holiday_year.arrangement_id
        count = holiday_year.days.count()
        holiday_year.delete()
        if arrangement_id is not None:
            HolidayArrangement.objects.filter(pk=arrangement_id).update(
                status=ArrangementStatus.SUPERSEDED
            )
        record_change(
            actor=actor,
            action="workdays.year.delete",
            object_type=HolidayYear._meta.label_lower,
            object_id=str(pk),
            before=before,
            summary=gettext("删除 %(year)s 年节假日安排及其 %(count)s 个日期")
            % {"year": year, "count": count},
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
    # Set when the year in force was entered by hand: compared with the package, not overwritten.
    compared: bool = False
    differences: list[dict[str, str]] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (
            self.created or self.added or self.changed or self.removed or self.source_changed
        )

    def describe(self) -> str:
        if self.compared:
            head = gettext("%(year)s 年：现行安排为按通知手工录入，未用 %(package)s 覆盖；") % {
                "year": self.year,
                "package": package.package_label(),
            }
            if not self.differences:
                return head + gettext("比对结果：与数据包一致")
            lines = [
                head
                + gettext(
                    "比对发现 %(count)s 处不一致，请系统管理员在“工作日 → 节假日安排”中"
                    "核对通知后决定保留手工录入或改用数据包："
                )
                % {"count": len(self.differences)}
            ]
            lines += [f"  {describe_difference(d)}" for d in self.differences]
            return "\n".join(lines)
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


def _library_arrangement(year: int, *, actor: Any) -> HolidayArrangement:
    """A new confirmed arrangement holding the package's days for ``year`` (saved)."""
    holidays, makeup = entry.group(package.package_days(year))
    notice = package.NOTICES.get(year)
    now = timezone.now()
    user = actor if getattr(actor, "pk", None) else None
    return HolidayArrangement.objects.create(
        year=year,
        source=ArrangementSource.LIBRARY,
        library_version=package.package_label(),
        notice_number=notice.number if notice else "",
        notice_date=notice.date if notice else None,
        holidays=holidays,
        makeup_workdays=makeup,
        status=ArrangementStatus.CONFIRMED,
        entered_by=user,
        entered_at=now,
        confirmed_by=user,
        confirmed_at=now,
    )


def load_year_from_package(year: int, *, actor: Any, via: str = "") -> LoadResult:
    """Make ``year`` match the chinesecalendar package; idempotent.

    A year already identical to the package is left alone and writes no audit record. A year
    whose arrangement in force was entered by hand is compared day by day and left as it is; the
    differences are kept on the arrangement for an administrator to resolve. Otherwise the
    package's days become the year's under a new package arrangement, and one audit record lists
    the before and after days.
    """
    if year not in package.package_years():
        raise YearNotInPackage(year)
    wanted = package.package_days(year)
    label = package.package_label()
    notice = package.NOTICES.get(year)
    with transaction.atomic():
        holiday_year = (
            HolidayYear.objects.select_for_update(of=("self",))
            .select_related("arrangement")
            .filter(year=year)
            .first()
        )
        current = holiday_year.arrangement if holiday_year is not None else None
        if (
            holiday_year is not None
            and current is not None
            and current.source == ArrangementSource.MANUAL
        ):
            return _compare_manual(holiday_year, current, actor=actor, via=via)
        result = LoadResult(year=year, source="", created=holiday_year is None)
        existing = _year_days(holiday_year) if holiday_year is not None else {}
        for day, value in wanted.items():
            if day not in existing:
                result.added.append(day)
            elif existing[day] != value:
                result.changed.append(day)
        result.removed = sorted(set(existing) - set(wanted))
        result.source_changed = (
            current is None
            or current.library_version != label
            or current.notice_number != (notice.number if notice else "")
        )
        if result.unchanged:
            result.source = holiday_year.source if holiday_year is not None else ""
            return result
        arrangement = _library_arrangement(year, actor=actor)
        result.source = arrangement.source_text
        installed = _install(arrangement, wanted, actor=actor)
        record_change(
            actor=actor,
            action="workdays.year.load",
            obj=installed.holiday_year,
            before=installed.before,
            after={
                **snapshot(installed.holiday_year),
                "days": _days_snapshot(installed.holiday_year),
            },
            summary=_with(result.describe(), via),
        )
    return result


def _compare_manual(
    holiday_year: HolidayYear, arrangement: HolidayArrangement, *, actor: Any, via: str
) -> LoadResult:
    arrangement = HolidayArrangement.objects.select_for_update().get(pk=arrangement.pk)
    before = snapshot(arrangement)
    changed = _compare_into(arrangement, _year_days(holiday_year))
    result = LoadResult(
        year=holiday_year.year,
        source=holiday_year.source,
        compared=True,
        differences=list(arrangement.differences),
    )
    if changed:
        arrangement.save()
        record_change(
            actor=actor,
            action="workdays.arrangement.compare",
            obj=arrangement,
            before=before,
            after=snapshot(arrangement),
            summary=_with(result.describe().replace("\n  ", "；"), via),
        )
    return result


def load_all_from_package(*, actor: Any, via: str = "") -> list[LoadResult]:
    return [load_year_from_package(year, actor=actor, via=via) for year in package.package_years()]


__all__ = [
    "ArrangementInvalid",
    "HolidayKind",
    "LoadResult",
    "YearNotInPackage",
    "compare_days",
    "confirm_arrangement",
    "delete_holiday_year",
    "describe_difference",
    "enter_arrangement",
    "load_all_from_package",
    "load_year_from_package",
    "resolve_differences",
    "return_arrangement",
]
