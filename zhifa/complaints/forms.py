"""The office forms of the problem list, in Chinese: the list's filters, the bureau's steps
(分办, 不予受理, 核实, 退回重办, 销号, losses, files), the agency's answer, and the entry form of a
supervising body or 联系点."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet

from zhifa.complaints.models import Category, Channel, Status
from zhifa.core import uploads
from zhifa.core.textinput import TextForm
from zhifa.inspections.forms import MultipleFileField
from zhifa.org.models import Organisation, OrganisationKind, Region

DATE = {"type": "date"}
MB = settings.ZHIFA_UPLOAD_MAX_MB
INTAKE_HELP = f"JPG、PNG 或 PDF，每个不超过 {MB} MB，最多 9 个。"
EVIDENCE_HELP = f"JPG、PNG、PDF、DOCX、XLSX 或 OFD，每个不超过 {MB} MB，最多 9 个。"


class CategoryField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class RegionField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class OrganisationField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ListFilterForm(TextForm):
    status = forms.ChoiceField(label="状态", required=False)
    channel = forms.ChoiceField(label="来源渠道", required=False)
    category = CategoryField(
        label="问题类别", queryset=Category.objects.none(), required=False, empty_label="全部"
    )
    agency = OrganisationField(
        label="被反映单位", queryset=Organisation.objects.none(), required=False, empty_label="全部"
    )
    region = RegionField(
        label="所在区划", queryset=Region.objects.none(), required=False, empty_label="全部"
    )
    since = forms.DateField(label="受理日期自", required=False, widget=forms.DateInput(DATE))
    until = forms.DateField(label="至", required=False, widget=forms.DateInput(DATE))
    q = forms.CharField(label="编号或摘要", required=False, max_length=60)
    overdue = forms.BooleanField(label="只看逾期", required=False)
    dormant = forms.BooleanField(label="只看长期未办理", required=False)

    def __init__(self, *args: Any, items: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "全部"), *Status.choices]  # type: ignore[attr-defined]
        self.fields["channel"].choices = [("", "全部"), *Channel.choices]  # type: ignore[attr-defined]
        self._set("category", Category.objects.filter(is_active=True).order_by("sort_order", "pk"))
        self._set(
            "agency", Organisation.objects.filter(pk__in=items.values("agency_id")).order_by("name")
        )
        self._set(
            "region", Region.objects.filter(pk__in=items.values("region_id")).order_by("code")
        )

    def _set(self, name: str, queryset: QuerySet[Any]) -> None:
        found = self.fields[name]
        assert isinstance(found, forms.ModelChoiceField)
        found.queryset = queryset


class AgencyPickField(forms.CharField):
    """An enforcing organisation picked by its name (typed or chosen from the list the browser
    offers), among those the bureau supervises."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 128)
        super().__init__(*args, **kwargs)
        self.queryset: QuerySet[Organisation] = Organisation.objects.none()
        self.widget.attrs.update({"list": "agency-options", "autocomplete": "off"})

    def resolve(self, name: str) -> Organisation | None:
        if not name:
            return None
        found = list(self.queryset.filter(name=name)[:2])
        if not found:
            found = list(self.queryset.filter(name__icontains=name)[:2])
        if len(found) != 1:
            raise forms.ValidationError(
                f"没有找到名为“{name}”的行政执法机关，请从列表中选择。"
                if not found
                else f"“{name}”对应多个单位，请输入完整名称。"
            )
        return found[0]


def enforcing_in(region: Region) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind__in=OrganisationKind.enforcing(),
        region__code__startswith=region.code_prefix,
        is_active=True,
    ).order_by("name")


class AssignForm(TextForm):
    agency = AgencyPickField(label="承办单位")
    note = forms.CharField(
        label="分办意见", required=False, max_length=500, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, AgencyPickField)
        field.queryset = enforcing_in(region)

    def clean_agency(self) -> Organisation | None:
        field = self.fields["agency"]
        assert isinstance(field, AgencyPickField)
        return field.resolve(self.cleaned_data.get("agency") or "")


class ReasonForm(TextForm):
    reason = forms.CharField(label="理由", max_length=1000, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args: Any, label: str = "理由", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label


class NoteForm(TextForm):
    note = forms.CharField(
        label="说明", required=False, max_length=1000, widget=forms.Textarea({"rows": 3})
    )

    def __init__(
        self, *args: Any, label: str = "说明", required: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].label = label
        self.fields["note"].required = required


class LossForm(TextForm):
    amount = forms.CharField(
        label="挽回损失金额（元）",
        max_length=20,
        widget=forms.TextInput({"inputmode": "decimal"}),
        help_text="以元为单位，最多两位小数，如 12000.50。",
    )
    description = forms.CharField(
        label="挽回方式",
        max_length=300,
        help_text="如：退还罚没款、解除查封、撤销收费。",
    )
    recovered_on = forms.DateField(label="挽回日期", widget=forms.DateInput(DATE))
    evidence = uploads.UploadField(
        types=uploads.EVIDENCE,
        label="佐证材料",
        required=False,
        help_text=f"JPG、PNG、PDF、DOCX、XLSX 或 OFD，不超过 {MB} MB。",
    )


class FilesForm(TextForm):
    files = MultipleFileField(  # type: ignore[assignment]
        types=(uploads.JPEG, uploads.PNG, uploads.PDF), label="补充材料", help_text=INTAKE_HELP
    )


class AnswerForm(TextForm):
    text = forms.CharField(label="办理结果", max_length=4000, widget=forms.Textarea({"rows": 6}))
    files = MultipleFileField(  # type: ignore[assignment]
        types=uploads.EVIDENCE, label="佐证材料", required=False, help_text=EVIDENCE_HELP
    )


ENTRY_CHANNELS = (
    (Channel.BUREAU, "本机关受理（来访、来电、来信）"),
    (Channel.HOTLINE, "12345热线转来（人工登记）"),
)


class EnterForm(TextForm):
    """What a supervising body or a 联系点 received, entered by its staff."""

    channel = forms.ChoiceField(label="收到方式", choices=ENTRY_CHANNELS)
    region = RegionField(label="问题发生地（所在区划）", queryset=Region.objects.none())
    category = CategoryField(
        label="问题类别", queryset=Category.objects.none(), empty_label="请选择"
    )
    agency = AgencyPickField(label="被反映单位", required=False, help_text="输入名称可检索。")
    title = forms.CharField(label="问题摘要", required=False, max_length=120)
    content = forms.CharField(label="反映内容", max_length=4000, widget=forms.Textarea({"rows": 6}))
    tags = forms.CharField(
        label="标签", required=False, max_length=200, help_text="多个标签用逗号分隔。"
    )
    is_anonymous = forms.BooleanField(label="反映人要求匿名（不登记身份）", required=False)
    complainant_name = forms.CharField(label="反映人姓名", required=False, max_length=64)
    complainant_phone = forms.CharField(label="联系电话", required=False, max_length=32)
    complainant_email = forms.CharField(label="电子邮箱", required=False, max_length=254)
    complainant_enterprise_name = forms.CharField(
        label="反映企业名称", required=False, max_length=128
    )
    received_on = forms.DateField(
        label="收到日期",
        required=False,
        widget=forms.DateInput(DATE),
        help_text="留空为今天。",
    )
    files = MultipleFileField(  # type: ignore[assignment]
        types=(uploads.JPEG, uploads.PNG, uploads.PDF),
        label="反映材料",
        required=False,
        help_text=INTAKE_HELP,
    )

    def __init__(
        self,
        *args: Any,
        region: Region,
        categories: list[Category],
        contact_point: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        regions = self.fields["region"]
        assert isinstance(regions, forms.ModelChoiceField)
        regions.queryset = Region.objects.filter(code__startswith=region.code_prefix).order_by(
            "code"
        )
        regions.initial = region.pk
        found = self.fields["category"]
        assert isinstance(found, forms.ModelChoiceField)
        found.queryset = Category.objects.filter(pk__in=[c.pk for c in categories]).order_by(
            "sort_order", "pk"
        )
        agency = self.fields["agency"]
        assert isinstance(agency, AgencyPickField)
        agency.queryset = enforcing_in(region)
        if contact_point:
            # A 联系点 enters what reached it there: the channel is its own.
            del self.fields["channel"]

    def clean_agency(self) -> Organisation | None:
        field = self.fields["agency"]
        assert isinstance(field, AgencyPickField)
        return field.resolve(self.cleaned_data.get("agency") or "")

    def clean_received_on(self) -> dt.date | None:
        from zhifa.core import timefmt

        day = self.cleaned_data.get("received_on")
        if day is not None and day > timefmt.today():
            raise forms.ValidationError("收到日期不能晚于今天。")
        return day

    def clean_tags(self) -> list[str]:
        text = str(self.cleaned_data.get("tags") or "")
        for mark in "，、;；":
            text = text.replace(mark, ",")
        return [t.strip() for t in text.split(",") if t.strip()]
