from __future__ import annotations

from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "zhifa.inspections"
    label = "inspections"
    verbose_name = "涉企行政检查"

    def ready(self) -> None:
        # The caps of a draw count the cases inspected outside draws; draws cannot import us.
        from zhifa.draws.eligibility import register_history
        from zhifa.inspections.history import case_history

        register_history(case_history)
        # Its deadlines reach the message centre, which sits below and cannot import us.
        from zhifa.inspections.messages import deadline_reminders
        from zhifa.notifications.deadlines import register_source

        register_source("inspections", deadline_reminders)
