"""The hotline's time limits, read from settings.HOTLINE_LIMITS (local rules, not code).

Per urgency class: `dispatch` (the centre sends the order to a unit), `sign` (the unit signs for it,
签收, measured on its own so the reply clock cannot be dodged by signing late) and `reply` (from
signing to the reply to the caller) as (amount, unit) with the kernel's units. A unit may send an
order back (退单) until the same time on the next working day after it was dispatched, at most
HOTLINE_MAX_SEND_BACKS times; after that, or once the centre has forced the assignment, it may not.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from township.calendar import schedule


def limit(urgency: str, step: str) -> tuple[int, str]:
    value, unit = settings.HOTLINE_LIMITS[urgency][step]
    return int(value), str(unit)


def send_back_window_ends(assigned_at: datetime) -> datetime:
    """The instant a send-back stops being allowed: one working day after dispatch, at the same time."""
    local = timezone.localtime(assigned_at)
    day = schedule.add_working_days(local.date(), 1)
    return local.replace(year=day.year, month=day.month, day=day.day)


def max_send_backs() -> int:
    return int(settings.HOTLINE_MAX_SEND_BACKS)
