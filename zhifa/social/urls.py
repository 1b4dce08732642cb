from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from zhifa.social import views

app_name = "social"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.supervisor_list, name="supervisor_list"),
    path("new/", views.supervisor_register, name="supervisor_register"),
    path("supervisors/<int:pk>/", views.supervisor_detail, name="supervisor_detail"),
    path(
        "supervisors/<int:pk>/availability/",
        views.supervisor_availability,
        name="supervisor_availability",
    ),
    path("supervisors/<int:pk>/conflicts/", views.conflict_declare, name="conflict_declare"),
    path("conflicts/<int:pk>/withdraw/", views.conflict_withdraw, name="conflict_withdraw"),
    path("draws/", views.draw_list, name="draw_list"),
    path("cases/<int:pk>/draw/", views.draw_for_case, name="draw_for_case"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/record.json", views.assignment_record, name="assignment_record"),
    path("assignments/<int:pk>/accept/", views.assignment_accept, name="assignment_accept"),
    path("assignments/<int:pk>/decline/", views.assignment_decline, name="assignment_decline"),
    path("assignments/<int:pk>/checkin/", views.assignment_checkin, name="assignment_checkin"),
    path("assignments/<int:pk>/report/", views.assignment_report, name="assignment_report"),
    path("mine/", views.mine, name="mine"),
    path("problems/", views.problem_list, name="problem_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/clear/", views.report_clear, name="report_clear"),
    path("photos/<int:pk>/", views.photo_download, name="photo_download"),
    path("records/", views.record_table, name="record_table"),
    path("records/export/", views.record_export, name="record_export"),
]
