from __future__ import annotations

from django.urls import path

from zhifa.plans import views

app_name = "plans"

urlpatterns = [
    path("items/", views.item_list, name="item_list"),
    path("items/export/", views.item_export, name="item_export"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/import/", views.item_import, name="item_import"),
    path("items/import/template/", views.item_import_template, name="item_import_template"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/deactivate/", views.item_deactivate, name="item_deactivate"),
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/items/", views.plan_items, name="plan_items"),
    path("<int:pk>/items/<int:item_pk>/remove/", views.plan_item_remove, name="plan_item_remove"),
    path("<int:pk>/strata/", views.plan_strata, name="plan_strata"),
    path("<int:pk>/tasks/new/", views.task_add, name="task_add"),
    path("<int:pk>/tasks/<int:task_pk>/cancel/", views.task_cancel, name="task_cancel"),
    path("<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("<int:pk>/publish/", views.plan_publish, name="plan_publish"),
    path("<int:pk>/return/", views.plan_return, name="plan_return"),
    path("<int:pk>/amendments/new/", views.amendment_propose, name="amendment_propose"),
    path("<int:pk>/amendments/<int:number>/", views.amendment_detail, name="amendment_detail"),
    path(
        "<int:pk>/amendments/<int:number>/publish/",
        views.amendment_publish,
        name="amendment_publish",
    ),
    path("public/", views.public_plan_list, name="public_plan_list"),
    path("public/<int:pk>/", views.public_plan_detail, name="public_plan_detail"),
    path(
        "public/<int:pk>/amendments/<int:number>/",
        views.public_amendment_detail,
        name="public_amendment_detail",
    ),
]
