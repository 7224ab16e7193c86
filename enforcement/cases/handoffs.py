"""Clues handed over by other loops: a random-inspection finding, a grid event, a 12345 order. Each
becomes a clue of the township's enforcement bureau (settings.ENFORCEMENT_BUREAU_CODE), linked both ways
(the case keeps the source row; a second hand-over returns the same case)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.cases.services import CaseError, create_clue_from_source
from enforcement.models.cases import CaseSource
from township.org.models import Department


def bureau_of(township) -> Department:
    bureau = Department.objects.filter(
        township=township, code=settings.ENFORCEMENT_BUREAU_CODE, is_active=True
    ).first()
    if bureau is None:
        raise CaseError(
            _("%(township)s has no enforcement bureau (department %(code)s) to take the clue.")
            % {"township": township.name, "code": settings.ENFORCEMENT_BUREAU_CODE}
        )
    return bureau


def clue_from_inspection(task, *, by) -> str:
    """The inspections' hook (enforcement.inspections.hooks): the clue's number."""
    case = create_clue_from_source(
        source_record=task,
        source=CaseSource.RANDOM_INSPECTION,
        department=bureau_of(task.township),
        by=by,
        summary=(task.findings or _("Random inspection finding")),
        place=(task.entity.address or task.entity.name)[:200],
        discovered_on=task.inspected_on,
    )
    return case.number


def clue_from_grid_event(*, event, by, note: str = ""):
    """The grid's hook (grid.events.services.set_enforcement_clue_hook): the case, linked to the event."""
    summary = f"{event.category.major_name} · {event.category.minor_name}: {event.description}"
    if note:
        summary = f"{summary}\n{note}"
    return create_clue_from_source(
        source_record=event,
        source=CaseSource.GRID_EVENT,
        department=bureau_of(event.township),
        by=by,
        summary=summary[:2000],
        place=(event.address or str(event.grid))[:200],
        discovered_on=timezone.localdate(event.reported_at),
        lng=Decimal(str(round(event.longitude, 7))),
        lat=Decimal(str(round(event.latitude, 7))),
    )


def clue_from_hotline_order(*, order, by, note: str = ""):
    """The hotline's hook (grid.channels.hotline.set_hotline_clue_hook): the case, linked to the 12345
    order (its source record) and keeping the hotline number at the head of what was found."""
    summary = _("12345 hotline %(number)s") % {"number": order.hotline_number}
    summary = f"{summary}: {order.title}\n{order.content}"
    if note:
        summary = f"{summary}\n{note}"
    located = {"lng": order.lng, "lat": order.lat} if order.lng is not None and order.lat is not None else {}
    return create_clue_from_source(
        source_record=order,
        source=CaseSource.HOTLINE,
        department=bureau_of(order.township),
        by=by,
        summary=summary[:2000],
        place=(order.address or order.township.name)[:200],
        discovered_on=min(timezone.localdate(order.received_at), timezone.localdate()),
        **located,
    )
