"""``/complaints/``: the public entrance (filing, tracking) and the office side (问题清单)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

app_name = "complaints"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("zhifa.complaints.public_urls")),
    path("", include("zhifa.complaints.office_urls")),
]
