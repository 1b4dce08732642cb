from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from zhifa.training import views

app_name = "training"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.session_list, name="session_list"),
    path("export/", views.session_export, name="session_export"),
    path("new/", views.session_create, name="session_create"),
    path("import/template/", views.import_template, name="import_template"),
    path("<int:pk>/", views.session_detail, name="session_detail"),
    path("<int:pk>/attendees/", views.attendee_add, name="attendee_add"),
    path("<int:pk>/import/", views.attendee_import, name="attendee_import"),
    path("attendances/<int:pk>/", views.attendance_edit, name="attendance_edit"),
    path("attendances/<int:pk>/remove/", views.attendance_remove, name="attendance_remove"),
    path("figures/", views.agency_figures, name="agency_figures"),
    path("figures/export/", views.officer_hours_export, name="officer_hours_export"),
    path("hours/", views.officer_hours, name="officer_hours"),
    path("officers/<int:pk>/", views.officer_record, name="officer_record"),
    path("below-minimum/", views.below_minimum, name="below_minimum"),
    path("requirements/", views.requirement_list, name="requirement_list"),
]
