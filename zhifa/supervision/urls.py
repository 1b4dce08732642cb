from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "supervision"

urlpatterns: list[URLPattern | URLResolver] = []
