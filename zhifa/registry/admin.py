"""Admin views of the registry: read-only, since every change goes through the registry's own
pages and services (rules checked, audit record written)."""

from __future__ import annotations

from django.contrib import admin

from zhifa.audit.admin import ReadOnlyAdminMixin
from zhifa.registry.models import Contact, Enterprise, EnterpriseImport


class ContactInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Contact
    extra = 0
    fields = ["name", "mobile", "email", "is_primary"]


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["uscc", "name", "region", "industry", "credit_grade", "uscc_override"]
    list_filter = ["credit_grade", "uscc_override"]
    search_fields = ["uscc", "name"]
    list_select_related = ["region"]
    show_full_result_count = False
    inlines = [ContactInline]


@admin.register(EnterpriseImport)
class EnterpriseImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "file_name", "created_by", "organisation", "row_count"]
    list_select_related = ["created_by", "organisation"]
