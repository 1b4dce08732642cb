"""The SMS backends moved to ``zhifa.core.sms`` so that apps below documents (notifications)
can send too; this module keeps the dotted path settings name
(``zhifa.documents.sms.ConsoleSMSBackend``) and the imports of existing callers working."""

from __future__ import annotations

from zhifa.core.sms import DEFAULT_SMS_BACKEND, ConsoleSMSBackend, SMSBackend, get_sms_backend

__all__ = ["DEFAULT_SMS_BACKEND", "ConsoleSMSBackend", "SMSBackend", "get_sms_backend"]
