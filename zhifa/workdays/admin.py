"""The holiday table in the Django admin (系统管理 → 工作日): for reading only.

Years are entered, reviewed and resolved on the “工作日 → 节假日安排” pages (four eyes, audited),
or loaded from the chinesecalendar package with ``zhifa workdays load``. Editing days here would
bypass the second administrator, so nobody may add, change or delete them in admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from zhifa.audit.admin import ReadOnlyAdminMixin
from zhifa.workdays.models import Holiday, HolidayArrangement, HolidayYear


class HolidayInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Holiday
    fields = ["date", "kind", "name"]
    readonly_fields = ["date", "kind", "name"]
    extra = 0
    ordering = ["date"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HolidayYear)
class HolidayYearAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["year", "source", "day_count", "loaded_at", "loaded_by"]
    search_fields = ["year", "source"]
    inlines = [HolidayInline]
    list_select_related = ["loaded_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HolidayYear]:
        return super().get_queryset(request).annotate(day_total=Count("days"))

    @admin.display(description="日期数", ordering="day_total")
    def day_count(self, obj: HolidayYear) -> int:
        return int(getattr(obj, "day_total", 0))


@admin.register(HolidayArrangement)
class HolidayArrangementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "year",
        "source",
        "notice_number",
        "status",
        "entered_by",
        "entered_at",
        "confirmed_by",
        "confirmed_at",
        "differences_status",
    ]
    list_filter = ["status", "source"]
    search_fields = ["year", "notice_number"]
    list_select_related = ["entered_by", "confirmed_by"]


@admin.register(Holiday)
class HolidayAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["date", "weekday", "kind", "name", "year"]
    list_filter = ["kind", "year"]
    search_fields = ["name", "date"]
    date_hierarchy = "date"
    ordering = ["-date"]
    list_select_related = ["year"]

    @admin.display(description="星期")
    def weekday(self, obj: Holiday) -> str:
        return obj.weekday_name
