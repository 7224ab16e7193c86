"""A 12345 work order that is a local problem becomes a grid event (keeping the hotline number): the
event runs the six-step loop, the order keeps its own clock and reply to the caller and the platform."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from grid.channels.intake import receive_report
from grid.errors import GridEventError
from grid.hotline.services import pass_on_order
from grid.models import GridEvent
from grid.models.channels import EventIntake, EventSource
from grid.models.hotline import HotlineOrder


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
