from __future__ import annotations

from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "zhifa.complaints"
    label = "complaints"
    verbose_name = "投诉举报与问题清单"

    def ready(self) -> None:
        # supervision sits below us: an item prefills a supervision document there. Objections,
        # low ratings and social supervisors' reports (in the apps below) become items through
        # the receivers in ``intake_hooks``, so those apps never import this one.
        from zhifa.complaints import intake_hooks
        from zhifa.complaints.prefill import complaint_prefill
        from zhifa.supervision.sources import register_source

        register_source("complaint", "问题清单", complaint_prefill)
        intake_hooks.connect()
        from zhifa.complaints.callbacks import record_status_change
        from zhifa.complaints.listeners import register_listener

        register_listener(record_status_change)
        from zhifa.complaints.messages import deadline_reminders
        from zhifa.notifications.deadlines import register_source as register_reminders

        register_reminders("complaints", deadline_reminders)
