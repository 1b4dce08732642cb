"""Admin for the holiday table (系统管理 → 工作日), for system administrators only.

Every save and delete goes through ``zhifa.workdays.services`` so it is audited and the working-day
caches of all processes see it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from zhifa.audit.admin import AdminOnlyMixin
from zhifa.workdays import services
from zhifa.workdays.forms import HolidayAdminForm
from zhifa.workdays.models import Holiday, HolidayYear


class HolidayInlineFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        # Let Holiday.clean compare the date with a year that is being created in the same form.
        form.instance.year = self.instance


class HolidayInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Holiday
    formset = HolidayInlineFormSet
    fields = ["date", "kind", "name"]
    extra = 0
    ordering = ["date"]


@admin.register(HolidayYear)
class HolidayYearAdmin(AdminOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["year", "source", "day_count", "loaded_at", "loaded_by"]
    search_fields = ["year", "source"]
    readonly_fields = ["loaded_at", "loaded_by"]
    inlines = [HolidayInline]
    actions = ["reload_from_package"]
    list_select_related = ["loaded_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HolidayYear]:
        return super().get_queryset(request).annotate(day_total=Count("days"))

    @admin.display(description="日期数", ordering="day_total")
    def day_count(self, obj: HolidayYear) -> int:
        return int(getattr(obj, "day_total", 0))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A year's number is its identity; to move days to another year, register that year.
        if obj is not None:
            return ["year", *self.readonly_fields]
        return list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: HolidayYear, form: Any, change: bool) -> None:
        services.save_holiday_year(obj, actor=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.delete_holiday(obj, actor=request.user)
        for obj in instances:
            services.save_holiday(obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: HolidayYear) -> None:
        services.delete_holiday_year(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[HolidayYear]) -> None:
        with transaction.atomic():
            for obj in queryset:
                services.delete_holiday_year(obj, actor=request.user)

    @admin.action(description="按 chinesecalendar 数据包重新载入所选年度")
    def reload_from_package(self, request: HttpRequest, queryset: QuerySet[HolidayYear]) -> None:
        for holiday_year in queryset.order_by("year"):
            try:
                result = services.load_year_from_package(holiday_year.year, actor=request.user)
            except services.YearNotInPackage as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, result.describe(), messages.SUCCESS)


@admin.register(Holiday)
class HolidayAdmin(AdminOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    form = HolidayAdminForm
    list_display = ["date", "weekday", "kind", "name", "year"]
    list_filter = ["kind", "year"]
    search_fields = ["name", "date"]
    date_hierarchy = "date"
    ordering = ["-date"]
    list_select_related = ["year"]

    @admin.display(description="星期")
    def weekday(self, obj: Holiday) -> str:
        return obj.weekday_name

    def save_model(self, request: HttpRequest, obj: Holiday, form: Any, change: bool) -> None:
        services.save_holiday(obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: Holiday) -> None:
        services.delete_holiday(obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Holiday]) -> None:
        with transaction.atomic():
            for obj in queryset:
                services.delete_holiday(obj, actor=request.user)
