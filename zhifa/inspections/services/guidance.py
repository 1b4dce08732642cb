"""Pre-guidance (前置预约指导服务): slots, bookings and the guidance note."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change, snapshot
from zhifa.core import access, timefmt
from zhifa.inspections import messages
from zhifa.inspections.models import (
    BookingStatus,
    CaseStatus,
    GuidanceBooking,
    GuidanceSlot,
    InspectionCase,
)
from zhifa.inspections.services._common import _text
from zhifa.org.models import Officer, Organisation

# --- Pre-guidance (前置预约指导服务) ----------------------------------------------------------


def publish_slot(
    *,
    organisation: Organisation,
    actor: Any,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    officer: Officer,
) -> GuidanceSlot:
    access.require(actor, "slot.publish", organisation)
    place = _text(place, label="方式/地点", required=True, limit=200)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": ["结束时间应晚于开始时间。"]})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": ["只能发布将来的指导时段。"]})
    if officer.organisation_id != organisation.pk:
        raise ValidationError({"officer": [f"{officer.name} 不是本机关的执法人员。"]})
    with transaction.atomic():
        slot = GuidanceSlot.objects.create(
            organisation=organisation,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            officer=officer,
            created_by=actor,
        )
        record_change(
            actor=actor,
            action="inspections.slot.publish",
            obj=slot,
            after=snapshot(slot),
            summary=f"发布指导时段 {slot}（{officer.name}）",
        )
    return slot


def book_guidance(
    case: InspectionCase, *, actor: Any, slot: GuidanceSlot, topic: str = ""
) -> GuidanceBooking:
    """The enterprise books a guidance slot of the inspecting agency before the inspection."""
    access.require(actor, "case.respond", case)
    if case.status != CaseStatus.NOTIFIED:
        raise ValidationError("收到预告通知书后、检查开始前才能预约指导。")
    if slot.organisation_id != case.organisation_id or slot.is_withdrawn:
        raise ValidationError({"slot": ["该时段不可预约，请选择检查机关发布的其他时段。"]})
    if timefmt.beijing_date(slot.starts_at) >= case.inspection_date:
        raise ValidationError({"slot": ["指导时段须早于检查日期，请选择更早的时段。"]})
    if slot.starts_at <= timezone.now():
        raise ValidationError({"slot": ["该时段已开始或已过去，请选择其他时段。"]})
    topic = _text(topic, label="希望指导的问题", limit=500)
    with transaction.atomic():
        GuidanceSlot.objects.select_for_update().filter(pk=slot.pk).exists()
        taken = GuidanceBooking.objects.filter(
            slot=slot, status__in=(BookingStatus.BOOKED, BookingStatus.DONE)
        ).exists()
        if taken:
            raise ValidationError({"slot": ["该时段已被预约，请选择其他时段。"]})
        booking = GuidanceBooking.objects.create(slot=slot, case=case, topic=topic, booked_by=actor)
        record_change(
            actor=actor,
            action="inspections.booking.create",
            obj=booking,
            after=snapshot(booking),
            summary=f"{case.enterprise.name} 预约指导时段 {slot}",
            region=case.region_id,
        )
        messages.booking_made(booking, actor=actor)
    return booking


def cancel_booking(booking: GuidanceBooking, *, actor: Any) -> GuidanceBooking:
    access.require(actor, "case.respond", booking)
    with transaction.atomic():
        current = GuidanceBooking.objects.select_for_update().get(pk=booking.pk)
        if current.status != BookingStatus.BOOKED:
            raise ValidationError(f"预约当前为“{current.get_status_display()}”，不能取消。")
        before = snapshot(current)
        current.status = BookingStatus.CANCELLED
        current.save()
        record_change(
            actor=actor,
            action="inspections.booking.cancel",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"{current.case.enterprise.name} 取消指导预约 {current.slot}",
            region=current.case.region_id,
        )
        messages.booking_cancelled(current, actor=actor)
    booking.refresh_from_db()
    return booking


def record_guidance(booking: GuidanceBooking, *, actor: Any, note: str) -> GuidanceBooking:
    access.require(actor, "booking.record", booking)
    note = _text(note, label="指导情况", required=True)
    with transaction.atomic():
        current = GuidanceBooking.objects.select_for_update().get(pk=booking.pk)
        if current.status != BookingStatus.BOOKED:
            raise ValidationError(f"预约当前为“{current.get_status_display()}”，不能记录指导情况。")
        before = snapshot(current)
        current.status = BookingStatus.DONE
        current.guidance_note = note
        current.done_at = timezone.now()
        current.save()
        record_change(
            actor=actor,
            action="inspections.booking.done",
            obj=current,
            before=before,
            after=snapshot(current),
            summary=f"完成对 {current.case.enterprise.name} 的合规指导",
        )
    booking.refresh_from_db()
    return booking
