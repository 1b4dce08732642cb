from __future__ import annotations

from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "zhifa.org"
    label = "org"
    verbose_name = "组织机构与人员"
