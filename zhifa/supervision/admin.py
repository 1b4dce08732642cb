"""Admin of supervision: the 监督文书种类 are configuration an administrator maintains (a region's
row renames a kind or sets its own deadlines, each with its source), saved with an audit record;
letters, replies and 约谈 change only through their services, so they are read-only here."""

from __future__ import annotations

from django.contrib import admin

from zhifa.audit.admin import AuditedModelAdmin, ReadOnlyAdminMixin
from zhifa.supervision.models import LetterReply, LetterType, Summons, SupervisionLetter


@admin.register(LetterType)
class LetterTypeAdmin(AuditedModelAdmin):
    list_display = (
        "name",
        "kind",
        "region",
        "needs_reply",
        "reply_working_days",
        "review_window_working_days",
        "is_active",
        "sort_order",
    )
    list_filter = ("is_active", "needs_reply")
    search_fields = ("name", "kind__name", "region__name")
    raw_id_fields = ("region",)


@admin.register(SupervisionLetter)
class SupervisionLetterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("letter_type", "addressee", "bureau", "status", "reply_due", "drafted_at")
    list_filter = ("status", "letter_type")
    search_fields = ("addressee__name", "bureau__name")
    list_select_related = ("letter_type", "addressee", "bureau")


@admin.register(LetterReply)
class LetterReplyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("letter", "submitted_at")


@admin.register(Summons)
class SummonsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("letter", "held_on", "place")
