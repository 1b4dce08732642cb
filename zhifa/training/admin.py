"""Admin views of training: read-only, since sessions, attendance and the yearly minimum change
only through the services (each writing its audit record)."""

from __future__ import annotations

from django.contrib import admin

from zhifa.audit.admin import ReadOnlyAdminMixin
from zhifa.training.models import Attendance, TrainingRequirement, TrainingSession


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["date", "topic", "form", "organiser", "hours"]
    list_filter = ["form"]
    search_fields = ["topic", "trainer", "organiser__name"]
    list_select_related = ["organiser"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["officer", "session", "hours", "score", "passed"]
    search_fields = ["officer__name", "officer__cert_no", "session__topic"]
    list_select_related = ["officer", "session"]


@admin.register(TrainingRequirement)
class TrainingRequirementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["region", "yearly_hours", "source", "updated_at"]
    list_select_related = ["region"]
