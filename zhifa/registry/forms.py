"""Forms of the registry pages. They take input; the rules are checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms

from zhifa.core import uploads
from zhifa.core.textinput import TextForm
from zhifa.core.uploads import UploadField
from zhifa.org.models import Region
from zhifa.registry import importing, rules, selectors
from zhifa.registry.models import Contact, CreditGrade, Enterprise


class EnterpriseFilterForm(TextForm):
    q = forms.CharField(label="企业名称或代码", required=False, max_length=64)
    region = forms.ChoiceField(label="所在区划", required=False)
    industry = forms.ChoiceField(label="行业", required=False)
    credit_grade = forms.ChoiceField(
        label="信用风险分类", required=False, choices=[("", "全部分类"), *CreditGrade.choices]
    )
    override = forms.BooleanField(label="仅看校验位人工复核", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ChoiceField)
        region_field.choices = [("", "全部区划")] + [
            (r.code, f"{r.full_name}（{r.code}）") for r in selectors.regions_in_use(user)
        ]
        industry_field = self.fields["industry"]
        assert isinstance(industry_field, forms.ChoiceField)
        industry_field.choices = [("", "全部行业")] + [
            (i, i) for i in selectors.industries_in_use(user)
        ]
        for name in ("region", "industry", "credit_grade"):
            self.fields[name].error_messages["invalid_choice"] = (
                "所选条件不存在或不在您的查看范围内，请从列表中选择。"
            )

    def filters(self) -> dict[str, Any] | None:
        """Keyword arguments for ``selectors.enterprises_for``; None for invalid filters, which
        match nothing rather than everything."""
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return {
            "q": data.get("q", ""),
            "region": data.get("region", ""),
            "industry": data.get("industry", ""),
            "credit_grade": data.get("credit_grade", ""),
            "override": bool(data.get("override")),
        }


class RegionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Region)
        return f"{obj.name}（{obj.code}）"


class EnterpriseForm(TextForm):
    """Register or edit an enterprise. The override fields are offered to those who may grant
    one (执法机关负责人, 系统管理员); the service refuses the rest with 403 anyway."""

    uscc = forms.CharField(label="统一社会信用代码", max_length=32)
    name = forms.CharField(label="企业名称", max_length=200)
    legal_representative = forms.CharField(label="法定代表人", max_length=64, required=False)
    address = forms.CharField(label="住所", max_length=255, required=False)
    region = RegionChoiceField(
        label="所在区划", queryset=Region.objects.none(), empty_label="请选择区划"
    )
    industry = forms.CharField(label="行业", max_length=64, required=False)
    industry_code = forms.CharField(
        label="行业代码",
        max_length=40,
        required=False,
        help_text="GB/T 4754-2017 大类两位代码，如 62（餐饮业）；只知门类时填门类字母。"
        "留空时，“行业”恰为大类或门类名称的按名称对照。",
    )
    credit_grade = forms.ChoiceField(
        label="信用风险分类", choices=CreditGrade.choices, initial=CreditGrade.B
    )
    uscc_override = forms.BooleanField(
        label="校验位人工复核：已核对证照，确认该代码为登记机关赋码的真实代码",
        required=False,
    )
    uscc_override_reason = forms.CharField(
        label="人工复核说明",
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="仅当代码校验位不符时填写，写明核对了哪些材料（如营业执照原件、登记机关查询结果）。",
    )
    contact_name = forms.CharField(label="送达联系人", max_length=64, required=False)
    contact_mobile = forms.CharField(label="联系人手机", max_length=20, required=False)
    contact_email = forms.CharField(label="联系人邮箱", max_length=254, required=False)

    CONTACT_FIELDS = ("contact_name", "contact_mobile", "contact_email")
    OVERRIDE_FIELDS = ("uscc_override", "uscc_override_reason")
    required_messages = {
        "uscc": "统一社会信用代码：请填写 18 位统一社会信用代码。",
        "name": "企业名称：请填写企业名称。",
        "region": "所在区划：请选择企业所在的行政区划。",
        "credit_grade": "信用风险分类：请选择 A、B、C、D 之一。",
    }

    def __init__(
        self, *args: Any, user: Any, instance: Enterprise | None = None, **kwargs: Any
    ) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "uscc": instance.uscc,
                "name": instance.name,
                "legal_representative": instance.legal_representative,
                "address": instance.address,
                "region": instance.region_id,
                "industry": instance.industry,
                "industry_code": instance.industry_code,
                "credit_grade": instance.credit_grade,
            }
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        region_field.queryset = selectors.regions_for_registration(user)
        region_field.error_messages["invalid_choice"] = (
            "所在区划：所选区划不在您所在机构的管辖范围内，请重新选择。"
        )
        if user.is_admin:
            # Administrators register anywhere: a code field instead of ~3,200 options.
            region_field.widget = forms.TextInput(attrs={"inputmode": "numeric"})
            region_field.help_text = "填写 GB/T 2260 行政区划代码，如 330902。"
            region_field.error_messages["invalid_choice"] = (
                "所在区划：行政区划代码不存在，请按 GB/T 2260 填写，如 330902。"
            )
        self.fields["credit_grade"].error_messages["invalid_choice"] = (
            "信用风险分类：请选择 A、B、C、D 之一。"
        )
        for name, message in self.required_messages.items():
            self.fields[name].error_messages["required"] = message
        if instance is not None:
            for name in self.CONTACT_FIELDS:
                del self.fields[name]
        self.may_override = rules.can_override(user)

    def visible_override_fields(self) -> list[Any]:
        return [self[name] for name in self.OVERRIDE_FIELDS] if self.may_override else []

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name not in self.OVERRIDE_FIELDS]

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ContactForm(TextForm):
    name = forms.CharField(label="联系人姓名", max_length=64, required=False)
    mobile = forms.CharField(label="手机号", max_length=20, required=False)
    email = forms.CharField(label="电子邮箱", max_length=254, required=False)
    is_primary = forms.BooleanField(label="首要联系人（检查通知优先送达此人）", required=False)

    def __init__(self, *args: Any, instance: Contact | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "mobile": instance.mobile,
                "email": instance.email,
                "is_primary": instance.is_primary,
            }
        super().__init__(*args, **kwargs)


class OverrideForm(TextForm):
    uscc_override_reason = forms.CharField(
        label="人工复核说明",
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "人工复核说明：请写明核对了哪些材料，确认代码真实。"},
    )


class ImportForm(TextForm):
    file = UploadField(
        types=uploads.IMPORT,
        max_bytes=importing.MAX_FILE_BYTES,
        label="企业名录文件（.xlsx 或 .csv）",
        error_messages={
            "required": "请选择要导入的 .xlsx 或 .csv 文件。",
            "empty": "上传的文件是空的，请选择填好的企业名录文件。",
        },
    )
