from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from zhifa.api import api

admin.site.site_header = "zhifa 执法 · 系统管理"
admin.site.site_title = "zhifa 系统管理"
admin.site.index_title = "基础数据"

# Django's refusals of a request it cannot read (too large, too many fields), in Chinese.
handler400 = "zhifa.web.middleware.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("org/", include("zhifa.org.urls")),
    path("registry/", include("zhifa.registry.urls")),
    path("workdays/", include("zhifa.workdays.urls")),
    path("audit/", include("zhifa.audit.urls")),
    path("notifications/", include("zhifa.notifications.urls")),
    path("documents/", include("zhifa.documents.urls")),
    path("draws/", include("zhifa.draws.urls")),
    path("plans/", include("zhifa.plans.urls")),
    path("compliance/", include("zhifa.compliance.urls")),
    path("discretion/", include("zhifa.discretion.urls")),
    path("inspections/", include("zhifa.inspections.urls")),
    path("supervision/", include("zhifa.supervision.urls")),
    path("training/", include("zhifa.training.urls")),
    path("social/", include("zhifa.social.urls")),
    path("review/", include("zhifa.review.urls")),
    path("complaints/", include("zhifa.complaints.urls")),
    # Machine interfaces with their own authentication (signed pushes, Open311 api_key).
    path("hotline/", include("zhifa.complaints.hotline_urls")),
    path("open311/v2/", include("zhifa.complaints.open311_urls")),
    path("", include("zhifa.web.urls")),
]
