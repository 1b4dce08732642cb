from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "zhifa.plans"
    label = "plans"
    verbose_name = "检查事项与年度计划"
