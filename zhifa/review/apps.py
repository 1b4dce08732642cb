from __future__ import annotations

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "zhifa.review"
    label = "review"
    verbose_name = "执法体检（案卷评查与抽查）"

    def ready(self) -> None:
        # ``supervision`` sits below this app and never imports it: the sources that start a
        # supervision document here are registered with it at start-up.
        from zhifa.review import prefill
        from zhifa.supervision.sources import register_source

        register_source("case_review", "案卷评查", prefill.case_review)
        register_source("campaign_finding", "专项监督发现的问题", prefill.campaign_finding)
