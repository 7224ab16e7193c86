"""Case numbers: per township, series and year, gapless under concurrency, in a configurable format.

    number = next_number(township=application.township, series="SQ", at=accepted_at)   # QS-SQ-2026-000001

The serial comes from one upsert whose row stays locked until the caller's transaction ends, so
concurrent callers queue up and a rolled-back caller gives its number back: no gaps, no duplicates.
Take the number as late in the transaction as possible, so the lock is held briefly.

Formats come from settings.CASE_NUMBER_FORMATS per series (default CASE_NUMBER_FORMAT), with the fields
{township} (short code), {series}, {year} and {serial}, e.g. "{township}综执〔{year}〕{serial}号".
"""

from __future__ import annotations

import re
import string
from datetime import datetime

from django.conf import settings
from django.db import connections, router
from django.utils import timezone

from township.casework.models import CaseSerial

DEFAULT_FORMAT = "{township}-{series}-{year}-{serial:06d}"


def next_serial(*, township, series: str, year: int) -> int:
    """The next serial for (township, series, year), 1 for the first. Call it inside a transaction."""
    using = router.db_for_write(CaseSerial)
    table = connections[using].ops.quote_name(CaseSerial._meta.db_table)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (township_id, series, year, last_serial) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (township_id, series, year) DO UPDATE SET last_serial = {table}.last_serial + 1 "
            "RETURNING last_serial",
            [getattr(township, "pk", township), series, year],
        )
        return cursor.fetchone()[0]


def number_format(series: str) -> str:
    formats = getattr(settings, "CASE_NUMBER_FORMATS", {}) or {}
    return formats.get(series) or getattr(settings, "CASE_NUMBER_FORMAT", DEFAULT_FORMAT)


def format_case_number(*, township, series: str, year: int, serial: int) -> str:
    return number_format(series).format(township=township.short_code, series=series, year=year, serial=serial)


def next_number(*, township, series: str, at: datetime | None = None) -> str:
    """Take the next number of `series` in the township for the year of `at` (local time)."""
    year = timezone.localtime(at or timezone.now()).year
    serial = next_serial(township=township, series=series, year=year)
    return format_case_number(township=township, series=series, year=year, serial=serial)


def reserve_serials(*, township, series: str, year: int, count: int) -> range:
    """`count` consecutive serials for (township, series, year) in one upsert (a bulk import); the same
    lock and give-back-on-rollback as `next_serial`. Call it inside a transaction."""
    if count < 1:
        return range(0)
    using = router.db_for_write(CaseSerial)
    table = connections[using].ops.quote_name(CaseSerial._meta.db_table)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (township_id, series, year, last_serial) VALUES (%s, %s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (township_id, series, year) DO UPDATE SET last_serial = {table}.last_serial + %s "
            "RETURNING last_serial",
            [getattr(township, "pk", township), series, year, count, count],
        )
        last = cursor.fetchone()[0]
    return range(last - count + 1, last + 1)


def next_numbers(*, township, series: str, count: int, at: datetime | None = None) -> list[str]:
    """`count` consecutive numbers of `series` in the township for the year of `at`, taken at once."""
    year = timezone.localtime(at or timezone.now()).year
    return [
        format_case_number(township=township, series=series, year=year, serial=serial)
        for serial in reserve_serials(township=township, series=series, year=year, count=count)
    ]


def number_pattern(series: str) -> re.Pattern:
    """A pattern matching the numbers of `series` in its format (any township, year and serial), so a
    page can tell which kind of case a typed number names without a query."""
    parts = []
    for literal, name, _spec, _conversion in string.Formatter().parse(number_format(series)):
        parts.append(re.escape(literal))
        if name == "series":
            parts.append(re.escape(series))
        elif name == "year":
            parts.append(r"\d{4}")
        elif name == "serial":
            parts.append(r"\d+")
        elif name is not None:  # the township's short code
            parts.append(r".+?")
    return re.compile("".join(parts))


def is_number_of(series: str, number: str) -> bool:
    return number_pattern(series).fullmatch(number or "") is not None
