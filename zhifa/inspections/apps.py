from __future__ import annotations

from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "zhifa.inspections"
    label = "inspections"
    verbose_name = "涉企行政检查"
