from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from zhifa.audit.admin import AuditedModelAdmin, ReadOnlyAdminMixin
from zhifa.documents.models import (
    Delivery,
    Document,
    DocumentBatch,
    DocumentBatchItem,
    DocumentKind,
    DocumentNumber,
    NumberingRule,
    NumberSequence,
    ProhibitionsVersion,
)


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


@admin.register(ProhibitionsVersion)
class ProhibitionsVersionAdmin(AuditedModelAdmin):
    """New versions are added when the official text changes; a version already printed on
    documents is kept (documents store the text they were issued with)."""

    list_display = ("label", "effective_from", "source_document", "is_paraphrase", "created_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("is_paraphrase",)
    search_fields = ("label", "source_document", "source_issuer")
    readonly_fields = ("created_at",)
    fieldsets = (
        (None, {"fields": ("label", "effective_from", "sections", "is_paraphrase")}),
        (
            "来源",
            {
                "fields": (
                    "source_document",
                    "source_issuer",
                    "source_date",
                    "source_url",
                    "source_note",
                    "created_at",
                )
            },
        ),
    )


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Documents change only through their services (issue, deliver, archive, correct)."""

    list_display = ("title", "number", "kind", "organisation", "recipient_name", "status")
    list_filter = ("status", "kind")
    search_fields = ("title", "number__text", "recipient_name", "verification_code")
    list_select_related = ("number", "kind", "organisation")
    actions = None
    raw_id_fields = ("organisation", "recipient_enterprise", "recipient_organisation")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("document", "method", "address", "sent_at", "confirmed_at")
    list_filter = ("method",)
    search_fields = ("document__number__text", "address")
    list_select_related = ("document__number",)
    actions = None


class DocumentBatchItemInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = DocumentBatchItem
    fields = ("position", "document", "status", "error", "finished_at")
    readonly_fields = fields
    extra = 0


@admin.register(DocumentBatch)
class DocumentBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Batches change only through their services and the worker (zhifa documents run-batches)."""

    list_display = ("title", "organisation", "status", "total", "done", "failed", "created_at")
    list_filter = ("status",)
    search_fields = ("title", "organisation__name")
    list_select_related = ("organisation",)
    actions = None
    raw_id_fields = ("organisation",)
    inlines = (DocumentBatchItemInline,)
