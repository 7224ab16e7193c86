"""The command centre's metrics registry: every loop declares its daily counts, its dashboard tiles and its
rating indicators here, from its AppConfig.ready(), and the dashboard, the rollups, the API and the
performance rating pick them up without anyone editing the command centre:

    from command_center import metrics as m

    m.register_count(m.DailyCount(
        "grid.reported", model=GridEvent, date_field="reported_at", dimension="grid", dimension_path="grid_id",
    ))
    m.register_count(m.DailyCount("grid.due", model=GridEvent, date_field="due_at", due_date=True, ...))
    m.register_count(m.DailyCount("grid.closed_on_time", ..., filter=Q(closed_at__lte=F("due_at"))))
    m.register_tile(m.Tile("grid.on_time_rate", _("On-time closure rate"), loop="grid",
                           numerator="grid.closed_on_time", denominator="grid.due",
                           formula=_("closed on time ÷ cases due in the period")))
    m.register_open_count(m.OpenCount(
        "grid.open_overdue", model=GridEvent, filter=Q(status__in=OPEN, warning_level=2),
        dimension="department", dimension_path="department_id",
    ))
    m.register_tile(m.Tile("grid.open_overdue", _("Overdue now"), loop="grid", open="grid.open_overdue"))

Warning rows need no registration: every case type registered with the case kernel
(township.casework.registry) is on the warning board. `register_board_rows` only refines how a type's
rows read (a title with related fields, rows to leave out).

A DailyCount is one number per day, township and dimension value, computed by one grouped query; the
daily rollup stores it for past days, the hourly rollup for today (filled every minute from a
watermark), and the dashboard sums it over any period. An OpenCount is a figure at this moment, kept in
the open snapshot (refreshed every minute). Rates are
never stored or averaged: a ratio tile sums its numerator and denominator over the period, then divides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count, Q

LOOP_LABELS: dict[str, Any] = {}
LOOP_ORDER: dict[str, int] = {}


@dataclass(frozen=True)
class DailyCount:
    """A rollup-able figure: rows of `model` matching `filter`, placed on the local day of `date_field`
    (an instant, or a date field), grouped by township and `dimension_path` (None: no dimension).

    `value` is the aggregate (default: count of rows); with `due_date` the instant is a deadline that
    ends its due date at midnight (CaseClock.due_at), so the row counts on the day before that midnight.
    """

    metric: str
    model: type[models.Model]
    date_field: str
    filter: Q = field(default_factory=Q)
    dimension: str = "none"
    dimension_path: str | None = None
    value: Any = None
    due_date: bool = False
    township_path: str = "township_id"
    description: Any = ""
    # a column the row's every change touches (auto_now): the hourly job then also recomputes the hours
    # of today whose rows changed since its watermark, not only the hours from the watermark on
    changed_field: str | None = None

    def aggregate(self):
        return self.value if self.value is not None else Count("pk")


@dataclass(frozen=True)
class OpenCount:
    """A figure at this moment (open, in review, overdue): rows of `model` matching `filter`, counted per
    township and `dimension_path`. The dashboard reads it from the open snapshot (refreshed every minute
    by one grouped INSERT … ON CONFLICT per count), never by scanning the open rows itself."""

    metric: str
    model: type[models.Model]
    filter: Q = field(default_factory=Q)
    dimension: str = "none"
    dimension_path: str | None = None
    township_path: str = "township_id"
    description: Any = ""
    # counts of one model and scan share one grouped scan of the rows any of them counts; counts whose
    # rows an index of their own serves (the warning counts: running clocks in yellow or red) name a
    # scan of their own, so the database reads that index instead of every open row
    scan: str = ""


@dataclass(frozen=True)
class Tile:
    """A dashboard figure of one loop. Exactly one of:

    - `metric`: the sum of a DailyCount over the period;
    - `numerator` and `denominator`: a rate in per cent (sums over the period, then divided);
      `scale` turns a mean instead (e.g. 1/60 for seconds summed over tickets → minutes);
    - `open`: an OpenCount at this moment (open, overdue), from the open snapshot;
    - `now(township_ids) -> {township id: number}`: a live figure at this moment, computed on every
      request (for small tables only: the dashboard's speed depends on it).

    `by_department(township_ids) -> {department id: number}` (live) or `breakdown=True` (from the
    metric's or the open count's department dimension) adds a breakdown by department; `trend=True`
    puts the tile on the trend charts.
    """

    key: str
    label: Any
    loop: str
    formula: Any
    metric: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 100.0
    unit: str = "count"  # count | percent | minutes
    open: str | None = None
    now: Callable[[list[int]], dict[int, float]] | None = None
    by_department: Callable[[list[int]], dict[int, float]] | None = None
    breakdown: bool = False
    trend: bool = False
    order: int = 100
    # a rate where less is better (rework, extensions): a rating scheme deducts above its target
    lower_is_better: bool = False

    @property
    def is_rate(self) -> bool:
        return self.numerator is not None

    @property
    def is_now(self) -> bool:
        return self.open is not None or self.now is not None

    def metrics(self) -> list[str]:
        return [m for m in (self.metric, self.numerator, self.denominator) if m]


@dataclass(frozen=True)
class BoardRows:
    """How one case type's rows read on the warning board (all optional)."""

    title: Callable[[Any], str] | None = None
    related: tuple[str, ...] = ()
    exclude: Q | None = None


_counts: dict[str, DailyCount] = {}
_open: dict[str, OpenCount] = {}
_tiles: dict[str, Tile] = {}
_board: dict[str, BoardRows] = {}


def register_loop(key: str, label, *, order: int = 100) -> None:
    """Declare a loop of the dashboard; loops show by `order` (then by name), whatever order the apps
    that register them start in."""
    LOOP_LABELS.setdefault(key, label)
    LOOP_ORDER.setdefault(key, order)


def register_count(count: DailyCount) -> None:
    """Declare a daily count; registering the same metric again replaces it (a reload, a test)."""
    _counts[count.metric] = count


def register_open_count(count: OpenCount) -> None:
    """Declare a figure at this moment; registering the same metric again replaces it."""
    _open[count.metric] = count


def register_tile(tile: Tile) -> None:
    modes = [
        bool(tile.metric),
        bool(tile.numerator and tile.denominator),
        tile.open is not None,
        tile.now is not None,
    ]
    if sum(modes) != 1:
        raise ValueError(f"tile {tile.key}: give a metric, a numerator and denominator, open, or now")
    _tiles[tile.key] = tile


def register_board_rows(model: type[models.Model], rows: BoardRows) -> None:
    _board[model._meta.label_lower] = rows


def daily_counts() -> dict[str, DailyCount]:
    return dict(_counts)


def open_counts() -> dict[str, OpenCount]:
    return dict(_open)


def tiles(loop: str | None = None) -> list[Tile]:
    found = [t for t in _tiles.values() if loop is None or t.loop == loop]
    return sorted(found, key=lambda t: (t.order, t.key))


def tile(key: str) -> Tile | None:
    return _tiles.get(key)


def board_rows(label_lower: str) -> BoardRows:
    return _board.get(label_lower, BoardRows())


def rate_indicators() -> dict[str, Tile]:
    """The rates a rating scheme can use: every ratio tile whose counts are broken down by a dimension."""
    return {
        t.key: t
        for t in _tiles.values()
        if t.is_rate and t.scale == 100.0 and _counts.get(t.denominator) is not None
    }
