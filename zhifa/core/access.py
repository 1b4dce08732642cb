"""Who may do what: the one capability table of the platform.

Every question of the kind "may this user approve this case / issue this document / see this
evidence / answer this objection" is answered here, by ``can(user, action, obj)``; the services,
the pages, the API and the menu all ask it, so none of them can disagree with another.

- A capability is an action name (``"case.approve"``), a Chinese label (``"审批检查"``) and a rule.
  The rule returns ``None`` when the user may act, or the Chinese reason he may not, which is what
  a refused user reads. Apps declare theirs in their ``rules.py`` with ``@capability``; the table
  is the union, and ``zhifa access`` prints it (docs/architecture.md).
- Rows a user may see at all are narrowed by the model's manager, ``Model.objects.restrict(user)``
  (``RestrictedManager`` below, with the row filter ``zhifa.org.scoping`` installs at start-up);
  a rule may assume its object was found through it.
- ``@requires(action, Model)`` on a page or API operation loads the URL's object through
  ``restrict`` (404 when the user may not see it, so its existence does not leak), then asks
  ``can`` (403 with the reason). ``write=`` names the capability a POST to the same address asks
  instead (a list page that also takes the form adding to it); ``own_organisation=True`` marks a
  page that acts for the user's own organisation. The API asks before it validates a body
  (``zhifa.api``). The access-matrix test and the menu read these declarations, so a route
  without one fails the build and a menu entry never leads to a 403.

The rules use only what the user object itself offers (``has_role``, ``acts_for``, …): this
module sits in the bottom layer and imports no app.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest

Rule = Callable[[Any, Any], "str | None"]

SIGN_IN = "请先登录。"
INACTIVE = "账号已停用，请联系系统管理员。"
NOT_FOUND = "未找到该对象，或您无权查看。"


@dataclass(frozen=True)
class Capability:
    action: str
    label: str
    rule: Rule = field(compare=False, repr=False)
    # Anyone, signed in or not, may: the public pages (一公开) and the document check.
    public: bool = False


_TABLE: dict[str, Capability] = {}


def capability(action: str, label: str, *, public: bool = False) -> Callable[[Rule], Rule]:
    """Declare ``action`` with the rule below it; one action has one rule."""

    def register(rule: Rule) -> Rule:
        existing = _TABLE.get(action)
        if existing is not None and existing.rule is not rule:
            raise ImproperlyDeclared(f"能力“{action}”已在别处声明（{existing.label}）。")
        _TABLE[action] = Capability(action=action, label=label, rule=rule, public=public)
        return rule

    return register


class ImproperlyDeclared(LookupError):
    pass


def _discover() -> None:
    # Each app declares its capabilities in ``<app>/rules.py``; importing them all once makes
    # the table whole before the first question, whichever app asks it.
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("rules")
        _discovered.append(True)


_discovered: list[bool] = []


def get(action: str) -> Capability:
    try:
        return _TABLE[action]
    except KeyError:
        _discover()
    try:
        return _TABLE[action]
    except KeyError:
        # A misspelt action must fail loudly, never read as "nobody may".
        raise ImproperlyDeclared(f"未声明的能力：{action}") from None


def capabilities() -> list[Capability]:
    _discover()
    return sorted(_TABLE.values(), key=lambda c: c.action)


def signed_in(user: Any) -> bool:
    return user is not None and bool(user.is_authenticated) and bool(user.is_active)


def refusal(user: Any, action: str, obj: Any = None) -> str | None:
    """Why ``user`` may not do ``action`` (to ``obj``), in Chinese; None when he may."""
    cap = get(action)
    if not cap.public:
        if user is None or not user.is_authenticated:
            return SIGN_IN
        if not user.is_active:
            return INACTIVE
    return cap.rule(user, obj)


def can(user: Any, action: str, obj: Any = None) -> bool:
    return refusal(user, action, obj) is None


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` with the reason unless ``user`` may do ``action``."""
    reason = refusal(user, action, obj)
    if reason is not None:
        raise PermissionDenied(reason)


@capability("public", "公开查看", public=True)
def _anyone(user: Any, obj: Any) -> str | None:
    return None


@capability("signed_in", "登录后查看本人的页面（首页、待办、修改密码）")
def _any_signed_in(user: Any, obj: Any) -> str | None:
    return None


# --- Rows a user may see -----------------------------------------------------------------------

RowFilter = Callable[[Any, type[models.Model]], "Q | None"]
_row_filter: list[RowFilter] = []


def set_row_filter(row_filter: RowFilter) -> None:
    """Installed once by ``zhifa.org`` (``scoping.visibility_filter``), which knows the roles:
    this layer cannot import it, and every model's manager needs it."""
    _row_filter[:] = [row_filter]


class RestrictedQuerySet(models.QuerySet[Any]):
    """``Model.objects.restrict(user)``: the rows ``user`` may see, decided in one place."""

    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        # Every action starts from what the user may see; whether he may act on a row he sees
        # is the capability table's question, asked per object with ``can``.
        if not _row_filter:
            raise ImproperlyConfigured("zhifa.org 未安装：无法按用户限定查询。")
        condition = _row_filter[0](user, self.model)
        return self if condition is None else self.filter(condition)


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)


# --- Declarations on pages and API operations ------------------------------------------------


OWN_ORGANISATION_ONLY = (
    "此页面为本人所在机关办理；您的账号不隶属任何机关，不能在此办理（系统管理员请用机关账号）。"
)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Requirement:
    action: str
    model: Any = None
    kwarg: str = "pk"
    field: str = "pk"
    # Asked instead of ``action`` for a write (POST, …) to the same address, as when a list page
    # also takes the form that adds to it.
    write_action: str | None = None
    # The page acts for the user's own organisation (the form has no organisation field): the
    # organisation is the object, and a user without one is refused.
    own_organisation: bool = False

    def action_for(self, method: str) -> str:
        if self.write_action is not None and method.upper() not in SAFE_METHODS:
            return self.write_action
        return self.action

    def rows(self, user: Any) -> models.QuerySet[Any]:
        """The rows of the declared model ``user`` may see."""
        manager = self.model._default_manager
        # Public reference data (``access_unrestricted``) has no row filter: every row is seen.
        return manager.restrict(user) if hasattr(manager, "restrict") else manager.all()

    def load(self, user: Any, kwargs: dict[str, Any]) -> Any:
        """The URL's object as ``user`` may see it, or 404."""
        if self.model is None:
            return None
        found = self.rows(user).filter(**{self.field: kwargs.get(self.kwarg)}).first()
        if found is None:
            # A model may name what was not found (``access_not_found``: "没有找到该检查案件…").
            raise Http404(getattr(self.model, "access_not_found", NOT_FOUND))
        return found

    def refusal(self, user: Any, obj: Any, method: str = "GET") -> str | None:
        """Why ``user`` may not use the route (object ``obj``) with ``method``; None if he may."""
        action = self.action_for(method)
        if not get(action).public and not signed_in(user):
            return refusal(user, action)
        # With a ``write_action``, the page reads for everyone who may and writes for his own.
        if self.own_organisation and (self.write_action is None or action == self.write_action):
            obj = getattr(user, "organisation", None)
            if obj is None:
                return OWN_ORGANISATION_ONLY
        return refusal(user, action, obj)

    def check(self, user: Any, kwargs: dict[str, Any], method: str = "GET") -> None:
        """404 when the URL's object is not the user's to see, 403 when he may not act."""
        if not get(self.action_for(method)).public and not signed_in(user):
            require(user, self.action_for(method))
        reason = self.refusal(user, self.load(user, kwargs), method)
        if reason is not None:
            raise PermissionDenied(reason)


def requires(
    action: str,
    model: Any = None,
    *,
    kwarg: str = "pk",
    field: str = "pk",
    write: str | None = None,
    own_organisation: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse the request unless its user may do ``action`` to the object the URL names.

    The view still receives its URL arguments unchanged (and loads the object itself through
    ``restrict``), so the signature an API framework reads stays the view's own.
    """
    requirement = Requirement(
        action=action,
        model=model,
        kwarg=kwarg,
        field=field,
        write_action=write,
        own_organisation=own_organisation,
    )

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            requirement.check(getattr(request, "user", None), kwargs, request.method or "GET")
            return view(request, *args, **kwargs)

        checked.zhifa_requirement = requirement  # type: ignore[attr-defined]
        # django-ninja resolves string annotations (``from __future__ import annotations``) in
        # the globals of the function it is given, which here are this module's: hand it the
        # view's own annotations, already resolved where the view was defined.
        with contextlib.suppress(NameError, TypeError):
            checked.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
        return checked

    return decorate


def requirement_of(view: Any) -> Requirement | None:
    """The declaration a route's view carries, looking through other decorators."""
    seen = 0
    while view is not None and seen < 20:
        found = getattr(view, "zhifa_requirement", None)
        if found is not None:
            return found
        view = getattr(view, "__wrapped__", None)
        seen += 1
    return None
