"""The State Council's yearly holiday arrangement (国务院办公厅关于某年部分节假日安排的通知).

Every arrangement, entered by hand or taken from the chinesecalendar package, is a
``HolidayArrangement``. A hand-entered one waits (待复核) until a second administrator confirms it;
a package one is confirmed by the loader. A year counts as loaded only when its ``HolidayYear``
points at a confirmed arrangement (``selectors.is_year_loaded``); the year's ``Holiday`` rows are
that arrangement's days. Working-day arithmetic over an unloaded year is an error
(``selectors.YearNotLoaded``), never a guess from weekdays. Within a loaded year a day is a working
day when it is a Monday–Friday that is not a ``holiday``, or a Saturday/Sunday listed as a
``makeup_workday`` (调休上班日).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def new_revision() -> str:
    return uuid.uuid4().hex


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日")
    MAKEUP_WORKDAY = "makeup_workday", _("调休上班日")


class ArrangementSource(models.TextChoices):
    LIBRARY = "library", _("chinesecalendar 数据包")
    MANUAL = "manual", _("按通知手工录入")


class ArrangementStatus(models.TextChoices):
    PENDING = "pending", _("待复核")
    CONFIRMED = "confirmed", _("已确认")
    RETURNED = "returned", _("已退回")
    SUPERSEDED = "superseded", _("已失效")


class DifferencesStatus(models.TextChoices):
    NONE = "", _("未比对")
    AGREES = "agrees", _("与数据包一致")
    OPEN = "open", _("与数据包不一致，待处理")
    KEPT_MANUAL = "kept_manual", _("不一致，已决定保留手工录入")


class HolidayArrangement(models.Model):
    """One year's arrangement as entered (or as the package has it), with its notice.

    Its content is kept as entered (``holidays``: ranges with their first and last day;
    ``makeup_workdays``: dates), so the record stays what the administrators saw and confirmed.
    """

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        ArrangementStatus.PENDING: {ArrangementStatus.CONFIRMED, ArrangementStatus.RETURNED},
        ArrangementStatus.CONFIRMED: {ArrangementStatus.SUPERSEDED},
        ArrangementStatus.RETURNED: set(),
        ArrangementStatus.SUPERSEDED: set(),
    }

    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(1999), MaxValueValidator(2100)]
    )
    source = models.CharField(_("来源"), max_length=16, choices=ArrangementSource.choices)
    library_version = models.CharField(
        _("数据包版本"),
        max_length=64,
        blank=True,
        help_text=_("来源为数据包时，如“chinesecalendar 1.11.0”。"),
    )
    notice_number = models.CharField(_("通知文号"), max_length=64, blank=True)
    notice_date = models.DateField(_("通知日期"), null=True, blank=True)
    notice_url = models.URLField(_("通知网址"), max_length=500, blank=True)
    # [{"name": "春节", "first": "2027-02-05", "last": "2027-02-12"}, …]
    holidays = models.JSONField(_("放假安排"), default=list)
    # [{"date": "2027-02-14", "name": "春节"}, …]
    makeup_workdays = models.JSONField(_("调休上班日"), default=list)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ArrangementStatus.choices,
        default=ArrangementStatus.PENDING,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("退回人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    # The latest comparison of a confirmed hand-entered arrangement with the package's data.
    compared_with = models.CharField(_("比对的数据包"), max_length=64, blank=True)
    differences = models.JSONField(_("与数据包的差异"), default=list, blank=True)
    differences_status = models.CharField(
        _("比对结果"),
        max_length=16,
        choices=DifferencesStatus.choices,
        default=DifferencesStatus.NONE,
        blank=True,
    )
    differences_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("差异处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    differences_resolved_at = models.DateTimeField(_("差异处理时间"), null=True, blank=True)

    access_unrestricted = "节假日安排是国务院办公厅公开发布的通知。"

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["-year", "-entered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ArrangementStatus.values),
                name="workdays_arrangement_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=ArrangementSource.values),
                name="workdays_arrangement_source_valid",
            ),
            # At most one arrangement of a year waits for review at a time.
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(status="pending"),
                name="workdays_one_pending_arrangement_per_year",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(year)s 年节假日安排（%(source)s，%(status)s）") % {
            "year": self.year,
            "source": self.get_source_display(),
            "status": self.get_status_display(),
        }

    @property
    def title(self) -> str:
        return gettext("国务院办公厅关于%(year)s年部分节假日安排的通知") % {"year": self.year}

    @property
    def source_text(self) -> str:
        """The text a year's page and the audit show as where the days come from."""
        notice = self.title + (f"（{self.notice_number}）" if self.notice_number else "")
        if self.source == ArrangementSource.LIBRARY:
            if self.notice_number:
                return gettext("%(notice)s；数据取自 %(package)s") % {
                    "notice": notice,
                    "package": self.library_version,
                }
            return self.library_version
        return gettext("%(notice)s；按通知手工录入") % {"notice": notice}

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "source": self.source,
            "library_version": self.library_version,
            "notice_number": self.notice_number,
            "notice_date": self.notice_date.isoformat() if self.notice_date else None,
            "notice_url": self.notice_url,
            "holidays": self.holidays,
            "makeup_workdays": self.makeup_workdays,
            "status": self.status,
            "entered_by": self.entered_by_id,
            "confirmed_by": self.confirmed_by_id,
            "returned_by": self.returned_by_id,
            "return_reason": self.return_reason,
            "compared_with": self.compared_with,
            "differences": self.differences,
            "differences_status": self.differences_status,
            "differences_resolved_by": self.differences_resolved_by_id,
        }


class HolidayYear(models.Model):
    """A year whose days are in the table, and the confirmed arrangement they come from."""

    year = models.PositiveSmallIntegerField(
        _("年度"),
        unique=True,
        validators=[MinValueValidator(1999), MaxValueValidator(2100)],
    )
    source = models.CharField(
        _("依据"),
        max_length=255,
        help_text=_(
            "国务院办公厅关于该年部分节假日安排的通知及其文号，"
            "如“国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）”。"
        ),
    )
    loaded_at = models.DateTimeField(_("载入时间"), default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("载入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    arrangement = models.ForeignKey(
        HolidayArrangement,
        verbose_name=_("现行安排"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="current_for",
        help_text=_("已确认的安排；为空时该年度不算已载入。"),
    )
    # Changes with every change of the year or its days; per-process caches compare it.
    revision = models.CharField(_("版本标记"), max_length=32, default=new_revision, editable=False)

    access_unrestricted = "节假日安排是国务院办公厅公开发布的通知。"

    class Meta:
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return gettext("%(year)s 年节假日安排") % {"year": self.year}

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "source": self.source,
            "loaded_by": self.loaded_by_id,
            "arrangement": self.arrangement_id,
        }


class Holiday(models.Model):
    """A day that departs from the Monday–Friday rule: a statutory holiday or a make-up workday."""

    date = models.DateField(_("日期"), unique=True)
    year = models.ForeignKey(
        HolidayYear,
        verbose_name=_("所属年度"),
        on_delete=models.CASCADE,
        related_name="days",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=HolidayKind.choices)
    name = models.CharField(_("节日"), max_length=64, help_text=_("如“春节”“国庆节”。"))

    access_unrestricted = "节假日安排是国务院办公厅公开发布的通知。"

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=HolidayKind.values), name="workdays_holiday_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}（{self.name}）"

    @property
    def weekday_name(self) -> str:
        return WEEKDAY_NAMES[self.date.weekday()]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        # In an admin inline under a year being created, the year is set but not yet saved.
        holiday_year = (
            self.year if self.year_id is not None else self._state.fields_cache.get("year")
        )
        if (
            self.date is not None
            and holiday_year is not None
            and self.date.year != holiday_year.year
        ):
            errors["date"] = gettext(
                "日期 %(date)s 不在所属年度 %(year)s 年内："
                "请改正日期，或选择 %(date_year)s 年的安排。"
            ) % {
                "date": self.date.isoformat(),
                "year": holiday_year.year,
                "date_year": self.date.year,
            }
        if (
            self.date is not None
            and self.kind == HolidayKind.MAKEUP_WORKDAY
            and self.date.weekday() < 5
        ):
            errors["kind"] = gettext(
                "%(date)s 是%(weekday)s，本来就是工作日，不能登记为调休上班日："
                "调休上班日只能是周六或周日。"
            ) % {"date": self.date.isoformat(), "weekday": WEEKDAY_NAMES[self.date.weekday()]}
        if errors:
            raise ValidationError(errors)

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat() if self.date else None,
            "year": self.year.year if self.year_id else None,
            "kind": self.kind,
            "name": self.name,
        }
