from __future__ import annotations

from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "zhifa.compliance"
    label = "compliance"
    verbose_name = "合规指导清单与企业自查"
