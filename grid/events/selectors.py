"""Grid events: read queries scoped to the user, reused by pages, the API and the command centre."""

from __future__ import annotations

import math
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, FloatField, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from grid.events.services import (
    department_ids_of,
    enforcement_clues_enabled,
    grid_ids_of,
    handles,
    is_centre,
    works_grid,
)
from grid.models import (
    OPEN_STATES,
    CategoryCatalogue,
    Deferral,
    DeferralStatus,
    EventCategory,
    EventStatus,
    GridEvent,
    Summons,
)
from township.casework.models import Deadline
from township.org.roles import Role, roles_of
from township.org.scope import scope_filter

S = EventStatus
EARTH_RADIUS_M = 6_371_000
DUPLICATE_RADIUS_M = 250
DUPLICATE_LIMIT = 5


def events_visible_to(user) -> QuerySet[GridEvent]:
    """The events the user may see: their data scope (township; department; a grid member's grids once the
    grid scope is in), plus, for department staff, the events their department was summoned to."""
    condition = scope_filter(GridEvent, user)
    queryset = GridEvent.objects.all()
    if condition is None:
        return queryset
    departments = department_ids_of(user)
    if departments:
        summoned = Summons.objects.filter(department_id__in=sorted(departments)).values("event_id")
        condition = condition | Q(pk__in=summoned)
    if condition == Q(pk__in=[]):
        return queryset.none()
    return queryset.filter(condition)


def event_list(user, *, status: str = "", grid_id: int = 0, department_id: int = 0) -> QuerySet[GridEvent]:
    """The list page's rows: newest first, with what a row shows, in one query."""
    queryset = events_visible_to(user).select_related("category", "grid", "department")
    if status:
        queryset = queryset.filter(status=status)
    if grid_id:
        queryset = queryset.filter(grid_id=grid_id)
    if department_id:
        queryset = queryset.filter(department_id=department_id)
    return queryset.order_by("-reported_at", "-id")


def event_detail(user, pk: int) -> GridEvent | None:
    return (
        events_visible_to(user)
        .select_related("category__catalogue", "grid", "village", "department", "reporter", "duplicate_of")
        .prefetch_related(
            "photos",
            Prefetch("summonses", queryset=Summons.objects.select_related("department")),
            "send_backs__department",
            "deferrals",
            "category__limits",
        )
        .filter(pk=pk)
        .first()
    )


def categories_for(township_id: int, *, on: date | None = None) -> QuerySet[EventCategory]:
    """The active categories of the township's catalogue versions in force on a day."""
    on = on or timezone.localdate()
    catalogues = CategoryCatalogue.objects.filter(township_id=township_id, effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )
    return (
        EventCategory.objects.filter(catalogue__in=catalogues, is_active=True)
        .select_related("catalogue")
        .order_by("kind", "major_code", "minor_code")
    )


def _haversine_sql(latitude: float, longitude: float) -> RawSQL:
    return RawSQL(
        "2 * %s * asin(sqrt(power(sin(radians(latitude - %s) / 2), 2)"
        " + cos(radians(%s)) * cos(radians(latitude)) * power(sin(radians(longitude - %s) / 2), 2)))",
        (EARTH_RADIUS_M, latitude, latitude, longitude),
        output_field=FloatField(),
    )


def nearby_open_events(
    event: GridEvent, *, radius_m: float = DUPLICATE_RADIUS_M, limit: int = DUPLICATE_LIMIT
) -> list[GridEvent]:
    """Open events of the same category (same code, any catalogue version) within `radius_m` of the event,
    nearest first, then oldest: the duplicates to suggest at registration. A bounding box on the partial
    index (category, latitude, longitude) narrows the rows before the exact haversine distance."""
    lat, lng = event.latitude, event.longitude
    d_lat = math.degrees(radius_m / EARTH_RADIUS_M)
    d_lng = d_lat / max(math.cos(math.radians(lat)), 0.01)
    same_code = EventCategory.objects.filter(
        catalogue__township_id=event.township_id,
        kind=event.category.kind,
        major_code=event.category.major_code,
        minor_code=event.category.minor_code,
    ).values("pk")
    return list(
        GridEvent.objects.filter(
            township_id=event.township_id,
            category_id__in=same_code,
            status__in=sorted(OPEN_STATES),
            latitude__range=(lat - d_lat, lat + d_lat),
            longitude__range=(lng - d_lng, lng + d_lng),
        )
        .exclude(pk=event.pk)
        .annotate(distance_m=_haversine_sql(lat, lng))
        .filter(distance_m__lte=radius_m)
        .select_related("category")
        .order_by("distance_m", "reported_at", "pk")[:limit]
    )


def my_tasks(user) -> list[dict]:
    """A grid member's or handler's to-do list, soonest deadline first: checks in their grids, results to
    rate, their open reports; orders of their department, summonses to report on site."""
    now = timezone.now()
    tasks: list[dict] = []
    grids = grid_ids_of(user) if roles_of(user) & {Role.GRID_MEMBER, Role.GRID_HEAD} else frozenset()
    base = GridEvent.objects.select_related("category", "grid")
    if grids:
        checks = list(base.filter(grid_id__in=sorted(grids), status=S.FED_BACK)[:200])
        due = dict(
            Deadline.objects.filter(
                content_type=ContentType.objects.get_for_model(GridEvent),
                object_id__in=[event.pk for event in checks],
                kind="check",
                clock_stopped_at__isnull=True,
            ).values_list("object_id", "due_at")
        )
        tasks.extend({"event": event, "what": "check", "due_at": due.get(event.pk)} for event in checks)
    for event in base.filter(reporter=user, status=S.CLOSED):
        tasks.append({"event": event, "what": "evaluate", "due_at": None})
    departments = department_ids_of(user)
    if departments:
        for event in base.filter(
            department_id__in=sorted(departments), status__in=[S.DISPATCHED, S.IN_PROGRESS]
        ).order_by(F("due_at").asc(nulls_last=True))[:200]:
            tasks.append({"event": event, "what": "handle", "due_at": event.due_at})
        for summons in Summons.objects.filter(
            department_id__in=sorted(departments),
            reported_at__isnull=True,
            event__status__in=sorted(OPEN_STATES),
        ).select_related("event__category", "event__grid"):
            tasks.append({"event": summons.event, "what": "on-site", "due_at": summons.due_at})
    far = now.replace(year=now.year + 100)
    tasks.sort(key=lambda t: (t["due_at"] or far, t["event"].pk))
    return tasks


def my_reports(user, *, limit: int = 30) -> QuerySet[GridEvent]:
    return (
        GridEvent.objects.filter(reporter=user)
        .select_related("category", "grid", "department")
        .order_by("-reported_at")[:limit]
    )


def centre_queue(user) -> dict:
    """The command centre's work: reports to register (oldest first), sent-back orders, deferrals."""
    visible = events_visible_to(user).select_related("category", "grid", "department")
    return {
        "reported": list(visible.filter(status=S.REPORTED).order_by("reported_at")[:200]),
        "returned": list(visible.filter(status=S.RETURNED).order_by("assigned_at")[:200]),
        "deferrals": list(
            Deferral.objects.filter(status=DeferralStatus.REQUESTED, event__in=visible.values("pk"))
            .select_related("event__category")
            .order_by("requested_at")[:200]
        ),
        "handling": list(
            visible.filter(status__in=[S.DISPATCHED, S.IN_PROGRESS, S.FED_BACK]).order_by(
                F("due_at").asc(nulls_last=True)
            )[:200]
        ),
    }


def department_orders(user) -> QuerySet[GridEvent]:
    """The orders of the user's department(s), the soonest due first (the handlers' list)."""
    departments = department_ids_of(user)
    summoned = Summons.objects.filter(department_id__in=sorted(departments)).values("event_id")
    return (
        events_visible_to(user)
        .filter(Q(department_id__in=sorted(departments)) | Q(pk__in=summoned))
        .exclude(status__in=[S.REJECTED, S.SELF_HANDLED])
        .select_related("category", "grid", "department")
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )


def actions_for(user, event: GridEvent) -> set[str]:
    """The steps this user may take on the event now (what its page offers)."""
    actions: set[str] = set()
    status = event.status
    centre = is_centre(user, event.township_id)
    handler = handles(user, event.department_id)
    if centre and status == S.REPORTED:
        actions |= {"register", "reject"}
    if centre and status in (S.REGISTERED, S.RETURNED):
        actions |= {"dispatch", "whistle"}
    if centre and status == S.RETURNED:
        actions.add("force-assign")
    if handler and status == S.DISPATCHED and not event.is_whistle and not event.is_forced:
        actions.add("send-back")
    if handler and status == S.DISPATCHED:
        actions.add("accept")
    if handler and status in (S.DISPATCHED, S.IN_PROGRESS):
        limits = [limit for limit in event.category.limits.all() if limit.step == "handle"]
        actions.add("stage" if event.stage < len(limits) else "feed-back")
        actions.add("defer")
    if status == S.FED_BACK and (works_grid(user, event.grid_id) or centre) and not handler:
        actions.add("check")
    if status == S.CLOSED and event.reporter_id == user.pk:
        actions.add("evaluate")
    if any(handles(user, s.department_id) and s.reported_at is None for s in event.summonses.all()):
        actions.add("on-site")
    if centre and any(d.status == DeferralStatus.REQUESTED for d in event.deferrals.all()):
        actions.add("decide-deferral")
    if (
        (centre or works_grid(user, event.grid_id))  # as make_enforcement_clue allows
        and event.clue_id is None
        and status not in (S.REPORTED, S.REJECTED, S.SELF_HANDLED)
        and enforcement_clues_enabled()
    ):
        # a registered problem that breaks a rule goes to the enforcement team as a clue (线索), once
        actions.add("enforcement-clue")
    return actions
