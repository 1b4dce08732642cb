"""Admin for the audit chain (read-only for everyone) and the mixins other apps' admins use."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import delete_with_audit, save_with_audit
from zhifa.core.textinput import TextModelForm


def _is_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and getattr(user, "is_admin", False))


class AdminOnlyMixin:
    """Only 系统管理员 (or superusers) see and edit these models in admin."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)


class AuditedModelAdmin(AdminOnlyMixin, admin.ModelAdmin):
    """Every save and delete made in admin writes its audit record in the same transaction;
    text typed in admin is held to the same rules as on every page (zhifa.core.textinput)."""

    form = TextModelForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        save_with_audit(obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        delete_with_audit(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                delete_with_audit(obj, actor=request.user)


class ReadOnlyAdminMixin(AdminOnlyMixin):
    """Visible to administrators; nobody may add, change or delete."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("seq", "at", "actor_label", "action", "object_type", "object_id", "summary")
    list_filter = ("action", "object_type")
    search_fields = ("summary", "actor_label", "object_id", "action")
    date_hierarchy = "at"
    list_select_related = False
    show_full_result_count = False
    actions = None
    readonly_fields = (
        "seq",
        "at",
        "actor",
        "actor_label",
        "action",
        "summary",
        "object_type",
        "object_id",
        "region",
        "before",
        "after",
        "prev_hash",
        "hash",
    )
