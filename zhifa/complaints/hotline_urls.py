"""``/hotline/``: the 12345 hotline's signed machine API, and the administrator's list of status
reports it did not take."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from zhifa.complaints import hotline_views as views

app_name = "hotline"

urlpatterns: list[URLPattern | URLResolver] = [
    path("callbacks/", views.callback_list, name="callback_list"),
    path("callbacks/<int:pk>/retry/", views.callback_retry, name="callback_retry"),
    path("<slug:code>/v1/orders", views.order_push, name="order_push"),
    path("<slug:code>/v1/orders/<str:order_no>", views.order_status, name="order_status"),
]
