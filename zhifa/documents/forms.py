from __future__ import annotations

from typing import Any

from django import forms

from zhifa.documents import selectors
from zhifa.documents.models import DocumentKind, NumberStatus
from zhifa.org.models import Organisation


class NumberFilterForm(forms.Form):
    q = forms.CharField(label="文号", required=False, max_length=64)
    organisation = forms.ModelChoiceField(
        label="机构",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="全部机构",
        error_messages={"invalid_choice": "所选机构不存在或您无权查看，请重新选择。"},
    )
    kind = forms.ModelChoiceField(
        label="文书种类",
        queryset=DocumentKind.objects.all(),
        required=False,
        empty_label="全部种类",
        error_messages={"invalid_choice": "所选文书种类不存在，请重新选择。"},
    )
    year = forms.TypedChoiceField(
        label="年度",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "年度“%(value)s”没有文号，请从列表中选择。"},
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部状态"), *NumberStatus.choices],
        error_messages={"invalid_choice": "状态“%(value)s”不正确，请从列表中选择。"},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation_field = self.fields["organisation"]
        assert isinstance(organisation_field, forms.ModelChoiceField)
        organisation_field.queryset = selectors.organisations_with_numbers(user)
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [("", "全部年度")] + [
            (str(y), str(y)) for y in selectors.years_in_use(user)
        ]

    def filters(self) -> dict[str, Any]:
        """The valid filters; a filter with an error is left out (its error is shown)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if data.get(name) not in (None, "")}
