"""Forms of the training pages. They only collect input: the services check the values (the
same checks the API gets) and their messages are put back on the fields."""

from __future__ import annotations

from django import forms

from zhifa.core import uploads
from zhifa.core.textinput import TextForm
from zhifa.core.uploads import UploadField
from zhifa.training import importing
from zhifa.training.models import TrainingForm


class SessionFilterForm(TextForm):
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "主题、授课人、地点或组织单位"}
        ),
    )
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: object, years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [("", "全部年度"), *[(y, f"{y} 年") for y in years]]


class SessionForm(TextForm):
    date = forms.DateField(
        label="培训日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写培训日期。", "invalid": "培训日期格式应为 年-月-日。"},
    )
    form = forms.ChoiceField(
        label="培训形式",
        choices=[("", "请选择"), *TrainingForm.choices],
        error_messages={"required": "请选择培训形式。"},
    )
    topic = forms.CharField(label="培训主题", max_length=200, required=False)
    trainer = forms.CharField(label="授课人", max_length=100, required=False)
    place = forms.CharField(label="培训地点", max_length=200, required=False)
    hours = forms.CharField(
        label="学时",
        required=False,
        help_text="最多一位小数，如 2.5；每名参训人员默认认定此学时。",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    pass_score = forms.CharField(
        label="合格分数线（仅考试）",
        required=False,
        help_text="考试的合格分数线，空表示 60 分。",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class ResultForm(TextForm):
    hours = forms.CharField(
        label="认定学时", required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    score = forms.CharField(
        label="考试成绩（0–100）",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class AttendanceImportForm(TextForm):
    file = UploadField(
        types=uploads.IMPORT,
        max_bytes=importing.MAX_FILE_BYTES,
        label="参训人员文件（.xlsx 或 .csv）",
        error_messages={
            "required": "请选择要导入的 .xlsx 或 .csv 文件。",
            "empty": "上传的文件是空的，请选择填好的参训人员文件。",
        },
    )


class YearForm(TextForm):
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)


class RequirementForm(TextForm):
    region = forms.CharField(
        label="行政区划代码",
        required=False,
        max_length=12,
        help_text=(
            "如 330900（舟山市）；下级区划未设置时沿用上级。空表示全国默认值（仅系统管理员）。"
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    yearly_hours = forms.CharField(
        label="年度最低培训学时",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    source = forms.CharField(
        label="依据",
        required=False,
        max_length=255,
        help_text="该学时要求的出处：文件名称和文号；仅用于演示的写“演示设置”。",
    )
