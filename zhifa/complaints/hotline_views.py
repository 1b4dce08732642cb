"""The 12345 hotline's machine API (signed, no session, JSON both ways) and the administrator's
list of status reports the hotline did not take (dead letters), with 重新发送."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from zhifa.complaints import callbacks
from zhifa.complaints import hotline as hotline_api
from zhifa.complaints.models import CallbackStatus, StatusCallback
from zhifa.core import timefmt
from zhifa.core.access import requires
from zhifa.core.viewhelpers import request_user


def _json(status: int, body: dict[str, Any]) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _methods(*allowed: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Like ``require_http_methods``, with the refusal in the API's JSON form (the access
    matrix reads ``request_method_list`` from the closure, as it does Django's)."""
    request_method_list = list(allowed)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in request_method_list:
                response = _json(
                    405,
                    {
                        "error": "method_not_allowed",
                        "message": f"该接口只接受 {'、'.join(request_method_list)} 请求。",
                        "field": "",
                    },
                )
                response["Allow"] = ", ".join(request_method_list)
                return response
            return view(request, *args, **kwargs)

        return checked

    return decorate


def _length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


@csrf_exempt
@requires("complaints.hotline")
@_methods("POST")
def order_push(request: HttpRequest, code: str) -> HttpResponse:
    try:
        length = _length(request)
        if length > hotline_api.MAX_BODY:
            raise hotline_api.too_large(length)
        answer = hotline_api.push_order(code, request.headers, request.body)
    except hotline_api.Refusal as refusal:
        return _json(refusal.status, refusal.body())
    return _json(answer.status, answer.body)


@csrf_exempt
@requires("complaints.hotline")
@_methods("GET")
def order_status(request: HttpRequest, code: str, order_no: str) -> HttpResponse:
    try:
        answer = hotline_api.order_status(code, order_no, request.headers, request.path)
    except hotline_api.Refusal as refusal:
        return _json(refusal.status, refusal.body())
    return _json(answer.status, answer.body)


# --- The administrator's dead letters ----------------------------------------------------------

FILTERS = {
    "": "全部未送达",
    CallbackStatus.DEAD: "发送失败（待人工处理）",
    CallbackStatus.PENDING: "等待自动重试",
}


@login_required
@requires("complaints.callbacks")
@require_GET
def callback_list(request: HttpRequest) -> HttpResponse:
    shown = request.GET.get("status") or ""
    if shown not in FILTERS:
        shown = ""
    rows = callbacks.failed()
    if shown:
        rows = rows.filter(status=shown)
    page = Paginator(rows, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    items = [
        {
            "pk": row.pk,
            "number": row.complaint.number,
            "order_no": row.complaint.hotline_order_no,
            "hotline": row.hotline.name,
            "stage": row.payload.get("stage", ""),
            "status_label": row.payload.get("status_label", ""),
            "dead": row.status == CallbackStatus.DEAD,
            "state": row.get_status_display(),
            "attempts": row.attempts,
            "last_error": row.last_error,
            "created": timefmt.fmt_datetime(row.created_at),
            "next_attempt": timefmt.fmt_datetime(row.next_attempt_at)
            if row.status == CallbackStatus.PENDING
            else "",
        }
        for row in page
    ]
    return render(
        request,
        "complaints/hotline/callback_list.html",
        {
            "page": page,
            "items": items,
            "total": page.paginator.count,
            "filters": FILTERS,
            "shown": shown,
            "max_attempts": callbacks.MAX_ATTEMPTS,
            "backoff": "、".join(f"{m}" for m in callbacks.BACKOFF_MINUTES),
        },
    )


@login_required
@requires("complaints.callbacks", StatusCallback)
@require_POST
def callback_retry(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(StatusCallback.objects.select_related("complaint"), pk=pk)
    try:
        done = callbacks.retry_now(row, actor=request_user(request))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        number = done.complaint.number
        if done.status == CallbackStatus.DELIVERED:
            messages.success(request, f"问题 {number} 的状态回传已重新发送，热线已接收。")
        elif done.status == CallbackStatus.PENDING and done.attempts == row.attempts:
            messages.info(request, f"问题 {number} 的状态回传已排入发送，稍后自动发送。")
        else:
            messages.error(request, f"问题 {number} 的状态回传重新发送失败：{done.last_error}")
    return redirect("hotline:callback_list")
