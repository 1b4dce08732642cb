from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings

from zhifa.core import uploads
from zhifa.core.textinput import TextForm
from zhifa.core.uploads import UploadField
from zhifa.documents import selectors
from zhifa.documents.models import (
    BatchStatus,
    DeliveryMethod,
    DocumentKind,
    DocumentStatus,
    NumberStatus,
)
from zhifa.org.models import Organisation
from zhifa.org.scoping import visible_to
from zhifa.registry.models import Enterprise


class NumberFilterForm(TextForm):
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


# --- Documents --------------------------------------------------------------------------------

CONFIRM_REQUIRED = "请勾选确认后再办理。"


class DocumentFilterForm(TextForm):
    q = forms.CharField(label="文号/受送达人", required=False, max_length=100)
    kind = forms.ModelChoiceField(
        label="文书种类",
        queryset=DocumentKind.objects.all(),
        required=False,
        empty_label="全部种类",
        error_messages={"invalid_choice": "所选文书种类不存在，请重新选择。"},
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部状态"), *DocumentStatus.choices],
        error_messages={"invalid_choice": "状态“%(value)s”不正确，请从列表中选择。"},
    )
    year = forms.TypedChoiceField(
        label="年度",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "年度“%(value)s”没有文书，请从列表中选择。"},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [("", "全部年度")] + [
            (str(y), str(y)) for y in selectors.document_years(user)
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if data.get(name) not in (None, "")}


class DraftForm(TextForm):
    """A new draft: kind, recipient (an enterprise by 统一社会信用代码, or just a name)."""

    kind = forms.ModelChoiceField(
        label="文书种类",
        queryset=DocumentKind.objects.filter(is_active=True),
        empty_label="请选择",
        error_messages={
            "required": "文书种类：请选择文书种类。",
            "invalid_choice": "所选文书种类不存在或已停用，请重新选择。",
        },
    )
    recipient_uscc = forms.CharField(
        label="受送达企业统一社会信用代码",
        required=False,
        max_length=18,
        help_text="受送达人是名录库中的企业时填写，可在企业服务台签收。",
    )
    recipient_name = forms.CharField(
        label="受送达人", required=False, max_length=200, help_text="不填则使用企业名称。"
    )
    title = forms.CharField(label="标题", required=False, max_length=200)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_recipient_uscc(self) -> Enterprise | None:
        uscc = self.cleaned_data["recipient_uscc"].strip().upper()
        if not uscc:
            return None
        enterprise = visible_to(self.user, Enterprise.objects.filter(uscc=uscc)).first()
        if enterprise is None:
            raise forms.ValidationError(
                f"名录库中没有统一社会信用代码为“{uscc}”的企业，或您无权查看；请核对后重填。"
            )
        return enterprise

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if not data.get("recipient_uscc") and not (data.get("recipient_name") or "").strip():
            self.add_error(
                "recipient_name", "受送达人：请填写受送达人，或填写企业统一社会信用代码。"
            )
        return data


# Labels of the content items the kinds' templates use (rendering.sample_context shows them).
CONTENT_LABELS = {
    "inspection_type": "检查类型",
    "inspection_time": "检查时间",
    "reason": "事由/理由",
    "items": "检查事项",
    "officers": "执法人员",
    "approver_opinion": "审批意见",
    "approver": "审批人",
    "rows": "清单明细",
    "self_check": "自查指引",
    "contact": "联系方式",
    "booking": "预约指导服务",
    "place": "检查地点",
    "notified_at": "通知时间",
    "notified_person": "被通知人",
    "reported_to": "报告负责人",
    "remedy_record": "补办情况",
    "present_person": "在场人员",
    "findings": "检查情况",
    "party_opinion": "当事人意见",
    "violations": "违法行为",
    "deadline": "改正期限",
    "requirements": "改正要求",
    "rights": "权利告知",
    "review_time": "复查时间",
    "conclusion": "复查结论",
    "facts": "事实",
    "basis": "依据",
    "decision": "决定",
    "document_name": "送达文书",
    "delivery_place": "送达地点",
    "delivery_method": "送达方式",
    "deliverer": "送达人",
    "remarks": "备注",
    "reply_deadline": "回复期限",
    "matter": "事项",
    "requests_heading": "要求标题",
    "requests": "具体要求",
    # The supervision set of issue 15 (specs.SUPERVISION_KINDS).
    "problems": "发现的问题",
    "answered": "所复文书名称及文号",
    "measures": "整改（执行）措施",
    "result": "整改（执行）结果",
    "evidence": "证明材料",
}
# The parts of a record in a list of records (检查事项, 执法人员, 违法行为, 清单明细), in the order
# one line of the field gives them.
RECORD_PART_LABELS = {
    "name": "名称",
    "cert_no": "执法证号",
    "basis": "依据",
    "fact": "违法事实",
    "violated": "违反的规定",
    "penalty": "处罚依据",
    "enterprise": "企业名称",
    "item": "检查事项",
    "time": "检查时间",
}
NAME_LABELS = {"officers": "姓名", "items": "事项名称"}
# Parts of a line are separated by a vertical bar, full- or half-width: the texts themselves hold
# commas and 顿号.
_PART_SEPARATOR = re.compile(r"[｜|]")


def _part_labels(key: str, parts: list[str]) -> list[str]:
    return [
        NAME_LABELS.get(key, "名称") if part == "name" else RECORD_PART_LABELS.get(part, "内容")
        for part in parts
    ]


def content_shape(kind_code: str) -> dict[str, Any]:
    """The kind's content items with a sample value each ({} for a kind without a template)."""
    from zhifa.documents.rendering import sample_context
    from zhifa.documents.services import STANDARD_KEYS

    try:
        sample = sample_context(kind_code)
    except Exception:
        return {}
    return {key: value for key, value in sample.items() if key not in STANDARD_KEYS}


class DraftEditForm(TextForm):
    """Recipient, title and one field per content item of the document's kind: text as text,
    a list of texts one per line, a list of records as JSON."""

    recipient_name = forms.CharField(label="受送达人", max_length=200)
    title = forms.CharField(label="标题", max_length=200)

    def __init__(
        self, *args: Any, kind_code: str, context: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        context = context or {}
        self.shape = content_shape(kind_code)
        for key in context:
            self.shape.setdefault(key, context[key])
        self.kinds: dict[str, str] = {}
        self.parts: dict[str, list[str]] = {}
        for key, sample in self.shape.items():
            label = CONTENT_LABELS.get(key, key)
            value = context.get(key)
            name = f"c_{key}"
            if isinstance(sample, str):
                self.kinds[key] = "text"
                field: forms.Field = forms.CharField(
                    label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
                )
                initial: Any = value if isinstance(value, str) else ""
            elif isinstance(sample, list) and all(isinstance(i, str) for i in sample):
                self.kinds[key] = "lines"
                field = forms.CharField(
                    label=label,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text="每行一项。",
                )
                initial = "\n".join(value) if isinstance(value, list) else ""
            else:
                # A list of records: one record a line, its parts separated by "｜".
                records = sample if isinstance(sample, list) else []
                parts = list(records[0]) if records and isinstance(records[0], dict) else []
                self.kinds[key] = "records"
                self.parts[key] = parts
                example = "｜".join(str(records[0].get(p, "")) for p in parts) if parts else ""
                field = forms.CharField(
                    label=label,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text=(
                        f"每行一条，依次填写{'、'.join(_part_labels(key, parts))}，"
                        f"以“｜”分隔。例如：{example[:200]}"
                    ),
                )
                initial = _record_lines(value, parts)
            field.initial = initial
            self.fields[name] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        content: dict[str, Any] = {}
        for key, kind in self.kinds.items():
            raw = (data.get(f"c_{key}") or "").strip()
            if not raw:
                continue
            if kind == "text":
                content[key] = raw
            elif kind == "lines":
                content[key] = [line.strip() for line in raw.splitlines() if line.strip()]
            else:
                parsed = self._records(key, raw)
                if parsed is not None:
                    content[key] = parsed
        data["content"] = content
        return data

    def _records(self, key: str, raw: str) -> list[dict[str, str]] | None:
        parts = self.parts[key]
        label = CONTENT_LABELS.get(key, "内容")
        records = []
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        for number, line in enumerate(lines, start=1):
            values = [v.strip() for v in _PART_SEPARATOR.split(line)]
            if len(values) > len(parts):
                self.add_error(
                    f"c_{key}",
                    f"{label}第 {number} 行分成了 {len(values)} 项，多于应填的 {len(parts)} 项"
                    f"（{'、'.join(_part_labels(key, parts))}）：请删去多余的“｜”。",
                )
                return None
            values += [""] * (len(parts) - len(values))
            records.append(dict(zip(parts, values, strict=True)))
        return records


def _record_lines(value: Any, parts: list[str]) -> str:
    if not isinstance(value, list):
        return ""
    return "\n".join(
        "｜".join(str(r.get(p) or "") for p in parts) for r in value if isinstance(r, dict)
    )


class DocumentConfirmForm(TextForm):
    confirm = forms.BooleanField(
        label="我已核对以上内容，确认办理", error_messages={"required": CONFIRM_REQUIRED}
    )


class IssueForm(DocumentConfirmForm):
    issue_date = forms.DateField(
        label="成文日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="不填则为今天。",
        error_messages={"invalid": "成文日期格式不正确，请按 2026-12-01 的格式填写。"},
    )


class DeliverForm(DocumentConfirmForm):
    method = forms.ChoiceField(
        label="送达方式",
        choices=DeliveryMethod.choices,
        error_messages={"required": "送达方式：请选择送达方式。"},
    )
    address = forms.CharField(
        label="电子邮箱或手机号",
        required=False,
        max_length=200,
        help_text="电子邮件送达填邮箱、短信送达填手机号；不填则用企业首要联系人的。",
    )
    scan = UploadField(
        types=uploads.RECEIPT,
        label="送达回证扫描件",
        required=False,
        help_text="纸质送达时上传签收后的送达回证：PDF、JPG、PNG 或 OFD，"
        f"不超过 {settings.ZHIFA_UPLOAD_MAX_MB} MB。",
    )
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ArchiveForm(DocumentConfirmForm):
    reference = forms.CharField(label="档号/存放位置", required=False, max_length=100)


class CorrectForm(DraftEditForm):
    pass


class VerifyForm(TextForm):
    file = UploadField(
        types=uploads.VERIFIABLE,
        label="待核验的文件（PDF 或 DOCX）",
        error_messages={"required": "请选择要核验的文件。", "empty": "所选文件是空文件。"},
    )


class BatchFilterForm(TextForm):
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部状态"), *BatchStatus.choices],
        error_messages={"invalid_choice": "状态“%(value)s”不正确，请从列表中选择。"},
    )

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class BatchIssueForm(IssueForm):
    """Confirms a 批量签发 of the drafts listed on the page (their ids travel as ``ids``)."""

    title = forms.CharField(
        label="批次名称",
        required=False,
        max_length=200,
        help_text="不填则为“批量签发+文书种类+份数”。",
        error_messages={"max_length": "批次名称不能超过 200 字。"},
    )
