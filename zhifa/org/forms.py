"""Forms of the org pages. They validate input; saving is the services' job."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from zhifa.core.identifiers import IdentifierError, validate_id_number
from zhifa.core.textinput import TextForm
from zhifa.org import selectors
from zhifa.org.models import (
    CertificateStatus,
    EnforcementField,
    Officer,
    Organisation,
    OrganisationKind,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationFilterForm(TextForm):
    q = forms.CharField(label="名称", required=False, max_length=64)
    kind = forms.ChoiceField(
        label="类型", required=False, choices=[("", "全部类型"), *OrganisationKind.choices]
    )
    region = forms.CharField(label="区划", required=False, max_length=12)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = selectors.regions_of_visible_organisations(user)
        self.fields["region"].widget = forms.Select(
            choices=[("", "全部区划")]
            + [(r.code_prefix, f"{r.full_name}（{r.code}）") for r in regions]
        )

    def clean_region(self) -> str:
        value: str = self.cleaned_data["region"].strip()
        if value and not value.isdigit():
            raise forms.ValidationError("区划：请填写行政区划代码的数字前缀，如 3309。")
        return value


class OfficerFilterForm(TextForm):
    q = forms.CharField(label="姓名或执法证号", required=False, max_length=64)
    organisation = forms.ModelChoiceField(
        label="所属机构",
        required=False,
        queryset=Organisation.objects.none(),
        empty_label="全部机构",
    )
    field = forms.ModelChoiceField(
        label="执法领域",
        required=False,
        queryset=EnforcementField.objects.none(),
        empty_label="全部领域",
    )
    status = forms.ChoiceField(
        label="证件状态",
        required=False,
        choices=[("", "全部状态"), *CertificateStatus.choices],
    )
    eligibility = forms.ChoiceField(
        label="今日执法资格",
        required=False,
        choices=[("", "不限"), *selectors.Eligibility.choices],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = selectors.visible_organisations(user)
        field_field = self.fields["field"]
        assert isinstance(field_field, forms.ModelChoiceField)
        field_field.queryset = selectors.fields_in_use(user)
        org_field.error_messages["invalid_choice"] = (
            "所选机构不存在或不在您的查看范围内，请重新选择。"
        )
        field_field.error_messages["invalid_choice"] = "所选执法领域不存在，请重新选择。"
        for name in ("status", "eligibility"):
            self.fields[name].error_messages["invalid_choice"] = "所选条件无效，请从列表中选择。"

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``selectors.officers_for``."""
        data = self.cleaned_data if self.is_valid() else {}
        organisation = data.get("organisation")
        field = data.get("field")
        return {
            "q": data.get("q", ""),
            "organisation_id": organisation.pk if organisation else None,
            "field_id": field.pk if field else None,
            "status": data.get("status", ""),
            "eligibility": data.get("eligibility", ""),
        }


MOBILE_RE = re.compile(r"^[0-9+\- ]{5,20}$")


class OfficerForm(TextForm):
    """Create or edit an officer. On edit the ID number is never filled in: blank keeps it."""

    organisation = forms.ModelChoiceField(
        label="所属机构", queryset=Organisation.objects.none(), empty_label=None
    )
    name = forms.CharField(label="姓名", max_length=32)
    cert_no = forms.CharField(label="执法证号", max_length=32)
    id_number = forms.CharField(
        label="身份证号",
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    enforcement_fields = forms.ModelMultipleChoiceField(
        label="执法领域",
        required=False,
        queryset=EnforcementField.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    cert_valid_from = forms.DateField(label="证件有效期起", widget=DATE_WIDGET)
    cert_valid_until = forms.DateField(label="证件有效期至", widget=DATE_WIDGET)
    mobile = forms.CharField(label="手机号", max_length=20, required=False)

    error_messages_required = {
        "organisation": "所属机构：请选择执法人员所属机构。",
        "name": "姓名：请填写执法人员姓名。",
        "cert_no": "执法证号：请填写执法证号。",
        "id_number": "身份证号：请填写 18 位身份证号。",
        "cert_valid_from": "证件有效期起：请填写日期，格式如 2025-01-01。",
        "cert_valid_until": "证件有效期至：请填写日期，格式如 2030-12-31。",
    }
    error_messages_invalid = {
        "cert_valid_from": "证件有效期起：日期格式不正确，请按 2025-01-01 的格式填写。",
        "cert_valid_until": "证件有效期至：日期格式不正确，请按 2030-12-31 的格式填写。",
        "organisation": "所属机构：所选机构不在您可管理的范围内，请重新选择。",
    }

    def __init__(
        self,
        *args: Any,
        organisations: Any,
        instance: Officer | None = None,
        **kwargs: Any,
    ) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "organisation": instance.organisation_id,
                "name": instance.name,
                "cert_no": instance.cert_no,
                "enforcement_fields": list(instance.fields.all()),
                "cert_valid_from": instance.cert_valid_from,
                "cert_valid_until": instance.cert_valid_until,
                "mobile": instance.mobile,
            }
        super().__init__(*args, **kwargs)
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = organisations
        for name, message in self.error_messages_required.items():
            self.fields[name].error_messages["required"] = message
        for name, message in self.error_messages_invalid.items():
            key = "invalid_choice" if name == "organisation" else "invalid"
            self.fields[name].error_messages[key] = message
        if instance is not None:
            id_field = self.fields["id_number"]
            id_field.required = False
            id_field.help_text = (
                f"当前：{instance.masked_id_number}。如需更正请填写完整的新号码，留空表示不变。"
            )
            id_field.widget.attrs["placeholder"] = instance.masked_id_number

    def clean_id_number(self) -> str:
        raw: str = self.cleaned_data.get("id_number", "").strip()
        if not raw and self.instance is not None:
            return ""
        try:
            return validate_id_number(raw)
        except IdentifierError as error:
            raise forms.ValidationError(f"{error}请核对身份证号后重新填写。") from None

    def clean_mobile(self) -> str:
        value: str = self.cleaned_data.get("mobile", "").strip()
        if value and not MOBILE_RE.match(value):
            raise forms.ValidationError("手机号：只能包含数字、空格、+ 和 -，请重新填写。")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("cert_valid_from"), data.get("cert_valid_until")
        if start and end and end < start:
            self.add_error(
                "cert_valid_until",
                f"证件有效期至（{end:%Y-%m-%d}）早于证件有效期起（{start:%Y-%m-%d}），"
                "请改正有效期。",
            )
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["fields"] = list(data.pop("enforcement_fields", []))
        if self.instance is not None and not data.get("id_number"):
            data.pop("id_number", None)
        return data

    def changed_for_update(self) -> bool:
        """Whether saving would change anything (a blank ID number on edit is no change)."""
        changed = set(self.changed_data)
        if self.instance is not None and not self.cleaned_data.get("id_number"):
            changed.discard("id_number")
        return bool(changed)


class CertificateAction:
    SUSPEND = "suspend"
    REVOKE = "revoke"
    RESTORE = "restore"

    target = {
        SUSPEND: CertificateStatus.SUSPENDED,
        REVOKE: CertificateStatus.REVOKED,
        RESTORE: CertificateStatus.VALID,
    }
    labels = {SUSPEND: "暂扣执法证", REVOKE: "吊销执法证", RESTORE: "恢复执法证"}

    @classmethod
    def available(cls, officer: Officer) -> list[str]:
        if officer.cert_status == CertificateStatus.VALID:
            return [cls.SUSPEND, cls.REVOKE]
        if officer.cert_status == CertificateStatus.SUSPENDED:
            return [cls.RESTORE, cls.REVOKE]
        return []


class CertificateStatusForm(TextForm):
    """Step one chooses the action and gives the reason; step two (``confirmed``) executes."""

    action = forms.ChoiceField(label="操作", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="原因", required=False, max_length=255, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    acknowledge = forms.BooleanField(
        label="我已知晓：吊销后该执法证不能恢复或暂扣，只能重新核发。", required=False
    )

    def __init__(self, *args: Any, officer: Officer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officer = officer
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = [
            (a, CertificateAction.labels[a]) for a in CertificateAction.available(officer)
        ]
        action_field.error_messages["required"] = "操作：请选择要办理的操作。"
        action_field.error_messages["invalid_choice"] = (
            "操作：该执法证当前状态下不能办理所选操作，请重新选择。"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        reason = (data.get("reason") or "").strip()
        data["reason"] = reason
        if action in (CertificateAction.SUSPEND, CertificateAction.REVOKE) and not reason:
            self.add_error("reason", "原因：暂扣或吊销执法证必须填写原因。")
        if (
            data.get("confirmed")
            and action == CertificateAction.REVOKE
            and not data.get("acknowledge")
        ):
            self.add_error("acknowledge", "吊销不可撤销：请勾选确认后再提交。")
        return data

    @property
    def target_status(self) -> str:
        return CertificateAction.target[self.cleaned_data["action"]]
