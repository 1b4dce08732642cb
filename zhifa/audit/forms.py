from __future__ import annotations

from typing import Any

from django import forms

from zhifa.audit import selectors
from zhifa.audit.display import action_label
from zhifa.core.textinput import TextForm


class RecordFilterForm(TextForm):
    action = forms.ChoiceField(
        label="操作",
        required=False,
        error_messages={"invalid_choice": "操作“%(value)s”没有记录，请从列表中选择。"},
    )
    object_type = forms.ChoiceField(
        label="对象类型",
        required=False,
        error_messages={"invalid_choice": "对象类型“%(value)s”没有记录，请从列表中选择。"},
    )
    object_id = forms.CharField(label="对象标识", required=False, max_length=64)
    actor = forms.CharField(label="操作人", required=False, max_length=150)
    date_from = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "起始日期格式不正确，请按 2026-01-31 的格式填写。"},
    )
    date_to = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "截止日期格式不正确，请按 2026-01-31 的格式填写。"},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = [("", "全部操作")] + [
            (a, action_label(a)) for a in selectors.actions_in_use(user)
        ]
        type_field = self.fields["object_type"]
        assert isinstance(type_field, forms.ChoiceField)
        type_field.choices = [("", "全部类型"), *selectors.object_types_in_use(user)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期早于起始日期，请调整日期范围。")
        return data

    def filters(self) -> dict[str, Any]:
        """The valid filters; a filter with an error is left out (its error is shown)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if data.get(name) not in (None, "")}
