"""The message centre and the choice of channels. Thin: scope, call a service, render.

Every page is the signed-in user's own: rows come from ``Notification.objects.restrict(user)``,
so another's message is 404 and nothing about it changes."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core.access import requires
from zhifa.core.viewhelpers import add_service_errors, posted
from zhifa.core.viewhelpers import request_user as _user
from zhifa.notifications import services
from zhifa.notifications.forms import PreferenceForm
from zhifa.notifications.models import Notification


@login_required
@requires("notifications.own")
@require_http_methods(["GET", "HEAD"])
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = Notification.objects.restrict(user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-pk"
    )
    page = Paginator(rows, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": services.unread_count(user), "total": page.paginator.count},
    )


@login_required
@requires("notifications.own", Notification)
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one message read; with ``open`` go on to what it is about."""
    user = _user(request)
    notification = Notification.objects.restrict(user).get(pk=pk)
    services.mark_read(notification, actor=user)
    target = notification.url
    if (
        request.POST.get("open")
        and target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@requires("notifications.own")
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=_user(request))
    messages.success(request, f"已将 {count} 条消息标为已读。")
    return redirect("notifications:inbox")


@login_required
@requires("notifications.own")
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    current = services.preference_of(user)
    form = PreferenceForm(
        posted(request), initial={"by_sms": current.by_sms, "by_email": current.by_email}
    )
    if form.is_bound and form.is_valid():
        try:
            services.set_preference(
                user,
                by_sms=form.cleaned_data["by_sms"],
                by_email=form.cleaned_data["by_email"],
                actor=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "消息接收设置已保存。")
            return redirect("notifications:preferences")
    mobile = services.registered_mobile(user)
    email = services.registered_email(user)
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "mobile": services.masked_mobile(mobile),
            "email": services.masked_email(email),
            "is_officer": hasattr(user, "officer"),
        },
    )
