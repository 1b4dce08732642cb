from __future__ import annotations

from django import forms


class PreferenceForm(forms.Form):
    by_sms = forms.BooleanField(label="同时发送短信", required=False)
    by_email = forms.BooleanField(label="同时发送电子邮件", required=False)
