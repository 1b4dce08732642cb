"""Requests refused before any view reads them, and the reasons every refusal gives in Chinese.

- A body larger than ``ZHIFA_REQUEST_MAX_MB`` is answered 413 without being read into memory.
- A query string or path holding a control character is answered 400 (zhifa.core.textinput): it
  would only ever reach a filter, and PostgreSQL answers a NUL in one with an error.
- A number out of range (zhifa.core.params) raised by a page is answered 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from zhifa.core.params import ParamError
from zhifa.core.textinput import problem

MB = 1024 * 1024
_DRAIN_CHUNK = 64 * 1024


def refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """JSON ``{"detail": …}`` for the API, a page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    title = "请求内容过大" if status == 413 else "请求有误"
    return render(
        request, "request_refused.html", {"title": title, "message": message}, status=status
    )


def too_large_message(length: int | None = None) -> str:
    limit = settings.ZHIFA_REQUEST_MAX_MB
    size = f"（约 {length / MB:.1f} MB）" if length else ""
    return (
        f"提交的内容过大{size}，一次提交不能超过 {limit} MB。"
        f"单个文件不能超过 {settings.ZHIFA_UPLOAD_MAX_MB} MB，请压缩或拆分后分批上传。"
    )


def _content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _drain(request: HttpRequest, length: int) -> None:
    """Read the refused body in small pieces and drop it: a server that drains what the
    application left unread (Django's runserver does) would otherwise read it in one piece."""
    stream: Any = request.META.get("wsgi.input")
    if stream is None:
        return
    left = length
    while left > 0:
        chunk = stream.read(min(_DRAIN_CHUNK, left))
        if not chunk:
            break
        left -= len(chunk)


def _bad_query(request: HttpRequest) -> str:
    api = request.path.startswith("/api/")
    reason = problem(request.path, multiline=False)
    if reason:
        return f"网址{reason}"
    for key, values in request.GET.lists():
        for text in (key, *values):
            reason = problem(text, multiline=True)
            if reason:
                return (f"参数 {key[:30]} " if api else "网址中的查询条件") + reason
    return ""


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _content_length(request)
        if length > settings.ZHIFA_REQUEST_MAX_MB * MB:
            _drain(request, length)
            response = refusal(request, 413, too_large_message(length))
            response["Connection"] = "close"
            return response
        reason = _bad_query(request)
        if reason:
            return refusal(request, 400, reason)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ParamError):
            return refusal(request, 400, str(exception))
        return None


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: Django's refusals of a request it could not read, in Chinese."""
    if isinstance(exception, RequestDataTooBig):
        # Form fields and JSON bodies (files aside) are held in memory, hence their own limit.
        length = _content_length(request)
        size = f"（约 {length / MB:.1f} MB）" if length else ""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / MB
        return refusal(
            request,
            413,
            f"提交的文字内容过大{size}，表单或 JSON 内容一次不能超过 {limit:.0f} MB，"
            "请分批提交；文件请作为附件上传。",
        )
    if isinstance(exception, TooManyFilesSent):
        return refusal(
            request,
            400,
            f"一次上传的文件过多，最多 {settings.DATA_UPLOAD_MAX_NUMBER_FILES} 个，请分批上传。",
        )
    if isinstance(exception, TooManyFieldsSent):
        return refusal(request, 400, "提交的字段过多，请分批提交。")
    return refusal(request, 400, "请求有误，无法读取提交的内容，请刷新页面后重试。")
