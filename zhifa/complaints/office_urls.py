"""The office side of the problem list (问题清单) under ``/complaints/``: the bureau's list, items
and totals, the agency's inbox and answer, the entry form of a supervising body or 联系点."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from zhifa.complaints import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("list/", views.complaint_list, name="list"),
    path("list/export/", views.complaint_export, name="export"),
    path("inbox/", views.complaint_inbox, name="inbox"),
    path("enter/", views.complaint_enter, name="enter"),
    path("totals/", views.loss_totals, name="totals"),
    path("totals/export/", views.loss_totals_export, name="totals_export"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/assign/", views.complaint_assign, name="assign"),
    path("<int:pk>/decline/", views.complaint_decline, name="decline"),
    path("<int:pk>/verify/", views.complaint_verify, name="verify"),
    path("<int:pk>/return/", views.complaint_return, name="return"),
    path("<int:pk>/close/", views.complaint_close, name="close"),
    path("<int:pk>/loss/", views.complaint_loss, name="loss"),
    path("<int:pk>/files/", views.complaint_files, name="files"),
    path("<int:pk>/answer/", views.complaint_answer, name="answer"),
    path("materials/<int:pk>/", views.complaint_file_download, name="file_download"),
]
