"""The rules of credit publication and the township score, as settings (local rules differ).

CREDIT_BAND_PERIODS: per band, whether published, the minimum before repair and the maximum
publication, in months (NDRC Order No. 36, from 2026-04-01). CREDIT_SCORE: base, per-source deltas,
grade thresholds; CREDIT_SCORE_TOWNSHIPS: division codes of the townships that use a score (empty:
every township; None in the setting: none).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.conf import settings

DEFAULT_BAND_PERIODS = {
    "minor": {"published": False, "min_months": 0, "max_months": 3},
    "general": {"published": True, "min_months": 3, "max_months": 12},
    "serious": {"published": True, "min_months": 12, "max_months": 36},
}
DEFAULT_SCORE = {
    "base": 100,
    "penalty": {"minor": -2, "general": -10, "serious": -30},
    "inspection": {"ordered": -5, "not_found": -5, "transferred": -10},
    "integrity": -15,
    "commendation": 3,
    "grades": [("A", 90), ("B", 75), ("C", 60), ("D", None)],
}


@dataclass(frozen=True)
class BandPeriod:
    published: bool
    min_months: int
    max_months: int


def band_period(band: str) -> BandPeriod:
    table = {**DEFAULT_BAND_PERIODS, **getattr(settings, "CREDIT_BAND_PERIODS", {})}
    return BandPeriod(**table[band])


def score_rules() -> dict:
    return {**DEFAULT_SCORE, **getattr(settings, "CREDIT_SCORE", {})}


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has fewer days (31 Jan + 1 = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def grade(score: int) -> str:
    for letter, floor in score_rules()["grades"]:
        if floor is None or score >= floor:
            return letter
    return score_rules()["grades"][-1][0]
