"""Forms of the compliance pages. They take input; the rules are checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from zhifa.compliance import importing, selectors
from zhifa.compliance.models import Answer
from zhifa.core import uploads
from zhifa.core.textinput import TextForm
from zhifa.core.uploads import UploadField
from zhifa.org.models import EnforcementField, Region

CONFIRM_REQUIRED = "请勾选确认后再提交。"


def _choices(field: Any, choices: list[tuple[Any, str]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class SearchForm(TextForm):
    q = forms.CharField(
        label="您想了解什么",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "如：食品经营许可证过期、危废台账、消防通道"}),
    )
    field = forms.ChoiceField(label="执法领域", required=False)
    industry = forms.ChoiceField(label="行业", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = EnforcementField.objects.order_by("code")
        _choices(self.fields["field"], [("", "全部领域")] + [(f.code, f.name) for f in fields])
        _choices(
            self.fields["industry"],
            [("", "全部行业")] + [(name, name) for name in selectors.industries()],
        )
        for name in ("field", "industry"):
            self.fields[name].error_messages["invalid_choice"] = "所选条件不存在，请从列表中选择。"


class VersionForm(TextForm):
    region = forms.ModelChoiceField(label="适用区划", queryset=Region.objects.none())
    publisher = forms.CharField(label="发布机关", max_length=100)
    label = forms.CharField(label="版本", max_length=32, help_text="如 2025版")
    title = forms.CharField(label="清单名称", max_length=200)
    source_note = forms.CharField(label="来源说明", required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        if user.is_admin:
            region_field.queryset = Region.objects.filter(level__in=["province", "city", "county"])
        else:
            organisation = user.organisation
            region_field.queryset = Region.objects.filter(
                code__startswith=organisation.region.code_prefix
            )
            region_field.initial = organisation.region_id
            self.fields["publisher"].initial = organisation.name


class ItemImportForm(TextForm):
    file = UploadField(
        types=uploads.IMPORT,
        max_bytes=importing.MAX_FILE_BYTES,
        label="合规指导清单文件（.xlsx 或 .csv）",
        error_messages={
            "required": "请选择要导入的 .xlsx 或 .csv 文件。",
            "empty": "上传的文件是空的，请选择填好的合规指导清单文件。",
        },
    )


class ConfirmForm(TextForm):
    confirm = forms.BooleanField(
        label="我已核对以上内容，确认办理",
        required=True,
        error_messages={"required": CONFIRM_REQUIRED},
    )


class SelfCheckStartForm(TextForm):
    industry = forms.CharField(label="按行业生成", required=False, max_length=64)
    inspection_item_codes = forms.CharField(
        label="或按检查事项编码生成",
        required=False,
        max_length=500,
        help_text="检查预告通知书列明的检查事项编码，多个用“、”分隔；填写后按事项生成。",
    )


class AnswerForm(TextForm):
    answer = forms.ChoiceField(
        label="自查结论",
        choices=[c for c in Answer.choices if c[0]],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择“符合”“不符合”或“不适用”。"},
    )
    note = forms.CharField(label="说明", required=False, max_length=1000)


class CorrectionForm(TextForm):
    corrected_on = forms.DateField(
        label="整改完成日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写整改完成日期。", "invalid": "日期格式应为 2025-06-30。"},
    )
    evidence = UploadField(
        types=uploads.EVIDENCE,
        label="整改证明材料",
        help_text="照片、票据或报告：PDF、JPG、PNG、DOCX、XLSX、OFD，"
        f"不超过 {settings.ZHIFA_UPLOAD_MAX_MB} MB。",
        error_messages={"required": "请上传整改证明材料（照片、票据或报告）。"},
    )
    note = forms.CharField(label="整改说明", required=False, widget=forms.Textarea, max_length=2000)


class ItemForm(TextForm):
    code = forms.CharField(label="条目编码", max_length=32)
    field = forms.ChoiceField(label="执法领域")
    title = forms.CharField(label="合规事项", max_length=200)
    violations = forms.CharField(label="常见违法行为", widget=forms.Textarea)
    legal_basis_law = forms.CharField(label="法律依据", max_length=200)
    legal_basis_article = forms.CharField(label="条款", max_length=100)
    legal_basis_text = forms.CharField(
        label="条文内容（摘要）", required=False, widget=forms.Textarea
    )
    liability = forms.CharField(label="责任后果", widget=forms.Textarea)
    advice = forms.CharField(label="合规建议", widget=forms.Textarea)
    industries = forms.CharField(
        label="适用行业", required=False, help_text="多个用“、”分隔；空表示所有行业。"
    )
    inspection_item_codes = forms.CharField(
        label="对应检查事项编码", required=False, help_text="多个用“、”分隔。"
    )

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{key: getattr(instance, key) for key in ITEM_TEXT_KEYS},
                "field": instance.field.code,
                "industries": "、".join(instance.industries or []),
                "inspection_item_codes": "、".join(instance.inspection_item_codes or []),
            }
        super().__init__(*args, **kwargs)
        fields = EnforcementField.objects.order_by("code")
        _choices(self.fields["field"], [(f.code, f.name) for f in fields])


ITEM_TEXT_KEYS = (
    "code",
    "title",
    "violations",
    "legal_basis_law",
    "legal_basis_article",
    "legal_basis_text",
    "liability",
    "advice",
)
