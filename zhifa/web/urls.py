from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import path

from zhifa.core.access import requires
from zhifa.web import favicon, views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("verify/", views.verify_entry, name="verify_entry"),
    path("accounts/login/", requires("public")(auth_views.LoginView.as_view()), name="login"),
    path("accounts/logout/", requires("public")(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/password/reset/", views.password_reset, name="password_reset"),
    path("accounts/password/reset/code/", views.password_reset_code, name="password_reset_code"),
    path("accounts/password/reset/new/", views.password_reset_new, name="password_reset_new"),
    path(
        "accounts/password/",
        login_required(requires("signed_in")(views.PasswordChangeView.as_view())),
        name="password_change",
    ),
]
