"""Command centre: read queries scoped to the user, reused by pages, API and dashboard.

- who sees what: `command_townships` (the dashboard's townships), `board_queryset` (a case type's rows);
- the one window's and the back office's figures, declared in the metrics registry
  (`register_window_metrics`, each with its formula);
- period sums (`sums`): stored daily rollups for the days before today plus a live grouped query for
  today, so trends are cheap and today's numbers are current;
- the dashboard (`dashboard`), the trends (`trends`), the county comparison, the performance rating;
- the warning board over every registered case type (`warning_board`).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Extract, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from command_center import metrics as m
from command_center.models import DailyRollup, HourlyRollup, NothingDue, OpenSnapshot, RatingScheme
from command_center.permissions import is_leader
from command_center.routers import reads_from_replica
from services.models import Application, ApplicationStatus, Evaluation, QueueTicket
from services.models.evaluations import BAD_LEVELS
from township.casework.clock import remaining
from township.casework.models import Deadline, Urging, WarningLevel
from township.casework.registry import case_type_for_label, registered_case_types
from township.org.models import Department, Township
from township.org.scope import ScopeKind, data_scope, scope_paths, visible_to
from township.paginators import CappedCountPaginator

S = ApplicationStatus
OPEN = [S.ACCEPTED, S.IN_REVIEW, S.SUPPLEMENT]
DECIDED = [S.APPROVED, S.DENIED, S.RESULT_READY, S.DELIVERED]
# A bundle's parent is counted at the window (one visit, one application); its parts in the back office.
TOP_LEVEL = Q(parent__isnull=True)
NOT_BUNDLE_PARENT = Q(parent__isnull=False) | Q(bundle__isnull=True)


# --- who sees what ------------------------------------------------------------------------------------


def command_townships(user):
    """The townships whose figures the user may see: their own (command centre, township admin, the
    party-government office's head), their county's (county admin), all (superuser)."""
    return Township.objects.visible_to(user).order_by("code")


def board_paths(user, model) -> dict:
    """A township leader (head of the party-government office) oversees the whole township, not only
    their department: the scope's department path is dropped for them."""
    paths = scope_paths(model)
    if is_leader(user):
        paths = {**paths, "department": None}
    return paths


def board_queryset(user, model):
    """Every row of a case model the user may see on the warning board."""
    return visible_to(model._base_manager.all(), user, paths=board_paths(user, model))


# --- the one window and the back office: daily counts and tiles ------------------------------------------


def _seconds(later: str, earlier: str):
    return Extract(ExpressionWrapper(F(later) - F(earlier), output_field=DurationField()), "epoch")


COMPLETED_AT = Coalesce("clock_stopped_at", "finished_at")
ON_TIME = Q(due_at__isnull=True) | Q(clock_stopped_at__lte=F("due_at"))
COMPLETED = Q(status__in=[*DECIDED, S.COMPLETED])


def register_window_metrics() -> None:
    """The one window's and the back office's figures (called from the app's ready())."""
    m.register_loop("window", _("One window"), order=10)
    m.register_loop("back_office", _("Back office"), order=20)
    dept = {"dimension": "department", "dimension_path": "department_id"}
    for count in (
        m.DailyCount(
            "applications.received",
            model=Application,
            date_field="submitted_at",
            filter=TOP_LEVEL & ~Q(status=S.DRAFT),
            description=_("applications handed in (at a window or submitted online) on the day"),
            changed_field="updated_at",
            **dept,
        ),
        m.DailyCount(
            "applications.accepted",
            model=Application,
            date_field="accepted_at",
            filter=TOP_LEVEL,
            description=_("applications accepted (受理) on the day"),
            changed_field="updated_at",
            **dept,
        ),
        m.DailyCount(
            "applications.completed",
            model=Application,
            date_field=COMPLETED_AT,
            filter=TOP_LEVEL & COMPLETED,
            description=_("applications decided, or completed on the spot, on the day"),
            changed_field="updated_at",
            **dept,
        ),
        # The due-date cohort (应结案): applications whose promised date falls on the day, whatever
        # day they were accepted; rates over it are the published formulas.
        m.DailyCount(
            "applications.due",
            model=Application,
            date_field="due_at",
            due_date=True,
            filter=NOT_BUNDLE_PARENT & Q(accepted_at__isnull=False) & ~Q(status=S.WITHDRAWN),
            description=_("applications whose promised date is the day (应结案数)"),
            changed_field="updated_at",
            **dept,
        ),
        m.DailyCount(
            "applications.due_completed",
            model=Application,
            date_field="due_at",
            due_date=True,
            filter=NOT_BUNDLE_PARENT & Q(accepted_at__isnull=False) & COMPLETED,
            description=_("of those, decided by now"),
            changed_field="updated_at",
            **dept,
        ),
        m.DailyCount(
            "applications.due_completed_on_time",
            model=Application,
            date_field="due_at",
            due_date=True,
            filter=NOT_BUNDLE_PARENT & Q(accepted_at__isnull=False) & COMPLETED & ON_TIME,
            description=_("of those, decided on or before the promised date"),
            changed_field="updated_at",
            **dept,
        ),
        m.DailyCount(
            "applications.due_extended",
            model=Application,
            date_field="due_at",
            due_date=True,
            filter=NOT_BUNDLE_PARENT
            & Q(accepted_at__isnull=False, extension_requests__status="approved")
            & ~Q(status=S.WITHDRAWN),
            value=Count("pk", distinct=True),
            description=_("of the cases due, those with an approved extension (延期数)"),
            changed_field="updated_at",
            **dept,
        ),
        m.DailyCount(
            "evaluations.all",
            model=Evaluation,
            date_field="created_at",
            description=_("ratings given on the day"),
            **dept,
        ),
        m.DailyCount(
            "evaluations.good",
            model=Evaluation,
            date_field="created_at",
            filter=~Q(level__in=list(BAD_LEVELS)),
            description=_("ratings of 'basically satisfied' or better"),
            **dept,
        ),
        m.DailyCount(
            "queue.called",
            model=QueueTicket,
            date_field="service_date",
            filter=Q(called_at__isnull=False),
            description=_("queue tickets called to a window"),
        ),
        m.DailyCount(
            "queue.wait_seconds",
            model=QueueTicket,
            date_field="service_date",
            filter=Q(called_at__isnull=False),
            value=Coalesce(
                Sum(_seconds("called_at", "issued_at"), output_field=BigIntegerField()),
                Value(0),
                output_field=BigIntegerField(),
            ),
            description=_("seconds waited from the ticket to the first call, summed"),
        ),
    ):
        m.register_count(count)

    for count in (
        m.OpenCount(
            "applications.open_overdue",
            model=Application,
            filter=TOP_LEVEL & Q(status__in=OPEN, warning_level=WarningLevel.RED),
            description=_("open applications past their promised date now (red), a bundle once"),
        ),
        m.OpenCount(
            "applications.in_review",
            model=Application,
            filter=NOT_BUNDLE_PARENT & Q(status__in=OPEN),
            description=_("accepted and not yet decided now, per part"),
            **dept,
        ),
        m.OpenCount(
            "applications.overdue_parts",
            model=Application,
            filter=NOT_BUNDLE_PARENT & Q(status__in=OPEN, warning_level=WarningLevel.RED),
            description=_("parts in review past their promised date now"),
            **dept,
        ),
    ):
        m.register_open_count(count)

    for tile in (
        m.Tile(
            "window.received",
            pgettext_lazy("how many applications", "Received"),
            loop="window",
            metric="applications.received",
            formula=_("applications handed in during the period (a bundle counts once)"),
            trend=True,
            breakdown=True,
            order=10,
        ),
        m.Tile(
            "window.accepted",
            _("Accepted"),
            loop="window",
            metric="applications.accepted",
            formula=_("applications accepted during the period"),
            trend=True,
            breakdown=True,
            order=20,
        ),
        m.Tile(
            "window.completed",
            _("Completed"),
            loop="window",
            metric="applications.completed",
            formula=_("applications decided or completed on the spot during the period"),
            trend=True,
            breakdown=True,
            order=30,
        ),
        m.Tile(
            "window.on_time_rate",
            _("On-time completion rate"),
            loop="window",
            numerator="applications.due_completed_on_time",
            denominator="applications.due",
            unit="percent",
            formula=_(
                "decided on or before the promised date ÷ applications whose promised date falls in the "
                "period up to today (按期办结数 ÷ 应办结数)"
            ),
            trend=True,
            breakdown=True,
            order=40,
        ),
        m.Tile(
            "window.overdue",
            _("Overdue"),
            loop="window",
            open="applications.open_overdue",
            formula=_("open applications past their promised date now (red)"),
            order=50,
        ),
        m.Tile(
            "window.good_review_rate",
            _("Good-review rate"),
            loop="window",
            numerator="evaluations.good",
            denominator="evaluations.all",
            unit="percent",
            formula=_("ratings of 'basically satisfied' or better ÷ all ratings in the period"),
            breakdown=True,
            order=60,
        ),
        m.Tile(
            "window.waiting_minutes",
            _("Average waiting time"),
            loop="window",
            numerator="queue.wait_seconds",
            denominator="queue.called",
            scale=1 / 60,
            unit="minutes",
            formula=_("minutes from taking a ticket to the first call, averaged over the tickets called"),
            order=70,
        ),
        m.Tile(
            "back_office.in_review",
            _("In review"),
            loop="back_office",
            open="applications.in_review",
            breakdown=True,
            formula=_("accepted applications not yet decided, now (a bundle's parts each count)"),
            order=10,
        ),
        m.Tile(
            "back_office.overdue",
            _("Overdue in the back office"),
            loop="back_office",
            open="applications.overdue_parts",
            breakdown=True,
            formula=_("parts in review past their promised date now, by responsible department"),
            order=20,
        ),
        m.Tile(
            "back_office.completion_rate",
            _("Completion rate"),
            loop="back_office",
            numerator="applications.due_completed",
            denominator="applications.due",
            unit="percent",
            formula=_("decided ÷ applications due in the period up to today (结案数 ÷ 应结案数)"),
            breakdown=True,
            order=30,
        ),
        m.Tile(
            "back_office.extension_rate",
            _("Extension rate"),
            loop="back_office",
            numerator="applications.due_extended",
            denominator="applications.due",
            unit="percent",
            formula=_("applications due with an approved extension ÷ applications due (延期数 ÷ 应结案数)"),
            lower_is_better=True,
            order=40,
        ),
    ):
        m.register_tile(tile)


# --- period sums: rollups for past days, live for today --------------------------------------------------


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def is_date_field(count: m.DailyCount) -> bool:
    if not isinstance(count.date_field, str):
        return False
    return count.model._meta.get_field(count.date_field).get_internal_type() == "DateField"


def day_expression(count: m.DailyCount):
    """The local day a row counts on, as an SQL expression."""
    if is_date_field(count):
        return F(count.date_field)
    instant = F(count.date_field) if isinstance(count.date_field, str) else count.date_field
    if count.due_date:
        # CaseClock.due_at of a day limit is the midnight that ends the due date.
        instant = ExpressionWrapper(instant - timedelta(microseconds=1), output_field=count_field(count))
    return TruncDate(instant, tzinfo=timezone.get_current_timezone())


class LocalHour(Func):
    """The start of the local hour of an instant, as an instant (timestamptz)."""

    output_field = DateTimeField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        tz = timezone.get_current_timezone_name()
        return f"(DATE_TRUNC('hour', ({sql}) AT TIME ZONE %s) AT TIME ZONE %s)", (*params, tz, tz)


class LocalMidnightOf(Func):
    """The local midnight that starts a date, as an instant."""

    output_field = DateTimeField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"((({sql})::timestamp) AT TIME ZONE %s)", (*params, timezone.get_current_timezone_name())


def hour_expression(count: m.DailyCount):
    """The local hour a row counts in (a date field: its day's first hour), as an SQL expression."""
    if is_date_field(count):
        return LocalMidnightOf(F(count.date_field))
    instant = F(count.date_field) if isinstance(count.date_field, str) else count.date_field
    if count.due_date:
        instant = ExpressionWrapper(instant - timedelta(microseconds=1), output_field=count_field(count))
    return LocalHour(instant)


def hour_range(count: m.DailyCount, alias: str, start: datetime, end: datetime) -> Q:
    """Rows that count in a local hour in [start, end) (both on the hour; a date field: whole days)."""
    if is_date_field(count):
        first = timezone.localtime(start).date()
        last = timezone.localtime(end - timedelta(microseconds=1)).date()
        return Q(**{f"{alias}__gte": first, f"{alias}__lte": last})
    if count.due_date:
        return Q(**{f"{alias}__gt": start, f"{alias}__lte": end})
    return Q(**{f"{alias}__gte": start, f"{alias}__lt": end})


def local_hour(instant: datetime) -> datetime:
    return timezone.localtime(instant).replace(minute=0, second=0, microsecond=0)


def count_field(count: m.DailyCount):
    return count.model._meta.get_field(count.date_field)


def day_range(count: m.DailyCount, alias: str, first: date, last: date) -> Q:
    """Rows that count on a day in [first, last], as a condition on the aliased date expression."""
    if is_date_field(count):
        return Q(**{f"{alias}__gte": first, f"{alias}__lte": last})
    start, end = local_midnight(first), local_midnight(last + timedelta(days=1))
    if count.due_date:
        return Q(**{f"{alias}__gt": start, f"{alias}__lte": end})
    return Q(**{f"{alias}__gte": start, f"{alias}__lt": end})


def date_alias(count: m.DailyCount):
    return F(count.date_field) if isinstance(count.date_field, str) else count.date_field


def filtered_aggregate(aggregate, condition: Q):
    """A copy of an aggregate (or Coalesce(aggregate, …)) counting only rows matching `condition`."""
    found = copy.deepcopy(aggregate)
    if hasattr(found, "filter") and not isinstance(found, Coalesce):
        found.filter = condition if found.filter is None else found.filter & condition
        return found
    # Coalesce(Sum(...), 0): filter the aggregate inside
    inner = found.get_source_expressions()
    inner[0] = filtered_aggregate(inner[0], condition)
    found.set_source_expressions(inner)
    return found


def live_sums(metric_keys, township_ids, first: date, last: date, *, by: str = "township") -> dict:
    """{(metric, township id or dimension id): value} computed from the source tables for [first, last]:
    one grouped query per model, every metric of that model a filtered aggregate."""
    counts = m.daily_counts()
    per_model: dict = defaultdict(list)
    for key in metric_keys:
        if key in counts:
            per_model[counts[key].model].append(counts[key])
    found: dict = {}
    for model, specs in per_model.items():
        queryset = model._base_manager.filter(**{f"{specs[0].township_path}__in": list(township_ids)})
        aliases, any_day, annotations = {}, Q(pk__in=[]), {}
        for n, spec in enumerate(specs):
            alias = f"cc_day_{n}"
            aliases[alias] = date_alias(spec)
            in_range = day_range(spec, alias, first, last)
            any_day |= in_range
            annotations[f"cc_v_{n}"] = filtered_aggregate(spec.aggregate(), in_range & spec.filter)
        queryset = queryset.alias(**aliases).filter(any_day)
        group = specs[0].township_path if by == "township" else None
        if by != "township":
            dims = {spec.dimension_path for spec in specs if spec.dimension_path}
            group = dims.pop() if len(dims) == 1 else None
        if group is None:
            for n, spec in enumerate(specs):
                found[(spec.metric, 0)] = queryset.aggregate(v=annotations[f"cc_v_{n}"])["v"] or 0
            continue
        rows = queryset.values(group).annotate(**annotations).order_by()
        for row in rows:
            for n, spec in enumerate(specs):
                value = row[f"cc_v_{n}"] or 0
                if value:
                    found[(spec.metric, row[group] or 0)] = value
    return found


def rollup_sums(metric_keys, township_ids, first: date, last: date, *, by: str = "township") -> dict:
    group = "township_id" if by == "township" else "dimension_id"
    rows = (
        DailyRollup.objects.filter(
            township_id__in=list(township_ids), metric__in=list(metric_keys), day__gte=first, day__lte=last
        )
        .values("metric", group)
        .annotate(v=Sum("value"))
        .order_by()
    )
    return {(row["metric"], row[group]): row["v"] for row in rows}


def hourly_sums(metric_keys, township_ids, day: date, *, by: str = "township") -> dict:
    """{(metric, key): value} of one day from the hourly rollups (today's figures)."""
    group = "township_id" if by == "township" else "dimension_id"
    rows = (
        HourlyRollup.objects.filter(
            township_id__in=list(township_ids),
            metric__in=list(metric_keys),
            hour__gte=local_midnight(day),
            hour__lt=local_midnight(day + timedelta(days=1)),
        )
        .values("metric", group)
        .annotate(v=Sum("value"))
        .order_by()
    )
    return {(row["metric"], row[group]): row["v"] for row in rows}


def open_sums(metric_keys, township_ids, *, by: str = "township") -> dict:
    """{(metric, key): value} of figures at this moment, from the open snapshot."""
    group = "township_id" if by == "township" else "dimension_id"
    rows = (
        OpenSnapshot.objects.filter(township_id__in=list(township_ids), metric__in=list(metric_keys))
        .values("metric", group)
        .annotate(v=Sum("value"))
        .order_by()
    )
    return {(row["metric"], row[group]): row["v"] for row in rows}


def live_open_sums(metric_keys, township_ids, *, by: str = "township") -> dict:
    """The same as `open_sums`, counted from the source tables (the reference the snapshot must equal)."""
    counts = {**m.open_counts(), **warning_open_counts()}
    found = {}
    for key in metric_keys:
        count = counts[key]
        group = count.township_path if by == "township" else count.dimension_path
        queryset = count.model._base_manager.filter(count.filter).filter(
            **{f"{count.township_path}__in": list(township_ids)}
        )
        if group is None:
            n = queryset.count()
            if n:
                found[(key, 0)] = n
            continue
        for row in queryset.values(group).annotate(n=Count("pk")).order_by():
            found[(key, row[group] or 0)] = row["n"]
    return found


def sums(metric_keys, township_ids, first: date, last: date, *, by: str = "township", today=None) -> dict:
    """{(metric, key): value} over the days [first, last]: daily rollups before today, the hourly
    rollups for today."""
    today = today or timezone.localdate()
    last = min(last, today)
    found: dict = defaultdict(int)
    if first > last or not metric_keys:
        return found
    if first < today:
        for key, value in rollup_sums(
            metric_keys, township_ids, first, min(last, today - timedelta(1)), by=by
        ).items():
            found[key] += value
    if last >= today:
        for key, value in hourly_sums(metric_keys, township_ids, today, by=by).items():
            found[key] += value
    return found


# --- the dashboard ---------------------------------------------------------------------------------------


@dataclass
class Figure:
    key: str
    label: str
    loop: str
    unit: str
    formula: str
    value: float | None
    per_township: dict

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "label": str(self.label),
            "loop": self.loop,
            "unit": self.unit,
            "formula": str(self.formula),
            "value": self.value,
            "per_township": {str(k): v for k, v in self.per_township.items()},
        }


def _ratio(numerator, denominator, scale) -> float | None:
    if not denominator:
        return None
    return round(numerator / denominator * scale, 1 if scale >= 1 else 1)


def figures(township_ids, first: date, last: date, *, today=None) -> list[Figure]:
    """Every registered tile over the period, in total and per township (the county's comparison)."""
    all_tiles = m.tiles()
    needed = {key for t in all_tiles for key in t.metrics()}
    summed = sums(needed, township_ids, first, last, today=today)
    opened = open_sums({t.open for t in all_tiles if t.open}, township_ids)
    result = []
    for t in all_tiles:
        if t.open is not None:
            per = {tid: opened.get((t.open, tid), 0) for tid in township_ids}
            value = sum(per.values())
        elif t.now is not None:
            per = dict(t.now(list(township_ids)))
            value = sum(per.values())
        elif t.is_rate:
            per = {
                tid: _ratio(summed.get((t.numerator, tid), 0), summed.get((t.denominator, tid), 0), t.scale)
                for tid in township_ids
            }
            value = _ratio(
                sum(summed.get((t.numerator, tid), 0) for tid in township_ids),
                sum(summed.get((t.denominator, tid), 0) for tid in township_ids),
                t.scale,
            )
        else:
            per = {tid: summed.get((t.metric, tid), 0) for tid in township_ids}
            value = sum(per.values())
        result.append(Figure(t.key, t.label, t.loop, t.unit, t.formula, value, per))
    return result


def department_breakdown(township_ids, first: date, last: date, *, today=None) -> dict:
    """{tile key: [{"department": name, "value": n}, …]} for the tiles broken down by department."""
    chosen = [t for t in m.tiles() if t.breakdown or t.by_department]
    needed = {key for t in chosen if t.breakdown for key in t.metrics()}
    summed = sums(needed, township_ids, first, last, by="dimension", today=today)
    opened = open_sums({t.open for t in chosen if t.open and t.breakdown}, township_ids, by="dimension")
    live = {t.key: t.by_department(list(township_ids)) for t in chosen if t.by_department}
    names = dict(Department.objects.filter(township_id__in=list(township_ids)).values_list("pk", "name"))
    out = {}
    for t in chosen:
        if t.key in live:
            values = live[t.key]
        elif t.open is not None:
            values = {k: v for (metric, k), v in opened.items() if metric == t.open}
        elif t.is_rate:
            ids = {k for (metric, k) in summed if metric in (t.numerator, t.denominator)}
            values = {
                k: _ratio(summed.get((t.numerator, k), 0), summed.get((t.denominator, k), 0), t.scale)
                for k in ids
            }
        else:
            values = {k: v for (metric, k), v in summed.items() if metric == t.metric}
        rows = [
            {"department": names.get(k, str(_("No department"))), "value": v}
            for k, v in values.items()
            if v is not None
        ]
        out[t.key] = sorted(rows, key=lambda r: (-(r["value"] or 0), r["department"]))
    return out


def trends(township_ids, *, today=None, days: int = 30, months: int = 12) -> dict:
    """Day series over the last `days` days and month series over the last `months` months of the trend
    tiles; past days from the daily rollups, today from the hourly ones."""
    today = today or timezone.localdate()
    chosen = [t for t in m.tiles() if t.trend]
    needed = sorted({key for t in chosen for key in t.metrics()})
    first_day = today - timedelta(days=days - 1)
    first_month = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    ids = list(township_ids)
    daily: dict = defaultdict(int)
    for row in (
        DailyRollup.objects.filter(township_id__in=ids, metric__in=needed, day__gte=first_day, day__lt=today)
        .values("metric", "day")
        .annotate(v=Sum("value"))
        .order_by()
    ):
        daily[(row["metric"], row["day"])] += row["v"]
    monthly: dict = defaultdict(int)
    for row in (
        DailyRollup.objects.filter(
            township_id__in=ids, metric__in=needed, day__gte=first_month, day__lt=today
        )
        .annotate(month=TruncMonth("day"))
        .values("metric", "month")
        .annotate(v=Sum("value"))
        .order_by()
    ):
        monthly[(row["metric"], row["month"])] += row["v"]
    for (metric, _k), value in hourly_sums(needed, ids, today).items():
        daily[(metric, today)] += value
        monthly[(metric, today.replace(day=1))] += value
    day_list = [first_day + timedelta(days=n) for n in range(days)]
    month_list = []
    cursor = first_month
    while cursor <= today:
        month_list.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)

    def series(t, points, table):
        if t.is_rate:
            return [_ratio(table[(t.numerator, p)], table[(t.denominator, p)], t.scale) for p in points]
        return [table[(t.metric, p)] for p in points]

    return {
        "days": [d.isoformat() for d in day_list],
        "months": [d.strftime("%Y-%m") for d in month_list],
        "series": [
            {
                "key": t.key,
                "label": str(t.label),
                "unit": t.unit,
                "daily": series(t, day_list, daily),
                "monthly": series(t, month_list, monthly),
            }
            for t in chosen
        ],
    }


@reads_from_replica
def dashboard(township_ids, first: date, last: date, *, today=None) -> dict:
    """Everything the desk and wall views and the JSON API show, for these townships and this period."""
    today = today or timezone.localdate()
    township_ids = list(township_ids)
    found = figures(township_ids, first, last, today=today)
    loops = []
    present = dict.fromkeys(f.loop for f in found)
    for loop in sorted(present, key=lambda k: (m.LOOP_ORDER.get(k, 100), k)):
        loops.append(
            {
                "key": loop,
                "label": str(m.LOOP_LABELS.get(loop, loop)),
                "figures": [f.as_json() for f in found if f.loop == loop],
            }
        )
    return {
        "period": {"from": first.isoformat(), "to": last.isoformat()},
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "townships": [
            {"id": pk, "name": name}
            for pk, name in Township.objects.filter(pk__in=township_ids)
            .order_by("code")
            .values_list("pk", "name")
        ],
        "loops": loops,
        "departments": department_breakdown(township_ids, first, last, today=today),
        "trends": trends(township_ids, today=today),
        "warnings": warning_snapshot(township_ids),
    }


# --- the warning board -----------------------------------------------------------------------------------

BOARD_COLUMNS = ("ct", "case_id", "deadline_id", "township_ref", "department_ref", "level", "due")


def _board_types():
    """(case type, content type id, township path, department path) of every clocked case type owned by a
    township, the kernel's own Deadline excepted (its rows are shown on their cases' lines)."""
    found = []
    for case_type in registered_case_types():
        model = case_type.model
        if model is Deadline:
            continue
        paths = scope_paths(model)
        if not paths["township"]:
            continue
        found.append(
            (case_type, ContentType.objects.get_for_model(model).pk, paths["township"], paths["department"])
        )
    return found


@dataclass
class BoardFilter:
    case_type: str = ""  # label_lower
    level: int | None = None
    department_id: int | None = None
    township_id: int | None = None


def _board_parts(user, flt: BoardFilter):
    levels = [flt.level] if flt.level else [WarningLevel.YELLOW, WarningLevel.RED]
    parts = []
    for case_type, ct_id, township_path, department_path in _board_types():
        if flt.case_type and flt.case_type != case_type.label_lower:
            continue
        cases = board_queryset(user, case_type.model)
        if cases.query.is_empty():
            continue
        rows = m.board_rows(case_type.label_lower)
        if rows.exclude is not None:
            cases = cases.exclude(rows.exclude)
        if flt.township_id:
            cases = cases.filter(
                **{f"{township_path}_id" if township_path == "township" else township_path: flt.township_id}
            )
        if flt.department_id:
            if not department_path:
                continue
            cases = cases.filter(**{f"{department_path}_id": flt.department_id})
        department = (
            F(f"{department_path}_id") if department_path else Value(None, output_field=BigIntegerField())
        )
        own = (
            cases.filter(
                clock_started_at__isnull=False, clock_stopped_at__isnull=True, warning_level__in=levels
            )
            .annotate(
                ct=Value(ct_id, output_field=IntegerField()),
                case_id=F("pk"),
                deadline_id=Value(0, output_field=BigIntegerField()),
                township_ref=F(f"{township_path}_id" if township_path == "township" else township_path),
                department_ref=department,
                level=F("warning_level"),
                due=F("due_at"),
            )
            .values(*BOARD_COLUMNS)
            .order_by()
        )
        parts.append(own)
        case_department = (
            Subquery(
                case_type.model._base_manager.filter(pk=OuterRef("object_id")).values(
                    f"{department_path}_id"
                )[:1]
            )
            if department_path
            else Value(None, output_field=BigIntegerField())
        )
        deadlines = (
            Deadline.objects.filter(
                content_type_id=ct_id,
                object_id__in=cases.values("pk"),
                clock_stopped_at__isnull=True,
                warning_level__in=levels,
            )
            .annotate(
                ct=Value(ct_id, output_field=IntegerField()),
                case_id=F("object_id"),
                deadline_id=F("pk"),
                township_ref=F("township_id"),
                department_ref=case_department,
                level=F("warning_level"),
                due=F("due_at"),
            )
            .values(*BOARD_COLUMNS)
            .order_by()
        )
        parts.append(deadlines)
    return parts


BOARD_ORDER = ("-level", "due", "ct", "case_id", "deadline_id")


def _union(parts):
    first, *rest = parts
    return first.union(*rest, all=True) if rest else first


def warning_rows(user, flt: BoardFilter | None = None, *, first: int | None = None):
    """The board's rows as one UNION ALL query, most urgent first (red, then the nearest due time).

    With `first`, only the first `first` rows of the board are wanted (a page and those before it): each
    part — one case type's clocks or deadlines at one level — then takes its own `first` most urgent
    rows from its (warning level, due time) index before the parts are merged, so a page costs the
    same at ten thousand red rows as at ten million, instead of sorting them all."""
    flt = flt or BoardFilter()
    if first is None:
        parts = _board_parts(user, flt)
        return _union(parts).order_by(*BOARD_ORDER) if parts else None
    levels = [flt.level] if flt.level else [WarningLevel.RED, WarningLevel.YELLOW]
    parts = [
        part.order_by("due", "ct", "case_id", "deadline_id")[:first]
        for level in levels
        for part in _board_parts(user, replace(flt, level=level))
    ]
    return _union(parts).order_by(*BOARD_ORDER) if parts else None


def _board_count(user, flt: BoardFilter, cap: int | None = None) -> int:
    """How many rows the board holds, counting at most `cap` + 1 when given. One statement, a sum of one
    count per part: counted apart, each part keeps only the columns its filter reads, so the database
    answers from the part's partial index alone (counted through the union, every row of every part was
    read from the table: 4 s for 2.25M red applications)."""
    parts = _board_parts(user, flt)
    if not parts:
        return 0
    counts, params = [], []
    for part in parts:
        sql, part_params = (part[: cap + 1] if cap is not None else part).query.sql_with_params()
        counts.append(f"(SELECT COUNT(*) FROM ({sql}) AS part)")
        params += part_params
    with connections[parts[0].db].cursor() as cursor:
        cursor.execute(f"SELECT {' + '.join(counts)}", params)  # noqa: S608 - the ORM's own SQL and params
        total = cursor.fetchone()[0]
    return min(total, cap + 1) if cap is not None else total


class BoardPaginator(CappedCountPaginator):
    """Counts at most 2,000 rows of the union (40 pages; "40+" beyond): a county's board at 10M
    applications held over a million red and yellow rows, and counting them all took seconds. The count
    is given (`_board_count`), since the page's own rows come from a union limited to that page."""

    cap = 2_000

    def __init__(self, object_list, per_page, *, total: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = total


def warning_board(user, flt: BoardFilter | None = None, *, page: int = 1, per_page: int = 50, now=None):
    """A page of the warning board with everything a row shows: the case, the time limit, the handler,
    the time left and the latest urging with its reply. A fixed number of queries per page."""
    now = now or timezone.now()
    flt = flt or BoardFilter()
    total = _board_count(user, flt, BoardPaginator.cap)
    if not total:
        return Paginator([], per_page).get_page(1), []
    pages = max(1, -(-min(total, BoardPaginator.cap + 1) // per_page))
    try:
        wanted = min(max(int(page), 1), pages)
    except (TypeError, ValueError):
        wanted = 1
    rows = warning_rows(user, flt, first=wanted * per_page)
    paginator = BoardPaginator(rows, per_page, total=total)
    page_obj = paginator.get_page(wanted)
    items = list(page_obj.object_list)
    return page_obj, hydrate_rows(items, now)


def hydrate_rows(items: list[dict], now) -> list[dict]:
    by_ct: dict = defaultdict(set)
    for row in items:
        by_ct[row["ct"]].add(row["case_id"])
    cases, handlers, types = {}, {}, {}
    for ct_id, ids in by_ct.items():
        content_type = ContentType.objects.get_for_id(ct_id)
        case_type = case_type_for_label(f"{content_type.app_label}.{content_type.model}")
        types[ct_id] = case_type
        rows = m.board_rows(case_type.label_lower)
        queryset = case_type.model._base_manager.filter(pk__in=ids)
        if rows.related:
            queryset = queryset.select_related(*rows.related)
        cases[ct_id] = queryset.in_bulk()
        found = case_type.escalation.handlers(sorted(ids)) if case_type.escalation else {}
        handlers[ct_id] = found
    deadline_ids = [row["deadline_id"] for row in items if row["deadline_id"]]
    deadlines = Deadline.objects.in_bulk(deadline_ids) if deadline_ids else {}
    user_ids = {uid for per in handlers.values() for pairs in per.values() for uid, _d in pairs}
    urgings = _latest_urgings(by_ct)
    user_ids |= {u.urged_user_id for u in urgings.values()}
    people = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids)} if user_ids else {}
    department_ids = {row["department_ref"] for row in items if row["department_ref"]}
    departments = (
        dict(Department.objects.filter(pk__in=department_ids).values_list("pk", "name"))
        if department_ids
        else {}
    )
    township_ids = {row["township_ref"] for row in items}
    townships = (
        dict(Township.objects.filter(pk__in=township_ids).values_list("pk", "name")) if township_ids else {}
    )
    out = []
    for row in items:
        case_type = types[row["ct"]]
        case = cases[row["ct"]].get(row["case_id"])
        if case is None:
            continue
        deadline = deadlines.get(row["deadline_id"]) if row["deadline_id"] else None
        clock_of = deadline or case
        title_of = m.board_rows(case_type.label_lower).title
        out.append(
            {
                "label": case_type.label_lower,
                "type": case_type.label,
                "case": case,
                "case_id": row["case_id"],
                "title": title_of(case) if title_of else str(case),
                "deadline": deadline.label if deadline else "",
                "level": row["level"],
                "is_red": row["level"] == WarningLevel.RED,
                "due_at": row["due"],
                "left": remaining(clock_of, now),
                "township": townships.get(row["township_ref"], ""),
                "department": departments.get(row["department_ref"], ""),
                "handlers": [
                    people[uid] for uid, _d in handlers[row["ct"]].get(row["case_id"], ()) if uid in people
                ],
                "urging": urgings.get((row["ct"], row["case_id"])),
                "url": case_type.url_for(row["case_id"]),
                "people": people,
            }
        )
    return out


def _latest_urgings(by_ct: dict) -> dict:
    """{(content type id, case id): the latest urging} of the cases on the page, in one query."""
    if not by_ct:
        return {}
    condition = Q(pk__in=[])
    for ct_id, ids in by_ct.items():
        condition |= Q(content_type_id=ct_id, object_id__in=sorted(ids))
    latest = {}
    for urging in Urging.objects.filter(condition).order_by(
        "content_type_id", "object_id", "-created_at", "-pk"
    ):
        latest.setdefault((urging.content_type_id, urging.object_id), urging)
    return latest


def warning_counts(user) -> dict:
    """{"yellow": n, "red": n} over the user's board (亮牌): per level, one sum of per-part counts."""
    found = {}
    for name, level in (("yellow", WarningLevel.YELLOW), ("red", WarningLevel.RED)):
        found[name] = _board_count(user, BoardFilter(level=level))
    return found


def warning_counts_for_townships(township_ids) -> dict:
    """Yellow and red counts of every case type's open clocks and deadlines in these townships (for the
    dashboard, which is township-wide)."""
    totals = {"yellow": 0, "red": 0}
    ids = list(township_ids)
    levels = [WarningLevel.YELLOW, WarningLevel.RED]
    for case_type, _ct_id, township_path, _department_path in _board_types():
        field_name = f"{township_path}_id" if township_path == "township" else township_path
        queryset = case_type.model._base_manager.filter(
            **{f"{field_name}__in": ids},
            clock_started_at__isnull=False,
            clock_stopped_at__isnull=True,
            warning_level__in=levels,
        )
        for row in queryset.values("warning_level").annotate(n=Count("pk")).order_by():
            totals["red" if row["warning_level"] == WarningLevel.RED else "yellow"] += row["n"]
    for row in (
        Deadline.objects.filter(
            township_id__in=ids,
            clock_stopped_at__isnull=True,
            warning_level__in=levels,
            content_type_id__in=[ct for _c, ct, _t, _d in _board_types()],
        )
        .values("warning_level")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        totals["red" if row["warning_level"] == WarningLevel.RED else "yellow"] += row["n"]
    return totals


def warning_open_counts() -> dict[str, m.OpenCount]:
    """The warning counts as open counts of the snapshot: per case type, its open clocks in yellow or red
    by level (dimension "level"), and the open Deadlines of all of them."""
    levels = [WarningLevel.YELLOW, WarningLevel.RED]
    found = {}
    types = _board_types()
    for case_type, _ct_id, township_path, _department_path in types:
        field_name = f"{township_path}_id" if township_path == "township" else township_path
        key = f"warnings.{case_type.label_lower}"
        found[key] = m.OpenCount(
            key,
            model=case_type.model,
            filter=Q(clock_started_at__isnull=False, clock_stopped_at__isnull=True, warning_level__in=levels),
            dimension="level",
            dimension_path="warning_level",
            township_path=field_name,
            scan="warnings",
        )
    found["warnings.deadlines"] = m.OpenCount(
        "warnings.deadlines",
        model=Deadline,
        filter=Q(
            clock_stopped_at__isnull=True,
            warning_level__in=levels,
            content_type_id__in=sorted(ct for _c, ct, _t, _d in types),
        ),
        dimension="level",
        dimension_path="warning_level",
    )
    return found


def warning_snapshot(township_ids) -> dict:
    """{"yellow": n, "red": n} of these townships from the open snapshot (what
    `warning_counts_for_townships` counts live)."""
    rows = (
        OpenSnapshot.objects.filter(
            township_id__in=list(township_ids), metric__startswith="warnings.", dimension="level"
        )
        .values("dimension_id")
        .annotate(n=Sum("value"))
        .order_by()
    )
    found = {row["dimension_id"]: row["n"] for row in rows}
    return {"yellow": found.get(WarningLevel.YELLOW, 0), "red": found.get(WarningLevel.RED, 0)}


def board_case(user, label: str, pk: int):
    """One case of the board the user may urge, or None (unknown type, guessed id, another township)."""
    case_type = case_type_for_label(label)
    if case_type is None or not case_type.has_clock or case_type.model is Deadline:
        return None
    if not scope_paths(case_type.model)["township"]:
        return None
    return board_queryset(user, case_type.model).filter(pk=pk).first()


def board_case_types():
    return [(c.label_lower, c.label) for c, _ct, _t, _d in _board_types()]


def board_departments(user):
    scope = data_scope(user)
    departments = Department.objects.visible_to(user)
    if scope.kind == ScopeKind.DEPARTMENT and not is_leader(user):
        departments = departments.filter(pk__in=sorted(scope.department_ids))
    return departments.order_by("township__code", "code")


def latest_urging(case):
    content_type = ContentType.objects.get_for_model(case)
    return (
        Urging.objects.filter(content_type=content_type, object_id=case.pk)
        .select_related("urged_user")
        .order_by("-created_at", "-pk")
        .first()
    )


def urgings_to_answer(user):
    return (
        Urging.objects.filter(urged_user=user)
        .select_related("urged_by")
        .order_by(F("replied_at").asc(nulls_first=True), "-created_at")
    )


# --- performance rating ----------------------------------------------------------------------------------


def scheme_for(township_id: int, subject: str) -> RatingScheme | None:
    """The township's own active scheme, else the default one (no township)."""
    schemes = {
        s.township_id: s
        for s in RatingScheme.objects.filter(
            Q(township_id=township_id) | Q(township__isnull=True), subject=subject, is_active=True
        ).prefetch_related("indicators")
    }
    return schemes.get(township_id) or schemes.get(None)


def month_bounds(month: date, today=None) -> tuple[date, date]:
    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def indicator_score(
    indicator, numerator: float, denominator: float, events: float, *, lower_is_better: bool = False
) -> dict:
    """One indicator's score: full marks at or above the target (at or below it for a rate where less
    is better, such as rework); `deduction_per_point` off for every percentage point on the wrong side
    of it; `deduction_per_event` off for each event; never below zero. With nothing due in the month the
    rate is undefined and the indicator scores full marks."""
    full = Decimal(indicator.full_score)
    rate = None if not denominator else Decimal(numerator) / Decimal(denominator) * 100
    score = full
    target = Decimal(indicator.target_percent)
    if rate is not None:
        short = rate - target if lower_is_better else target - rate
        if short > 0:
            score -= short * Decimal(indicator.deduction_per_point)
    score -= Decimal(events) * Decimal(indicator.deduction_per_event)
    score = max(Decimal(0), min(full, score))
    return {
        "indicator": indicator,
        "rate": None if rate is None else round(float(rate), 1),
        "numerator": numerator,
        "denominator": denominator,
        "events": events,
        "score": round(float(score), 1),
    }


@reads_from_replica
def rating(township_id: int, month: date, *, subject: str = "department", today=None) -> dict:
    """The month's rating of every department (or other subject) of a township under its scheme,
    ranked; figures from the rollups (and today live)."""
    scheme = scheme_for(township_id, subject)
    if scheme is None:
        return {"scheme": None, "rows": []}
    first, last = month_bounds(month)
    indicators = list(scheme.indicators.all())
    rates = m.rate_indicators()
    for ind in indicators:
        ind.label = rates[ind.indicator].label if ind.indicator in rates else ind.indicator
        ind.lower_is_better = ind.indicator in rates and rates[ind.indicator].lower_is_better
    needed = set()
    for ind in indicators:
        t = rates.get(ind.indicator)
        if t:
            needed |= {t.numerator, t.denominator}
        if ind.event_metric:
            needed.add(ind.event_metric)
    deferred = "applications.due_extended" if scheme.subtract_deferred else None
    if deferred:
        needed.add(deferred)
    summed = sums(needed, [township_id], first, last, by="dimension", today=today)
    subjects = {k for (_metric, k) in summed} - {0}
    names = dict(Department.objects.filter(township_id=township_id).values_list("pk", "name"))
    subjects |= set(names)
    not_rated = scheme.nothing_due == NothingDue.NOT_RATED
    possible = float(sum(Decimal(ind.full_score) for ind in indicators if ind.indicator in rates))
    rows = []
    for subject_id in subjects:
        lines, total, rated_full = [], 0.0, 0.0
        for ind in indicators:
            t = rates.get(ind.indicator)
            if t is None:
                continue
            numerator = summed.get((t.numerator, subject_id), 0)
            denominator = summed.get((t.denominator, subject_id), 0)
            if deferred and t.denominator == "applications.due":
                denominator -= summed.get((deferred, subject_id), 0)
            events = summed.get((ind.event_metric, subject_id), 0) if ind.event_metric else 0
            line = indicator_score(ind, numerator, denominator, events, lower_is_better=t.lower_is_better)
            line["label"] = t.label
            line["key"] = ind.indicator
            line["rated"] = not (not_rated and line["rate"] is None and not events)
            if line["rated"]:
                total += line["score"]
                rated_full += float(ind.full_score)
            else:
                line["score"] = None
            lines.append(line)
        if not_rated:  # what was rated, scaled to the scheme's full marks; nothing rated: no total
            total = total / rated_full * possible if rated_full else None
        rows.append(
            {
                "subject_id": subject_id,
                "name": names.get(subject_id, "—"),
                "lines": lines,
                "total": None if total is None else round(total, 1),
            }
        )
    rows.sort(key=lambda r: (r["total"] is None, -(r["total"] or 0), r["name"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["total"] is not None else None
    return {"scheme": scheme, "indicators": indicators, "rows": rows, "first": first, "last": last}


@dataclass
class RatingCases:
    """The cases behind one score: the indicator's cohort (its denominator) in the month for one
    subject, each marked whether it counts toward the rate (its numerator)."""

    indicator: m.Tile
    first: date
    last: date
    page: object
    rows: list


def _counting_day(count: m.DailyCount, value):
    """The local day a row counts on (a deadline's due date, not the midnight that ends it)."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if count.due_date:
        value -= timedelta(microseconds=1)
    return timezone.localtime(value).date()


def rating_cases(
    user, township_id: int, month: date, subject_id: int, indicator_key: str, *, page: int = 1, today=None
):
    """The drill-down from a score (rating → cases), scoped to what the user may see; None for an
    indicator the command centre does not know. A fixed number of queries per page. Like the score
    (`sums`), the current month counts up to today: a case due later this month is not behind it yet."""
    rate = m.rate_indicators().get(indicator_key)
    if rate is None:
        return None
    counts = m.daily_counts()
    cohort, counted = counts[rate.denominator], counts.get(rate.numerator)
    first, last = month_bounds(month)
    last = min(last, today or timezone.localdate())
    model = cohort.model
    queryset = (
        board_queryset(user, model)
        .filter(**{cohort.township_path: township_id})
        .alias(cc_day=date_alias(cohort))
        .filter(day_range(cohort, "cc_day", first, last))
        .filter(cohort.filter)
    )
    if cohort.dimension_path:
        subject = (
            {cohort.dimension_path: subject_id} if subject_id else {f"{cohort.dimension_path}__isnull": True}
        )
        queryset = queryset.filter(**subject)
    same_rows = counted is not None and counted.model is model and counted.date_field == cohort.date_field
    if same_rows:
        queryset = queryset.annotate(
            cc_counted=Case(
                When(counted.filter, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
    case_type = case_type_for_label(model._meta.label_lower)
    rows_of = m.board_rows(model._meta.label_lower)
    if rows_of.related:
        queryset = queryset.select_related(*rows_of.related)
    queryset = queryset.annotate(cc_at=date_alias(cohort)).order_by("cc_at", "pk").distinct()
    page_obj = Paginator(queryset, 50).get_page(page)
    rows = [
        {
            "title": rows_of.title(case) if rows_of.title else str(case),
            "at": _counting_day(cohort, case.cc_at),
            "counted": case.cc_counted if same_rows else None,
            "url": case_type.url_for(case.pk) if case_type else "",
        }
        for case in page_obj.object_list
    ]
    return RatingCases(rate, first, last, page_obj, rows)
