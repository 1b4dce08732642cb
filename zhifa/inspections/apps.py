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
