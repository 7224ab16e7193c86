"""Services: booking appointment slots."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from services.models import Appointment, AppointmentSlot


class BookingError(Exception):
    """A booking that cannot be made; the message is for the resident."""


def book_appointment(*, slot_id: int, resident, item=None) -> Appointment:
    """Take one place in a slot. The place is taken by one conditional UPDATE, so when two people book the
    last place at the same moment exactly one of them gets it; the other is told the slot is full."""
    with transaction.atomic():
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
        slot = AppointmentSlot.objects.get(pk=slot_id)
        try:
            with transaction.atomic():
                return Appointment.objects.create(
                    township=slot.township, slot=slot, resident=resident, item=item
                )
        except IntegrityError:
            raise BookingError(_("You have already booked this slot.")) from None
