"""Helpers shared by the inspection pages: the case, a step confirmed on its own page, the QR.

Who may open a page is declared on it (``@requires``, zhifa.core.access); the services ask again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from zhifa.core.viewhelpers import add_service_errors, posted, request_user
from zhifa.inspections import selectors
from zhifa.inspections.models import CaseStatus, InspectionCase
from zhifa.org.models import User
from zhifa.workdays.selectors import YearNotLoaded, latest_notice_date, notice_working_days


def _case(request: HttpRequest, pk: int) -> tuple[User, InspectionCase]:
    user = request_user(request)
    return user, selectors.get_case_or_404(user, pk)


def _notice_dates(case: InspectionCase) -> dict[str, Any]:
    """The latest lawful notice date of the case, or why it cannot be computed."""
    try:
        days = notice_working_days(case.region)
        return {
            "latest_notice": latest_notice_date(case.inspection_date, days),
            "notice_days": days,
        }
    except YearNotLoaded as error:
        return {"notice_problem": str(error)}


def _confirm_step(
    request: HttpRequest,
    pk: int,
    *,
    form_class: Callable[..., Any],
    step: Callable[[InspectionCase, User, Any], Any],
    done: Callable[[InspectionCase, Any], str],
    title: str,
    button: str,
    form_kwargs: Callable[[InspectionCase], dict[str, Any]] | None = None,
    initial: Callable[[InspectionCase], dict[str, Any]] | None = None,
    extra: Callable[[InspectionCase], dict[str, Any]] | None = None,
) -> HttpResponse:
    """A step confirmed on its own page: the form, the service, its errors on the form."""
    user, case = _case(request, pk)
    kwargs = form_kwargs(case) if form_kwargs else {}
    form = form_class(
        posted(request),
        request.FILES or None,
        initial=initial(case) if initial else None,
        **kwargs,
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = step(case, user, form)
        except ValidationError as error:
            add_service_errors(form, error)
        except YearNotLoaded as error:
            # Working-day arithmetic for a year whose holidays are not loaded: the step is
            # refused with the calendar's own message, which says how to load the year.
            form.add_error(None, str(error))
        else:
            messages.success(request, done(case, result))
            return redirect("inspections:case_detail", pk=case.pk)
    context = {"case": case, "form": form, "title": title, "button": button}
    if extra:
        context.update(extra(case))
    return render(request, "inspections/case_step.html", context)


def _checkin_qr(request: HttpRequest, case: InspectionCase) -> dict[str, str]:
    """The check-in code the enterprise shows the officers at its door, as a QR code. Only the
    enterprise's own pages carry it: scanning it is what proves an officer is there."""
    if case.status not in APPROVED_STATES or case.status in (
        CaseStatus.INSPECTED,
        CaseStatus.RECTIFYING,
        CaseStatus.CLOSED,
    ):
        return {}
    url = request.build_absolute_uri(reverse("inspections:checkin", args=[case.checkin_code]))
    return {"checkin_url": url, "qr_svg": _qr_svg(url)}


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    text = image.to_string(encoding="unicode")
    return str(text)


APPROVED_STATES = (
    CaseStatus.APPROVED,
    CaseStatus.NOTIFIED,
    CaseStatus.ON_SITE,
    CaseStatus.INSPECTED,
    CaseStatus.RECTIFYING,
    CaseStatus.CLOSED,
)
