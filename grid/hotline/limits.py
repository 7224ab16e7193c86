"""The hotline's time limits, read from settings.HOTLINE_LIMITS (local rules, not code).

Per urgency class: `dispatch` (the centre sends the order to a unit), `sign` (the unit signs for it,
签收, measured on its own so the reply clock cannot be dodged by signing late) and `reply` (from
signing to the reply to the caller) as (amount, unit) with the kernel's units. A unit may send an
order back (退单) for one working day after it was dispatched (to the end of the next working day), at most
HOTLINE_MAX_SEND_BACKS times; after that, or once the centre has forced the assignment, it may not.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from township.casework.clock import limit_ends
from township.casework.models import LimitUnit


def limit(urgency: str, step: str) -> tuple[int, str]:
    value, unit = settings.HOTLINE_LIMITS[urgency][step]
    return int(value), str(unit)


def send_back_window_ends(assigned_at: datetime) -> datetime:
    """The instant a send-back stops being allowed: one working day after dispatch, read as every clock
    reads a 1-working-day limit (to the end of the next working day), as for grid events."""
    return limit_ends(assigned_at, 1, LimitUnit.WORKING_DAYS)


def max_send_backs() -> int:
    return int(settings.HOTLINE_MAX_SEND_BACKS)
