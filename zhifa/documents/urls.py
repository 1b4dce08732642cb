from __future__ import annotations

from django.urls import path

from zhifa.documents import views

app_name = "documents"

urlpatterns = [
    path("numbers/", views.number_list, name="number_list"),
]
