"""``/favicon.ico``: browsers ask for it on every site whatever the page names, so it answers with
the same drawing the pages link to (a red square with 执) instead of a 404 in every log."""

from __future__ import annotations

import functools
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from zhifa.core.access import requires

ICON = Path(__file__).resolve().parent.parent / "static" / "zhifa" / "favicon.svg"


@functools.cache
def _icon() -> bytes:
    return ICON.read_bytes()


@requires("public")
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_icon(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
