from __future__ import annotations

from django.urls import path

from zhifa.workdays import views

app_name = "workdays"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("years/", views.year_list, name="year_list"),
    path("years/new/", views.year_new, name="year_new"),
    path("years/<int:year>/", views.year_detail, name="year_detail"),
    path("arrangements/<int:pk>/confirm/", views.arrangement_confirm, name="arrangement_confirm"),
    path("arrangements/<int:pk>/return/", views.arrangement_return, name="arrangement_return"),
    path("arrangements/<int:pk>/resolve/", views.arrangement_resolve, name="arrangement_resolve"),
]
