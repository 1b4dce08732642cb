from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zhifa.org.models import Officer, Organisation, Role
from zhifa.org.scoping import visible_to
from zhifa.registry.models import Enterprise
from zhifa.workdays.selectors import next_year_warning

HOME_TITLES = {
    Role.INSPECTOR: "执法工作台",
    Role.APPROVER: "审批工作台",
    Role.LEGAL_REVIEWER: "法制审核工作台",
    Role.SUPERVISOR: "执法监督工作台",
    Role.SOCIAL_SUPERVISOR: "社会监督员工作台",
    Role.ENTERPRISE: "企业服务台",
    Role.ADMIN: "系统管理工作台",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    role = Role.ADMIN if user.is_admin else Role(user.role)
    context = {
        "home_title": HOME_TITLES[role],
        "role": role,
        "enterprise_count": visible_to(user, Enterprise.objects.all()).count(),
        "officer_count": visible_to(user, Officer.objects.all()).count(),
        "organisation_count": visible_to(user, Organisation.objects.all()).count(),
        # Administrators enter next year's holidays: remind them before deadlines reach it.
        "holiday_warning": next_year_warning(timezone.localdate()) if user.is_admin else "",
    }
    return render(request, "web/home.html", context)
