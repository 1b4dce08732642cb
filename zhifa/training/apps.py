from __future__ import annotations

from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "zhifa.training"
    label = "training"
    verbose_name = "执法培训（事前筑基）"
