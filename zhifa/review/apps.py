from __future__ import annotations

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "zhifa.review"
    label = "review"
    verbose_name = "执法体检（案卷评查与抽查）"
