"""Forms of the draw pages. They take input; the rules are checked by the services."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from zhifa.core.textinput import TextForm
from zhifa.draws.models import DrawMode, DrawStatus, DrawTask
from zhifa.org.models import Officer
from zhifa.org.scoping import visible_to
from zhifa.plans.models import PlanStatus, PlanTask
from zhifa.registry.models import Enterprise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CONFIRM_ANNOUNCE = "我已知悉：公告后名录文件及其 SM3、各分层抽取户数和随机源即对外公开，不能更改。"
CONFIRM_DRAW = "我已核对各随机源的公布取值：抽取结果和公开记录生成后不能更改、不能重抽。"
CONFIRM_CANCEL = "我确认撤销本抽取任务；已公告的抽取，撤销及其理由将公开。"


class DrawFilterForm(TextForm):
    q = forms.CharField(label="名称", required=False, max_length=64)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *DrawStatus.choices]
    )
    year = forms.IntegerField(label="计划年度", required=False, min_value=2000, max_value=2100)

    def filters(self) -> dict[str, Any] | None:
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return None
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class TaskChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, PlanTask)
        return f"{obj.plan.title} · 第{obj.quarter}季度 · {obj.name}"


class DrawForm(TextForm):
    task = TaskChoiceField(
        label="计划任务",
        queryset=PlanTask.objects.none(),
        error_messages={"invalid_choice": "所选计划任务不存在、未公布或已撤销，请从列表中选择。"},
    )
    title = forms.CharField(label="抽取任务名称", max_length=200)
    mode = forms.ChoiceField(label="随机方式", choices=DrawMode.choices, initial=DrawMode.PUBLIC)
    reveal_date = forms.DateField(
        label="随机源公布日期", widget=DATE, help_text="在此日期之前不能抽取；须晚于今天。"
    )
    inspection_start = forms.DateField(label="检查开始日期", required=False, widget=DATE)
    inspection_end = forms.DateField(label="检查结束日期", required=False, widget=DATE)
    counts = forms.CharField(
        label="指定抽取户数（可选）",
        required=False,
        max_length=200,
        help_text="如“A=2, D=10”；未指定的分层按计划的抽查比例计算（向上取整）。",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tasks = visible_to(
            user,
            PlanTask.objects.filter(
                plan__status=PlanStatus.PUBLISHED, is_cancelled=False
            ).select_related("plan"),
        ).order_by("-plan__year", "quarter", "pk")
        field = self.fields["task"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = tasks

    def clean_counts(self) -> dict[str, int]:
        text = self.cleaned_data.get("counts", "").strip()
        counts: dict[str, int] = {}
        for part in filter(None, re.split(r"[,，;；\s]+", text)):
            match = re.fullmatch(r"([A-Za-z0-9]+)[=＝:：]([0-9]+)", part)
            if not match:
                raise forms.ValidationError(
                    f"“{part}”格式不对，应为“分层代码=户数”，多个用逗号分隔，如“A=2, D=10”。"
                )
            counts[match.group(1)] = int(match.group(2))
        return counts


class SourceForm(TextForm):
    name = forms.CharField(
        label="随机源",
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"aria-label": "随机源名称", "placeholder": "如：双色球第2026138期开奖号码"}
        ),
    )
    where = forms.CharField(
        label="公布渠道",
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"aria-label": "公布渠道"}),
    )
    expected_on = forms.DateField(
        label="预计公布日期",
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "aria-label": "预计公布日期"}, format="%Y-%m-%d"
        ),
    )


SourceFormSet = forms.formset_factory(SourceForm, extra=3, max_num=10)


def sources_from(formset: Any) -> list[dict[str, Any]]:
    """The filled rows of the sources formset (blank rows are ignored)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {}) or {}
        if data.get("name") or data.get("where") or data.get("expected_on"):
            rows.append(
                {
                    "name": data.get("name", ""),
                    "where": data.get("where", ""),
                    "expected_on": data.get("expected_on"),
                }
            )
    return rows


class AnnounceForm(TextForm):
    confirm = forms.BooleanField(
        label=CONFIRM_ANNOUNCE,
        error_messages={"required": "请勾选确认：公告后名录和随机源即公开，不能更改。"},
    )


class PerformForm(TextForm):
    confirm = forms.BooleanField(
        label=CONFIRM_DRAW,
        error_messages={"required": "请勾选确认：抽取结果生成后不能更改、不能重抽。"},
    )

    def __init__(self, *args: Any, draw: DrawTask, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.draw_sources = list(draw.sources.order_by("position"))
        fields: dict[str, forms.Field] = {}
        for source in self.draw_sources:
            fields[f"value_{source.position}"] = forms.CharField(
                label=source.name,
                max_length=255,
                help_text=(
                    f"公布渠道：{source.where or '—'}；预计公布日期：{source.expected_on:%Y-%m-%d}"
                ),
                error_messages={"required": f"请填写随机源“{source.name}”的公布取值。"},
            )
        confirm = self.fields.pop("confirm")
        self.fields.update(fields)
        self.fields["confirm"] = confirm

    def values(self) -> list[str]:
        return [self.cleaned_data[f"value_{s.position}"] for s in self.draw_sources]


class CancelForm(TextForm):
    reason = forms.CharField(label="撤销理由", max_length=255)
    confirm = forms.BooleanField(
        label=CONFIRM_CANCEL, error_messages={"required": "请勾选确认撤销。"}
    )


class OfficerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Officer)
        return f"{obj.name}（{obj.cert_no}）"


class ConflictForm(TextForm):
    officer = OfficerChoiceField(label="执法人员", queryset=Officer.objects.none())
    uscc = forms.CharField(label="企业统一社会信用代码", max_length=18, min_length=18)
    reason = forms.CharField(label="回避事由", max_length=255)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = visible_to(user, Officer.objects.all()).order_by("name", "cert_no")
        self.fields["uscc"].error_messages.update(
            {
                "min_length": "统一社会信用代码应为 18 位。",
                "max_length": "统一社会信用代码应为 18 位。",
            }
        )

    def clean_uscc(self) -> Enterprise:
        code = self.cleaned_data["uscc"].strip().upper()
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            raise forms.ValidationError(f"企业名录中没有统一社会信用代码为“{code}”的企业。")
        return enterprise
