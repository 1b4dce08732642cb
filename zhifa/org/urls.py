from __future__ import annotations

from django.urls import path

from zhifa.org import views

app_name = "org"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("officers/", views.officer_list, name="officer_list"),
    path("officers/export.xlsx", views.officer_export, name="officer_export"),
    path("officers/new/", views.officer_create, name="officer_create"),
    path("officers/<int:pk>/", views.officer_detail, name="officer_detail"),
    path("officers/<int:pk>/edit/", views.officer_edit, name="officer_edit"),
    path("officers/<int:pk>/certificate/", views.officer_certificate, name="officer_certificate"),
]
