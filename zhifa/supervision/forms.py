"""The forms of supervision letters, in Chinese; the content fields come from the document kind
(``zhifa.documents.specs.form_fields``), so a kind added there drafts here without a change."""

from __future__ import annotations

from typing import Any

from django import forms

from zhifa.core import uploads
from zhifa.core.textinput import TextForm
from zhifa.documents import specs
from zhifa.org.models import Organisation, OrganisationKind
from zhifa.supervision.models import LetterStatus, LetterType, ReviewStatus, SupervisionMethod
from zhifa.supervision.services import MAX_EVIDENCE_FILES, REVIEW_OUTCOMES

# Filled in by the platform at 签发 from the reply period (working days → the printed date).
PLATFORM_FILLED = ("reply_deadline",)
DECISION_KINDS = ("supervision_decision",)


class OrganisationField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class LetterTypeField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


# Every kind prints 事由 inside its opening sentence ("本机关在对……进行行政执法监督中"), so it is
# a noun phrase, not a sentence of its own.
MATTER_HELP = (
    "写成名词短语，如“你单位2026年度涉企行政检查”；"
    "文书开头一句会写作“本机关在对……进行行政执法监督中”。"
)


def content_field_names(kind_code: str) -> list[str]:
    try:
        fields = specs.form_fields(kind_code)
    except KeyError:
        return []
    return [f.name for f in fields if f.name not in PLATFORM_FILLED]


class LetterForm(TextForm):
    """拟稿: addressee, method, reply period in working days and the kind's own fields."""

    addressee = OrganisationField(label="受文单位", queryset=Organisation.objects.none())
    method = forms.ChoiceField(label="监督方式", choices=SupervisionMethod.choices)
    reply_working_days = forms.IntegerField(
        label="回复期限（工作日）",
        min_value=1,
        max_value=120,
        required=False,
        help_text="自签发之日起计算的工作日数，签发时折算为具体日期印在文书上。",
    )

    def __init__(
        self, *args: Any, letter_type: LetterType, bureau: Organisation, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.letter_type = letter_type
        addressees = Organisation.objects.filter(
            kind__in=OrganisationKind.enforcing(),
            region__code__startswith=bureau.region.code_prefix,
        ).order_by("name")
        self.fields["addressee"].queryset = addressees  # type: ignore[attr-defined]
        if letter_type.needs_reply:
            self.fields["reply_working_days"].required = True
            if letter_type.deadline_source:
                self.fields[
                    "reply_working_days"
                ].help_text += f"期限来源：{letter_type.deadline_source}"
        else:
            del self.fields["reply_working_days"]
        code = letter_type.kind.code
        for field in specs.form_fields(code):
            if field.name in PLATFORM_FILLED:
                continue
            if field.many:
                self.fields[field.name] = forms.CharField(
                    label=field.label,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text="每行一条。",
                )
            else:
                widget = (
                    forms.Textarea(attrs={"rows": 3})
                    if field.name in ("matter", "facts", "basis", "decision", "contact")
                    else forms.TextInput()
                )
                self.fields[field.name] = forms.CharField(
                    label=field.label,
                    required=False,
                    widget=widget,
                    max_length=2000,
                    help_text=MATTER_HELP if field.name == "matter" else "",
                )
        if code in DECISION_KINDS:
            self.fields["orders_correction"] = forms.BooleanField(
                label="本决定责令纠正或者撤销所涉检查案件的行政执法行为（将显示在该案件页面）",
                required=False,
            )

    def content(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data.get(name, "")
            for name in content_field_names(self.letter_type.kind.code)
        }


def initial_from(prefill: Any, kind_code: str) -> dict[str, Any]:
    """The drafting form's initial values from a source's ``Prefill``."""
    names = set(content_field_names(kind_code))
    initial: dict[str, Any] = {}
    if prefill.addressee is not None:
        initial["addressee"] = prefill.addressee.pk
    pairs = {
        "matter": prefill.matter,
        # A kind without its own list of problems states them among the facts.
        "facts": "\n".join(
            [*prefill.facts, *(prefill.problems if "problems" not in names else [])]
        ),
        "problems": "\n".join(prefill.problems),
        "requests": "\n".join(prefill.requests),
        "basis": "\n".join(prefill.basis),
    }
    for key, value in pairs.items():
        if key in names and value:
            initial[key] = value
    return initial


class ChooseTypeForm(TextForm):
    letter_type = LetterTypeField(label="文书种类", queryset=LetterType.objects.none())

    def __init__(self, *args: Any, types: list[LetterType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = LetterType.objects.filter(pk__in=[t.pk for t in types])
        self.fields["letter_type"].queryset = chosen  # type: ignore[attr-defined]


class ReviewForm(TextForm):
    decision = forms.ChoiceField(
        label="审核结论", choices=[("approve", "同意，报请签发"), ("reject", "退回修改")]
    )
    opinion = forms.CharField(
        label="审核意见", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConfirmForm(TextForm):
    confirm = forms.BooleanField(label="我已核对，确认办理", required=True)


class ReplyForm(TextForm):
    text = forms.CharField(
        label="整改（执行）情况报告",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="逐项说明监督文书所列事项的整改（执行）情况。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zhifa.inspections.forms import MultipleFileField

        self.fields["files"] = MultipleFileField(
            label="佐证材料",
            types=uploads.EVIDENCE,
            required=False,
            help_text=f"最多 {MAX_EVIDENCE_FILES} 个文件，支持 JPG、PNG、PDF、Word、Excel、OFD，"
            f"每个不超过 {uploads.max_upload_bytes() // uploads.MB} MB。",
        )


class NoteForm(TextForm):
    note = forms.CharField(
        label="核查意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(TextForm):
    reason = forms.CharField(
        label="退回理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ApplyReviewForm(TextForm):
    reasons = forms.CharField(
        label="申请复查的理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class DecideReviewForm(TextForm):
    outcome = forms.ChoiceField(
        label="复查结论",
        choices=[(value, ReviewStatus(value).label) for value in REVIEW_OUTCOMES],
    )
    decision = forms.CharField(
        label="复查决定", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class SummonsForm(TextForm):
    held_on = forms.DateField(label="约谈日期", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="约谈地点", max_length=200)
    attendees = forms.CharField(
        label="参加人员", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.CharField(
        label="约谈结果", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class LedgerFilterForm(TextForm):
    addressee = OrganisationField(
        label="受文单位", queryset=Organisation.objects.none(), required=False
    )
    kind = LetterTypeField(label="文书种类", queryset=LetterType.objects.none(), required=False)
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部"), *LetterStatus.choices], required=False
    )
    overdue = forms.BooleanField(label="只看逾期", required=False)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)

    def __init__(self, *args: Any, organisations: Any, types: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["addressee"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["kind"].queryset = types  # type: ignore[attr-defined]
