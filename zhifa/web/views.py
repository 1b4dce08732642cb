from __future__ import annotations

import functools
import logging
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zhifa.core import access
from zhifa.core.access import requires
from zhifa.core.viewhelpers import request_user
from zhifa.documents.selectors import document_by_code
from zhifa.documents.sms import get_sms_backend
from zhifa.org import password_reset as resets
from zhifa.org import services as org_services
from zhifa.org.models import Officer, Organisation, PasswordResetRequest, ResetChannel, Role
from zhifa.org.password_reset import CodeToSend
from zhifa.plans.selectors import sampling_ratios_for
from zhifa.registry.models import Enterprise
from zhifa.web.forms import ResetCodeForm, ResetRequestForm
from zhifa.web.public import PUBLIC_PAGES
from zhifa.web.workspace import agency_sections, inbox_sections, supervisor_sections
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


@requires("public")
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's workspace; a visitor who is not signed in reads the public home."""
    if not request.user.is_authenticated:
        return render(request, "web/public_home.html", {"pages": PUBLIC_PAGES})
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
        # Today's work and what awaits the user come first; a supervising bureau's part of
        # the cases is in its own sections.
        "workspace": ([] if user.is_supervisor else inbox_sections(user))
        + (supervisor_sections(user) if user.is_supervisor else [])
        + (agency_sections(user) if user.is_agency_user else []),
        # The grade's letter alone means nothing to a shop owner: what it does to his chance of
        # being drawn, with the ratios this year's published plans set for it.
        "grade_ratios": _grade_ratios(user.enterprise) if may["own_enterprise"] else [],
    }
    return render(request, "web/home.html", context)


@requires("public")
@require_GET
def verify_entry(request: HttpRequest) -> HttpResponse:
    """文书核验 without a QR code: the visitor types the code printed on the document."""
    code = request.GET.get("code", "").strip()[:64]
    error = ""
    if code:
        if document_by_code(code) is not None:
            return redirect("documents:verify", code=code.upper())
        error = f"核验码：没有找到核验码为“{code}”的文书，请核对文书上印的核验码后重新输入。"
    return render(request, "web/verify_entry.html", {"code": code, "error": error})


# --- 忘记密码: a code to the registered mobile or e-mail ------------------------------------

_RESET_KEY = "password_reset_request"

logger = logging.getLogger(__name__)


def _send_code(code: CodeToSend) -> None:
    text = (
        f"【zhifa】{code.person_name}，您的找回密码验证码为 {code.code}，"
        f"{resets.CODE_VALID.seconds // 60} 分钟内有效。如非本人操作，请忽略本消息。"
    )
    try:
        if code.channel == ResetChannel.SMS:
            get_sms_backend().send(code.destination, text)
        else:
            send_mail("zhifa 找回密码验证码", text, None, [code.destination])
    except Exception:
        # The visitor's answer must not differ; the failure is the operator's to see.
        logger.exception("找回密码验证码发送失败（%s）", code.channel)


@requires("public")
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Step 1: the username and where the code should go. The answer is the same whether or not
    the account exists or has that channel."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reset, code = resets.request_code(
                form.cleaned_data["username"],
                channel=form.cleaned_data["channel"],
                ip_address=get_client_ip_address(request),
            )
        except resets.ResetRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            if code is not None:
                transaction.on_commit(functools.partial(_send_code, code))
            request.session[_RESET_KEY] = reset.pk
            request.session["password_reset_sent"] = {
                "username": form.cleaned_data["username"].strip(),
                "channel": ResetChannel(form.cleaned_data["channel"]).label,
            }
            return redirect("password_reset_code")
    return render(request, "web/password_reset_request.html", {"form": form})


@requires("public")
@require_http_methods(["GET", "POST"])
def password_reset_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the 6-digit code."""
    reset_id = request.session.get(_RESET_KEY)
    if reset_id is None:
        return render(request, "web/password_reset_again.html", {"reason": "请先获取验证码。"})
    form = ResetCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resets.check_code(reset_id, form.cleaned_data["code"])
        except resets.ResetRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            return redirect("password_reset_new")
    return render(
        request,
        "web/password_reset_code.html",
        {"form": form, "sent": request.session.get("password_reset_sent", {})},
    )


@requires("public")
@require_http_methods(["GET", "POST"])
def password_reset_new(request: HttpRequest) -> HttpResponse:
    """Step 3: the new password, under Django's password validators."""
    reset = PasswordResetRequest.objects.filter(
        pk=request.session.get(_RESET_KEY, 0),
        verified_at__isnull=False,
        completed_at__isnull=True,
        user__isnull=False,
    ).first()
    if reset is None or reset.user is None:
        return render(
            request,
            "web/password_reset_again.html",
            {"reason": "请先输入收到的验证码；找回密码已超时或已完成的，请重新获取验证码。"},
        )
    form = SetPasswordForm(reset.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resets.set_new_password(reset.pk, form.cleaned_data["new_password1"])
        except resets.ResetRefused as refusal:
            return render(request, "web/password_reset_again.html", {"reason": str(refusal)})
        except ValidationError as error:
            form.add_error("new_password1", error)
        else:
            request.session.pop(_RESET_KEY, None)
            request.session.pop("password_reset_sent", None)
            messages.success(request, "密码已重置，请用新密码登录。其他设备上的登录已全部退出。")
            return redirect("login")
    return render(request, "web/password_reset_new.html", {"form": form})


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
