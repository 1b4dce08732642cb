"""Forms of the inspection pages. They take input; the rules are checked by the services."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from zhifa.core import uploads
from zhifa.core.textinput import TextForm
from zhifa.core.uploads import UploadField
from zhifa.discretion.conditions import CIRCUMSTANCE_LABELS
from zhifa.discretion.selectors import ViolationChoice, unknown_violation, violation_in_force
from zhifa.draws.models import DrawTask
from zhifa.inspections.models import (
    CaseFinding,
    CaseOutcome,
    CaseStatus,
    FindingResult,
    GuidanceSlot,
    HarmLevel,
    InspectionCase,
    InspectionKind,
    ObjectionCategory,
    PenaltyChoice,
)
from zhifa.inspections.selectors import officer_standing
from zhifa.inspections.services import special_limitation
from zhifa.org.models import Officer, Role, User
from zhifa.plans.models import InspectionItem
from zhifa.registry.models import Enterprise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
CONFIRM = "我已核对以上内容，确认办理（此操作记入全过程记录，不能撤回）。"


def _confirm(what: str) -> forms.BooleanField:
    return forms.BooleanField(label=CONFIRM, error_messages={"required": f"请勾选确认后再{what}。"})


class CaseFilterForm(TextForm):
    q = forms.CharField(label="案件编号、企业名称或统一社会信用代码", required=False, max_length=64)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *CaseStatus.choices]
    )
    kind = forms.ChoiceField(
        label="检查类型", required=False, choices=[("", "全部类型"), *InspectionKind.choices]
    )
    year = forms.IntegerField(label="检查年度", required=False, min_value=2000, max_value=2100)

    def filters(self) -> dict[str, Any] | None:
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return None
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


def _officer_label(obj: Any) -> str:
    """An officer with whether his 执法证 is valid today: the status only, never the stated
    reason of a colleague's suspension."""
    assert isinstance(obj, Officer)
    standing = officer_standing(obj, timezone.localdate())
    if standing:
        return f"{obj.name}（执法证 {obj.cert_no}，{standing}）"
    return f"{obj.name}（执法证 {obj.cert_no}，有效期至 {obj.cert_valid_until:%Y-%m-%d}）"


class _GreysOut:
    """A choice widget whose options for officers who may not inspect today are disabled."""

    disabled_values: frozenset[str] = frozenset()

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)  # type: ignore[misc]
        if str(option["value"]) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class OfficerCheckboxes(_GreysOut, forms.CheckboxSelectMultiple):
    pass


class OfficerSelect(_GreysOut, forms.Select):
    pass


class OfficerMultipleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return _officer_label(obj)


class OfficerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return _officer_label(obj)


class ItemMultipleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, InspectionItem)
        return f"{obj.code} {obj.name}"


def _agency_querysets(form: forms.Form, organisation_id: int | None) -> None:
    items = form.fields["items"]
    officers = form.fields["officers"]
    assert isinstance(items, forms.ModelMultipleChoiceField)
    assert isinstance(officers, forms.ModelMultipleChoiceField)
    if organisation_id is None:
        return
    items.queryset = InspectionItem.objects.filter(
        organisation_id=organisation_id, is_active=True
    ).order_by("code")
    officers.queryset = Officer.objects.filter(organisation_id=organisation_id).order_by(
        "name", "cert_no"
    )
    lead = form.fields["lead"]
    assert isinstance(lead, forms.ModelChoiceField)
    lead.queryset = officers.queryset
    today = timezone.localdate()
    barred = frozenset(str(o.pk) for o in officers.queryset if officer_standing(o, today))
    for widget in (officers.widget, lead.widget):
        assert isinstance(widget, _GreysOut)
        widget.disabled_values = barred


class CaseContentForm(TextForm):
    """What an approval covers: items, officers, date and time; plus title and reason."""

    items = ItemMultipleField(
        label="检查事项",
        queryset=InspectionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项检查事项。"},
    )
    officers = OfficerMultipleField(
        label="执法人员",
        queryset=Officer.objects.none(),
        widget=OfficerCheckboxes(attrs={"class": "officer-choice"}),
        help_text="至少两名持有效执法证的执法人员；暂停执法或执法证过期的不能选择。",
        error_messages={"required": "请选择执法人员（不少于2人）。"},
    )
    lead = OfficerChoiceField(
        label="主办执法人员",
        queryset=Officer.objects.none(),
        widget=OfficerSelect,
        required=False,
        help_text="预告通知书上的联系人，须是所选执法人员之一；不选则为名单中的第一人。",
    )
    inspection_date = forms.DateField(label="检查日期", widget=DATE)
    inspection_time = forms.TimeField(label="检查时间", widget=TIME, initial=dt.time(9, 0))
    title = forms.CharField(
        label="检查名称",
        max_length=200,
        required=False,
        help_text="不填则按检查类型和企业名称生成。",
    )
    reason = forms.CharField(label="检查事由", required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args: Any, organisation_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _agency_querysets(self, organisation_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead = data.get("lead")
        if lead is not None and lead not in (data.get("officers") or ()):
            self.add_error("lead", f"主办执法人员{lead.name}不在所选执法人员之中，请一并选择。")
        return data

    def ordered_officers(self) -> list[Officer]:
        """The chosen officers in the order they were given, the lead first (he leads the
        visit and is the contact on the notice)."""
        data: Any = self.data
        given = [str(v) for v in data.getlist("officers")] if data else []
        chosen = list(self.cleaned_data["officers"])
        lead = self.cleaned_data.get("lead")
        return sorted(
            chosen,
            key=lambda o: (
                o != lead,
                given.index(str(o.pk)) if str(o.pk) in given else 0,
            ),
        )


class CaseForm(CaseContentForm):
    kind = forms.ChoiceField(label="检查类型", choices=InspectionKind.choices)
    uscc = forms.CharField(
        label="检查对象统一社会信用代码",
        max_length=18,
        min_length=18,
        help_text="在上方输入企业名称或代码查找后点选，也可直接填写18位代码。",
    )
    exemption_reason = forms.CharField(
        label="免于预告理由",
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text="举报投诉、暗访暗查、“四不两直”和直接涉及人民群众生命财产安全的检查必须填写，"
        "经执法机关负责人批准。",
    )
    is_emergency = forms.BooleanField(
        label="紧急现场检查（先口头通知、事后补办手续）", required=False
    )

    field_order = [
        "uscc",
        "kind",
        "items",
        "officers",
        "lead",
        "inspection_date",
        "inspection_time",
        "title",
        "reason",
        "exemption_reason",
        "is_emergency",
    ]

    def __init__(self, *args: Any, organisation_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, organisation_id=organisation_id, **kwargs)
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


class OpinionForm(TextForm):
    opinion = forms.CharField(label="审批意见", max_length=500, required=False)
    confirm = _confirm("批准")


class RejectForm(TextForm):
    reason = forms.CharField(label="不予批准的理由", max_length=500)
    confirm = _confirm("不予批准")


class ConfirmForm(TextForm):
    confirm = _confirm("办理")


class ReasonForm(TextForm):
    reason = forms.CharField(label="撤销理由", max_length=255)
    confirm = _confirm("撤销")


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person_name)


class OralNoticeForm(TextForm):
    told_at = forms.DateTimeField(label="告知时间", widget=DATETIME, input_formats=DATETIME_FORMATS)
    place = forms.CharField(label="告知地点", max_length=200)
    told_by = forms.ModelChoiceField(label="告知人", queryset=Officer.objects.none())
    told_to = forms.CharField(label="被告知人（姓名、职务）", max_length=100)
    content = forms.CharField(label="告知内容", widget=forms.Textarea({"rows": 3}))
    head = UserChoiceField(label="报告的机关负责人", queryset=User.objects.none())

    def __init__(self, *args: Any, case: InspectionCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        told_by = self.fields["told_by"]
        head = self.fields["head"]
        assert isinstance(told_by, forms.ModelChoiceField)
        assert isinstance(head, forms.ModelChoiceField)
        told_by.queryset = Officer.objects.filter(
            pk__in=case.assignments.values("officer_id")
        ).order_by("name")
        # 执法机关负责人 of the agency, by the account's own role or a further role granted there.
        head.queryset = (
            User.objects.filter(is_active=True)
            .filter(
                Q(role=Role.APPROVER, organisation_id=case.organisation_id)
                | Q(
                    role_grants__role=Role.APPROVER,
                    role_grants__organisation_id=case.organisation_id,
                )
            )
            .distinct()
            .order_by("username")
        )


class SocialSupervisorForm(TextForm):
    supervisor = UserChoiceField(
        label="伴随监督员", queryset=User.objects.none(), required=False, empty_label="（不安排）"
    )

    def __init__(self, *args: Any, case: InspectionCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["supervisor"]
        assert isinstance(field, forms.ModelChoiceField)
        region = case.region
        codes = [region.code]
        while region.parent_id:
            region = region.parent  # type: ignore[assignment]
            codes.append(region.code)
        field.queryset = User.objects.filter(
            role=Role.SOCIAL_SUPERVISOR, is_active=True, region_id__in=codes
        ).order_by("username")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(UploadField):
    """Several files in one field, each checked by ``zhifa.core.uploads``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        cleaned = super().clean(data, initial)
        return [cleaned] if cleaned else []


class FindingForm(TextForm):
    result = forms.ChoiceField(
        label="检查结果", choices=FindingResult.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label="检查情况", required=False, widget=forms.Textarea({"rows": 2})
    )
    evidence = MultipleFileField(
        types=uploads.EVIDENCE,
        label="证据照片或文件",
        required=False,
        help_text="JPG、PNG、PDF、DOCX、XLSX 或 OFD，"
        f"每个不超过 {settings.ZHIFA_UPLOAD_MAX_MB} MB。",
    )


class FinishForm(TextForm):
    present_person = forms.CharField(label="在场人（姓名、职务）", max_length=100)
    party_opinion = forms.CharField(
        label="当事人意见", max_length=500, widget=forms.Textarea({"rows": 2})
    )
    confirm = _confirm("结束现场检查")


class DecideForm(TextForm):
    """处理决定: per problem the violation picked from the lists in force with the provision
    violated and the penalty provision, the facts the discretion engine weighs, the chosen
    outcome and, outside what the engine allows, the reason."""

    outcome = forms.ChoiceField(label="处理结果")
    rectify_working_days = forms.IntegerField(
        label="整改期限（工作日）",
        required=False,
        min_value=1,
        max_value=60,
        help_text="责令改正时填写，按工作日计算。",
    )
    requirements = forms.CharField(
        label="整改要求（每行一条）", required=False, widget=forms.Textarea({"rows": 3})
    )
    note = forms.CharField(label="处理说明", required=False, widget=forms.Textarea({"rows": 2}))
    confirm = _confirm("作出处理决定")

    def __init__(
        self,
        *args: Any,
        findings: list[CaseFinding],
        organisation_id: int | None,
        preview: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.problems = findings
        self.organisation_id = organisation_id
        self._violations: dict[str, ViolationChoice | None] = {}
        self._outcome_choices()
        confirm = self.fields.pop("confirm")
        # Asking for the engine's proposal decides nothing, so it needs neither an outcome nor
        # the confirmation.
        confirm.required = self.fields["outcome"].required = not preview
        for finding in findings:
            self.fields.update(_decision_fields(finding, self._picked(finding)))
        self.fields["confirm"] = confirm
        if self.is_bound:
            self._fill_from_picked()

    def _outcome_choices(self) -> None:
        field = self.fields["outcome"]
        assert isinstance(field, forms.ChoiceField)
        if self.problems:
            # A problem was found: the officer must say what follows from it; nothing is
            # preselected, and "未发现问题" is not offered.
            field.choices = [
                ("", "请选择"),
                *[(v, label) for v, label in CaseOutcome.choices if v != CaseOutcome.NO_PROBLEM],
            ]
            field.error_messages = {
                "required": f"现场检查记录了{len(self.problems)}个问题，请选择不予行政处罚、"
                "责令改正或立案查处（移交）。",
                "invalid_choice": "现场检查记录了问题，处理结果只能选择不予行政处罚、"
                "责令改正或立案查处（移交）。",
            }
        else:
            field.choices = [(CaseOutcome.NO_PROBLEM, CaseOutcome.NO_PROBLEM.label)]
            field.initial = CaseOutcome.NO_PROBLEM
            field.error_messages = {
                "required": "请选择处理结果。",
                "invalid_choice": "现场检查未记录问题，处理结果只能选择未发现问题。",
            }

    def _picked(self, finding: CaseFinding) -> ViolationChoice | None:
        if self.is_bound:
            code = str(self.data.get(f"f{finding.position}_violation_code") or "")
        else:
            code = str(self.initial.get(f"f{finding.position}_violation_code") or "")
            code = code or finding.violation_code
        code = code.strip()
        if not code:
            return None
        if code not in self._violations:
            self._violations[code] = violation_in_force(self.organisation_id, code)
        return self._violations[code]

    def _fill_from_picked(self) -> None:
        """A code typed without the search (or in a browser without scripts) is shown as the
        violation's code, and the provisions left blank as the lists state them."""
        # A QueryDict from a request, a dict from a test or a script: both copy mutably.
        data = cast(Any, self.data).copy()
        for finding in self.problems:
            picked = self._picked(finding)
            if picked is None:
                continue
            n = finding.position
            data[f"f{n}_violation_code"] = picked.violation_code
            for name in ("violated_provision", "penalty_provision"):
                if not str(data.get(f"f{n}_{name}") or "").strip():
                    data[f"f{n}_{name}"] = getattr(picked, name)
        self.data = data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Checked here too so that "查看裁量建议" shows the error beside the field.
        for finding in self.problems:
            n = finding.position
            code = str(data.get(f"f{n}_violation_code") or "").strip()
            if code and self._picked(finding) is None:
                self.add_error(
                    f"f{n}_violation_code", unknown_violation(self.organisation_id, code)
                )
            try:
                special_limitation(
                    {
                        name: data.get(f"f{n}_{name}")
                        for name in ("special_limitation_months", "special_limitation_basis")
                    }
                )
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    self.add_error(f"f{n}_{key}", messages)
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's errors beside their fields: "findings.2.violation_code" is the field
        f2_violation_code; the rest go on top of the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            parts = key.split(".")
            name = f"f{parts[1]}_{parts[2]}" if len(parts) == 3 else key
            self.add_error(name if name in self.fields else None, messages)

    def finding_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "finding": f,
                "code": self[f"f{f.position}_violation_code"],
                "provisions": [self[f"f{f.position}_{name}"] for name in PROVISION_FIELDS],
                "facts": [self[f"f{f.position}_{name}"] for name in FACT_FIELDS],
                "fields": [self[f"f{f.position}_{name}"] for name in DECISION_FIELDS],
            }
            for f in self.problems
        ]

    def decisions(self) -> dict[int, dict[str, Any]]:
        data = self.cleaned_data
        return {
            f.position: {
                name: data.get(f"f{f.position}_{name}")
                for name in ("violation_code", *PROVISION_FIELDS, *FACT_FIELDS, *DECISION_FIELDS)
            }
            for f in self.problems
        }

    def requirement_lines(self) -> list[str]:
        text = self.cleaned_data.get("requirements") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


PROVISION_FIELDS = ("violated_provision", "penalty_provision")
FACT_FIELDS = (
    "harm_level",
    "corrected_before",
    "corrected_on_site",
    "no_subjective_fault",
    "circumstances",
    "violation_ended_on",
    "life_or_financial_safety",
    "special_limitation_months",
    "special_limitation_basis",
)
DECISION_FIELDS = ("chosen", "deviation_reason")


def _decision_fields(
    finding: CaseFinding, picked: ViolationChoice | None
) -> dict[str, forms.Field]:
    n = finding.position
    label = f"第{n}项"
    return {
        f"f{n}_violation_code": forms.CharField(
            label=f"{label}违法行为",
            max_length=64,
            required=False,
            initial=finding.violation_code,
            help_text="输入违法行为名称或编码，从本机关现行裁量清单中查找并选择；"
            "清单未列入的留空，只按行政处罚法第三十二、三十三条提出建议。",
        ),
        f"f{n}_violated_provision": forms.CharField(
            label=f"{label}违反的规定",
            max_length=300,
            required=False,
            # Two lines: the officer reads the whole provision before deciding, also on a phone.
            widget=forms.Textarea({"rows": 2}),
            initial=finding.violated_provision or (picked.violated_provision if picked else ""),
            help_text="如《公共场所卫生管理条例》第七条；选择违法行为后按清单填入，可修改。",
        ),
        f"f{n}_penalty_provision": forms.CharField(
            label=f"{label}处罚（责令改正）依据",
            max_length=300,
            required=False,
            widget=forms.Textarea({"rows": 2}),
            initial=finding.penalty_provision or (picked.penalty_provision if picked else ""),
            help_text="规定法律责任的条款，如《公共场所卫生管理条例》第十四条；"
            "选择违法行为后按清单填入，可修改。",
        ),
        f"f{n}_harm_level": forms.ChoiceField(
            label=f"{label}危害程度",
            choices=[("", "未评估"), *HarmLevel.choices],
            required=False,
            initial=finding.harm_level,
        ),
        f"f{n}_corrected_before": forms.BooleanField(
            label=f"{label}检查前已自行改正", required=False, initial=finding.corrected_before
        ),
        f"f{n}_corrected_on_site": forms.BooleanField(
            label=f"{label}当场改正", required=False, initial=finding.corrected_on_site
        ),
        f"f{n}_no_subjective_fault": forms.BooleanField(
            label=f"{label}当事人有证据足以证明没有主观过错", required=False
        ),
        f"f{n}_circumstances": forms.MultipleChoiceField(
            label=f"{label}从轻、减轻情形（第三十二条）",
            choices=list(CIRCUMSTANCE_LABELS.items()),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        ),
        f"f{n}_violation_ended_on": forms.DateField(
            label=f"{label}违法行为发生（或终了）日期",
            required=False,
            widget=DATE,
            help_text="用于行政处罚法第三十六条：二年内未被发现的，不再给予行政处罚。",
        ),
        f"f{n}_life_or_financial_safety": forms.BooleanField(
            label=f"{label}涉及公民生命健康安全、金融安全（追责期限五年）", required=False
        ),
        f"f{n}_special_limitation_months": forms.IntegerField(
            label=f"{label}法律另有规定的追责期限（月）",
            required=False,
            min_value=1,
            max_value=600,
            help_text="第三十六条“法律另有规定的除外”：如税收征收管理法第八十六条为五年，填 60。",
        ),
        f"f{n}_special_limitation_basis": forms.CharField(
            label=f"{label}另有规定的法律依据",
            max_length=200,
            required=False,
            help_text="如《中华人民共和国税收征收管理法》第八十六条",
        ),
        f"f{n}_chosen": forms.ChoiceField(
            label=f"{label}处理决定",
            choices=[("", "请选择"), *PenaltyChoice.choices],
            initial=finding.chosen or finding.proposed,
            required=False,
        ),
        f"f{n}_deviation_reason": forms.CharField(
            label=f"{label}未采纳裁量建议的理由",
            required=False,
            widget=forms.Textarea({"rows": 2}),
            initial=finding.deviation_reason,
        ),
    }


class RecheckForm(TextForm):
    passed = forms.TypedChoiceField(
        label="复查结论",
        choices=[("1", "整改到位"), ("0", "未整改到位")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    rechecked_on = forms.DateField(label="复查日期", widget=DATE, required=False)
    note = forms.CharField(label="复查情况", widget=forms.Textarea({"rows": 3}))
    file_case = forms.BooleanField(label="未整改到位的，立案查处（移交）", required=False)
    confirm = _confirm("记录复查")


class PublishForm(TextForm):
    summary = forms.CharField(label="公示内容", max_length=1000, widget=forms.Textarea({"rows": 3}))
    confirm = _confirm("公示")


class BatchForm(TextForm):
    cases = forms.ModelMultipleChoiceField(
        label="待批量审批的案件",
        queryset=InspectionCase.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一件待审批的案件。"},
    )
    title = forms.CharField(label="批次名称", max_length=200)
    opinion = forms.CharField(label="审批意见", max_length=500, required=False)
    confirm = _confirm("批量审批")

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cases"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = cases


class NoticeBatchForm(TextForm):
    cases = forms.ModelMultipleChoiceField(
        label="待预告的案件",
        queryset=InspectionCase.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一件已批准的案件。"},
    )
    confirm = _confirm("批量发出预告通知书")

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cases"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = cases


class SlotForm(TextForm):
    starts_at = forms.DateTimeField(
        label="开始时间", widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(label="结束时间", widget=DATETIME, input_formats=DATETIME_FORMATS)
    place = forms.CharField(label="方式/地点", max_length=200)
    officer = forms.ModelChoiceField(label="指导人员", queryset=Officer.objects.none())

    def __init__(self, *args: Any, organisation_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        assert isinstance(field, forms.ModelChoiceField)
        if organisation_id is not None:
            field.queryset = Officer.objects.filter(organisation_id=organisation_id).order_by(
                "name"
            )


class GuidanceNoteForm(TextForm):
    note = forms.CharField(label="指导情况", widget=forms.Textarea({"rows": 2}))


class SlotChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, GuidanceSlot)
        return f"{obj}（{obj.officer.name}）"


class BookingForm(TextForm):
    slot = SlotChoiceField(
        label="指导时段",
        queryset=GuidanceSlot.objects.none(),
        error_messages={"invalid_choice": "该时段已不可预约，请选择其他时段。"},
    )
    topic = forms.CharField(label="希望指导的问题", max_length=500, required=False)

    def __init__(self, *args: Any, slots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["slot"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = slots


class RatingForm(TextForm):
    rating = forms.TypedChoiceField(
        label="评价",
        choices=[(str(n), f"{n} 星") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择 1 至 5 星的评价。"},
    )
    comment = forms.CharField(label="评价意见", max_length=500, required=False)


class ObjectionForm(TextForm):
    category = forms.ChoiceField(
        label="异议类别",
        choices=[("", "请选择"), *ObjectionCategory.choices],
        error_messages={
            "required": "请选择异议类别。",
            "invalid_choice": "异议类别不正确，请从列表中选择。",
        },
    )
    text = forms.CharField(label="异议内容", widget=forms.Textarea({"rows": 3}))
    attachments = MultipleFileField(
        types=(uploads.PDF, uploads.JPEG, uploads.PNG),
        label="附件",
        required=False,
        help_text=f"PDF、JPG 或 PNG，每个不超过 {settings.ZHIFA_UPLOAD_MAX_MB} MB，最多 9 个。",
    )


class RectificationForm(TextForm):
    text = forms.CharField(
        label="整改情况",
        max_length=2000,
        widget=forms.Textarea({"rows": 4}),
        help_text="逐项写明已改正的问题、采取的措施和完成日期。",
    )
    photos = MultipleFileField(
        types=(uploads.JPEG, uploads.PNG),
        label="整改照片",
        required=False,
        help_text=f"JPG 或 PNG，每张不超过 {settings.ZHIFA_UPLOAD_MAX_MB} MB，最多 9 张。",
    )


class AnswerForm(TextForm):
    answer = forms.CharField(label="答复", widget=forms.Textarea({"rows": 2}))


class DrawChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, DrawTask)
        waiting = getattr(obj, "waiting", 0)
        period = (
            f"{obj.inspection_start:%Y-%m-%d}至{obj.inspection_end:%Y-%m-%d}"
            if obj.inspection_start and obj.inspection_end
            else "未设检查期间"
        )
        return f"{obj.title}（检查期间 {period}，待转为案件 {waiting} 户）"


class DrawConvertForm(TextForm):
    draw = DrawChoiceField(
        label="抽取任务",
        queryset=DrawTask.objects.none(),
        error_messages={"invalid_choice": "所选抽取任务不存在、尚未抽取或不属于本机关。"},
    )
    confirm = _confirm("生成检查案件")

    def __init__(self, *args: Any, draws: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["draw"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = draws


class ResultFilterForm(TextForm):
    q = forms.CharField(label="企业或机关名称", required=False, max_length=64)
    year = forms.IntegerField(label="检查年度", required=False, min_value=2000, max_value=2100)
