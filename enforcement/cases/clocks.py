"""The statutory clocks of a case, as pure date arithmetic (hand-checkable) plus the kernel deadlines.

Counting (民事诉讼法 2023 art. 85, followed in administrative procedure): the day of the event is not
counted, the period starts the next day. A working-day period ends on the n-th working day after the
event (township.calendar). A calendar-day period ends n days after the event, but when that day is a rest
day or public holiday, on the first working day after it (an adjusted working Saturday is a working day).

The kernel's calendar-day clock does not roll a due date off a holiday, so `sync_due` sets the due date
of a kernel deadline to the one computed here (and its yellow mark the way the kernel does).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone

from enforcement.power import rules
from township.calendar.schedule import add_working_days, is_working_day
from township.casework import deadlines as kernel
from township.casework.models import Deadline, LimitUnit

ONE_DAY = timedelta(days=1)


def roll_forward(day: date) -> date:
    """The day itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def calendar_due(event_day: date, days: int) -> date:
    """The last day of a `days` calendar-day period counted from an event on `event_day`."""
    return roll_forward(event_day + timedelta(days=days))


def working_due(event_day: date, days: int) -> date:
    """The last day of a `days` working-day period counted from an event on `event_day`."""
    return add_working_days(event_day, days)


def add_years(day: date, years: int) -> date:
    """The same date `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def limitation_years(case) -> int:
    """Art. 36: 5 years where life, health, safety or financial security is concerned AND harm was
    caused, otherwise 2."""
    if case.concerns_safety and case.caused_harm:
        return rules.LIMITATION_YEARS_SAFETY_WITH_HARM
    return rules.LIMITATION_YEARS


def limitation_last_day(case) -> date:
    """The last day on which discovering the act still allows a penalty (counted from the act or the day
    a continuing act ended)."""
    return roll_forward(add_years(case.act_ended_on, limitation_years(case)))


def decision_due_date(case, suspended_days: int | None = None) -> date:
    """Art. 60: 90 calendar days from registration, plus approved extensions, plus days not counted
    (hearing, public notice, testing)."""
    if suspended_days is None:
        suspended_days = decision_suspended_days(case)
    registered = timezone.localdate(case.registered_at)
    return calendar_due(
        registered, rules.decision_days(case.township_id) + case.decision_extension_days + suspended_days
    )


DECISION_PAUSES = ("hearing", "public_notice", "testing")
LATE_FEE_PAUSES = ("review", "litigation")


def _suspended_days(case, kinds, until: date | None = None) -> int:
    total = 0
    for suspension in case.suspensions.all():
        if suspension.kind not in kinds:
            continue
        end = suspension.ended_on or until
        if end is None:
            continue
        total += max(0, (end - suspension.started_on).days)
    return total


def decision_suspended_days(case) -> int:
    return _suspended_days(case, DECISION_PAUSES)


def payment_due_date(served_on: date) -> date:
    """Art. 67: 15 calendar days from receipt of the decision."""
    return calendar_due(served_on, rules.PAYMENT_DAYS)


def late_fee(
    *, fine: Decimal, pay_by: date, on: date, excluded: list[tuple[date, date | None]] = ()
) -> Decimal:
    """Art. 72(1), 73: 3 % of the fine for every day after `pay_by` up to and including `on`, capped at
    the fine, not counting the days of review or litigation (from filing to conclusion: the days in
    (start, end]; an open period runs until `on`)."""
    if on <= pay_by or fine <= 0:
        return Decimal("0.00")
    counted = (on - pay_by).days
    for start, end in excluded:
        end = min(end or on, on)
        start = max(start, pay_by)
        if end > start:
            counted -= (end - start).days
    counted = max(counted, 0)
    fee = (fine * rules.LATE_FEE_DAILY_RATE * counted).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(fee, fine)


def court_application_window(served_on: date, *, deferred_until: date | None = None) -> tuple[date, date]:
    """行政强制法 art. 53: the court may be asked within 3 months after the review (60 days) and
    litigation (6 months) periods have run; after an approved deferral, from its end."""
    litigation_end = roll_forward(add_months(served_on, rules.LITIGATION_MONTHS))
    review_end = calendar_due(served_on, rules.REVIEW_DAYS)
    start = max(litigation_end, review_end, deferred_until or served_on)
    return start + ONE_DAY, roll_forward(add_months(start, rules.COURT_APPLICATION_MONTHS))


# --- kernel deadlines ------------------------------------------------------------------------------------


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + ONE_DAY, time.min, tzinfo=timezone.get_default_timezone())


def sync_due(deadline: Deadline, due: date) -> Deadline:
    """Set a kernel deadline's due date (and its yellow mark, as township.casework.clock does)."""
    deadline.due_at = end_of_day(due)
    threshold = deadline.yellow_threshold
    if threshold is None:
        threshold = int(settings.CASEWORK_YELLOW_THRESHOLDS[deadline.limit_unit])
    if deadline.limit_unit == LimitUnit.WORKING_DAYS:
        from township.calendar.schedule import subtract_working_days  # noqa: PLC0415 - kept next to its only use

        yellow = end_of_day(subtract_working_days(due, threshold))
    else:
        yellow = end_of_day(due - timedelta(days=threshold))
    deadline.yellow_at = max(yellow, deadline.clock_started_at)
    deadline.save(update_fields=["due_at", "yellow_at", "limit_value"])
    return deadline


def open_calendar_deadline(case, *, kind: str, label, due: date, at: datetime, actor=None) -> Deadline:
    """Open a calendar-day deadline of the kernel that ends on `due` (already rolled off holidays)."""
    start = timezone.localdate(at)
    deadline = kernel.open_deadline(
        case,
        kind=kind,
        label=label,
        limit_value=max((due - start).days, 0),
        limit_unit=LimitUnit.CALENDAR_DAYS,
        at=at,
        actor=actor,
    )
    if deadline.due_date != due:
        sync_due(deadline, due)
    return deadline


def open_working_deadline(case, *, kind: str, label, days: int, at: datetime, actor=None) -> Deadline:
    return kernel.open_deadline(
        case, kind=kind, label=label, limit_value=days, limit_unit=LimitUnit.WORKING_DAYS, at=at, actor=actor
    )


def open_deadline_of(case, kind: str) -> Deadline | None:
    return kernel.open_deadlines(case).filter(kind=kind).first()


def refresh_next_due(case) -> None:
    """Keep the case's earliest open time limit on the row (the officers' list sorts on it)."""
    first = kernel.open_deadlines(case).order_by("due_at").only("due_at", "label").first()
    case.next_due_at = first.due_at if first else None
    case.next_due_label = first.label if first else ""
