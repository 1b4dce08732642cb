"""Pluggable SMS backends, shared by every app that sends a text message (短信送达, 入企核验码,
notifications). ``settings.ZHIFA_SMS_BACKEND`` names the class by dotted path; the default
console backend prints each message, as Django's console mail backend does.

A backend is a class with ``send(mobile: str, message: str) -> None`` that raises on failure.
"""

from __future__ import annotations

import sys
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

# The dotted path deployments already name in their settings; it re-exports the class below.
DEFAULT_SMS_BACKEND = "zhifa.documents.sms.ConsoleSMSBackend"


class SMSBackend(Protocol):
    def send(self, mobile: str, message: str) -> None: ...


class ConsoleSMSBackend:
    """Writes each message to standard output instead of sending it."""

    def send(self, mobile: str, message: str) -> None:
        sys.stdout.write(f"[短信] 发送至 {mobile}：{message}\n")
        sys.stdout.flush()


def get_sms_backend() -> SMSBackend:
    path = getattr(settings, "ZHIFA_SMS_BACKEND", "") or DEFAULT_SMS_BACKEND
    backend: SMSBackend = import_string(path)()
    return backend
