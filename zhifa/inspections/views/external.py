"""The external cut: the enterprise's 我的检查 and the social supervisor's 伴随监督 (read only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from zhifa.core import timefmt
from zhifa.core.access import requires
from zhifa.core.viewhelpers import add_service_errors, request_user
from zhifa.documents import selectors as document_selectors
from zhifa.inspections import forms, selectors, services
from zhifa.inspections.models import CaseStatus, GuidanceBooking, InspectionCase
from zhifa.inspections.views._common import _checkin_qr
from zhifa.org.models import User
from zhifa.org.scoping import get_visible_or_404

# --- Enterprise portal (我的检查) ---------------------------------------------------------------


def _my_case(request: HttpRequest, pk: int) -> tuple[User, InspectionCase]:
    user = request_user(request)
    return user, selectors.get_case_or_404(user, pk)


@login_required
@requires("case.view_as_enterprise")
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    cases = selectors.cases_for(user).exclude(
        status__in=(CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.REJECTED)
    )
    page = Paginator(cases.order_by("-inspection_date", "-pk"), settings.ZHIFA_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "inspections/my_cases.html", {"page": page})


def _visited(case: InspectionCase) -> bool:
    """Whether the officers have come: what was offered before the visit (self-check, booking
    guidance) no longer applies after it."""
    return case.started_at is not None or case.status in (
        CaseStatus.ON_SITE,
        CaseStatus.INSPECTED,
        CaseStatus.RECTIFYING,
        CaseStatus.CLOSED,
        CaseStatus.CANCELLED,
    )


def _my_context(user: User, case: InspectionCase) -> dict[str, Any]:
    pending = document_selectors.pending_portal_delivery(case.notice) if case.notice else None
    bookings = list(case.bookings.select_related("slot__officer").order_by("slot__starts_at"))
    decided = case.decided_at is not None
    visited = _visited(case)
    can_book = case.status == CaseStatus.NOTIFIED and not visited
    return {
        "case": case,
        "pending": pending,
        "bookings": bookings,
        "booking_form": forms.BookingForm(slots=selectors.open_slots(case)),
        "can_book": can_book,
        "visited": visited,
        "show_booking": can_book or bool(bookings) or not visited,
        "show_self_check": not visited,
        "can_report": case.status == CaseStatus.RECTIFYING,
        "rectification_form": forms.RectificationForm(),
        "reports": selectors.rectification_reports(case),
        "today": timefmt.today(),
        "answer_days": settings.ZHIFA_OBJECTION_ANSWER_WORKING_DAYS,
        "rating_form": forms.RatingForm(),
        "can_rate": decided and case.rated_at is None,
        "objection_form": forms.ObjectionForm(),
        "can_object": case.status
        not in (CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.REJECTED),
        "assignments": list(case.assignments.select_related("officer").order_by("position")),
        "items": list(case.items.order_by("code")),
        "item_codes": "、".join(case.items.order_by("code").values_list("code", flat=True)),
        "findings": list(selectors.findings_of(case)) if decided else [],
        "documents": [
            link
            for link in case.case_documents.select_related(
                "document__kind", "document__number"
            ).order_by("created_at", "pk")
            if link.document.recipient_enterprise_id == case.enterprise_id
        ],
        "objections": list(case.objections.prefetch_related("attachments")),
        "decided": decided,
        "timeline": selectors.timeline(case, user),
    }


@login_required
@requires("case.view_as_enterprise", InspectionCase)
@require_GET
def my_case(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _my_case(request, pk)
    context = _my_context(user, case)
    context.update(_my_qr(request, case))
    return render(request, "inspections/my_case.html", context)


def _my_qr(request: HttpRequest, case: InspectionCase) -> dict[str, str]:
    """The check-in code, until every officer of the case has checked in with it."""
    if case.started_at is not None and not case.assignments.filter(checked_in_at=None).exists():
        return {}
    return _checkin_qr(request, case)


def _my_step(
    request: HttpRequest,
    pk: int,
    form_for: Callable[[InspectionCase], Any] | None,
    step: Callable[[InspectionCase, User, Any], str],
    form_name: str = "",
) -> HttpResponse:
    """A portal action posted from the case page; a refusal shows the page again with it."""
    user, case = _my_case(request, pk)
    form = form_for(case) if form_for else None
    if form is None or form.is_valid():
        try:
            done = step(case, user, form)
        except ValidationError as error:
            if form is None:
                messages.error(request, "；".join(error.messages))
            else:
                add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("inspections:my_case", pk=case.pk)
    if form is None:
        return redirect("inspections:my_case", pk=case.pk)
    context = _my_context(user, case)
    context.update(_my_qr(request, case))
    context[form_name] = form
    return render(request, "inspections/my_case.html", context, status=400)


@login_required
@requires("case.respond", InspectionCase)
@require_POST
def my_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    def step(case: InspectionCase, user: User, _: Any) -> str:
        services.confirm_notice(case, actor=user)
        return "已签收预告通知书。请对照通知所列事项自查，需要时可预约合规指导。"

    return _my_step(request, pk, None, step)


@login_required
@requires("case.respond", InspectionCase)
@require_POST
def my_book(request: HttpRequest, pk: int) -> HttpResponse:
    def step(case: InspectionCase, user: User, form: Any) -> str:
        booking = services.book_guidance(
            case, actor=user, slot=form.cleaned_data["slot"], topic=form.cleaned_data["topic"]
        )
        return f"已预约指导时段 {booking.slot}。"

    return _my_step(
        request,
        pk,
        lambda case: forms.BookingForm(request.POST, slots=selectors.open_slots(case)),
        step,
        "booking_form",
    )


@login_required
@requires("case.respond", GuidanceBooking)
@require_POST
def my_cancel_booking(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    booking = get_visible_or_404(
        user, GuidanceBooking.objects.select_related("case", "slot"), pk=pk
    )
    try:
        services.cancel_booking(booking, actor=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已取消预约 {booking.slot}。")
    return redirect("inspections:my_case", pk=booking.case_id)


@login_required
@requires("case.respond", InspectionCase)
@require_POST
def my_rate(request: HttpRequest, pk: int) -> HttpResponse:
    def step(case: InspectionCase, user: User, form: Any) -> str:
        services.rate_case(
            case,
            actor=user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
        return "感谢您的评价。"

    return _my_step(request, pk, lambda case: forms.RatingForm(request.POST), step, "rating_form")


@login_required
@requires("case.respond", InspectionCase)
@require_POST
def my_object(request: HttpRequest, pk: int) -> HttpResponse:
    def step(case: InspectionCase, user: User, form: Any) -> str:
        objection = services.object_to_case(
            case,
            actor=user,
            text=form.cleaned_data["text"],
            category=form.cleaned_data["category"],
            files=form.cleaned_data["attachments"],
        )
        due = (
            f"执法监督机关应于 {timefmt.chinese_date(objection.answer_due)} 前答复"
            if objection.answer_due
            else "执法监督机关将按期答复"
        )
        return f"异议已提交执法监督机关，{due}，答复后将在本页显示。"

    return _my_step(
        request,
        pk,
        lambda case: forms.ObjectionForm(request.POST, request.FILES),
        step,
        "objection_form",
    )


@login_required
@requires("case.respond", InspectionCase)
@require_POST
def my_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    def step(case: InspectionCase, user: User, form: Any) -> str:
        report = services.report_rectification(
            case, actor=user, text=form.cleaned_data["text"], photos=form.cleaned_data["photos"]
        )
        late = "（已过整改期限，记为逾期提交）" if report.is_late else ""
        return f"已提交整改情况{late}，执法人员复查时将查看。"

    return _my_step(
        request,
        pk,
        lambda case: forms.RectificationForm(request.POST, request.FILES),
        step,
        "rectification_form",
    )


# --- Social supervisors (伴随监督): the external cut, read only --------------------------------


@login_required
@requires("case.accompany")
@require_GET
def accompany_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    cases = selectors.cases_for(user).order_by("-inspection_date", "-pk")
    page = Paginator(cases, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/accompany_list.html", {"page": page})


@login_required
@requires("case.accompany", InspectionCase)
@require_GET
def accompany_case(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = selectors.get_case_or_404(user, pk)
    decided = case.decided_at is not None
    return render(
        request,
        "inspections/accompany_case.html",
        {
            "case": case,
            "reason": selectors.external_reason(case),
            "assignments": list(case.assignments.select_related("officer").order_by("position")),
            "items": list(case.items.order_by("code")),
            # When guidance is given matters to the one who watches; what the enterprise asked
            # stays between it and the agency.
            "bookings": list(case.bookings.select_related("slot__officer")),
            "decided": decided,
            "findings": list(selectors.findings_of(case)) if decided else [],
            "timeline": selectors.timeline(case, user),
        },
    )
