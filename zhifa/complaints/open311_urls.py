"""``/open311/v2/``: Open311 GeoReport v2, each call in XML (required) and JSON
(zhifa.complaints.open311).

A suffix other than ``.json`` or ``.xml`` matches no route and is answered 404.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from zhifa.complaints.open311 import routes

app_name = "open311"

urlpatterns: list[URLPattern | URLResolver] = [
    path(pattern, view, {"fmt": pattern.rsplit(".", 1)[1]}, name=name)
    for pattern, view, name in routes()
]
