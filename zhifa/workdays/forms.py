from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhifa.textinput import TextForm, TextModelForm
from zhifa.workdays.models import Holiday, HolidayYear


def _date_field(label: str, example: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext("请填写%(label)s。") % {"label": label},
            "invalid": gettext("%(label)s不是有效日期，请按 YYYY-MM-DD 填写，例如 %(example)s。")
            % {"label": label, "example": example},
        },
    )


class NoticeForm(TextForm):
    """Inspection date → the latest date the advance notice may be issued."""

    inspection_date = _date_field(gettext("检查日期"), "2025-10-09")
    days = forms.IntegerField(
        label=_("提前工作日数"),
        required=False,
        min_value=0,
        max_value=250,
        help_text=_("留空即按系统设置。"),
        error_messages={
            "invalid": _("提前工作日数须为整数，例如 5。"),
            "min_value": _("提前工作日数不能为负数，请填写 0 或正整数。"),
            "max_value": _("提前工作日数不能超过 250。"),
        },
    )


class AddForm(TextForm):
    """A date plus (or minus) N working days."""

    start = _date_field(gettext("起算日期"), "2025-09-30")
    n = forms.IntegerField(
        label=_("工作日数"),
        min_value=-1000,
        max_value=1000,
        help_text=_("负数向前数；0 即起算日期本身。"),
        error_messages={
            "required": _("请填写工作日数，例如 3 或 -3。"),
            "invalid": _("工作日数须为整数，例如 3 或 -3。"),
            "min_value": _("工作日数不能小于 -1000。"),
            "max_value": _("工作日数不能大于 1000。"),
        },
    )


class HolidayAdminForm(TextModelForm):  # type: ignore[type-arg]
    """The year follows from the date; it must have been registered first."""

    class Meta:
        model = Holiday
        fields = ["date", "kind", "name"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day: dt.date | None = cleaned.get("date")
        if day is not None:
            holiday_year = HolidayYear.objects.filter(year=day.year).first()
            if holiday_year is None:
                self.add_error(
                    "date",
                    gettext(
                        "%(year)s 年的节假日安排尚未登记：请先在“节假日安排年度”中"
                        "新建 %(year)s 年度（填写国务院办公厅通知的名称和文号），再录入日期。"
                    )
                    % {"year": day.year},
                )
            else:
                self.instance.year = holiday_year
        return cleaned
