"""The complainant's side under ``/complaints/``: filing (anyone), following an item with its
tracking code (anyone), and 我的投诉 (the signed-in enterprise)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from zhifa.complaints import public_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("file/", views.file_form, name="file"),
    path("file/agencies/", views.agencies, name="public_agencies"),
    path("file/done/", views.filed, name="filed"),
    path("track/", views.track, name="track"),
    path("track/item/", views.track_item, name="track_item"),
    path("track/end/", views.track_end, name="track_end"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/", views.mine_item, name="mine_item"),
]
