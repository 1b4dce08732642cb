from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("todo")


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("todo")
