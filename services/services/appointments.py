"""Services: booking appointment slots."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from services.models import Appointment, AppointmentSlot
from township.calendar.schedule import office_periods
from township.errors import DomainError
from township.notify.services import send_sms


class BookingError(DomainError):
    """A booking that cannot be made; the message is for the resident."""


def book_appointment(*, slot_id: int, resident, item=None) -> Appointment:
    """Take one place in a slot, at most one booked visit a day per resident, and text the resident a
    confirmation. The place is taken by one conditional UPDATE, so when two people book the last place at
    the same moment exactly one of them gets it; the other is told the slot is full. A second booking on the
    same day is refused here with the time already booked, and by a unique index where two requests race."""
    with transaction.atomic():
        wanted = AppointmentSlot.objects.filter(pk=slot_id).first()
        if wanted is not None:
            same_day = (
                Appointment.objects.filter(
                    resident=resident,
                    status=Appointment.Status.BOOKED,
                    day=timezone.localdate(wanted.starts_at),
                )
                .select_related("slot")
                .first()
            )
            if same_day is not None:
                raise BookingError(_already_booked_message(same_day))
        taken = AppointmentSlot.objects.filter(
            pk=slot_id, booked__lt=F("capacity"), starts_at__gt=timezone.now()
        ).update(booked=F("booked") + 1)
        if not taken:
            slot = AppointmentSlot.objects.filter(pk=slot_id).first()
            if slot is None:
                raise BookingError(_("This appointment slot does not exist."))
            if slot.starts_at <= timezone.now():
                raise BookingError(_("This appointment slot has already started; please choose a later one."))
            raise BookingError(_("This appointment slot is fully booked; please choose another time."))
        slot = AppointmentSlot.objects.select_related("township").get(pk=slot_id)
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    township=slot.township,
                    slot=slot,
                    resident=resident,
                    item=item,
                    day=timezone.localdate(slot.starts_at),
                )
        except IntegrityError:
            raise BookingError(_("You have already booked a visit on this day.")) from None
        _text_confirmation(appointment)
        return appointment


def _when(appointment: Appointment) -> str:
    return timezone.localtime(appointment.slot.starts_at).strftime("%Y-%m-%d %H:%M")


def _already_booked_message(appointment: Appointment) -> str:
    return _(
        "You have already booked a visit on this day (%(time)s). Cancel it first if you want another time."
    ) % {"time": _when(appointment)}


def _text_confirmation(appointment: Appointment) -> None:
    """One SMS per booking (the key is the appointment), queued in the booking's transaction."""
    account = getattr(appointment.resident, "resident", None)
    phone = getattr(account, "phone", "")
    if not phone:
        return
    send_sms(
        to=phone,
        body=_(
            "[%(hall)s] Your visit is booked for %(time)s. At the hall, check in at the kiosk with this "
            "mobile number; booked visitors are called first."
        )
        % {"hall": appointment.township.name, "time": _when(appointment)},
        key=f"appointment-{appointment.pk}-booked",
        township=appointment.township,
    )


def open_appointment_slots(
    *, township, days: int = 10, minutes: int = 30, capacity: int = 4, today=None
) -> int:
    """Offer bookable slots over the office hours of the next `days` calendar days; idempotent (existing
    slots are left as they are, with their bookings), so the daily beat job can run it again and again."""
    today = today or timezone.localdate()
    slots = []
    for offset in range(1, days + 1):
        for start, end in office_periods(today + timedelta(days=offset)):
            at = start
            while at + timedelta(minutes=minutes) <= end:
                slots.append(
                    AppointmentSlot(
                        township=township,
                        starts_at=at,
                        ends_at=at + timedelta(minutes=minutes),
                        capacity=capacity,
                    )
                )
                at += timedelta(minutes=minutes)
    if not slots:
        return 0
    window = AppointmentSlot.objects.filter(
        township=township, starts_at__gte=slots[0].starts_at, starts_at__lte=slots[-1].starts_at
    )
    before = window.count()
    AppointmentSlot.objects.bulk_create(slots, ignore_conflicts=True)
    return window.count() - before


def cancel_appointment(*, appointment_id: int, resident) -> Appointment:
    """The resident gives their place back (before the slot starts); cancelling twice changes nothing."""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update().filter(pk=appointment_id, resident=resident).first()
        )
        if appointment is None:
            raise BookingError(_("This appointment does not exist."))
        if appointment.status == Appointment.Status.CANCELLED:
            return appointment
        if appointment.status != Appointment.Status.BOOKED:
            raise BookingError(_("You have already checked in for this appointment."))
        if appointment.slot.starts_at <= timezone.now():
            raise BookingError(_("This appointment has already started."))
        appointment.status = Appointment.Status.CANCELLED
        appointment.save(update_fields=["status"])
        AppointmentSlot.objects.filter(pk=appointment.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    return appointment
