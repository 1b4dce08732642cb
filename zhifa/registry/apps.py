from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "zhifa.registry"
    label = "registry"
    verbose_name = "检查对象名录库"
