from __future__ import annotations

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zhifa.supervision"
    label = "supervision"
    verbose_name = "行政执法监督文书"

    def ready(self) -> None:
        # inspections sits below us and may not import us: we register our panel on its case
        # page and the sources we prefill from, once, at start-up.
        from zhifa.inspections.panels import register_case_panel
        from zhifa.supervision import prefill
        from zhifa.supervision.panels import case_panel

        prefill.register()
        register_case_panel(case_panel)
        # The addressee is reminded of a reply due through the message centre, which sits below.
        from zhifa.notifications.deadlines import register_source
        from zhifa.supervision.messages import deadline_reminders

        register_source("supervision", deadline_reminders)
