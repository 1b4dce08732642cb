from __future__ import annotations

from django.apps import AppConfig


class DrawsConfig(AppConfig):
    name = "zhifa.draws"
    label = "draws"
    verbose_name = "双随机抽取"
