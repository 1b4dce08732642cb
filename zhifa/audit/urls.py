from __future__ import annotations

from django.urls import path

from zhifa.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.record_list, name="record_list"),
    path("<int:seq>/", views.record_detail, name="record_detail"),
    path("verify/", views.verify, name="verify"),
]
