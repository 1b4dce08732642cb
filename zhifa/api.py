"""The JSON API root (django-ninja). Each app contributes a router from its own ``api.py``."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer, django_auth
from pydantic import BaseModel

from zhifa.core import access, timefmt
from zhifa.core.params import ParamError
from zhifa.core.textinput import MULTILINE_FIELDS, first_problem
from zhifa.org.services import user_for_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer zf_…`` for machine clients; tokens are created in admin."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class BeijingJSONEncoder(NinjaJSONEncoder):
    """Times leave the API on Beijing's clock with their offset (2026-12-04T07:30:00+08:00):
    the same instant for a machine, and the time an officer reading the JSON expects."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime) and o.tzinfo is not None:
            o = timefmt.beijing(o)
        return super().default(o)


class BeijingJSONRenderer(JSONRenderer):
    encoder_class = BeijingJSONEncoder


api = NinjaAPI(
    title="zhifa 执法 API",
    version="1",
    description="涉企行政执法规范化平台接口。浏览器使用会话登录；机器客户端使用管理后台签发的令牌"
    "（Authorization: Bearer zf_…）。",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    renderer=BeijingJSONRenderer(),
)


def refuse_control_characters(view: Callable[..., Any]) -> Callable[..., Any]:
    """Every string of every request (query parameters, JSON and form fields, dictionary keys)
    is checked once here, after validation and before the endpoint runs (zhifa.core.textinput)."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        for name, value in kwargs.items():
            if isinstance(value, BaseModel):
                value, label = value.model_dump(), ""
            else:
                value, label = {name: value}, ""
            found = first_problem(value, label=label, multiline_keys=MULTILINE_FIELDS)
            if found is not None:
                where, message = found
                raise NinjaValidationError(
                    [{"loc": tuple(where.split(".")), "msg": message, "type": "zhifa_text"}]
                )
        return view(request, *args, **kwargs)

    return checked


api.add_decorator(refuse_control_characters, mode="operation")


def access_before_validation(run: Callable[..., Any]) -> Callable[..., Any]:
    """A signed-in user who may not call an operation hears so (403, or 404 for an object he may
    not see) before his body is validated: a refusal must not depend on how well-formed the
    refused request was. The operation's own ``@requires`` asks again after validation, which
    is where a token client (authenticated by ninja itself) is checked."""
    operation = getattr(run, "__self__", None)
    requirement = access.requirement_of(getattr(operation, "view_func", None))
    if operation is None or requirement is None:
        return run
    path = getattr(operation, "path", "")
    if requirement.model is not None and "{" + requirement.kwarg not in path:
        # The object is named in the query or the body: known only after validation.
        return run

    @functools.wraps(run)
    def checked(request: HttpRequest, **kwargs: Any) -> Any:
        if access.signed_in(getattr(request, "user", None)):
            try:
                requirement.check(request.user, kwargs, request.method or "GET")
            except (PermissionDenied, Http404) as refused:
                return api.on_exception(request, refused)
        return run(request, **kwargs)

    return checked


api.add_decorator(access_before_validation, mode="view")


def _register_routers() -> None:
    from zhifa.complaints.api import router as complaints_router
    from zhifa.compliance.api import router as compliance_router
    from zhifa.discretion.api import router as discretion_router
    from zhifa.documents.api import router as documents_router
    from zhifa.draws.api import router as draws_router
    from zhifa.inspections.api import router as inspections_router
    from zhifa.org.api import router as org_router
    from zhifa.plans.api import router as plans_router
    from zhifa.registry.api import router as registry_router
    from zhifa.review.api import router as review_router
    from zhifa.social.api import router as social_router
    from zhifa.supervision.api import router as supervision_router
    from zhifa.training.api import router as training_router
    from zhifa.workdays.api import router as workdays_router

    api.add_router("/complaints/", complaints_router)
    api.add_router("/compliance/", compliance_router)
    api.add_router("/discretion/", discretion_router)
    api.add_router("/documents/", documents_router)
    api.add_router("/draws/", draws_router)
    api.add_router("/inspections/", inspections_router)
    api.add_router("/org/", org_router)
    api.add_router("/plans/", plans_router)
    api.add_router("/registry/", registry_router)
    api.add_router("/review/", review_router)
    api.add_router("/social/", social_router)
    api.add_router("/supervision/", supervision_router)
    api.add_router("/training/", training_router)
    api.add_router("/workdays/", workdays_router)


_register_routers()


_LOCATIONS = {"body", "payload", "query", "path", "header", "cookie", "form", "file"}


@api.exception_handler(Http404)
def chinese_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """404 with the Chinese reason the selector gave (they say "not found or not yours")."""
    return api.create_response(request, {"detail": str(exc) or "未找到。"}, status=404)


@api.exception_handler(PermissionDenied)
def chinese_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """403 with the capability table's Chinese reason (zhifa.core.access)."""
    return api.create_response(request, {"detail": str(exc) or "无权办理。"}, status=403)


@api.exception_handler(ParamError)
def parameter_out_of_range(request: HttpRequest, exc: ParamError) -> HttpResponse:
    """400 with the Chinese reason: a number no list or row can have (zhifa.core.params)."""
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(NinjaValidationError)
def chinese_validation_errors(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """422 with Chinese messages per field instead of pydantic's English ones."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        parts = [str(p) for p in error.get("loc", ()) if str(p) not in _LOCATIONS]
        field = ".".join(parts) or "请求体"
        kind = str(error.get("type", ""))
        if kind == "zhifa_text":
            message = str(error.get("msg", ""))
        elif kind == "missing":
            message = "缺少此字段，请补充。"
        elif kind.startswith("json"):
            message = "请求体不是有效的 JSON，请检查格式。"
        else:
            message = "取值类型不正确（" + kind + "），请按接口文档填写。"
        errors.setdefault(field, []).append(message)
    return api.create_response(
        request,
        {"detail": "请求格式有误，请按各字段的提示改正后重新提交。", "errors": errors},
        status=422,
    )
