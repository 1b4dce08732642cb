"""Pre-guidance (前置预约指导服务): slots and finished bookings."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from zhifa.core import access
from zhifa.core.access import requires
from zhifa.core.viewhelpers import add_service_errors, posted, request_user
from zhifa.inspections import forms, services
from zhifa.inspections.models import GuidanceBooking, GuidanceSlot
from zhifa.org.scoping import get_visible_or_404, visible_to


@login_required
@requires("slot.list", write="slot.publish", own_organisation=True)
@require_http_methods(["GET", "POST"])
def slot_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    slots = visible_to(
        user,
        GuidanceSlot.objects.select_related("organisation", "officer").prefetch_related(
            Prefetch(
                "bookings",
                queryset=GuidanceBooking.objects.select_related("case__enterprise").order_by("pk"),
            )
        ),
    ).order_by("-starts_at", "-pk")
    # Slots are published for the user's own agency.
    can_publish = user.organisation is not None and access.can(
        user, "slot.publish", user.organisation
    )
    form = forms.SlotForm(posted(request), organisation_id=user.organisation_id)
    if request.method == "POST":
        if not can_publish:
            access.require(user, "slot.publish", user.organisation)
            raise PermissionDenied(services.WRITE_DENIED)
        if form.is_valid():
            assert user.organisation is not None
            try:
                slot = services.publish_slot(
                    organisation=user.organisation, actor=user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已发布指导时段 {slot}。")
                return redirect("inspections:slot_list")
    page = Paginator(slots, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/slot_list.html",
        {"page": page, "form": form, "can_publish": can_publish},
    )


@login_required
@requires("booking.record", GuidanceBooking)
@require_http_methods(["GET", "POST"])
def booking_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    booking = get_visible_or_404(
        user, GuidanceBooking.objects.select_related("case__enterprise", "slot__officer"), pk=pk
    )
    form = forms.GuidanceNoteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_guidance(booking, actor=user, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已记录对{booking.case.enterprise.name}的指导情况。")
            return redirect("inspections:slot_list")
    return render(request, "inspections/booking_done.html", {"booking": booking, "form": form})
