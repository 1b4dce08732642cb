from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhifa.core.textinput import TextForm
from zhifa.workdays import entry


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


FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
HOLIDAY_ROWS = 9
MAKEUP_ROWS = 8
MAX_ROWS = 40


def _count(post: QueryDict, key: str, minimum: int) -> int:
    try:
        value = int(post.get(key, ""))
    except ValueError:
        value = minimum
    return max(1, min(value, MAX_ROWS))


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


@dataclass
class ArrangementEntry:
    """The entry page's fields as typed (text), with as many rows as the page shows.

    Not a Django form: the rows come and go, and every check lives in ``entry.check`` so that the
    page, the JSON file and the .xlsx file are judged alike.
    """

    year: str = ""
    notice_number: str = ""
    notice_date: str = ""
    notice_url: str = ""
    holidays: list[tuple[str, str, str]] = field(default_factory=list)  # name, first, last
    makeup: list[tuple[str, str]] = field(default_factory=list)  # date, name

    @classmethod
    def blank(cls, year: int | None) -> ArrangementEntry:
        rows = [(name, "", "") for name in FESTIVALS]
        return cls(year=str(year or ""), holidays=rows).padded()

    @classmethod
    def from_data(cls, data: entry.ArrangementData) -> ArrangementEntry:
        return cls(
            year=str(data.year or ""),
            notice_number=data.notice_number,
            notice_date=data.notice_date.isoformat() if data.notice_date else "",
            notice_url=data.notice_url,
            holidays=[
                (
                    h.name,
                    h.first.isoformat() if h.first else "",
                    h.last.isoformat() if h.last else "",
                )
                for h in data.holidays
            ],
            makeup=[(_iso(m.date), m.name) for m in data.makeup_workdays],
        ).padded()

    @classmethod
    def from_post(cls, post: QueryDict) -> ArrangementEntry:
        holidays = [
            (post.get(f"h-{n}-name", ""), post.get(f"h-{n}-first", ""), post.get(f"h-{n}-last", ""))
            for n in range(_count(post, "h-count", HOLIDAY_ROWS))
        ]
        makeup = [
            (post.get(f"m-{n}-date", ""), post.get(f"m-{n}-name", ""))
            for n in range(_count(post, "m-count", MAKEUP_ROWS))
        ]
        return cls(
            year=post.get("year", "").strip(),
            notice_number=post.get("notice_number", "").strip(),
            notice_date=post.get("notice_date", "").strip(),
            notice_url=post.get("notice_url", "").strip(),
            holidays=[tuple(v.strip() for v in row) for row in holidays],  # type: ignore[misc]
            makeup=[tuple(v.strip() for v in row) for row in makeup],  # type: ignore[misc]
        )

    def padded(self, more: int = 0) -> ArrangementEntry:
        """With blank rows to type into: at least the usual number, and ``more`` extra."""
        holidays = list(self.holidays)
        makeup = list(self.makeup)
        holidays += [("", "", "")] * max(HOLIDAY_ROWS - len(holidays), more, 2)
        makeup += [("", "")] * max(MAKEUP_ROWS - len(makeup), more, 2)
        return ArrangementEntry(
            self.year,
            self.notice_number,
            self.notice_date,
            self.notice_url,
            holidays[:MAX_ROWS],
            makeup[:MAX_ROWS],
        )

    def to_data(self) -> tuple[entry.ArrangementData, list[entry.Problem]]:
        return entry.from_rows(
            year=self.year,
            notice_number=self.notice_number,
            notice_date=self.notice_date,
            notice_url=self.notice_url,
            holidays=[
                (gettext("放假第 %(n)s 行") % {"n": n}, *row)
                for n, row in enumerate(self.holidays, start=1)
            ],
            makeup_workdays=[
                (gettext("调休上班第 %(n)s 行") % {"n": n}, *row)
                for n, row in enumerate(self.makeup, start=1)
            ],
        )


class ReturnForm(TextForm):
    reason = forms.CharField(
        label=_("退回理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("请写明退回理由，例如哪一天与通知原文不符，便于录入人改正。"),
            "max_length": _("退回理由不能超过 500 字。"),
        },
    )


class ConfirmForm(TextForm):
    checked = forms.BooleanField(
        label=_("我已对照通知原文逐日核对放假和调休上班日期"),
        error_messages={"required": _("请先对照通知原文逐日核对放假和调休上班日期，并勾选确认。")},
    )


class ResolveForm(TextForm):
    keep = forms.ChoiceField(
        label=_("处理方式"),
        choices=[
            ("manual", _("保留手工录入的安排（已核对通知原文，数据包有误）")),
            ("library", _("改用数据包的安排（手工录入有误）")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择保留手工录入的安排，或改用数据包的安排。")},
    )
    checked = forms.BooleanField(
        label=_("我已对照通知原文核对上列每一处不一致"),
        error_messages={"required": _("请先对照通知原文核对每一处不一致，并勾选确认。")},
    )
