"""Admin views of the compliance app: read-only, since lists and self-checks change only
through their own pages and services (each writing its audit record)."""

from __future__ import annotations

from django.contrib import admin

from zhifa.audit.admin import ReadOnlyAdminMixin
from zhifa.compliance.models import GuidanceItem, GuidanceVersion, SelfCheck


@admin.register(GuidanceVersion)
class GuidanceVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "label", "region", "publisher", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["title", "publisher", "region__name"]
    list_select_related = ["region"]


@admin.register(GuidanceItem)
class GuidanceItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "title", "version", "field", "legal_basis_law", "legal_basis_article"]
    list_filter = ["field", "version__status"]
    search_fields = ["code", "title", "legal_basis_law"]
    list_select_related = ["version", "field"]


@admin.register(SelfCheck)
class SelfCheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["enterprise", "version", "basis", "status", "created_at", "completed_at"]
    list_filter = ["status", "basis"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    list_select_related = ["enterprise", "version"]
