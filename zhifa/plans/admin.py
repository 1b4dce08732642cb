"""Admin views of the plans app. Frequency caps are configuration, edited here with an audit
record; items and plans change only through their own pages and services, so they are read-only
here."""

from __future__ import annotations

from django.contrib import admin

from zhifa.audit.admin import AuditedModelAdmin, ReadOnlyAdminMixin
from zhifa.plans.models import AnnualPlan, FrequencyPolicy, InspectionItem, PlanAmendment


@admin.register(FrequencyPolicy)
class FrequencyPolicyAdmin(AuditedModelAdmin):
    list_display = ["region", "yearly_cap_across_agencies", "source"]
    search_fields = ["region__code", "region__name"]
    raw_id_fields = ["region"]
    list_select_related = ["region"]


@admin.register(InspectionItem)
class InspectionItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "organisation", "field", "method", "yearly_cap", "is_active"]
    list_filter = ["method", "is_active", "field"]
    search_fields = ["code", "name", "legal_basis_law"]
    list_select_related = ["organisation", "field"]


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["year", "title", "organisation", "status", "published_at"]
    list_filter = ["status", "year"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation"]


@admin.register(PlanAmendment)
class PlanAmendmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["plan", "number", "status", "published_at"]
    list_filter = ["status"]
    list_select_related = ["plan"]
