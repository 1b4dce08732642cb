from __future__ import annotations

from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "zhifa.social"
    label = "social"
    verbose_name = "社会监督员（伴随式监督）"

    def ready(self) -> None:
        # supervision sits below social in the layers: social registers its source there, so
        # that a breach report prefills a supervision document (zhifa.supervision.sources).
        from zhifa.social.prefill import report_documented, report_prefill
        from zhifa.supervision.sources import register_source

        register_source(
            "social_report",
            "社会监督员反映的问题",
            report_prefill,
            on_drafted=report_documented,
        )
