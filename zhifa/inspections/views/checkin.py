"""扫码入企: the verification page of a case's code and the check-in (phone-sized)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.core import access, timefmt
from zhifa.core.access import requires
from zhifa.core.viewhelpers import request_user
from zhifa.documents import selectors as document_selectors
from zhifa.inspections import services
from zhifa.inspections.models import CaseOfficer, CaseStatus, InspectionCase
from zhifa.inspections.views._common import APPROVED_STATES, _case, _checkin_qr
from zhifa.org.models import Officer, User

# --- 扫码入企 and check-in (phone-sized) ---------------------------------------------------------


def _by_code(code: str) -> InspectionCase:
    return get_object_or_404(
        InspectionCase.objects.select_related("organisation", "enterprise", "region"),
        verify_code=code.strip().upper(),
    )


def _by_checkin_code(code: str) -> InspectionCase:
    return get_object_or_404(
        InspectionCase.objects.select_related("organisation", "enterprise", "region"),
        checkin_code=code.strip().upper(),
    )


@requires("public")
@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public (no login): the enterprise checks that the inspection at its door is genuine."""
    case = _by_code(code)
    today = timezone.localdate()
    approved = case.status in APPROVED_STATES and case.approved_by_id is not None
    emergency = case.is_emergency and case.status in APPROVED_STATES
    officers = [
        {
            "officer": a.officer,
            # A public page: the category of the problem, never a disciplinary reason.
            "problem": a.officer.public_ineligibility(today),
            "checked_in_at": a.checked_in_at,
        }
        for a in case.assignments.select_related("officer").order_by("position")
    ]
    # The check-in code is the enterprise's to show: this public page carries it only for a
    # signed-in user of the inspected enterprise (an unannounced inspection's enterprise reaches
    # the case here first, from the code the officers present).
    own = access.can(request.user, "case.respond", case)
    return render(
        request,
        "inspections/verify.html",
        {
            "case": case,
            "approved": approved,
            "emergency": emergency,
            "officers": officers,
            "items": list(case.items.order_by("code")),
            "prohibitions": document_selectors.current_prohibitions(today),
            "is_its_enterprise": own,
            **(_checkin_qr(request, case) if own and (approved or emergency) else {}),
            "today": today,
        },
    )


def _its_officer(user: User, case: InspectionCase) -> tuple[Officer, CaseOfficer]:
    """The officer checking in and his assignment (``case.checkin`` said he has one)."""
    access.require(user, "case.checkin", case)
    assignment = case.assignments.select_related("officer").get(officer__user=user)
    return assignment.officer, assignment


def _checkin_context(
    user: User, case: InspectionCase, officer: Officer, assignment: CaseOfficer
) -> dict[str, Any]:
    assignment.refresh_from_db()
    return {
        "case": case,
        "officer": officer,
        "assignment": assignment,
        "assignments": list(case.assignments.select_related("officer").order_by("position")),
        "may_record": case.status == CaseStatus.ON_SITE
        and access.can(user, "case.record_onsite", case),
    }


@login_required
@requires("case.checkin", InspectionCase)
@require_http_methods(["GET", "POST"])
def case_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """The officers' check-in page reached from the case, for the enterprise that shows no QR
    code (most have no platform account): the officer types the 入企核验码 the enterprise reads
    out, which it may first receive by SMS. The page never carries the code."""
    user, case = _case(request, pk)
    officer, assignment = _its_officer(user, case)
    errors: list[str] = []
    if request.method == "POST":
        try:
            location = services.clean_location(
                request.POST.get("latitude"),
                request.POST.get("longitude"),
                request.POST.get("accuracy"),
            )
            services.check_in(
                case, actor=user, code=request.POST.get("code", ""), location=location
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"{officer.name} 已签到。")
            return redirect("inspections:case_checkin", pk=case.pk)
    return _render_case_checkin(request, user, case, officer, assignment, errors)


@login_required
@requires("case.checkin_sms", InspectionCase)
@require_POST
def case_checkin_sms(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk)
    assignment = case.assignments.select_related("officer").get(officer__user=user)
    officer = assignment.officer
    try:
        masked = services.send_checkin_code(case, actor=user)
    except ValidationError as error:
        return _render_case_checkin(request, user, case, officer, assignment, error.messages)
    messages.success(
        request,
        f"已向企业联系人（尾号 {masked[-4:]}）发送入企核验码短信。请企业联系人出示短信或读出"
        "核验码，填入下方签到。",
    )
    return redirect("inspections:case_checkin", pk=case.pk)


def _render_case_checkin(
    request: HttpRequest,
    user: User,
    case: InspectionCase,
    officer: Officer,
    assignment: CaseOfficer,
    errors: list[str],
) -> HttpResponse:
    mobile = services.checkin_contact_mobile(case)
    context = _checkin_context(user, case, officer, assignment)
    context.update(
        {
            "ask_code": True,
            "errors": errors,
            "refusal": services.checkin_refusal(case, timefmt.today()),
            "contact_tail": mobile[-4:] if mobile else "",
        }
    )
    return render(request, "inspections/checkin.html", context)


@login_required
@requires("case.checkin", InspectionCase, kwarg="code", field="checkin_code")
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    case = _by_checkin_code(code)
    officer, assignment = _its_officer(user, case)
    errors: list[str] = []
    if request.method == "POST":
        try:
            location = services.clean_location(
                request.POST.get("latitude"),
                request.POST.get("longitude"),
                request.POST.get("accuracy"),
            )
            services.check_in(case, actor=user, code=code, location=location)
        except ValidationError as error:
            errors = error.messages
        else:
            case.refresh_from_db()
            messages.success(request, f"{officer.name} 已签到。")
            return redirect("inspections:checkin", code=case.checkin_code)
    context = _checkin_context(user, case, officer, assignment)
    context["errors"] = errors
    return render(request, "inspections/checkin.html", context)
