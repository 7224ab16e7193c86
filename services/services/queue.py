"""Services: the hall's queue. Walk-in tickets from the kiosk, priority tickets from checked-in
appointments; clerks call next, recall, skip, transfer and finish."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from services.errors import QueueError
from services.models import Appointment, QueueTicket, TicketKind, TicketStatus
from township.casework.workflow import advisory_lock, lock, transition
from township.identifiers import normalise, validate_mobile_phone
from township.notify.services import send_sms

T = TicketStatus
APPOINTMENT_PRIORITY = 10
# A checked-in appointment may arrive this early before its slot, or this late after its start.
CHECK_IN_EARLY = timedelta(minutes=60)
CHECK_IN_LATE = timedelta(minutes=30)


def _issue(
    *, township, kind, prefix, priority, item=None, phone="", appointment=None, at=None
) -> QueueTicket:
    at = at or timezone.now()
    day = timezone.localdate(at)
    with transaction.atomic():
        advisory_lock("queue-numbers", f"{township.pk}:{day.isoformat()}:{prefix}")
        last = (
            QueueTicket.objects.filter(township=township, service_date=day, prefix=prefix).aggregate(
                last=Max("seq")
            )["last"]
            or 0
        )
        seq = last + 1
        return QueueTicket.objects.create(
            township=township,
            service_date=day,
            kind=kind,
            prefix=prefix,
            seq=seq,
            number=f"{prefix}{seq:03d}",
            priority=priority,
            item=item,
            phone=phone,
            appointment=appointment,
            issued_at=at,
        )


def _clean_phone(phone: str) -> str:
    phone = normalise(phone or "").removeprefix("+86")
    if phone:
        try:
            validate_mobile_phone(phone)
        except ValidationError as error:
            raise QueueError(error.messages[0]) from None
    return phone


def issue_walk_in_ticket(*, township, item=None, phone: str = "", at=None) -> QueueTicket:
    """A numbered walk-in ticket (A001, A002, … per township and day)."""
    if item is not None and item.township_id != township.pk:
        raise QueueError(_("This service item is not offered here."))
    return _issue(
        township=township,
        kind=TicketKind.WALK_IN,
        prefix="A",
        priority=0,
        item=item,
        phone=_clean_phone(phone),
        at=at,
    )


def check_in_appointment(*, appointment: Appointment, at=None) -> QueueTicket:
    """Turn today's booked appointment into a priority ticket; checking in twice gives the same ticket."""
    at = at or timezone.now()
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update().select_related("slot", "township").get(pk=appointment.pk)
        )
        existing = QueueTicket.objects.filter(appointment=appointment).first()
        if existing is not None:
            return existing
        if appointment.status != Appointment.Status.BOOKED:
            raise QueueError(_("This appointment was cancelled."))
        slot = appointment.slot
        if timezone.localdate(slot.starts_at) != timezone.localdate(at):
            raise QueueError(
                _("Your appointment is on %(date)s, not today.")
                % {"date": timezone.localdate(slot.starts_at)}
            )
        if at < slot.starts_at - CHECK_IN_EARLY:
            raise QueueError(
                _("Too early: check-in opens at %(time)s.")
                % {"time": timezone.localtime(slot.starts_at - CHECK_IN_EARLY).strftime("%H:%M")}
            )
        if at > slot.starts_at + CHECK_IN_LATE:
            raise QueueError(_("Your appointment time has passed; please take a walk-in ticket."))
        appointment.status = Appointment.Status.CHECKED_IN
        appointment.save(update_fields=["status"])
        phone = getattr(getattr(appointment.resident, "resident", None), "phone", "")
        return _issue(
            township=appointment.township,
            kind=TicketKind.APPOINTMENT,
            prefix="Y",
            priority=APPOINTMENT_PRIORITY,
            item=appointment.item,
            phone=phone,
            appointment=appointment,
            at=at,
        )


def check_in_by_phone(*, township, phone: str, at=None) -> QueueTicket:
    """The kiosk's check-in: the phone number of the resident account that booked today's appointment."""
    at = at or timezone.now()
    phone = _clean_phone(phone)
    if not phone:
        raise QueueError(_("Enter the mobile number you booked with."))
    day = timezone.localdate(at)
    appointment = (
        Appointment.objects.filter(
            township=township,
            resident__resident__phone=phone,
            slot__starts_at__date=day,
            status__in=[Appointment.Status.BOOKED, Appointment.Status.CHECKED_IN],
        )
        .order_by("slot__starts_at")
        .first()
    )
    if appointment is None:
        raise QueueError(_("No appointment today for this number. Please take a walk-in ticket."))
    return check_in_appointment(appointment=appointment, at=at)


def _require_window(clerk):
    profile = getattr(clerk, "staff_profile", None)
    window = getattr(profile, "window", None)
    if window is None:
        raise QueueError(_("You have no window assigned; ask the township admin to set your usual window."))
    return window


def current_ticket(window) -> QueueTicket | None:
    return (
        QueueTicket.objects.filter(
            window=window, status__in=[T.CALLED, T.SERVING], service_date=timezone.localdate()
        )
        .order_by("-called_at")
        .first()
    )


def _announce(ticket: QueueTicket) -> None:
    if ticket.phone:
        send_sms(
            to=ticket.phone,
            body=_("Number %(number)s, please go to window %(window)s.")
            % {"number": ticket.number, "window": ticket.window.number},
            key=f"ticket-called:{ticket.pk}:{ticket.call_count}",
            township=ticket.township,
        )


def call_next_ticket(*, clerk, at=None) -> QueueTicket | None:
    """Call the next waiting ticket to the clerk's window: appointments first, then by issue time; tickets
    transferred to another window are left for it. Locked rows are skipped, so two clerks calling at the
    same moment never get the same ticket."""
    at = at or timezone.now()
    window = _require_window(clerk)
    with transaction.atomic():
        # One call at a time per window: two clicks (or two tabs) must not call two people to it.
        window = lock(window)
        if current_ticket(window) is not None:
            raise QueueError(_("Finish, skip or transfer the current ticket before calling the next one."))
        ticket = (
            QueueTicket.objects.select_for_update(skip_locked=True)
            .filter(
                township_id=window.township_id,
                service_date=timezone.localdate(at),
                status=T.WAITING,
            )
            .filter(Q(target_window__isnull=True) | Q(target_window=window))
            .order_by("-priority", "issued_at", "pk")
            .first()
        )
        if ticket is None:
            return None
        transition(ticket, to=T.CALLED, actor=clerk, action="call")
        ticket.window, ticket.clerk, ticket.called_at, ticket.call_count = window, clerk, at, 1
        ticket.save(update_fields=["status", "window", "clerk", "called_at", "call_count"])
        _announce(ticket)
    return ticket


def _own_ticket(ticket_id, clerk) -> QueueTicket:
    window = _require_window(clerk)
    ticket = (
        QueueTicket.objects.select_for_update().filter(pk=ticket_id, township_id=window.township_id).first()
    )
    if ticket is None:
        raise QueueError(_("No such ticket in your hall."))
    return ticket


def recall_ticket(*, ticket_id, clerk, at=None) -> QueueTicket:
    with transaction.atomic():
        ticket = _own_ticket(ticket_id, clerk)
        transition(ticket, to=T.CALLED, actor=clerk, action="recall")
        ticket.call_count += 1
        ticket.called_at = ticket.called_at or (at or timezone.now())
        ticket.save(update_fields=["status", "call_count", "called_at"])
        _announce(ticket)
    return ticket


def finish_ticket(*, ticket_id, clerk, at=None) -> QueueTicket:
    with transaction.atomic():
        ticket = _own_ticket(ticket_id, clerk)
        if ticket.status == T.DONE:
            return ticket
        transition(ticket, to=T.DONE, actor=clerk, action="finish")
        ticket.finished_at = at or timezone.now()
        ticket.save(update_fields=["status", "finished_at"])
    return ticket


def skip_ticket(*, ticket_id, clerk, at=None) -> QueueTicket:
    """The called person did not come."""
    with transaction.atomic():
        ticket = _own_ticket(ticket_id, clerk)
        if ticket.status == T.SKIPPED:
            return ticket
        transition(ticket, to=T.SKIPPED, actor=clerk, action="skip")
        ticket.finished_at = at or timezone.now()
        ticket.save(update_fields=["status", "finished_at"])
    return ticket


def transfer_ticket(*, ticket_id, clerk, to_window) -> QueueTicket:
    """Send the person to another window: the ticket waits again, keeping its place, for that window only."""
    with transaction.atomic():
        ticket = _own_ticket(ticket_id, clerk)
        if to_window.township_id != ticket.township_id or not to_window.is_open:
            raise QueueError(_("Choose an open window of this hall."))
        if to_window.pk == ticket.window_id:
            raise QueueError(_("The ticket is already at this window."))
        transition(ticket, to=T.WAITING, actor=clerk, action="transfer")
        ticket.target_window = to_window
        ticket.window = ticket.clerk = ticket.called_at = None
        ticket.call_count = 0
        ticket.save(update_fields=["status", "target_window", "window", "clerk", "called_at", "call_count"])
    return ticket
