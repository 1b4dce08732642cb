"""Forms of the plans pages. They take input; the rules are checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms

from zhifa.core import uploads
from zhifa.core.textinput import TextForm
from zhifa.core.uploads import UploadField
from zhifa.org.models import Organisation
from zhifa.plans import importing, selectors
from zhifa.plans.models import (
    AnnualPlan,
    InspectionItem,
    InspectionMethod,
    PlanStatus,
    PlanTask,
    TaskKind,
)
from zhifa.registry import industries
from zhifa.registry.models import CreditGrade

CONFIRM_REQUIRED = "请勾选确认后再提交。"


def _choices(field: Any, choices: list[tuple[Any, str]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class ItemFilterForm(TextForm):
    q = forms.CharField(label="编码、名称或法律法规", required=False, max_length=64)
    field = forms.ChoiceField(label="执法领域", required=False)
    method = forms.ChoiceField(
        label="检查方式", required=False, choices=[("", "全部方式"), *InspectionMethod.choices]
    )
    active = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), ("1", "有效"), ("0", "已停用")],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zhifa.org.models import EnforcementField

        fields = EnforcementField.objects.filter(
            inspection_items__in=selectors.items_for(user)
        ).distinct()
        _choices(self.fields["field"], [("", "全部领域")] + [(f.code, f.name) for f in fields])
        for name in ("field", "method", "active"):
            self.fields[name].error_messages["invalid_choice"] = (
                "所选条件不存在或不在您的查看范围内，请从列表中选择。"
            )

    def filters(self) -> dict[str, Any] | None:
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return None
        return {key: self.cleaned_data.get(key, "") for key in ("q", "field", "method", "active")}


class IndustryCheckboxes(forms.CheckboxSelectMultiple):
    """GB/T 4754 门类 as collapsible groups of their 大类: 117 boxes fit a phone screen."""

    template_name = "plans/widgets/industries.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["groups"] = [
            {
                "label": label,
                "options": options,
                "chosen": [o["label"] for o in options if o["selected"]],
            }
            for label, options, _ in context["widget"]["optgroups"]
        ]
        return context


def industry_field(**kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=industries.choices(), widget=IndustryCheckboxes, required=False, **kwargs
    )


class ItemForm(TextForm):
    code = forms.CharField(label="事项编码", max_length=32)
    name = forms.CharField(label="检查事项名称", max_length=200)
    field = forms.ChoiceField(label="执法领域")
    legal_basis_law = forms.CharField(
        label="依据法律法规",
        max_length=200,
        help_text="全称加书名号，如《中华人民共和国安全生产法》",
    )
    legal_basis_article = forms.CharField(label="条款", max_length=200, help_text="如 第二十八条")
    standard = forms.CharField(
        label="检查标准", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    checklist = forms.CharField(
        label="检查要点",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一条，或用“；”分隔。",
    )
    method = forms.ChoiceField(label="检查方式", choices=InspectionMethod.choices)
    yearly_cap = forms.IntegerField(
        label="每家企业年度检查上限", min_value=1, max_value=12, initial=1
    )
    quiet_period_days = forms.IntegerField(
        label="同事项检查间隔（日）", min_value=0, max_value=3650, initial=180
    )
    industries = industry_field(
        label="适用行业（GB/T 4754-2017）",
        help_text="本事项适用的门类或大类；计划任务的抽取名录默认限于这些行业。"
        "选择整个门类即包括其下全部大类。",
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        instance: InspectionItem | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": instance.code,
                "name": instance.name,
                "field": instance.field.code,
                "legal_basis_law": instance.legal_basis_law,
                "legal_basis_article": instance.legal_basis_article,
                "standard": instance.standard,
                "checklist": "\n".join(instance.checklist or []),
                "method": instance.method,
                "yearly_cap": instance.yearly_cap,
                "quiet_period_days": instance.quiet_period_days,
                "industries": list(instance.industries or []),
            }
        super().__init__(*args, **kwargs)
        _choices(self.fields["field"], [(f.code, f.name) for f in organisation.fields.all()])
        for name, field in self.fields.items():
            field.error_messages["required"] = f"{field.label}：此项必填。"
            if name in ("field", "method", "industries"):
                field.error_messages["invalid_choice"] = f"{field.label}：请从列表中选择。"


class ItemImportForm(TextForm):
    organisation = forms.ModelChoiceField(
        label="导入到机关", queryset=Organisation.objects.none(), required=False
    )
    file = UploadField(
        types=uploads.IMPORT,
        max_bytes=importing.MAX_FILE_BYTES,
        label="检查事项清单文件（.xlsx 或 .csv）",
        error_messages={
            "required": "请选择要导入的 .xlsx 或 .csv 文件。",
            "empty": "上传的文件是空的，请选择填好的检查事项清单文件。",
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.is_admin:
            org_field = self.fields["organisation"]
            assert isinstance(org_field, forms.ModelChoiceField)
            org_field.queryset = selectors.organisations_for_items(user)
            org_field.required = True
            org_field.error_messages["required"] = "导入到机关：请选择检查事项所属的执法机关。"
        else:
            del self.fields["organisation"]


class PlanFilterForm(TextForm):
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *PlanStatus.choices]
    )

    def filters(self) -> dict[str, Any] | None:
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return None
        return {
            "year": self.cleaned_data.get("year"),
            "status": self.cleaned_data.get("status", ""),
        }


class PlanForm(TextForm):
    organisation = forms.ModelChoiceField(
        label="执法机关", queryset=Organisation.objects.none(), required=False
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="计划名称", max_length=200)
    description = forms.CharField(
        label="计划说明", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self, *args: Any, user: Any, instance: AnnualPlan | None = None, **kwargs: Any
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "year": instance.year,
                "title": instance.title,
                "description": instance.description,
            }
        super().__init__(*args, **kwargs)
        if user.is_admin and instance is None:
            org_field = self.fields["organisation"]
            assert isinstance(org_field, forms.ModelChoiceField)
            org_field.queryset = selectors.organisations_for_items(user)
            org_field.required = True
            org_field.error_messages["required"] = "执法机关：请选择编制计划的执法机关。"
        else:
            del self.fields["organisation"]
        for field in self.fields.values():
            field.error_messages.setdefault("required", f"{field.label}：此项必填。")
            field.error_messages["required"] = f"{field.label}：此项必填。"


class PlanItemsForm(TextForm):
    items = forms.ModelMultipleChoiceField(
        label="增加检查事项",
        queryset=InspectionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "检查事项：请至少选择一个检查事项。"},
    )

    def __init__(self, *args: Any, plan: AnnualPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = (
            InspectionItem.objects.filter(organisation_id=plan.organisation_id, is_active=True)
            .exclude(pk__in=plan.items.values("pk"))
            .select_related("field")
        )


GRADES = tuple(CreditGrade.values)


class StrataForm(TextForm):
    def __init__(self, *args: Any, plan: AnnualPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {s.code: s.sampling_ratio for s in plan.strata.all()}
        for grade, label in CreditGrade.choices:
            self.fields[f"ratio_{grade}"] = forms.CharField(
                label=f"{label}抽查比例（%）",
                required=False,
                max_length=8,
                initial=current.get(grade, ""),
            )

    def ratios(self) -> dict[str, str]:
        return {g: self.cleaned_data.get(f"ratio_{g}", "") for g in GRADES}


class TaskForm(TextForm):
    quarter = forms.TypedChoiceField(
        label="季度", coerce=int, choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)]
    )
    name = forms.CharField(label="任务名称", max_length=200)
    kind = forms.ChoiceField(label="任务类型", choices=TaskKind.choices)
    field = forms.ChoiceField(label="执法领域")
    items = forms.ModelMultipleChoiceField(
        label="检查事项",
        queryset=InspectionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    region = forms.CharField(
        label="抽查范围（行政区划代码）", max_length=12, help_text="本机关辖区内的行政区划代码"
    )
    all_industries = forms.BooleanField(
        label="不限行业：抽取抽查范围内所有行业的企业",
        required=False,
        help_text="不勾选时，抽取名录限于所选检查事项的适用行业（或下面指定的行业）。",
    )
    industries = industry_field(
        label="抽取行业（可选）",
        help_text="留空时为所选检查事项适用行业的合集；指定时须在其范围内。",
    )
    officers_per_inspection = forms.IntegerField(
        label="每户检查人员数", min_value=2, max_value=20, initial=2
    )

    def __init__(self, *args: Any, plan: AnnualPlan, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"region": plan.organisation.region_id})
        super().__init__(*args, **kwargs)
        _choices(self.fields["field"], [(f.code, f.name) for f in plan.organisation.fields.all()])
        items = self.fields["items"]
        assert isinstance(items, forms.ModelMultipleChoiceField)
        items.queryset = plan.items.select_related("field").order_by("code")
        for field in self.fields.values():
            field.error_messages["required"] = f"{field.label}：此项必填。"
        self.fields["officers_per_inspection"].error_messages["min_value"] = (
            "每户检查人员数不得少于 2 人（行政处罚法第四十二条）。"
        )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["items"] = list(data["items"])
        return data


class ConfirmForm(TextForm):
    confirm = forms.BooleanField(
        label="我已核对以上内容，确认办理", error_messages={"required": CONFIRM_REQUIRED}
    )


class ReturnForm(ConfirmForm):
    reason = forms.CharField(
        label="退回理由", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AmendmentForm(TextForm):
    """One amendment may combine several operations; each part left empty adds nothing."""

    reason = forms.CharField(
        label="调整理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "调整理由：请写明调整计划的理由。"},
    )
    add_items = forms.ModelMultipleChoiceField(
        label="增加检查事项",
        queryset=InspectionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    remove_items = forms.ModelMultipleChoiceField(
        label="移除检查事项",
        queryset=InspectionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    cancel_tasks = forms.ModelMultipleChoiceField(
        label="撤销任务",
        queryset=PlanTask.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    task_name = forms.CharField(label="新增任务：名称（留空则不新增）", required=False)
    task_quarter = forms.TypedChoiceField(
        label="新增任务：季度",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—")] + [(q, f"第{q}季度") for q in (1, 2, 3, 4)],
    )
    task_kind = forms.ChoiceField(
        label="新增任务：类型", required=False, choices=[("", "—"), *TaskKind.choices]
    )
    task_field = forms.ChoiceField(label="新增任务：执法领域", required=False)
    task_items = forms.CharField(
        label="新增任务：检查事项编码",
        required=False,
        help_text="多个编码用空格或逗号分隔；事项须已在计划中或在本次调整中增加",
    )
    task_region = forms.CharField(label="新增任务：抽查范围（行政区划代码）", required=False)
    task_all_industries = forms.BooleanField(
        label="新增任务：不限行业（抽取抽查范围内所有行业的企业）", required=False
    )
    task_industries = forms.CharField(
        label="新增任务：抽取行业（可选）",
        required=False,
        help_text="GB/T 4754-2017 门类字母或大类代码，多个用“；”分隔；"
        "留空时为所选检查事项适用行业的合集",
    )
    task_officers = forms.IntegerField(
        label="新增任务：每户检查人员数", required=False, min_value=2, initial=2
    )

    def __init__(self, *args: Any, plan: AnnualPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        in_plan = plan.items.order_by("code")
        add = self.fields["add_items"]
        assert isinstance(add, forms.ModelMultipleChoiceField)
        add.queryset = InspectionItem.objects.filter(
            organisation_id=plan.organisation_id, is_active=True
        ).exclude(pk__in=in_plan.values("pk"))
        remove = self.fields["remove_items"]
        assert isinstance(remove, forms.ModelMultipleChoiceField)
        remove.queryset = in_plan
        cancel = self.fields["cancel_tasks"]
        assert isinstance(cancel, forms.ModelMultipleChoiceField)
        cancel.queryset = plan.tasks.filter(is_cancelled=False)
        _choices(
            self.fields["task_field"],
            [("", "—")] + [(f.code, f.name) for f in plan.organisation.fields.all()],
        )
        self.fields["task_region"].initial = plan.organisation.region_id
        for ratio_name, (grade, label) in zip(
            [f"ratio_{g}" for g in GRADES], CreditGrade.choices, strict=True
        ):
            self.fields[ratio_name] = forms.CharField(
                label=f"{label}抽查比例（%）：填写新比例，不变则留空", required=False, max_length=8
            )
            del grade

    def changes(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        ops: list[dict[str, Any]] = []
        ops += [{"op": "add_item", "item": i.code} for i in data.get("add_items") or []]
        if data.get("task_name"):
            codes = [
                c
                for c in data.get("task_items", "").replace("，", ",").replace(",", " ").split()
                if c
            ]
            ops.append(
                {
                    "op": "add_task",
                    "quarter": data.get("task_quarter"),
                    "name": data["task_name"],
                    "kind": data.get("task_kind", ""),
                    "field": data.get("task_field", ""),
                    "items": codes,
                    "region": data.get("task_region", ""),
                    "all_industries": bool(data.get("task_all_industries")),
                    "industries": data.get("task_industries", ""),
                    "officers_per_inspection": data.get("task_officers") or 2,
                }
            )
        ops += [{"op": "cancel_task", "task": t.pk} for t in data.get("cancel_tasks") or []]
        for grade in GRADES:
            value = (data.get(f"ratio_{grade}") or "").strip()
            if value:
                ops.append({"op": "set_stratum_ratio", "grade": grade, "ratio": value})
        ops += [{"op": "remove_item", "item": i.code} for i in data.get("remove_items") or []]
        return ops


class PublicPlanFilterForm(TextForm):
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    organisation = forms.TypedChoiceField(
        label="执法机关", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(
            self.fields["year"],
            [("", "全部年度")] + [(y, f"{y}年") for y in selectors.published_years()],
        )
        _choices(
            self.fields["organisation"],
            [("", "全部机关")] + [(o.pk, o.name) for o in selectors.published_agencies()],
        )

    def filters(self) -> dict[str, Any] | None:
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return None
        return {
            "year": self.cleaned_data.get("year"),
            "organisation": self.cleaned_data.get("organisation"),
        }
