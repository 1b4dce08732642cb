"""Who may open the pages of the top layer: its part of the capability table
(zhifa.core.access). Home, password change and the working-day calendar are for every
signed-in user (``signed_in``); the login and logout pages are public (``public``)."""

from __future__ import annotations

from typing import Any

from zhifa.core.access import capability

ADMIN_SITE_DENIED = "系统管理后台仅限系统管理员进入。"


@capability("system.admin", "进入系统管理后台")
def _may_open_admin_site(user: Any, obj: Any) -> str | None:
    # Django's admin site lets in staff accounts only: an administrator without it would be
    # sent to the admin's own login page.
    return None if user.is_admin and user.is_staff else ADMIN_SITE_DENIED
