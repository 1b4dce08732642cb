from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from zhifa.core import uploads
from zhifa.core.textinput import TextForm
from zhifa.inspections.forms import MultipleFileField
from zhifa.org.models import Organisation, OrganisationKind, Role, User
from zhifa.registry.models import Enterprise
from zhifa.social.models import ATTITUDE_LABELS, Category, CredentialShown, SocialSupervisor

POINT_CHOICES = (("kept", "遵守"), ("breached", "有违反"))


class RegisterForm(TextForm):
    user = forms.ModelChoiceField(label="社会监督员账号", queryset=User.objects.none())
    category = forms.ChoiceField(label="类别", choices=Category.choices)
    category_note = forms.CharField(label="类别说明", required=False, max_length=100)
    phone = forms.CharField(label="联系电话", required=False, max_length=20)

    def __init__(self, *args: Any, bureau: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            User.objects.filter(
                role=Role.SOCIAL_SUPERVISOR,
                is_active=True,
                region__pk__startswith=bureau.region.code_prefix,
            )
            .exclude(social_profile__isnull=False)
            .order_by("display_name", "pk")
        )
        field.label_from_instance = lambda u: str(u.person_name)  # type: ignore[method-assign,assignment]


class AvailabilityForm(TextForm):
    paused = forms.TypedChoiceField(
        label="可安排状态",
        choices=(("0", "可安排"), ("1", "暂停")),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    until = forms.DateField(
        label="暂停至", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label="暂停原因", required=False, max_length=200)


class ConflictForm(TextForm):
    # A 统一社会信用代码 rather than a list: a region's registry holds thousands of enterprises.
    enterprise_uscc = forms.CharField(
        label="需回避企业的统一社会信用代码", required=False, max_length=18
    )
    organisation = forms.ModelChoiceField(
        label="需回避的执法机关", queryset=Organisation.objects.none(), required=False
    )
    reason = forms.CharField(label="回避理由", max_length=200)

    def __init__(self, *args: Any, supervisor: SocialSupervisor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prefix_code = supervisor.bureau.region.code_prefix
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = Organisation.objects.filter(
            region__pk__startswith=self.prefix_code, kind__in=OrganisationKind.enforcing()
        ).order_by("name")

    def clean_enterprise_uscc(self) -> Enterprise | None:
        code = str(self.cleaned_data.get("enterprise_uscc") or "").strip().upper()
        if not code:
            return None
        found = Enterprise.objects.filter(
            uscc=code, region__pk__startswith=self.prefix_code
        ).first()
        if found is None:
            raise forms.ValidationError(f"本地区企业名录中没有统一社会信用代码为 {code} 的企业。")
        return found


class DeclineForm(TextForm):
    reason = forms.CharField(label="谢绝理由", max_length=200)


class ClearForm(TextForm):
    reason = forms.CharField(label="核实情况", widget=forms.Textarea({"rows": 3}), max_length=2000)


class ReportForm(TextForm):
    """One radio (遵守 / 有违反) and one note per point of the text in force: the points come
    from the case's 五个严禁·八个不得 version, never from this form."""

    credentials = forms.ChoiceField(
        label="执法人员是否出示执法证（《行政处罚法》第五十五条）",
        choices=CredentialShown.choices,
        widget=forms.RadioSelect,
    )
    attitude = forms.TypedChoiceField(
        label="执法态度",
        choices=[(k, f"{k} 分 {v}") for k, v in sorted(ATTITUDE_LABELS.items(), reverse=True)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label="其他情况", required=False, widget=forms.Textarea({"rows": 3}), max_length=2000
    )
    photos = MultipleFileField(
        types=(uploads.JPEG, uploads.PNG),
        label="现场照片",
        required=False,
        help_text=f"JPG 或 PNG，每张不超过 {settings.ZHIFA_UPLOAD_MAX_MB} MB，最多 9 张。",
    )

    def __init__(self, *args: Any, points: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.points = points
        for number, (section, item) in enumerate(points, start=1):
            self.fields[f"point_{number}"] = forms.ChoiceField(
                label=f"{number}. {section}：{item}",
                choices=POINT_CHOICES,
                widget=forms.RadioSelect,
                initial="kept",
            )
            self.fields[f"note_{number}"] = forms.CharField(
                label=f"第 {number} 项说明", required=False, max_length=500
            )

    def point_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"point_{n}"], self[f"note_{n}"]) for n in range(1, len(self.points) + 1)]
