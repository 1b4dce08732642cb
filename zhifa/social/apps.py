from __future__ import annotations

from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "zhifa.social"
    label = "social"
    verbose_name = "社会监督员（伴随式监督）"
