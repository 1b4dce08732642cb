"""System check: every model of ours says who may see its rows (``zhifa check``, ``manage.py
check`` and the test suite run it)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks


@checks.register(checks.Tags.security)
def every_model_is_restricted(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A model of a zhifa app must either be narrowed through ``objects.restrict(user)``
    (``zhifa.org.scoping.RestrictedManager`` with its ``scope_*_path``) or say in
    ``access_unrestricted`` why every signed-in reader may see all of its rows."""
    problems: list[checks.CheckMessage] = []
    for model in apps.get_models():
        if not model.__module__.startswith("zhifa.") or model._meta.proxy:
            continue
        if getattr(model, "access_unrestricted", ""):
            continue
        manager = model._default_manager
        scoped = any(
            getattr(model, path, None) is not None
            for path in ("scope_org_path", "scope_region_path", "scope_enterprise_path")
        )
        if not hasattr(manager, "restrict") or not scoped:
            problems.append(
                checks.Error(
                    f"模型 {model._meta.label} 没有按用户限定的查询（objects.restrict）。",
                    hint="给模型加上 objects = RestrictedManager() 和 scope_*_path，"
                    "或用 access_unrestricted 写明为何所有人都可看全部记录。",
                    obj=model,
                    id="zhifa.E001",
                )
            )
    return problems
