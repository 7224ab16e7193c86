"""Working-day arithmetic: Chinese public holidays, adjusted working weekends (调休) and admin overrides.

Where a day's status comes from, first match wins:

1. a `CalendarOverride` row (entered by a township admin, e.g. next year's State Council schedule);
2. `chinesecalendar`, the official schedule for the years the installed package knows ("official");
3. the statutory holidays of `holidays.China` plus Saturdays and Sundays off ("estimated"): right for
   the fixed festivals but without the adjusted working weekends, so a warning is shown and logged.

Every year is built once per process and kept as the few days that differ from "Monday to Friday
work", so a deadline computation costs dictionary look-ups, not queries. The override table is read
in one query. A version token in the shared cache tells every web and worker process to rebuild
when an admin changes an override.
"""

from __future__ import annotations

import calendar
import logging
import math
import re
import threading
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

import chinese_calendar
import holidays
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext

from township.calendar.models import CalendarOverride

logger = logging.getLogger(__name__)

OVERRIDE = "override"
OFFICIAL = "official"
ESTIMATED = "estimated"

ONE_DAY = timedelta(days=1)
_VERSION_KEY = "workcalendar:version"


class _YearSchedule:
    __slots__ = ("days", "source")

    def __init__(self, days: dict[date, bool], source: str):
        self.days = days  # only the days that differ from the Monday-to-Friday default
        self.source = source


class _Schedule:
    """The years built so far for one version of the override table."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._overrides: dict[int, dict[date, bool]] | None = None
        self._years: dict[int, _YearSchedule] = {}

    def year(self, year: int) -> _YearSchedule:
        found = self._years.get(year)
        if found is None:
            with self._lock:
                found = self._years.get(year)
                if found is None:
                    if self._overrides is None:
                        self._overrides = _load_overrides()
                    found = self._years[year] = _build_year(year, self._overrides.get(year, {}))
        return found

    def is_working(self, day: date) -> bool:
        return self.year(day.year).days.get(day, day.weekday() < 5)


_state_lock = threading.Lock()
_current = _Schedule()
_current_version: str | None = None
_warned_estimated: set[int] = set()
_cache_failure_logged = False


def _shared_version() -> str | None:
    """The override table's version as all processes see it; None when the cache cannot be reached."""
    global _cache_failure_logged
    try:
        version = cache.get(_VERSION_KEY)
        if version is None:
            # First use, or the cache was flushed: start a new version, so nobody trusts an old build.
            cache.add(_VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(_VERSION_KEY)
        return version
    except Exception:  # noqa: BLE001 - a cache outage must not stop deadline computation
        if not _cache_failure_logged:
            logger.warning("calendar: shared cache unreachable; using this process's schedule", exc_info=True)
            _cache_failure_logged = True
        return None


def _schedule() -> _Schedule:
    global _current, _current_version
    version = _shared_version()
    with _state_lock:
        if version is not None and version != _current_version:
            _current, _current_version = _Schedule(), version
        return _current


def forget_local_cache() -> None:
    """Drop this process's built years (it sees its own uncommitted override changes at once)."""
    global _current
    with _state_lock:
        _current = _Schedule()


def invalidate_cache() -> None:
    """Make every process rebuild its schedule; call after overrides change without signals (bulk_create)."""
    forget_local_cache()
    try:
        cache.set(_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - other processes catch up when the cache is back
        logger.warning("calendar: could not publish an override change to other processes", exc_info=True)


def _load_overrides() -> dict[int, dict[date, bool]]:
    # The table holds a few dozen rows a year, so one query for all of it beats one per year.
    by_year: dict[int, dict[date, bool]] = {}
    for day, is_working in CalendarOverride.objects.values_list("date", "is_working_day"):
        by_year.setdefault(day.year, {})[day] = is_working
    return by_year


def _days_of(year: int):
    first = date(year, 1, 1)
    return (first + timedelta(days=offset) for offset in range(366 if calendar.isleap(year) else 365))


def _official_days(year: int) -> dict[date, bool]:
    """Non-default days per chinesecalendar; raises NotImplementedError for years it does not know."""
    chinese_calendar.is_workday(date(year, 1, 1))
    return {
        day: working
        for day in _days_of(year)
        if (working := chinese_calendar.is_workday(day)) != (day.weekday() < 5)
    }


def _estimated_days(year: int) -> dict[date, bool]:
    try:
        statutory = holidays.China(years=year)
    except Exception:  # noqa: BLE001 - no rules for that year: weekends alone still give an answer
        logger.exception("calendar: no holiday rules for %s; counting weekends only", year)
        statutory = {}
    return {day: False for day in statutory if day.year == year and day.weekday() < 5}


def _build_year(year: int, overrides: dict[date, bool]) -> _YearSchedule:
    try:
        days, source = _official_days(year), OFFICIAL
    except NotImplementedError:
        days, source = _estimated_days(year), ESTIMATED
    for day, working in overrides.items():
        if working == (day.weekday() < 5):
            days.pop(day, None)
        else:
            days[day] = working
    if overrides:
        source = OVERRIDE
    elif source == ESTIMATED and year not in _warned_estimated:
        _warned_estimated.add(year)
        logger.warning(
            "calendar: no official holiday schedule for %s; counting statutory holidays and weekends only "
            "(enter the State Council schedule as calendar overrides)",
            year,
        )
    return _YearSchedule(days, source)


# --- validation -----------------------------------------------------------------------------------


def _check_date(value: object, name: str) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(
            f"{name} must be a datetime.date, not {type(value).__name__} "
            "(for an instant, take its local date with django.utils.timezone.localdate())"
        )


def _check_count(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number of days, not {value!r}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")


def _check_instant(value: object, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime, not {type(value).__name__}")
    if timezone.is_naive(value):
        raise ValueError(f"{name} must be timezone-aware, got the naive datetime {value.isoformat()}")
    return value.astimezone(timezone.get_default_timezone())


def _as_duration(hours: object) -> timedelta:
    if isinstance(hours, timedelta):
        if hours < timedelta():
            raise ValueError(f"hours must not be negative, got {hours}")
        return hours
    if isinstance(hours, bool) or not isinstance(hours, int | float | Decimal):
        raise ValueError(f"hours must be a number, not {hours!r}")
    if isinstance(hours, float | Decimal) and not math.isfinite(hours):
        raise ValueError(f"hours must be finite, got {hours}")
    if hours < 0:
        raise ValueError(f"hours must not be negative, got {hours}")
    # Through Decimal so that 0.1 hours is exactly 6 minutes.
    return timedelta(microseconds=int((Decimal(str(hours)) * 3_600_000_000).to_integral_value()))


_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@lru_cache(maxsize=8)
def _parse_periods(spec: tuple[str, ...]) -> tuple[tuple[time, time], ...]:
    periods = []
    for item in spec:
        match = _PERIOD.match(item)
        try:
            if match is None:
                raise ValueError
            h1, m1, h2, m2 = map(int, match.groups())
            start, end = time(h1, m1), time(h2, m2)
        except ValueError:
            raise ImproperlyConfigured(f"WORKING_HOURS: {item!r} is not like '09:00-12:00'") from None
        if start >= end:
            raise ImproperlyConfigured(f"WORKING_HOURS: {item!r} ends before it starts")
        if periods and start < periods[-1][1]:
            raise ImproperlyConfigured("WORKING_HOURS: periods must be in order and must not overlap")
        periods.append((start, end))
    if not periods:
        raise ImproperlyConfigured("WORKING_HOURS must list at least one period, like ['09:00-17:00']")
    return tuple(periods)


def _office_periods(day: date) -> list[tuple[datetime, datetime]]:
    tz = timezone.get_default_timezone()
    return [
        (datetime.combine(day, start, tzinfo=tz), datetime.combine(day, end, tzinfo=tz))
        for start, end in _parse_periods(tuple(settings.WORKING_HOURS))
    ]


# --- public API -----------------------------------------------------------------------------------


def office_periods(day: date) -> list[tuple[datetime, datetime]]:
    """The office-hour periods of a local date as aware datetimes (empty on a day off)."""
    return _office_periods(day) if is_working_day(day) else []


def is_working_day(d: date) -> bool:
    """Whether offices work on this local date."""
    _check_date(d, "d")
    return _schedule().is_working(d)


def add_working_days(d: date, n: int) -> date:
    """The n-th working day after d (d itself not counted); n=0 gives d back, even on a holiday."""
    _check_date(d, "d")
    _check_count(n, "n")
    schedule = _schedule()
    day = d
    while n:
        day += ONE_DAY
        if schedule.is_working(day):
            n -= 1
    return day


def subtract_working_days(d: date, n: int) -> date:
    """The n-th working day before d (d itself not counted); the mirror of add_working_days."""
    _check_date(d, "d")
    _check_count(n, "n")
    schedule = _schedule()
    day = d
    while n:
        day -= ONE_DAY
        if schedule.is_working(day):
            n -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: start not counted, end counted; negated when end is before start.

    So `add_working_days(start, working_days_between(start, end))` is the last working day up to `end`.
    """
    _check_date(start, "start")
    _check_date(end, "end")
    if end < start:
        return -working_days_between(end, start)
    schedule = _schedule()
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += schedule.is_working(day)
    return count


def add_working_hours(dt: datetime, hours: float | Decimal | timedelta) -> datetime:
    """The instant `hours` of office time (settings.WORKING_HOURS on working days) after dt, in local time.

    `hours` may also be a timedelta of office time, as `working_time_between` returns.

    Time outside office hours does not count; when the hours run out exactly at the end of a period,
    the answer is that end (17:30), not the start of the next one.
    """
    cursor = _check_instant(dt, "dt")
    remaining = _as_duration(hours)
    if not remaining:
        return cursor
    schedule = _schedule()
    day = cursor.date()
    while True:
        if schedule.is_working(day):
            for start, end in _office_periods(day):
                if end <= cursor:
                    continue
                begin = max(start, cursor)
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
        day += ONE_DAY
        cursor = datetime.combine(day, time.min, tzinfo=cursor.tzinfo)


def subtract_working_hours(dt: datetime, hours: float | Decimal | timedelta) -> datetime:
    """The earliest instant from which exactly `hours` of office time remain until dt.

    Earliest, so that "one working hour left before 10:00" starts at 17:30 the working day before,
    when the office closes with one hour left, rather than at 09:00.
    """
    cursor = _check_instant(dt, "dt")
    remaining = _as_duration(hours)
    if not remaining:
        return cursor
    schedule = _schedule()
    day = cursor.date()
    while True:
        if schedule.is_working(day):
            for start, end in reversed(_office_periods(day)):
                if start >= cursor:
                    continue
                finish = min(end, cursor)
                if remaining < finish - start or not remaining:
                    return finish - remaining
                remaining -= finish - start
        cursor = datetime.combine(day, time.min, tzinfo=cursor.tzinfo)
        day -= ONE_DAY


def working_time_between(a: datetime, b: datetime) -> timedelta:
    """Office time between the instants a and b, exact to the microsecond; negated when b is before a."""
    start = _check_instant(a, "a")
    end = _check_instant(b, "b")
    if end < start:
        return -working_time_between(b, a)
    schedule = _schedule()
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if schedule.is_working(day):
            for period_start, period_end in _office_periods(day):
                overlap = min(period_end, end) - max(period_start, start)
                if overlap > timedelta():
                    total += overlap
        day += ONE_DAY
    return total


def working_hours_between(a: datetime, b: datetime) -> float:
    """Hours of office time between the instants a and b; negated when b is before a."""
    return working_time_between(a, b).total_seconds() / 3600


def schedule_source(year: int) -> str:
    """Where the year's days come from: "override" (any admin row for the year), "official" or "estimated"."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"year must be an int, not {year!r}")
    return _schedule().year(year).source


def missing_schedule_warnings(today: date | None = None) -> list[str]:
    """Warnings for the current year and, from 1 November, next year, when their schedule is only estimated."""
    today = today or timezone.localdate()
    years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    return [
        gettext(
            "The official holiday schedule for %(year)s has not been entered; deadlines in %(year)s skip only "
            "the statutory holidays, without adjusted working weekends. Enter it under Calendar overrides."
        )
        % {"year": str(year)}
        for year in years
        if schedule_source(year) == ESTIMATED
    ]
