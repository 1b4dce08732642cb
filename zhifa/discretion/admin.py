"""Admin views of the three lists: read-only, since versions and items change only through
their own pages and services (drafting, publishing and the audit record)."""

from __future__ import annotations

from django.contrib import admin

from zhifa.audit.admin import ReadOnlyAdminMixin
from zhifa.discretion.models import DiscretionItem, DiscretionVersion


@admin.register(DiscretionVersion)
class DiscretionVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["label", "organisation", "issuer", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["label", "issuer", "organisation__name"]
    list_select_related = ["organisation"]


@admin.register(DiscretionItem)
class DiscretionItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "kind", "violation_code", "field", "version"]
    list_filter = ["kind", "field"]
    search_fields = ["code", "violation_code", "violation"]
    list_select_related = ["version", "field"]
