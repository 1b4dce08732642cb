"""Pre-guidance (前置预约指导服务): slots and bookings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Status
from ninja.errors import HttpError

from zhifa.core.access import requires
from zhifa.inspections import selectors, services
from zhifa.inspections.api._common import (
    _acting_organisation,
    _aware,
    _case,
    _lookup_refused,
    _run,
    _user,
    router,
)
from zhifa.inspections.api.schemas import (
    BookingIn,
    BookingOut,
    FieldErrors,
    GuidanceNoteIn,
    Message,
    SlotIn,
    SlotOut,
)
from zhifa.inspections.models import GuidanceBooking, GuidanceSlot, InspectionCase
from zhifa.org.models import Officer, User
from zhifa.org.scoping import visible_to

# --- Pre-guidance (前置预约指导服务) ----------------------------------------------------------


@router.get(
    "/slots",
    response={200: list[SlotOut], 404: Message},
    summary="某一案件的企业在检查前仍可预约的指导时段",
)
@requires("case.view", InspectionCase, kwarg="case")
def list_open_slots(request: HttpRequest, case: int = Query(description="案件编号")) -> Status[Any]:
    return Status(200, list(selectors.open_slots(_case(_user(request), case))))


@router.post(
    "/slots",
    response={201: SlotOut, 403: Message, 400: FieldErrors},
    summary="发布指导时段（执法机关）",
)
@requires("slot.publish")
def publish_slot(request: HttpRequest, payload: SlotIn) -> Status[Any]:
    user = _user(request)
    errors: dict[str, list[str]] = {}
    try:
        organisation = _acting_organisation(
            user, payload.organisation, errors, action="slot.publish"
        )
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    if organisation is None:
        return _lookup_refused(errors)
    officer = Officer.objects.filter(
        organisation=organisation, cert_no=payload.officer.strip()
    ).first()
    if officer is None:
        return _lookup_refused(
            {"officer": [f"{organisation.name}没有执法证号为 {payload.officer} 的执法人员。"]}
        )
    return _run(
        lambda: services.publish_slot(
            organisation=organisation,
            actor=user,
            starts_at=_aware(payload.starts_at),
            ends_at=_aware(payload.ends_at),
            place=payload.place,
            officer=officer,
        ),
        lambda slot: Status(201, slot),
    )


def _bookings() -> QuerySet[GuidanceBooking]:
    return GuidanceBooking.objects.select_related("slot__officer", "case__enterprise")


@router.post(
    "/cases/{case_id}/bookings",
    response={201: BookingOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="企业预约指导时段（收到预告通知书后、检查日前）",
)
@requires("case.respond", InspectionCase, kwarg="case_id")
def book_guidance(request: HttpRequest, case_id: int, payload: BookingIn) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    slot = GuidanceSlot.objects.filter(pk=payload.slot, organisation_id=case.organisation_id)
    found = slot.select_related("officer").first()
    if found is None:
        return _lookup_refused({"slot": ["该时段不可预约，请选择检查机关发布的其他时段。"]})
    return _run(
        lambda: services.book_guidance(case, actor=user, slot=found, topic=payload.topic),
        lambda booking: Status(201, _bookings().get(pk=booking.pk)),
    )


def _booking(user: User, booking_id: int) -> GuidanceBooking:
    booking = visible_to(user, _bookings()).filter(pk=booking_id).first()
    if booking is None:
        raise HttpError(404, "没有找到该指导预约，或您无权查看。")
    return booking


@router.post(
    "/bookings/{booking_id}/cancel",
    response={200: BookingOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="企业取消指导预约",
)
@requires("case.respond", GuidanceBooking, kwarg="booking_id")
def cancel_booking(request: HttpRequest, booking_id: int) -> Status[Any]:
    user = _user(request)
    booking = _booking(user, booking_id)
    return _run(
        lambda: services.cancel_booking(booking, actor=user),
        lambda done: Status(200, _bookings().get(pk=done.pk)),
    )


@router.post(
    "/bookings/{booking_id}/done",
    response={200: BookingOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="记录指导情况（执法机关）",
)
@requires("booking.record", GuidanceBooking, kwarg="booking_id")
def record_guidance(request: HttpRequest, booking_id: int, payload: GuidanceNoteIn) -> Status[Any]:
    user = _user(request)
    booking = _booking(user, booking_id)
    return _run(
        lambda: services.record_guidance(booking, actor=user, note=payload.note),
        lambda done: Status(200, _bookings().get(pk=done.pk)),
    )
