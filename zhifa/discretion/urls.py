from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from zhifa.discretion import views

app_name = "discretion"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.public_list, name="public_list"),
    path("export/", views.public_export, name="public_export"),
    path("items/<int:pk>/", views.public_item, name="public_item"),
    path("versions/<int:pk>/", views.public_version, name="public_version"),
    path("evaluate/", views.evaluate, name="evaluate"),
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/", views.version_create, name="version_create"),
    path("manage/import/template/", views.import_template, name="import_template"),
    path("manage/<int:pk>/", views.version_detail, name="version_detail"),
    path("manage/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("manage/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path("manage/<int:pk>/revise/", views.version_revise, name="version_revise"),
    path("manage/<int:pk>/export/", views.version_export, name="version_export"),
    path("manage/<int:pk>/import/", views.version_import, name="version_import"),
    path("manage/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("manage/items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("manage/items/<int:pk>/delete/", views.item_delete, name="item_delete"),
]
