from __future__ import annotations

from django.urls import path

from zhifa.registry import views

app_name = "registry"

urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/export/", views.enterprise_export, name="enterprise_export"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/import/", views.enterprise_import, name="enterprise_import"),
    path("enterprises/import/template/", views.import_template, name="import_template"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/override/", views.enterprise_override, name="enterprise_override"),
    path("enterprises/<int:pk>/contacts/new/", views.contact_add, name="contact_add"),
    path(
        "enterprises/<int:pk>/contacts/<int:contact_pk>/edit/",
        views.contact_edit,
        name="contact_edit",
    ),
    path(
        "enterprises/<int:pk>/contacts/<int:contact_pk>/remove/",
        views.contact_remove,
        name="contact_remove",
    ),
]
