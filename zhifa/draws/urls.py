from __future__ import annotations

from django.urls import path

from zhifa.draws import views

app_name = "draws"

urlpatterns = [
    path("", views.draw_list, name="draw_list"),
    path("export/", views.draw_export, name="draw_export"),
    path("new/", views.draw_create, name="draw_create"),
    path("<int:pk>/", views.draw_detail, name="draw_detail"),
    path("<int:pk>/announce/", views.draw_announce, name="draw_announce"),
    path("<int:pk>/draw/", views.draw_perform, name="draw_perform"),
    path("<int:pk>/cancel/", views.draw_cancel, name="draw_cancel"),
    path("conflicts/", views.conflict_list, name="conflict_list"),
    path("conflicts/new/", views.conflict_declare, name="conflict_declare"),
    path("conflicts/<int:pk>/withdraw/", views.conflict_withdraw, name="conflict_withdraw"),
    path("public/", views.public_list, name="public_list"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
    path("public/<int:pk>/record.json", views.public_record, name="public_record"),
    path("public/<int:pk>/pool.txt", views.public_pool, name="public_pool"),
    path(
        "public/<int:pk>/pool-<str:code>.txt", views.public_stratum_pool, name="public_stratum_pool"
    ),
    path("public/<int:pk>/officers.txt", views.public_officer_pool, name="public_officer_pool"),
]
