"""Admin views of the draws app, read-only: a draw changes only through its services, whose
audit records are the history, and a drawn draw never changes at all."""

from __future__ import annotations

from django.contrib import admin

from zhifa.audit.admin import ReadOnlyAdminMixin
from zhifa.draws.models import DrawResult, DrawTask, OfficerConflict


@admin.register(DrawTask)
class DrawTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "organisation", "mode", "status", "reveal_date", "pool_size"]
    list_filter = ["status", "mode"]
    search_fields = ["title", "organisation__name", "pool_sm3"]
    list_select_related = ["organisation"]
    # The secret stays off every page until the draw reveals it in the public record.
    exclude = ["secret", "record_json"]


@admin.register(DrawResult)
class DrawResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["draw", "stratum", "sequence", "enterprise", "status"]
    list_filter = ["status"]
    search_fields = ["enterprise__uscc", "enterprise__name", "draw__title"]
    list_select_related = ["draw", "stratum", "enterprise"]
    raw_id_fields = ["draw", "stratum", "enterprise", "region"]


@admin.register(OfficerConflict)
class OfficerConflictAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["officer", "enterprise", "reason", "declared_at", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["officer__name", "officer__cert_no", "enterprise__uscc", "enterprise__name"]
    list_select_related = ["officer", "enterprise"]
