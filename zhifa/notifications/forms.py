from __future__ import annotations

from django import forms

from zhifa.core.textinput import TextForm


class PreferenceForm(TextForm):
    by_sms = forms.BooleanField(label="同时发送短信", required=False)
    by_email = forms.BooleanField(label="同时发送电子邮件", required=False)
