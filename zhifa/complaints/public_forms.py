"""The complainant's forms: filing (signed in or not), the tracking code, the 评价."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q

from zhifa.complaints.models import Category, Satisfaction
from zhifa.complaints.services import _common
from zhifa.complaints.services.intake import TITLE_LIMIT, normalise_tracking_code
from zhifa.core import timefmt
from zhifa.core.textinput import TextForm
from zhifa.inspections.forms import MultipleFileField
from zhifa.inspections.models import InspectionCase
from zhifa.org.models import Organisation, OrganisationKind, Region, RegionLevel

NAMED = "named"
ANONYMOUS = "anonymous"
TAG_SEPARATORS = re.compile(r"[\s,，、;；]+")
TAG_LIMIT = 10
AGENCY_RESULTS = 20


def upload_limits() -> str:
    """What the page says of attachments, from the limits the service applies."""
    kinds = "、".join(
        f"{kind.label}（{'/'.join(ext.lstrip('.').upper() for ext in kind.extensions)}）"
        for kind in _common.INTAKE_TYPES
    )
    return (
        f"照片或 PDF：{kinds}；最多 {_common.MAX_FILES} 个，每个不超过 "
        f"{settings.ZHIFA_UPLOAD_MAX_MB} MB，"
        f"一次提交合计不超过 {settings.ZHIFA_REQUEST_MAX_MB} MB。"
    )


# --- Choices the filing form offers --------------------------------------------------------------


@dataclass(frozen=True)
class RegionChoice:
    code: str
    label: str
    group: str


def _province_of(region: Region) -> Region:
    node = region
    seen = 0
    while node.parent is not None and seen < 10:
        node = node.parent
        seen += 1
    return node


def filing_regions() -> list[RegionChoice]:
    """The places an item can be filed for: regions with a supervising bureau (司法局), grouped
    by province, each named below its province (舟山市、舟山市定海区)."""
    codes = (
        Organisation.objects.filter(kind=OrganisationKind.SUPERVISOR, is_active=True)
        .values_list("region_id", flat=True)
        .distinct()
    )
    found: list[RegionChoice] = []
    for region in Region.objects.filter(pk__in=list(codes)).select_related(
        "parent__parent__parent"
    ):
        province = _province_of(region)
        if region.pk == province.pk:
            province_level = region.level == RegionLevel.PROVINCE
            label = f"{region.name}本级" if province_level else region.name
        else:
            label = region.full_name.removeprefix(province.name)
        found.append(RegionChoice(code=region.pk, label=label, group=province.name))
    return sorted(found, key=lambda c: (c.code[:2], c.code.ljust(12, "0")))


def nearest_filing_region(region: Region | None, choices: Sequence[RegionChoice]) -> str:
    """The listed region nearest above ``region`` (an enterprise's own place), or ""."""
    listed = {choice.code for choice in choices}
    node = region
    seen = 0
    while node is not None and seen < 10:
        if node.pk in listed:
            return str(node.pk)
        node = node.parent
        seen += 1
    return ""


def agencies_in(region: Region, query: str) -> list[Organisation]:
    """Enforcing organisations of ``region`` and below whose name holds ``query``."""
    rows = Organisation.objects.filter(
        kind__in=OrganisationKind.enforcing(),
        is_active=True,
        region__pk__startswith=region.code_prefix,
    ).select_related("region")
    query = query.strip()
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    return list(rows.order_by("region_id", "name")[:AGENCY_RESULTS])


def case_label(case: InspectionCase) -> str:
    """A case as its enterprise knows it: the agency, the day and the kind (no case number)."""
    return (
        f"{timefmt.fmt_date(case.inspection_date)} {case.organisation.name}"
        f" · {case.get_kind_display()}"
    )


def category_tree(categories: Sequence[Category]) -> list[tuple[Category, list[Category]]]:
    """Top classes in order, each with the sub-categories under it."""
    tops = [c for c in categories if c.parent_id is None]
    children: dict[int, list[Category]] = {}
    for category in categories:
        if category.parent_id is not None:
            children.setdefault(category.parent_id, []).append(category)
    return [(top, children.get(top.pk, [])) for top in tops]


# --- Filing ------------------------------------------------------------------------------------


class FileForm(TextForm):
    """One column, in the order a phone user fills it in. The service checks everything again;
    this form names each field's problem before it is asked."""

    category = forms.ChoiceField(
        label="问题类别",
        widget=forms.RadioSelect,
        error_messages={
            "required": "请选择问题类别。",
            "invalid_choice": "未知的问题类别，请从问题类别清单中选择。",
        },
    )
    case = forms.ChoiceField(
        label="涉及本企业的哪次检查",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "请从本企业的检查中选择，或选“不涉及具体检查”。"},
    )
    region = forms.ChoiceField(
        label="问题发生地",
        error_messages={
            "required": "请选择问题发生地。",
            "invalid_choice": "请从列表中选择问题发生地（设有司法局的地区）。",
        },
    )
    agency = forms.CharField(
        label="被反映的执法机关",
        required=False,
        max_length=128,
        error_messages={"max_length": "被反映的执法机关名称不能超过 %(limit_value)d 个字。"},
        help_text="输入名称中的几个字，从提示中选择；不清楚可留空，由司法局确定。",
    )
    agency_id = forms.IntegerField(
        label="被反映的执法机关",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "被反映的执法机关选择有误，请重新从提示中选择。"},
    )
    title = forms.CharField(
        label="问题摘要",
        required=False,
        max_length=TITLE_LIMIT,
        error_messages={
            "max_length": f"问题摘要不能超过 {TITLE_LIMIT} 个字，现有 %(show_value)d 个字。"
        },
        help_text="一句话概括，可不填（不填时取反映内容的第一句）。",
    )
    content = forms.CharField(
        label="反映内容",
        max_length=_common.CONTENT_LIMIT,
        widget=forms.Textarea({"rows": 8}),
        error_messages={
            "required": "请填写反映内容。",
            "max_length": f"反映内容不能超过 {_common.CONTENT_LIMIT} 个字，"
            "现有 %(show_value)d 个字。",
        },
        help_text=f"何时、何地、哪个部门、发生了什么；不超过 {_common.CONTENT_LIMIT} 个字。",
    )
    tags = forms.CharField(
        label="标签",
        required=False,
        max_length=240,
        error_messages={"max_length": "标签合计不能超过 %(limit_value)d 个字。"},
        help_text=f"可不填；多个标签用空格或逗号分开，最多 {TAG_LIMIT} 个，每个不超过 20 个字。",
    )
    # The service names its attachment errors "files"; ``BaseForm.files`` is shadowed only in
    # the class body (the metaclass moves declared fields into ``base_fields``).
    files = MultipleFileField(  # type: ignore[assignment]
        types=_common.INTAKE_TYPES,
        label="反映材料",
        required=False,
    )
    anonymous = forms.ChoiceField(
        label="反映方式",
        choices=((NAMED, "留下联系方式（便于核实和回访）"), (ANONYMOUS, "匿名反映")),
        widget=forms.RadioSelect,
        initial=NAMED,
        error_messages={"required": "请选择反映方式。", "invalid_choice": "请选择反映方式。"},
    )
    complainant_name = forms.CharField(
        label="姓名",
        required=False,
        max_length=64,
        error_messages={"max_length": "姓名不能超过 %(limit_value)d 个字。"},
    )
    complainant_phone = forms.CharField(
        label="联系电话",
        required=False,
        max_length=32,
        widget=forms.TextInput({"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": "联系电话不能超过 %(limit_value)d 位。"},
    )
    complainant_email = forms.CharField(
        label="电子邮箱",
        required=False,
        max_length=254,
        widget=forms.TextInput({"inputmode": "email", "autocomplete": "email"}),
        error_messages={"max_length": "电子邮箱不能超过 %(limit_value)d 个字符。"},
    )
    complainant_enterprise_name = forms.CharField(
        label="企业名称",
        required=False,
        max_length=128,
        error_messages={"max_length": "企业名称不能超过 %(limit_value)d 个字。"},
    )

    def __init__(
        self,
        *args: Any,
        categories: Sequence[Category],
        regions: Sequence[RegionChoice],
        cases: Sequence[InspectionCase] = (),
        signed_in_enterprise: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.category_rows = list(categories)
        self.region_rows = list(regions)
        self.case_rows = {str(case.pk): case for case in cases}
        self.signed_in_enterprise = signed_in_enterprise
        self._set_choices("category", [(c.code, c.name) for c in self.category_rows])
        self._set_choices(
            "region", [("", "请选择"), *((r.code, f"{r.group} {r.label}") for r in regions)]
        )
        self._set_choices(
            "case",
            [("", "不涉及具体检查"), *((pk, case_label(c)) for pk, c in self.case_rows.items())],
        )
        self.fields["files"].help_text = upload_limits()
        if signed_in_enterprise:
            # The account says which enterprise complains; the name is not asked again.
            del self.fields["complainant_enterprise_name"]
        else:
            del self.fields["case"]

    def _set_choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    # -- what the page needs to draw the grouped choices --

    def category_groups(self) -> list[tuple[Category, list[Category]]]:
        return category_tree(self.category_rows)

    def region_groups(self) -> list[tuple[str, list[RegionChoice]]]:
        groups: dict[str, list[RegionChoice]] = {}
        for choice in self.region_rows:
            groups.setdefault(choice.group, []).append(choice)
        return list(groups.items())

    def case_options(self) -> list[tuple[str, str]]:
        return [(pk, case_label(case)) for pk, case in self.case_rows.items()]

    @property
    def is_anonymous(self) -> bool:
        value = self["anonymous"].value()
        return value == ANONYMOUS

    # -- cleaning --

    def clean_region(self) -> Region:
        code = self.cleaned_data["region"]
        found = Region.objects.filter(pk=code).first()
        if found is None:
            raise forms.ValidationError("请从列表中选择问题发生地（设有司法局的地区）。")
        return found

    def clean_case(self) -> InspectionCase | None:
        value = self.cleaned_data.get("case") or ""
        return self.case_rows.get(value) if value else None

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        tags = [tag for tag in TAG_SEPARATORS.split(raw) if tag]
        if len(tags) > TAG_LIMIT:
            raise forms.ValidationError(f"标签最多 {TAG_LIMIT} 个，现有 {len(tags)} 个。")
        long = next((tag for tag in tags if len(tag) > 20), None)
        if long is not None:
            raise forms.ValidationError(f"标签“{long[:20]}…”超过 20 个字，请缩短。")
        return tags

    def clean_files(self) -> list[Any]:
        files = list(self.cleaned_data.get("files") or [])
        if len(files) > _common.MAX_FILES:
            raise forms.ValidationError(
                f"反映材料最多 {_common.MAX_FILES} 个，现有 {len(files)} 个。"
            )
        return files

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        region = data.get("region")
        if isinstance(region, Region) and "agency" not in self.errors:
            data["agency"] = self._agency(region, data)
        if data.get("anonymous") == ANONYMOUS:
            # Nothing that says who complained goes further, whatever the page still held.
            for name in (
                "complainant_name",
                "complainant_phone",
                "complainant_email",
                "complainant_enterprise_name",
            ):
                data[name] = ""
            # One's own inspection names the enterprise to the agency that carried it out.
            data["case"] = None
        return data

    def _agency(self, region: Region, data: dict[str, Any]) -> Organisation | None:
        typed = str(data.get("agency") or "").strip()
        picked = data.get("agency_id")
        case = data.get("case")
        if not typed:
            # Picking one of one's own inspections names its agency.
            return case.organisation if isinstance(case, InspectionCase) else None
        enforcing = Organisation.objects.filter(
            kind__in=OrganisationKind.enforcing(), is_active=True
        ).select_related("region")
        if picked:
            found = enforcing.filter(pk=picked, name=typed).first()
            if found is not None:
                return found
        inside = enforcing.filter(region__pk__startswith=region.code_prefix)
        exact = list(inside.filter(Q(name=typed) | Q(short_name=typed))[:2])
        if len(exact) == 1:
            return exact[0]
        partial = exact or list(inside.filter(name__icontains=typed)[:2])
        if len(partial) == 1:
            return partial[0]
        if partial:
            self.add_error(
                "agency", f"“{typed[:40]}”对应多个执法机关，请从提示列表中选择其中一个。"
            )
        else:
            self.add_error(
                "agency",
                f"在{region.name}没有找到名称含“{typed[:40]}”的行政执法机关，"
                "请从提示列表中选择；不清楚可留空。",
            )
        return None


# --- Tracking and 评价 ---------------------------------------------------------------------


class TrackForm(TextForm):
    code = forms.CharField(
        label="查询码",
        max_length=40,
        widget=forms.TextInput(
            {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={
            "required": "请填写查询码。",
            "max_length": "查询码为 12 位字母和数字，请核对后重新输入。",
        },
        help_text="提交问题后页面上显示的 12 位查询码，字母不分大小写，可带空格或短横线。",
    )

    def clean_code(self) -> str:
        code = normalise_tracking_code(self.cleaned_data["code"])
        if len(code) != 12:
            raise forms.ValidationError("查询码为 12 位字母和数字，请核对后重新输入。")
        return code


class RateForm(TextForm):
    satisfaction = forms.ChoiceField(
        label="您对办理结果的评价",
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "请选择满意、基本满意或不满意。",
            "invalid_choice": "请选择满意、基本满意或不满意。",
        },
    )
    comment = forms.CharField(
        label="评价意见",
        required=False,
        max_length=500,
        widget=forms.Textarea({"rows": 3}),
        error_messages={"max_length": "评价意见不能超过 %(limit_value)d 个字。"},
        help_text="不满意时必填：请说明哪里没有解决，问题将重新交办。",
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("satisfaction") == Satisfaction.UNSATISFIED and not data.get("comment"):
            self.add_error("comment", "不满意时请说明理由，以便重新办理。")
        return data


def tag_text(tags: Sequence[str]) -> str:
    return " ".join(tags)
