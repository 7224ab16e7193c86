"""What a 12345 work order becomes, keeping the hotline number and linked both ways: a grid event (a local
problem: it runs the six-step loop), an enforcement clue (the enforcement app's hook makes the clue) or an
application enquiry (the caller asks about an application: the one window answers, the order records
which application). Each once per order: a retry returns the first; the order keeps its own clock and
reply to the caller and the platform."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from grid.channels.intake import receive_report
from grid.errors import GridEventError
from grid.hotline.errors import HotlineError
from grid.hotline.services import is_centre, pass_on_order
from grid.models import GridEvent
from grid.models.channels import EventIntake, EventSource
from grid.models.hotline import HotlineOrder
from township.casework.workflow import lock
from township.identifiers import normalise


def order_to_event(*, order: HotlineOrder, by, category, latitude=None, longitude=None, at=None) -> GridEvent:
    """Once per order: a retry returns the event made the first time."""
    existing = EventIntake.objects.filter(
        source=EventSource.HOTLINE, external_ref=order.hotline_number
    ).select_related("event")
    existing = existing.filter(event__township_id=order.township_id).first()
    if existing is not None:
        return existing.event
    latitude = latitude if latitude not in (None, "") else order.lat
    longitude = longitude if longitude not in (None, "") else order.lng
    if latitude is None or longitude is None:
        raise GridEventError(
            _("The order has no location; give one to find its grid."),
            field_errors={"latitude": [_("Required.")], "longitude": [_("Required.")]},
        )
    with transaction.atomic():
        event = receive_report(
            township=order.township,
            source=EventSource.HOTLINE,
            category=category,
            description=f"{order.title}\n{order.content}"[:2000],
            latitude=latitude,
            longitude=longitude,
            address=order.address,
            reporter_name="" if order.wants_anonymity else order.caller_name,
            is_anonymous=order.wants_anonymity,
            external_ref=order.hotline_number,
            at=at,
        )
        pass_on_order(order=order, by=by, target=event, at=at)
    return event


# The enforcement app's "clue from a hotline order" service, wired at start-up
# (enforcement.cases.apps: set_hotline_clue_hook(clue_from_hotline_order)); grid does not import it.
_clue_hook: Callable | None = None


def set_hotline_clue_hook(hook: Callable | None) -> None:
    global _clue_hook  # noqa: PLW0603 - one hook, set once at start-up
    _clue_hook = hook


def _passed_on_elsewhere(order: HotlineOrder, target=None) -> None:
    """Refuse when the order already became something other than `target`."""
    if order.passed_to_id is None:
        return
    if target is not None and (
        order.passed_to_type_id == ContentType.objects.get_for_model(target).pk
        and order.passed_to_id == target.pk
    ):
        return
    raise HotlineError(
        _("This work order was already passed on as %(target)s.")
        % {"target": getattr(order.passed_to, "number", order.passed_to)},
        code="passed_on",
    )


def _require_centre(by) -> None:
    if not is_centre(by):
        raise HotlineError(_("Only the command centre passes work orders on."), code="role")


def _text(value, *, field: str, max_length: int) -> str:
    text = str(value or "").strip()
    if "\x00" in text or len(text) > max_length:
        raise HotlineError(
            _("At most %(n)d characters.") % {"n": max_length}, field_errors={field: [_("Check it.")]}
        )
    return text


def _is_clue_of(target, order: HotlineOrder) -> bool:
    """Whether `target` is a clue made from this order (it keeps the order as its source record)."""
    return (
        getattr(target, "source_type_id", None) == ContentType.objects.get_for_model(order).pk
        and getattr(target, "source_id", None) == order.pk
    )


def order_to_clue(*, order: HotlineOrder, by, note: str = "", at=None):
    """Pass the order to the enforcement bureau as a clue (线索) keeping its hotline number; once only."""
    _require_centre(by)
    note = _text(note, field="note", max_length=500)
    if _clue_hook is None:
        raise HotlineError(_("Enforcement clues cannot be created yet in this installation."))
    with transaction.atomic():
        order = lock(order)
        if order.passed_to_id is not None:
            target = order.passed_to
            if _is_clue_of(target, order):
                return target
            _passed_on_elsewhere(order)
        clue = _clue_hook(order=order, by=by, note=note)
        pass_on_order(order=order, by=by, target=clue, at=at)
    return clue


def order_to_enquiry(*, order: HotlineOrder, by, application_number: str, at=None):
    """The caller asks about an application: the order is answered by the one window and records which
    application (found by its number in the order's township; no such number is refused)."""
    from services.models import Application  # noqa: PLC0415 - the one-window app, read only here

    _require_centre(by)
    number = normalise(application_number or "").strip()
    application = (
        Application.objects.filter(township_id=order.township_id, number=number).first()
        if number and len(number) <= 30 and "\x00" not in number
        else None
    )
    if application is None:
        raise HotlineError(
            _("There is no application with this number in %(township)s.")
            % {"township": order.township.name},
            code="application",
            field_errors={"application_number": [_("Unknown application number.")]},
        )
    with transaction.atomic():
        order = lock(order)
        _passed_on_elsewhere(order, application)
        if order.passed_to_id is not None:
            return application
        pass_on_order(order=order, by=by, target=application, at=at)
    return application
