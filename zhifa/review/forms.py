"""Forms of 执法体检 (one column, usable at 390 px)."""

from __future__ import annotations

from typing import Any

from django import forms

from zhifa.core import uploads
from zhifa.core.textinput import TextForm
from zhifa.core.uploads import UploadField
from zhifa.org.models import EnforcementField, Organisation, OrganisationKind
from zhifa.review.models import CaseReview, ChecklistItem, Severity

DATE = forms.DateInput(attrs={"type": "date"})


class ScoreForm(TextForm):
    """For each veto item hit + comment, for each scored item deduction + reason."""

    def __init__(self, *args: Any, review: CaseReview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.review = review
        self.veto_rows = []
        for mark in review.veto_marks.select_related("item").order_by("item__code"):
            hit, comment = f"veto_{mark.item_id}_hit", f"veto_{mark.item_id}_comment"
            self.fields[hit] = forms.BooleanField(
                label=f"触及否决项：{mark.item.text}", required=False, initial=mark.hit
            )
            self.fields[comment] = forms.CharField(
                label=f"{mark.item.text}：说明",
                required=False,
                max_length=500,
                initial=mark.comment,
            )
            self.veto_rows.append((mark, self[hit], self[comment]))
        self.deduction_rows = []
        for row in review.deductions.select_related("item").order_by("item__code"):
            points, comment = f"item_{row.item_id}_points", f"item_{row.item_id}_comment"
            self.fields[points] = forms.DecimalField(
                label=f"{row.item.code} 扣分（本项 {row.item.max_points} 分）",
                required=False,
                min_value=0,
                max_digits=5,
                decimal_places=1,
                initial=row.points,
            )
            self.fields[comment] = forms.CharField(
                label=f"{row.item.code} 扣分理由",
                required=False,
                max_length=500,
                initial=row.comment,
            )
            self.deduction_rows.append((row, self[points], self[comment]))
        self.fields["conclusion"] = forms.CharField(
            label="评查意见",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            initial=review.conclusion,
        )

    def marks(self) -> tuple[dict[int, tuple[bool, str]], dict[int, tuple[Any, str]]]:
        data = self.cleaned_data
        vetoes = {
            mark.item_id: (
                bool(data.get(f"veto_{mark.item_id}_hit")),
                data.get(f"veto_{mark.item_id}_comment") or "",
            )
            for mark, _, _ in self.veto_rows
        }
        deductions = {
            row.item_id: (
                data.get(f"item_{row.item_id}_points") or 0,
                data.get(f"item_{row.item_id}_comment") or "",
            )
            for row, _, _ in self.deduction_rows
        }
        return vetoes, deductions


class ConfirmForm(TextForm):
    confirm = forms.BooleanField(label="我已核对，确认此操作不可撤回", required=True)


def agencies_field(user: Any, *, multiple: bool = False) -> forms.Field:
    rows = Organisation.objects.restrict(user).filter(kind__in=OrganisationKind.enforcing())
    if multiple:
        return forms.ModelMultipleChoiceField(
            label="监督对象", queryset=rows.order_by("name"), widget=forms.CheckboxSelectMultiple
        )
    return forms.ModelChoiceField(label="被抽查机关", queryset=rows.order_by("name"))


class SpotCheckForm(TextForm):
    title = forms.CharField(label="抽查名称", max_length=200)
    period_start = forms.DateField(label="办结日期起", widget=DATE)
    period_end = forms.DateField(label="办结日期止", widget=DATE)
    count = forms.IntegerField(label="抽取件数", min_value=1, max_value=200)
    source_name = forms.CharField(
        label="随机源",
        max_length=200,
        help_text="公告之后才公布的公开数值，如“福彩3D 第2026300期开奖号码”。",
    )
    source_where = forms.CharField(label="随机源公布渠道", max_length=300)
    reveal_date = forms.DateField(label="随机源公布日期", widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"agency": agencies_field(user), **self.fields}


class DrawForm(TextForm):
    value = forms.CharField(label="随机源数值（已公布）", max_length=200)


class CampaignForm(TextForm):
    title = forms.CharField(label="专项监督名称", max_length=200)
    period_start = forms.DateField(label="时间范围起", widget=DATE)
    period_end = forms.DateField(label="时间范围止", widget=DATE)
    checklist = forms.CharField(
        label="检查要点（每行一条）", widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"] = agencies_field(user, multiple=True)
        self.fields["field"] = forms.ModelChoiceField(
            label="执法领域", queryset=EnforcementField.objects.order_by("code"), required=False
        )


class FindingForm(TextForm):
    text = forms.CharField(label="发现的问题", widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.ChoiceField(label="严重程度", choices=Severity.choices)

    def __init__(self, *args: Any, campaign: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "agency": forms.ModelChoiceField(
                label="被监督机关", queryset=campaign.agencies.order_by("name")
            ),
            "item": forms.ModelChoiceField(
                label="检查要点",
                queryset=ChecklistItem.objects.filter(campaign=campaign),
                required=False,
            ),
            **self.fields,
        }


class ConcludeForm(TextForm):
    conclusion = forms.CharField(label="监督结论", widget=forms.Textarea(attrs={"rows": 4}))


POINTS_FIELD: dict[str, Any] = {"max_digits": 5, "decimal_places": 1, "min_value": 0}


class StandardImportForm(TextForm):
    label = forms.CharField(label="版本名称", max_length=100, help_text="如“舟山市 2027版”。")
    source_note = forms.CharField(
        label="依据与出处",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="据以制定的文件名称、文号或网址，每行一份。",
    )
    appearance_points = forms.DecimalField(label="卷面分值", initial=20, **POINTS_FIELD)
    content_points = forms.DecimalField(label="内容分值", initial=80, **POINTS_FIELD)
    excellent_min = forms.DecimalField(label="优秀最低分（含）", initial=90, **POINTS_FIELD)
    good_min = forms.DecimalField(label="良好最低分（含）", initial=80, **POINTS_FIELD)
    pass_min = forms.DecimalField(label="合格最低分（含）", initial=60, **POINTS_FIELD)
    file = UploadField(
        types=uploads.IMPORT,
        max_bytes=2 * 1024 * 1024,
        label="评查项目文件（.xlsx 或 .csv）",
        help_text="使用导入模板；每行一个否决项或评分项，不超过 2 MB。",
        error_messages={"required": "请选择要导入的 .xlsx 或 .csv 文件。"},
    )
