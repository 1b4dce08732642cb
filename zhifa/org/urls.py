from __future__ import annotations

from django.urls import path

from zhifa.org import views

app_name = "org"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("officers/", views.officer_list, name="officer_list"),
]
