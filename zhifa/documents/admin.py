from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhifa.audit.admin import AuditedModelAdmin, ReadOnlyAdminMixin
from zhifa.documents.models import DocumentKind, DocumentNumber, NumberingRule, NumberSequence


@admin.register(DocumentKind)
class DocumentKindAdmin(AuditedModelAdmin):
    list_display = ("name", "abbreviation", "code", "is_active", "sort_order")
    list_editable = ("is_active", "sort_order")
    list_filter = ("is_active",)
    search_fields = ("name", "abbreviation", "code")


@admin.register(NumberingRule)
class NumberingRuleAdmin(AuditedModelAdmin):
    list_display = ("organisation", "kind", "designator")
    list_filter = ("kind",)
    search_fields = ("organisation__name", "designator")
    autocomplete_fields = ("kind",)
    raw_id_fields = ("organisation",)


@admin.register(NumberSequence)
class NumberSequenceAdmin(AuditedModelAdmin):
    """A sequence may be created ahead, starting after numbers issued outside the platform;
    afterwards only the numbering service moves it."""

    list_display = ("organisation", "kind", "year", "last_number", "updated_at")
    list_filter = ("year", "kind")
    search_fields = ("organisation__name",)
    raw_id_fields = ("organisation",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("updated_at",)
        return ("organisation", "kind", "year", "last_number", "updated_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DocumentNumber)
class DocumentNumberAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("text", "organisation", "kind", "year", "number", "status", "reserved_at")
    list_filter = ("status", "kind", "year")
    search_fields = ("text", "organisation__name", "object_id", "void_reason")
    list_select_related = ("organisation", "kind")
    actions = None
    readonly_fields = (
        "organisation",
        "kind",
        "year",
        "number",
        "text",
        "status",
        "reserved_at",
        "reserved_by",
        "used_at",
        "voided_at",
        "void_reason",
        "object_type",
        "object_id",
    )
