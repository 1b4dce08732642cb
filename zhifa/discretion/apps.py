from __future__ import annotations

from django.apps import AppConfig


class DiscretionConfig(AppConfig):
    name = "zhifa.discretion"
    label = "discretion"
    verbose_name = "行政处罚裁量“三张清单”"
