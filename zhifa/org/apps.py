from __future__ import annotations

from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "zhifa.org"
    label = "org"
    verbose_name = "组织机构与人员"

    def ready(self) -> None:
        from zhifa.core import access
        from zhifa.org import checks  # noqa: F401  (registers the system check)
        from zhifa.org.scoping import visibility_filter

        access.set_row_filter(visibility_filter)
