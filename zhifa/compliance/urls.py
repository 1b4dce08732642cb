from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from zhifa.compliance import views

app_name = "compliance"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.version_list, name="version_list"),
    path("search/", views.search_page, name="search"),
    path("new/", views.version_create, name="version_create"),
    path("import/template/", views.import_template, name="import_template"),
    path("<int:pk>/", views.version_detail, name="version_detail"),
    path("<int:pk>/export/", views.version_export, name="version_export"),
    path("<int:pk>/import/", views.version_import, name="version_import"),
    path("<int:pk>/publish/", views.version_publish, name="version_publish"),
    path("<int:pk>/items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("self-checks/", views.self_check_list, name="self_check_list"),
    path("self-checks/new/", views.self_check_start, name="self_check_start"),
    path("self-checks/<int:pk>/", views.self_check_detail, name="self_check_detail"),
    path("self-checks/<int:pk>/report/", views.self_check_report, name="self_check_report"),
    path(
        "self-checks/<int:pk>/report.pdf", views.self_check_report_pdf, name="self_check_report_pdf"
    ),
    path("self-checks/<int:pk>/complete/", views.self_check_complete, name="self_check_complete"),
    path(
        "self-checks/<int:pk>/answers/<int:answer_pk>/",
        views.self_check_answer,
        name="self_check_answer",
    ),
    path(
        "self-checks/<int:pk>/answers/<int:answer_pk>/correct/",
        views.self_check_correct,
        name="self_check_correct",
    ),
    path(
        "self-checks/<int:pk>/answers/<int:answer_pk>/evidence/",
        views.self_check_evidence,
        name="self_check_evidence",
    ),
]
