"""Admin of complaints: the configuration an administrator maintains — problem categories,
answer deadlines, automatic routing, the 12345 hotlines and Open311 keys — saved with an audit
record. Secrets never show here: a hotline's signing keys are made with ``zhifa hotline_key``
(the secret is printed once), an Open311 key keeps only its digest. Status reports to a hotline
are read-only here; failed ones are sent again from /hotline/callbacks/."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from zhifa.audit.admin import AuditedModelAdmin, ReadOnlyAdminMixin
from zhifa.complaints.models import (
    Category,
    DeadlineRule,
    Hotline,
    HotlineKey,
    Open311Key,
    RoutingRule,
    StatusCallback,
)


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "parent", "region", "is_active", "sort_order")
    list_filter = ("is_active",)
    search_fields = ("name", "code", "region__name")
    raw_id_fields = ("region",)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedModelAdmin):
    list_display = (
        "region",
        "category",
        "answer_working_days",
        "remind_after_working_days",
        "urge_after_working_days",
    )
    search_fields = ("region__name", "category__name", "source")
    raw_id_fields = ("region",)


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedModelAdmin):
    list_display = ("region", "category", "agency", "is_active")
    list_filter = ("is_active",)
    search_fields = ("region__name", "category__name", "agency__name")
    raw_id_fields = ("region", "agency")


class HotlineKeyInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = HotlineKey
    fields = ("key_id", "created_at", "retires_at")
    readonly_fields = fields
    extra = 0
    verbose_name_plural = "签名密钥（用 zhifa hotline_key 生成和轮换，密钥本身不在此显示）"


@admin.register(Hotline)
class HotlineAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "region", "callback_url", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "code", "region__name")
    raw_id_fields = ("region",)
    inlines = (HotlineKeyInline,)
    # An address typed without a scheme is read as https (Django 6's default, asked now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(StatusCallback)
class StatusCallbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "complaint",
        "hotline",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_error",
    )
    list_filter = ("status", "hotline")
    search_fields = ("complaint__number", "complaint__hotline_order_no")
    list_select_related = ("complaint", "hotline")


@admin.register(Open311Key)
class Open311KeyAdmin(AuditedModelAdmin):
    list_display = ("name", "key_hint", "region", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "key_hint")
    raw_id_fields = ("region",)
    fields = ("name", "region", "is_active", "key_hint", "created_at")
    readonly_fields = ("key_hint", "created_at")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # A key is made where its secret can be shown once; admin keeps only the digest.
        return False
