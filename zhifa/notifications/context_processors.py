"""``unread_count`` and ``unread_url`` for the top bar of every page (0 and no address when
signed out)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from zhifa.core import access
from zhifa.notifications.services import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not access.signed_in(user):
        return {"unread_count": 0, "unread_url": ""}
    return {"unread_count": unread_count(user), "unread_url": reverse("notifications:inbox")}
