from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhifa.audit"
    label = "audit"
    verbose_name = "审计链"
