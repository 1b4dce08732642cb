"""Forms of the discretion pages. They take input; the rules are checked by the services (and,
for the evaluate form, by the engine's own types)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from zhifa.core import uploads
from zhifa.core.textinput import TextForm
from zhifa.core.uploads import UploadField
from zhifa.discretion import importing, selectors
from zhifa.discretion.conditions import (
    CIRCUMSTANCE_SHORT,
    CONDITION_HEADERS,
    HARM_LABELS,
    AmountMeasure,
    Circumstance,
    HarmLevel,
    columns_from_conditions,
    parse_conditions,
    plain_amount,
)
from zhifa.discretion.engine import Finding, MentalState, PartyKind, PriorViolation
from zhifa.discretion.models import DiscretionItem, DiscretionVersion, ListKind
from zhifa.org.models import Organisation

CONFIRM_REQUIRED = "请勾选确认后再提交。"
_DATE = forms.DateInput(attrs={"type": "date"})
_HARM_CHOICES = [("", "不要求")] + [
    (level.value, {"none": "无", "minor": "轻微", "general": "一般", "serious": "严重"}[level])
    for level in HarmLevel
]
_CIRCUMSTANCE_CHOICES = [(c.value, CIRCUMSTANCE_SHORT[c]) for c in Circumstance]


def _choices(field: Any, choices: list[tuple[Any, str]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _chinese_required(form: forms.Form) -> None:
    for field in form.fields.values():
        field.error_messages["required"] = f"{field.label}：此项必填。"
        field.error_messages["invalid_choice"] = f"{field.label}：请从列表中选择。"
        field.error_messages["invalid"] = f"{field.label}：格式不正确。"


class PublicFilterForm(TextForm):
    q = forms.CharField(label="违法行为或编号", required=False, max_length=64)
    kind = forms.ChoiceField(
        label="清单", required=False, choices=[("", "全部清单"), *ListKind.choices]
    )
    field = forms.ChoiceField(label="执法领域", required=False)
    version = forms.ChoiceField(label="发布机关及版本", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(
            self.fields["field"],
            [("", "全部领域")] + [(f.code, f.name) for f in selectors.public_fields()],
        )
        _choices(
            self.fields["version"],
            [("", "全部")]
            + [
                (str(v.pk), f"{v.organisation.name} {v.label}") for v in selectors.public_versions()
            ],
        )
        _chinese_required(self)

    def filters(self) -> dict[str, Any] | None:
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return {
            "q": data.get("q", ""),
            "kind": data.get("kind", ""),
            "field": data.get("field", ""),
            "version": int(data["version"]) if data.get("version") else None,
        }


class VersionForm(TextForm):
    organisation = forms.ModelChoiceField(
        label="编制机关", queryset=Organisation.objects.none(), required=False
    )
    label = forms.CharField(label="版本名称", max_length=100, help_text="如“晋中市 2024版”。")
    issuer = forms.CharField(
        label="发布机关", max_length=200, help_text="文件上署名的机关，联合印发的写全。"
    )
    sources = forms.CharField(
        label="依据文件",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="据以编制的文件名称和文号，每行一份。",
    )
    effective_from = forms.DateField(label="施行日期", required=False, widget=_DATE)
    notes = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self, *args: Any, user: Any, instance: DiscretionVersion | None = None, **kwargs: Any
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "label": instance.label,
                "issuer": instance.issuer,
                "sources": instance.sources,
                "effective_from": instance.effective_from,
                "notes": instance.notes,
            }
        super().__init__(*args, **kwargs)
        if user.is_admin and instance is None:
            field = self.fields["organisation"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = selectors.organisations_for_curation(user)
            field.required = True
        else:
            del self.fields["organisation"]
        _chinese_required(self)


class ItemForm(TextForm):
    code = forms.CharField(label="事项编号", max_length=32)
    kind = forms.ChoiceField(label="清单", choices=ListKind.choices)
    field = forms.ChoiceField(label="执法领域")
    violation_code = forms.CharField(
        label="违法行为编码",
        max_length=64,
        help_text="同一违法行为在三张清单中的事项使用同一编码。",
    )
    violation = forms.CharField(label="违法行为", widget=forms.Textarea(attrs={"rows": 2}))
    violation_basis_law = forms.CharField(label="违法依据（法律法规）", max_length=200)
    violation_basis_article = forms.CharField(label="违法依据（条款）", max_length=100)
    discretion_basis_law = forms.CharField(label="裁量依据（法律法规）", max_length=200)
    discretion_basis_article = forms.CharField(label="裁量依据（条款）", max_length=100)
    first_years = forms.CharField(
        label=CONDITION_HEADERS["first_years"], required=False, help_text="近 N 年内无同类违法记录"
    )
    harm_max = forms.ChoiceField(
        label=CONDITION_HEADERS["harm_max"], required=False, choices=_HARM_CHOICES
    )
    before_inspection = forms.BooleanField(
        label=CONDITION_HEADERS["before_inspection"], required=False
    )
    correction = forms.CharField(
        label=CONDITION_HEADERS["correction"],
        required=False,
        help_text="如 5个工作日、15日、责令期限内",
    )
    no_fault = forms.BooleanField(label=CONDITION_HEADERS["no_fault"], required=False)
    income_max = forms.CharField(label=CONDITION_HEADERS["income_max"], required=False)
    goods_max = forms.CharField(label=CONDITION_HEADERS["goods_max"], required=False)
    turnover_max = forms.CharField(label=CONDITION_HEADERS["turnover_max"], required=False)
    duration_max = forms.CharField(label=CONDITION_HEADERS["duration_max"], required=False)
    circumstances = forms.MultipleChoiceField(
        label=CONDITION_HEADERS["circumstances"],
        required=False,
        choices=_CIRCUMSTANCE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = forms.CharField(label="处理结果", widget=forms.Textarea(attrs={"rows": 2}))
    penalty_min = forms.CharField(label="罚款下限（元）", required=False)
    penalty_max = forms.CharField(label="罚款上限（元）", required=False)
    penalty_text = forms.CharField(label="处罚幅度", required=False, max_length=200)
    compliance_item_code = forms.CharField(
        label="对应合规指导事项编码", required=False, max_length=64
    )
    source = forms.CharField(label="出处", required=False, max_length=255)
    is_paraphrased = forms.BooleanField(label="转述（未逐字核对原文）", required=False)

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        instance: DiscretionItem | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            cells = columns_from_conditions(parse_conditions(instance.conditions))
            initial: dict[str, Any] = {
                key: getattr(instance, key)
                for key in (
                    "code",
                    "kind",
                    "violation_code",
                    "violation",
                    "violation_basis_law",
                    "violation_basis_article",
                    "discretion_basis_law",
                    "discretion_basis_article",
                    "outcome",
                    "penalty_text",
                    "compliance_item_code",
                    "source",
                    "is_paraphrased",
                )
            }
            initial["field"] = instance.field.code
            for key in ("penalty_min", "penalty_max"):
                amount = getattr(instance, key)
                initial[key] = plain_amount(amount) if amount is not None else ""
            harm_value = {"无": "none", "轻微": "minor", "一般": "general", "严重": "serious"}
            initial.update(cells)
            initial["harm_max"] = harm_value.get(cells["harm_max"], "")
            initial["before_inspection"] = cells["before_inspection"] == "是"
            initial["no_fault"] = cells["no_fault"] == "是"
            by_short = {v: k for k, v in CIRCUMSTANCE_SHORT.items()}
            initial["circumstances"] = [
                by_short[p] for p in cells["circumstances"].split("；") if p in by_short
            ]
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        fields = importing.field_lookup(organisation)
        unique = {f.code: f.name for f in fields.values()}
        _choices(self.fields["field"], sorted(unique.items()))
        _chinese_required(self)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["circumstances"] = "；".join(data.get("circumstances") or [])
        return data


class ConfirmForm(TextForm):
    confirm = forms.BooleanField(label="我已核对，确认办理", required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].error_messages["required"] = CONFIRM_REQUIRED


class ReviseForm(TextForm):
    label = forms.CharField(label="修订版本名称", max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _chinese_required(self)


class ImportForm(TextForm):
    file = UploadField(
        types=uploads.IMPORT, max_bytes=importing.MAX_FILE_BYTES, label="清单文件（.xlsx 或 .csv）"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = "请选择要导入的文件。"


# --- Evaluate a finding -----------------------------------------------------------------------

_HISTORY_LINE = re.compile(r"^\s*(\S+)\s+(\d{4}-\d{2}-\d{2})\s*$")


class EvaluateForm(TextForm):
    version = forms.ChoiceField(label="适用的裁量清单", required=False)
    violation_code = forms.CharField(
        label="违法行为编码",
        max_length=64,
        help_text="可从清单中选择，或直接填写编码。",
        widget=forms.TextInput(attrs={"list": "violation-codes"}),
    )
    found_on = forms.DateField(label="检查（发现）日期", widget=_DATE)
    harm = forms.ChoiceField(
        label="危害后果",
        required=False,
        choices=[("", "未认定")] + [(level.value, HARM_LABELS[level]) for level in HarmLevel],
    )
    minor_violation = forms.BooleanField(label="违法行为轻微", required=False)
    corrected_before_inspection = forms.BooleanField(label="检查发现前已主动改正", required=False)
    ordered_on = forms.DateField(label="责令改正日期", required=False, widget=_DATE)
    deadline = forms.DateField(label="责令改正期限（至）", required=False, widget=_DATE)
    corrected_on = forms.DateField(label="改正完成日期", required=False, widget=_DATE)
    no_subjective_fault = forms.BooleanField(label="有证据足以证明没有主观过错", required=False)
    law_excludes_fault_defence = forms.BooleanField(
        label="法律、行政法规对无主观过错另有规定", required=False
    )
    illegal_income = forms.DecimalField(
        label="违法所得（元）", required=False, min_value=Decimal("0"), decimal_places=2
    )
    goods_value = forms.DecimalField(
        label="货值金额（元）", required=False, min_value=Decimal("0"), decimal_places=2
    )
    turnover = forms.DecimalField(
        label="违法经营额（元）", required=False, min_value=Decimal("0"), decimal_places=2
    )
    duration_days = forms.IntegerField(
        label="违法行为持续时间（日）", required=False, min_value=0, max_value=36500
    )
    circumstances = forms.MultipleChoiceField(
        label="行政处罚法第三十二条情形",
        required=False,
        choices=_CIRCUMSTANCE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    party = forms.ChoiceField(
        label="当事人",
        choices=[(PartyKind.ENTERPRISE.value, "单位"), (PartyKind.NATURAL_PERSON.value, "自然人")],
        initial=PartyKind.ENTERPRISE.value,
    )
    age = forms.IntegerField(label="年龄（自然人）", required=False, min_value=0, max_value=150)
    mental_state = forms.ChoiceField(
        label="辨认控制能力（自然人）",
        choices=[
            (MentalState.NORMAL.value, "正常"),
            (MentalState.INCAPABLE.value, "不能辨认或者不能控制自己行为"),
            (MentalState.PARTIAL.value, "尚未完全丧失辨认或者控制能力"),
        ],
        initial=MentalState.NORMAL.value,
    )
    ended_on = forms.DateField(
        label="违法行为发生（或终了）日期",
        required=False,
        widget=_DATE,
        help_text="用于行政处罚法第三十六条追责期限；连续或者继续状态的，填终了之日。",
    )
    life_or_financial_safety = forms.BooleanField(
        label="涉及公民生命健康安全、金融安全（有危害后果的，追责期限五年）", required=False
    )
    special_limitation_months = forms.IntegerField(
        label="法律另有规定的追责期限（月）", required=False, min_value=1, max_value=600
    )
    special_limitation_basis = forms.CharField(
        label="另有规定的法律依据",
        required=False,
        max_length=200,
        help_text="如《中华人民共和国税收征收管理法》第八十六条（五年，填 60 个月）。",
    )
    history = forms.CharField(
        label="既往违法记录",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一条：违法行为编码 处理决定日期，如 SP-JYXK-BG 2025-03-01。",
    )

    def __init__(self, *args: Any, default_version: DiscretionVersion | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        versions = list(selectors.public_versions())
        _choices(
            self.fields["version"],
            [("", "不使用清单（仅按法律规定）")]
            + [(str(v.pk), f"{v.organisation.name} {v.label}") for v in versions],
        )
        if default_version is not None and not self.is_bound:
            self.fields["version"].initial = str(default_version.pk)
        if not self.is_bound:
            self.fields["found_on"].initial = timezone.localdate()
        _chinese_required(self)

    def clean_history(self) -> tuple[PriorViolation, ...]:
        entries: list[PriorViolation] = []
        for number, line in enumerate(str(self.cleaned_data.get("history") or "").splitlines(), 1):
            if not line.strip():
                continue
            match = _HISTORY_LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    f"第 {number} 行“{line.strip()}”格式不正确，应为：违法行为编码 YYYY-MM-DD。"
                )
            try:
                day = dt.date.fromisoformat(match.group(2))
            except ValueError:
                raise forms.ValidationError(
                    f"第 {number} 行的日期“{match.group(2)}”不存在。"
                ) from None
            entries.append(PriorViolation(match.group(1), day))
        return tuple(entries)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        months = data.get("special_limitation_months")
        basis = str(data.get("special_limitation_basis") or "").strip()
        if months is not None and not basis:
            self.add_error(
                "special_limitation_basis",
                "填写了另有规定的追责期限，请写明规定该期限的法律及条款。",
            )
        if basis and months is None:
            self.add_error(
                "special_limitation_months", "写明了另有规定的法律依据，请填写其追责期限。"
            )
        return data

    def selected_version(self) -> DiscretionVersion | None:
        raw = self.cleaned_data.get("version") or ""
        return selectors.public_versions().filter(pk=int(raw)).first() if raw else None

    def finding(self) -> Finding:
        data = self.cleaned_data
        amounts = {
            measure.value: data[measure.value]
            for measure in AmountMeasure
            if data.get(measure.value) is not None
        }
        return Finding(
            violation_code=data["violation_code"].strip(),
            found_on=data["found_on"],
            harm=HarmLevel(data["harm"]) if data.get("harm") else None,
            minor_violation=bool(data.get("minor_violation")),
            corrected_before_inspection=bool(data.get("corrected_before_inspection")),
            ordered_on=data.get("ordered_on"),
            deadline=data.get("deadline"),
            corrected_on=data.get("corrected_on"),
            no_subjective_fault=bool(data.get("no_subjective_fault")),
            law_excludes_fault_defence=bool(data.get("law_excludes_fault_defence")),
            amounts=amounts,
            duration_days=data.get("duration_days"),
            circumstances=frozenset(Circumstance(c) for c in data.get("circumstances") or []),
            party=PartyKind(data["party"]),
            age=data.get("age"),
            mental_state=MentalState(data["mental_state"]),
            history=data.get("history") or (),
            ended_on=data.get("ended_on"),
            life_or_financial_safety=bool(data.get("life_or_financial_safety")),
            special_limitation_months=data.get("special_limitation_months"),
            special_limitation_basis=str(data.get("special_limitation_basis") or "").strip(),
        )
