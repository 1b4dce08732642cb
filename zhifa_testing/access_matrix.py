"""The access matrix: every route × every persona, the status the capability table promises and
the status the route gives.

Used by ``zhifa/tests/test_access_matrix.py``; kept here so that the test reads as what it checks.

- ``page_routes`` walks the URL configuration and ``api_routes`` the ninja API; each route keeps
  its view, so ``requirement_of`` (zhifa.core.access) finds what it declares.
- ``expect`` says, from the declaration, the row filter and the capability table alone, what a
  persona must get; ``Prober.probe`` sends the request in a savepoint that is rolled back, and
  for a refused persona compares every table's row count and the audit chain's head before and
  after, so a refused request that wrote anything is caught.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from zhifa.core import access

UNDECLARED = "新路由缺少访问声明"
UNFILLED = "无法为 URL 参数取值"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# A write an allowed persona sends with an empty body may be refused for its content (400, 422)
# or answered with the form again (200) or a redirect; never with a refusal or a crash.
ALLOWED_WRITE = "ok"


@dataclass(frozen=True)
class Route:
    kind: str  # "page" or "api"
    name: str  # "inspections:case_detail" or "api:get_case"
    pattern: str  # "/inspections/<int:pk>/"
    method: str
    view: Callable[..., Any] = field(compare=False, repr=False)
    # The API answers an anonymous caller itself (401) unless the operation needs no sign-in.
    api_auth: bool = field(default=True, compare=False)

    @property
    def params(self) -> list[str]:
        return [m.group(2) for m in _PARAM.finditer(self.pattern)]

    @property
    def requirement(self) -> access.Requirement | None:
        return access.requirement_of(self.view)

    def url(self, values: Mapping[str, Any]) -> str:
        return _PARAM.sub(lambda m: str(values[m.group(2)]), self.pattern)

    def label(self) -> str:
        return f"{self.method} {self.pattern} ({self.name})"


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


# --- Routes ----------------------------------------------------------------------------------

# URL prefixes of zhifa.urls that are not pages of ours, each with the reason.
EXCLUDED_PREFIXES = {
    "admin/": "Django 管理后台：仅 is_staff 可进，权限由 Django admin 自己判断",
    "api/": "API 的每个操作由 api_routes 逐一列出",
}
# The API's own pages that ninja adds (schema, docs, root), not operations of ours.
EXCLUDED_API_NAMES = {
    "openapi-json": "ninja 生成的 OpenAPI 描述",
    "openapi-view": "ninja 的接口文档页",
    "api-root": "ninja 的 API 根",
}


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[tuple[str, str, Any]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = ":".join(n for n in (namespace, entry.name or "?") if n)
            yield prefix + str(entry.pattern), name, entry.callback


def allowed_methods(view: Any) -> tuple[str, ...]:
    """The methods ``require_http_methods`` (or ``require_GET``/``require_POST``) lets through;
    GET and POST when the view has no such decorator."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        # A class-based view answers the methods it names and implements (LogoutView: POST).
        return tuple(
            m.upper()
            for m in view_class.http_method_names
            if m.upper() in ("GET", *WRITE_METHODS) and hasattr(view_class, m)
        )
    seen = 0
    while view is not None and seen < 20:
        if inspect.isfunction(view):
            found = inspect.getclosurevars(view).nonlocals.get("request_method_list")
            if found is not None:
                return tuple(m for m in found if m in ("GET", *WRITE_METHODS))
        view = getattr(view, "__wrapped__", None)
        seen += 1
    return ("GET", "POST")


def page_routes(urlconf: str | None = None) -> list[Route]:
    routes = []
    for pattern, name, view in _walk(get_resolver(urlconf), "/", ""):
        if any(pattern.startswith("/" + p) for p in EXCLUDED_PREFIXES):
            continue
        for method in allowed_methods(view):
            routes.append(Route("page", name, pattern, method, view))
    return routes


def api_routes(api: Any, mount: str = "/api/") -> list[Route]:
    routes: dict[tuple[str, str], Route] = {}
    for entry in api.urls[0]:
        if entry.name in EXCLUDED_API_NAMES:
            continue
        # ninja's view closes over its PathView, which holds every operation of the path (one
        # per method); a path with two operations has two URL patterns, hence the dictionary.
        path_view = inspect.getclosurevars(entry.callback).nonlocals["self"]
        app = str(entry.pattern).split("/")[0]
        pattern = mount + str(entry.pattern)
        for operation in path_view.operations:
            for method in operation.methods:
                routes[pattern, method] = Route(
                    "api",
                    # Operation names repeat across the apps' routers (get_item).
                    f"api:{app}.{operation.view_func.__name__}",
                    pattern,
                    method,
                    operation.view_func,
                    api_auth=bool(operation.auth_callbacks),
                )
    return list(routes.values())


# --- Expected statuses -----------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    status: int | str  # a status, or ALLOWED_WRITE
    reason: str = ""

    def met_by(self, status: int) -> bool:
        if self.status == ALLOWED_WRITE:
            return status not in (403, 404) and status < 500
        return status == self.status


def as_user(user: Any) -> Any:
    return AnonymousUser() if user is None else user


def expect(
    route: Route, user: Any, obj: Any, *, redirects: Callable[[Route, Any], bool] | None = None
) -> Expectation:
    """What ``user`` must get from ``route`` (naming ``obj``), from the declaration alone."""
    requirement = route.requirement
    assert requirement is not None
    user = as_user(user)
    cap = access.get(requirement.action_for(route.method))
    if not cap.public and not access.signed_in(user):
        return Expectation(302 if route.kind == "page" else 401, access.SIGN_IN)
    if route.kind == "api" and route.api_auth and not access.signed_in(user):
        # Declared public, yet the API operation asks for a sign-in: the test says so.
        return Expectation(200 if route.method == "GET" else ALLOWED_WRITE, "声明为公开")
    if requirement.model is not None:
        value = getattr(obj, requirement.field)
        seen = requirement.rows(user).filter(**{requirement.field: value})
        if not seen.exists():
            return Expectation(404, access.NOT_FOUND)
    reason = requirement.refusal(user, obj, route.method)
    if reason is not None:
        return Expectation(403, reason)
    if route.method in WRITE_METHODS:
        return Expectation(ALLOWED_WRITE)
    return Expectation(302 if redirects is not None and redirects(route, user) else 200)


# --- Probing ---------------------------------------------------------------------------------


def _state_query() -> str:
    # One query for every table's row count and the audit chain's head: a refused request
    # must leave all of them as they were.
    parts = []
    for model in apps.get_models():
        if model.__module__.startswith("zhifa."):
            parts.append(f'(SELECT COUNT(*) FROM "{model._meta.db_table}")')
    record = apps.get_model("audit", "AuditRecord")
    table, pk = record._meta.db_table, record._meta.pk.column
    parts.append(f'(SELECT "hash" FROM "{table}" ORDER BY "{pk}" DESC LIMIT 1)')
    return "SELECT " + ", ".join(parts)


def _state_labels() -> list[str]:
    labels = [m._meta.label for m in apps.get_models() if m.__module__.startswith("zhifa.")]
    return [*labels, "审计链末条哈希"]


@dataclass
class Outcome:
    route: Route
    persona: str
    url: str
    expected: Expectation
    status: int
    detail: str = ""
    changed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.expected.met_by(self.status) and not self.changed and not self.problems

    def describe(self) -> str:
        text = (
            f"{self.route.name}  {self.route.method} {self.url}  persona={self.persona}  "
            f"expected={self.expected.status}  got={self.status}"
        )
        if self.expected.reason:
            text += f"  reason={self.expected.reason}"
        if self.detail:
            text += f"  response={self.detail}"
        if self.problems:
            text += "  " + "；".join(self.problems)
        if self.changed:
            text += "  refused yet changed: " + ", ".join(self.changed)
        return text


class Prober:
    """One logged-in test client per persona; every request in a savepoint rolled back."""

    def __init__(self, personas: Mapping[str, Any]) -> None:
        self.personas = dict(personas)
        self.clients: dict[str, Client] = {}
        self.sessions: dict[str, str] = {}
        self._query = _state_query()
        self._labels = _state_labels()
        for name, user in self.personas.items():
            client = Client(raise_request_exception=bool(os.environ.get("MXDBG")))
            if user is not None:
                client.force_login(user)
                self.sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
            self.clients[name] = client

    def state(self) -> tuple[Any, ...]:
        with connection.cursor() as cursor:
            cursor.execute(self._query)
            return tuple(cursor.fetchone())

    def probe(
        self,
        route: Route,
        persona: str,
        url: str,
        expected: Expectation,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Outcome:
        client = self.clients[persona]
        refused = bool(expected.reason) and expected.status in (302, 401, 403, 404)
        with transaction.atomic():
            before = self.state() if refused else ()
            response = self._send(client, route, url, query or {}, body or {})
            after = self.state() if refused else ()
            transaction.set_rollback(True)
        self._restore(persona, client)
        changed = [
            f"{label} {b}→{a}"
            for label, b, a in zip(self._labels, before, after, strict=False)
            if b != a
        ]
        return Outcome(
            route, persona, url, expected, response.status_code, _detail(response), changed
        )

    def _send(
        self, client: Client, route: Route, url: str, query: Mapping[str, Any], body: Any
    ) -> Any:
        if route.method == "GET":
            return client.get(url, query)
        if query:
            url += "?" + urlencode(query)
        if route.kind == "api":
            return client.generic(
                route.method, url, json.dumps(body), content_type="application/json"
            )
        return client.generic(
            route.method, url, urlencode(body), content_type="application/x-www-form-urlencoded"
        )

    def _restore(self, persona: str, client: Client) -> None:
        # The request's writes were rolled back, the session row included; a response that
        # logged the persona out or rotated the key only changed the cookie, so put it back.
        name = settings.SESSION_COOKIE_NAME
        if persona in self.sessions:
            client.cookies[name] = self.sessions[persona]
        elif name in client.cookies:
            del client.cookies[name]
        client.cookies.pop("messages", None)


@contextlib.contextmanager
def quiet_refusals() -> Iterator[None]:
    """Django logs every 4xx as a warning; thousands of expected refusals would bury the report
    of a failure. Server errors (5xx) are still logged."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _detail(response: Any) -> str:
    if response.status_code in (301, 302, 303):
        return "→ " + response.get("Location", "")
    if response.status_code >= 400 and "json" in response.get("Content-Type", ""):
        try:
            text = json.dumps(json.loads(response.content), ensure_ascii=False)
        except ValueError:
            text = response.content.decode(errors="replace")
        return text[:200]
    return ""


def login_redirect(location: str) -> bool:
    return location.split("?")[0] == resolve_url(settings.LOGIN_URL)


def check_page_login_redirect(outcome: Outcome) -> None:
    """A 302 for an anonymous visitor must lead to the login page, not anywhere else."""
    anonymous_302 = outcome.expected.status == 302 and outcome.persona == "anonymous"
    elsewhere = not login_redirect(outcome.detail.removeprefix("→ "))
    if anonymous_302 and outcome.status == 302 and elsewhere:
        outcome.problems.append("未转到登录页")


def golden_lines(outcomes: Sequence[Outcome], personas: Sequence[str]) -> list[str]:
    """One line per route and method: the statuses in persona order."""
    by_route: dict[Route, dict[str, int]] = {}
    for outcome in outcomes:
        by_route.setdefault(outcome.route, {})[outcome.persona] = outcome.status
    lines = []
    for route in sorted(by_route, key=lambda r: (r.pattern, r.method)):
        requirement = route.requirement
        action = requirement.action if requirement else "-"
        statuses = " ".join(f"{by_route[route].get(p, '-'):>3}" for p in personas)
        lines.append(f"{route.method:<6} {route.pattern:<64} {action:<28} {statuses}")
    return lines
