"""Password rules in Chinese where Django's own translation has none."""

from __future__ import annotations

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    # Django's zh-hans catalogue lacks this (plural) message, which would reach users in English.
    def get_error_message(self) -> str:
        return f"密码太短：至少需要 {self.min_length} 个字符，请换一个更长的密码。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"
