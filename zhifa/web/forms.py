from __future__ import annotations

from django import forms

from zhifa.core.textinput import TextForm
from zhifa.org.models import ResetChannel


class ResetRequestForm(TextForm):
    username = forms.CharField(
        label="用户名",
        max_length=150,
        error_messages={"required": "用户名：请填写登录用的用户名。"},
    )
    channel = forms.ChoiceField(
        label="验证码接收方式",
        choices=[
            (ResetChannel.SMS, "发送到登记的手机号码（短信）"),
            (ResetChannel.EMAIL, "发送到登记的电子邮箱"),
        ],
        widget=forms.RadioSelect,
        initial=ResetChannel.SMS,
        error_messages={
            "required": "接收方式：请选择短信或电子邮件。",
            "invalid_choice": "接收方式：请选择短信或电子邮件。",
        },
    )


class ResetCodeForm(TextForm):
    code = forms.RegexField(
        label="验证码",
        regex=r"^\s*[0-9]{6}\s*$",
        error_messages={
            "required": "验证码：请填写收到的 6 位数字验证码。",
            "invalid": "验证码：请填写收到的 6 位数字验证码。",
        },
    )
