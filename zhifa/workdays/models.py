"""The State Council's yearly holiday arrangement (国务院办公厅关于某年部分节假日安排的通知).

A year counts as loaded only when it has a ``HolidayYear`` row; working-day arithmetic over an
unloaded year is an error (``selectors.YearNotLoaded``), never a guess from weekdays. Within a
loaded year a day is a working day when it is a Monday–Friday that is not a ``holiday``, or a
Saturday/Sunday listed as a ``makeup_workday`` (调休上班日).
"""

from __future__ import annotations

import uuid
from typing import Any

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


class HolidayYear(models.Model):
    """One year's arrangement as loaded, with the notice (or data package) it comes from."""

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
    # Changes with every change of the year or its days; per-process caches compare it.
    revision = models.CharField(_("版本标记"), max_length=32, default=new_revision, editable=False)

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
