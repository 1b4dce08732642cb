from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from zhifa.review import views

app_name = "review"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.review_list, name="review_list"),
    path("<int:pk>/", views.review_detail, name="review_detail"),
    path("<int:pk>/complete/", views.review_complete, name="review_complete"),
    path("cases/<int:case_pk>/start/", views.review_start, name="review_start"),
    path("results/", views.results, name="results"),
    path("standards/", views.standard_list, name="standard_list"),
    path("standards/import/", views.standard_import, name="standard_import"),
    path("standards/template/", views.standard_template, name="standard_template"),
    path("standards/<int:pk>/", views.standard_detail, name="standard_detail"),
    path("standards/<int:pk>/export/", views.standard_export, name="standard_export"),
    path("standards/<int:pk>/publish/", views.standard_publish, name="standard_publish"),
    path("spot-checks/", views.spot_check_list, name="spot_check_list"),
    path("spot-checks/<int:pk>/", views.spot_check_detail, name="spot_check_detail"),
    path("public/spot-checks/<int:pk>/", views.spot_check_public, name="spot_check_public"),
    path(
        "public/spot-checks/<int:pk>/population.txt",
        views.spot_check_population,
        name="spot_check_population",
    ),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/start/", views.campaign_start, name="campaign_start"),
    path("campaigns/<int:pk>/conclude/", views.campaign_conclude, name="campaign_conclude"),
]
