"""Deadline clock operations on a case's CaseClock fields; the caller saves the case in its transaction.

Rules, all in local time (settings.TIME_ZONE):

- A day limit ends at midnight after the due date; a working-hours limit at an instant in office hours;
  a clock-hours limit (emergencies, round the clock) that many hours after it started.
- "Remaining" counts the days left after today, as people read a due date: on the due date nothing is
  left but today ("due today"); the day before, one. Yellow starts at the first instant when no more
  than the threshold remains counting today (threshold 2: from the day before the due date); red
  (overdue) at `due_at`.
- A pause (e.g. a supplement request, 补正) stops time: on resume, due and yellow move on by what
  elapsed during the pause, in the clock's unit (for working days: the working days in
  (pause date, resume date]). A clock can be paused and resumed any number of times.
- The warning level is not set here but by the sweep, which also records the warning events; only
  starting a clock resets it, and stopping a clock freezes it at its final value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from township.calendar import schedule
from township.casework.errors import ClockError
from township.casework.models import HOUR_UNITS, CaseClock, LimitUnit, WarningLevel

__all__ = [
    "ClockError",
    "Remaining",
    "current_level",
    "extend_clock",
    "limit_ends",
    "pause_clock",
    "remaining",
    "resume_clock",
    "start_clock",
    "stop_clock",
]


# --- validation -----------------------------------------------------------------------------------


def _instant(at: object) -> datetime:
    if not isinstance(at, datetime) or timezone.is_naive(at):
        raise ClockError(gettext("The time of a clock action must be a timezone-aware date and time."))
    return at


def _unit(value: object) -> LimitUnit:
    if value not in LimitUnit.values:
        raise ClockError(
            gettext("Unknown time-limit unit “%(unit)s”; use one of: %(units)s.")
            % {"unit": value, "units": ", ".join(LimitUnit.values)}
        )
    return LimitUnit(value)


def _whole_number(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ClockError(
            gettext("The %(what)s must be a whole number, zero or more; got “%(value)s”.")
            % {"what": what, "value": value}
        )
    return value


def _not_before(at: datetime, earlier: datetime, message: str) -> None:
    if at < earlier:
        raise ClockError(message)


def _require_started(case: CaseClock) -> None:
    if case.clock_started_at is None or case.due_at is None:
        raise ClockError(gettext("The clock of this case has not been started."))
    if case.clock_stopped_at is not None:
        raise ClockError(gettext("The clock of this case has stopped; start a new time limit instead."))


# --- computing instants ---------------------------------------------------------------------------


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.get_default_timezone())


def _threshold(case: CaseClock) -> int:
    if case.yellow_threshold is not None:
        return case.yellow_threshold
    return int(settings.CASEWORK_YELLOW_THRESHOLDS[case.limit_unit])


def _advance(case: CaseClock, day_or_instant, amount) -> datetime:
    """The due instant `amount` units after a local date (day units) or an instant (hour units)."""
    if case.limit_unit == LimitUnit.WORKING_HOURS:
        return schedule.add_working_hours(day_or_instant, amount)
    if case.limit_unit == LimitUnit.CLOCK_HOURS:
        return day_or_instant + (amount if isinstance(amount, timedelta) else timedelta(hours=amount))
    if case.limit_unit == LimitUnit.WORKING_DAYS:
        return _end_of_day(schedule.add_working_days(day_or_instant, amount))
    return _end_of_day(day_or_instant + timedelta(days=amount))


def limit_ends(start: datetime, value: int, unit) -> datetime:
    """The instant a limit of `value` `unit`s begun at `start` runs out, read as every clock reads it:
    day limits end at midnight after the last day counted (a 1-working-day limit from a Friday afternoon
    runs to the end of Monday), hour limits after that many (working or clock) hours. For a window that is
    not a case's own clock: how long a send-back stays open, say."""
    unit = _unit(unit)
    value = _whole_number(value, gettext("time limit"))
    start = _instant(start)
    probe = SimpleNamespace(limit_unit=unit)  # _advance reads only the unit
    if unit in HOUR_UNITS:
        return _advance(probe, start, value)
    return _advance(probe, timezone.localdate(start), value)


def _set_yellow(case: CaseClock) -> None:
    threshold = _threshold(case)
    if case.limit_unit == LimitUnit.WORKING_HOURS:
        yellow = schedule.subtract_working_hours(case.due_at, threshold)
    elif case.limit_unit == LimitUnit.CLOCK_HOURS:
        yellow = case.due_at - timedelta(hours=threshold)
    elif case.limit_unit == LimitUnit.WORKING_DAYS:
        yellow = _end_of_day(schedule.subtract_working_days(case.due_date, threshold))
    else:
        yellow = _end_of_day(case.due_date - timedelta(days=threshold))
    # A limit shorter than the threshold is yellow from the start.
    case.yellow_at = max(yellow, case.clock_started_at)


def _clock_time(case: CaseClock, now: datetime) -> datetime:
    """The instant the clock shows: time stands still while it is paused and after it stopped."""
    return min(t for t in (now, case.clock_paused_at, case.clock_stopped_at) if t is not None)


# --- operations -----------------------------------------------------------------------------------


def start_clock(
    case: CaseClock, *, at: datetime, limit_value: int, limit_unit: str, yellow_threshold: int | None = None
) -> None:
    """Start a time limit at `at`; a stopped clock may be started again (a new step, rework)."""
    at = _instant(at)
    unit = _unit(limit_unit)
    value = _whole_number(limit_value, gettext("time limit"))
    if yellow_threshold is not None:
        _whole_number(yellow_threshold, gettext("yellow warning threshold"))
    if case.clock_started_at is not None and case.clock_stopped_at is None:
        raise ClockError(
            gettext("The clock of this case is already running; stop it before starting it again.")
        )
    case.limit_value, case.limit_unit, case.yellow_threshold = value, unit, yellow_threshold
    case.clock_started_at, case.clock_paused_at, case.clock_stopped_at = at, None, None
    case.paused_count = 0
    start = at if unit in HOUR_UNITS else timezone.localdate(at)
    case.due_at = _advance(case, start, value)
    _set_yellow(case)
    if case.warning_level != WarningLevel.NORMAL:
        case.warning_level, case.warning_changed_at = WarningLevel.NORMAL, at


def pause_clock(case: CaseClock, *, at: datetime) -> None:
    """Stop time (e.g. while the applicant supplements materials)."""
    at = _instant(at)
    _require_started(case)
    if case.clock_paused_at is not None:
        raise ClockError(
            gettext("The clock of this case is already paused (since %(time)s).")
            % {"time": date_format(timezone.localtime(case.clock_paused_at), "DATETIME_FORMAT")}
        )
    _not_before(at, case.clock_started_at, gettext("A clock cannot be paused before it started."))
    case.clock_paused_at = at
    case.paused_count += 1


def resume_clock(case: CaseClock, *, at: datetime) -> None:
    """Let time run again; due and yellow move on by the time that elapsed during the pause."""
    at = _instant(at)
    _require_started(case)
    paused_at = case.clock_paused_at
    if paused_at is None:
        raise ClockError(gettext("The clock of this case is not paused, so it cannot be resumed."))
    _not_before(at, paused_at, gettext("A clock cannot be resumed before it was paused."))
    if case.limit_unit == LimitUnit.WORKING_HOURS:
        case.due_at = _advance(case, case.due_at, schedule.working_time_between(paused_at, at))
    elif case.limit_unit == LimitUnit.CLOCK_HOURS:
        case.due_at = _advance(case, case.due_at, at - paused_at)
    elif case.limit_unit == LimitUnit.WORKING_DAYS:
        elapsed = schedule.working_days_between(timezone.localdate(paused_at), timezone.localdate(at))
        case.due_at = _advance(case, case.due_date, elapsed)
    else:
        elapsed = (timezone.localdate(at) - timezone.localdate(paused_at)).days
        case.due_at = _advance(case, case.due_date, elapsed)
    case.clock_paused_at = None
    _set_yellow(case)


def extend_clock(case: CaseClock, *, by: int) -> None:
    """Lengthen the time limit by `by` units (an approved extension, e.g. 10 working days, art. 42)."""
    _require_started(case)
    by = _whole_number(by, gettext("extension"))
    case.limit_value = (case.limit_value or 0) + by
    start = case.due_at if case.limit_unit in HOUR_UNITS else case.due_date
    case.due_at = _advance(case, start, by)
    _set_yellow(case)


def stop_clock(case: CaseClock, *, at: datetime) -> None:
    """Finish the time limit; the warning level is frozen at its value then (red: finished late)."""
    at = _instant(at)
    _require_started(case)
    _not_before(at, case.clock_started_at, gettext("A clock cannot be stopped before it started."))
    case.clock_stopped_at = at
    level = current_level(case, at)
    if level != case.warning_level:
        case.warning_level, case.warning_changed_at = level, at


# --- reading --------------------------------------------------------------------------------------


def current_level(case: CaseClock, now: datetime) -> WarningLevel:
    """The warning level at `now`, computed like the sweep does (which stores it in warning_level)."""
    if case.clock_started_at is None or case.due_at is None:
        return WarningLevel.NORMAL
    shown = _clock_time(case, _instant(now))
    if case.due_at <= shown:
        return WarningLevel.RED
    if case.yellow_at is not None and case.yellow_at <= shown:
        return WarningLevel.YELLOW
    return WarningLevel.NORMAL


@dataclass(frozen=True)
class Remaining:
    """What is left of a time limit: `amount` in `unit`, negative once overdue."""

    amount: int | float
    unit: str
    is_overdue: bool
    is_paused: bool

    def __str__(self) -> str:
        size = abs(self.amount)
        if (
            not self.is_overdue
            and size == 0
            and self.unit in (LimitUnit.WORKING_DAYS, LimitUnit.CALENDAR_DAYS)
        ):
            text = gettext("due today")
            return gettext("%(remaining)s (paused)") % {"remaining": text} if self.is_paused else text
        # ngettext needs an integer; any fraction takes the plural in English
        count = int(size) if float(size).is_integer() else 2
        text = {
            (LimitUnit.WORKING_DAYS, False): ngettext(
                "%(amount)s working day left", "%(amount)s working days left", count
            ),
            (LimitUnit.WORKING_DAYS, True): ngettext(
                "overdue by %(amount)s working day", "overdue by %(amount)s working days", count
            ),
            (LimitUnit.CALENDAR_DAYS, False): ngettext("%(amount)s day left", "%(amount)s days left", count),
            (LimitUnit.CALENDAR_DAYS, True): ngettext(
                "overdue by %(amount)s day", "overdue by %(amount)s days", count
            ),
            (LimitUnit.WORKING_HOURS, False): ngettext(
                "%(amount)s working hour left", "%(amount)s working hours left", count
            ),
            (LimitUnit.WORKING_HOURS, True): ngettext(
                "overdue by %(amount)s working hour", "overdue by %(amount)s working hours", count
            ),
            (LimitUnit.CLOCK_HOURS, False): ngettext("%(amount)s hour left", "%(amount)s hours left", count),
            (LimitUnit.CLOCK_HOURS, True): ngettext(
                "overdue by %(amount)s hour", "overdue by %(amount)s hours", count
            ),
        }[(self.unit, self.is_overdue)] % {"amount": f"{size:g}"}
        return gettext("%(remaining)s (paused)") % {"remaining": text} if self.is_paused else text


def remaining(case: CaseClock, now: datetime) -> Remaining | None:
    """What is left at `now` (frozen while paused), for display; None when the clock never started."""
    if case.clock_started_at is None or case.due_at is None:
        return None
    shown = _clock_time(case, _instant(now))
    is_overdue = case.due_at <= shown
    if case.limit_unit == LimitUnit.WORKING_HOURS:
        amount = round(schedule.working_hours_between(shown, case.due_at), 2)
    elif case.limit_unit == LimitUnit.CLOCK_HOURS:
        amount = round((case.due_at - shown).total_seconds() / 3600, 2)
    else:
        today, due_date = timezone.localdate(shown), case.due_date
        if case.limit_unit == LimitUnit.WORKING_DAYS:
            # the working days after today up to the due date: (today, due date]
            amount = schedule.working_days_between(today, due_date)
            if is_overdue:
                amount = -schedule.working_days_between(due_date, today)
        else:
            amount = (due_date - today).days
    return Remaining(
        amount=amount, unit=case.limit_unit, is_overdue=is_overdue, is_paused=case.clock_paused_at is not None
    )
