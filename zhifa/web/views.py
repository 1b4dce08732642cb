from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_GET

from zhifa.core import access
from zhifa.core.access import requires
from zhifa.core.viewhelpers import request_user
from zhifa.org import services as org_services
from zhifa.org.models import Officer, Organisation, Role
from zhifa.plans.selectors import sampling_ratios_for
from zhifa.registry.models import Enterprise
from zhifa.web.workspace import agency_sections, supervisor_sections
from zhifa.workdays.selectors import next_year_warning

HOME_TITLES = {
    Role.INSPECTOR: "执法工作台",
    Role.APPROVER: "审批工作台",
    Role.LEGAL_REVIEWER: "法制审核工作台",
    Role.SUPERVISOR: "执法监督工作台",
    Role.SUPERVISION_HEAD: "执法监督工作台",
    Role.SOCIAL_SUPERVISOR: "社会监督员工作台",
    Role.ENTERPRISE: "企业服务台",
    Role.ADMIN: "系统管理工作台",
}


@login_required
@requires("signed_in")
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    # The title names the account's own role (display only); what the page offers is asked
    # of the capability table, so a user holding several roles gets the tiles of each.
    role = Role.ADMIN if user.is_admin else Role(user.role)
    may = {
        "enterprise_list": access.can(user, "enterprise.list"),
        "officer_list": access.can(user, "officer.list"),
        "organisation_list": access.can(user, "organisation.list"),
        "holidays": access.can(user, "holidays.manage"),
        "own_enterprise": user.is_enterprise_user
        and access.can(user, "enterprise.view", user.enterprise),
    }
    context = {
        "home_title": HOME_TITLES[role],
        "role": role,
        "may": may,
        "enterprise_count": Enterprise.objects.restrict(user).count(),
        "officer_count": Officer.objects.restrict(user).count(),
        "organisation_count": Organisation.objects.restrict(user).count(),
        # Administrators enter next year's holidays: remind them before deadlines reach it.
        "holiday_warning": next_year_warning(timezone.localdate()) if may["holidays"] else "",
        "workspace": (supervisor_sections(user) if user.is_supervisor else [])
        + (agency_sections(user) if user.is_agency_user else []),
        # The grade's letter alone means nothing to a shop owner: what it does to his chance of
        # being drawn, with the ratios this year's published plans set for it.
        "grade_ratios": _grade_ratios(user.enterprise) if may["own_enterprise"] else [],
    }
    return render(request, "web/home.html", context)


def _grade_ratios(enterprise: Enterprise | None) -> list[tuple[str, str]]:
    if enterprise is None:
        return []
    year = timezone.localdate().year
    return [
        (agency, format(ratio.normalize(), "f"))
        for agency, ratio in sampling_ratios_for(enterprise, year)
    ]


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE), for the login page and the admin."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码: every signed-in user changes his own; the change is recorded (without the
    password) and the user stays signed in."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = org_services.change_own_password(
            form.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, user)
        messages.success(self.request, "密码已修改，下次登录请使用新密码。")
        return HttpResponseRedirect(str(self.get_success_url()))
