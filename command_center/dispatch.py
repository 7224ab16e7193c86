"""The dispatch desk (派单台): every grid event and 12345 work order of the township waiting for a unit, in
one list, with the suggested department, and dispatch / whistle / force-assign from the row.

Waiting for a unit: grid events registered or sent back (GridEvent registered/returned) and work orders
received or sent back (HotlineOrder received/returned). Most urgent first: rows past their dispatch limit,
then by urgency (12345 emergencies, then water/power/gas), then the longest waiting.

Suggested department: an event's category names its responsible department (EventCategory.department);
a work order's category text is looked up in the township's HotlineRoute table (the longest matching
beginning wins). Both only suggest: the centre chooses, and the grid and hotline services decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from command_center.models import HotlineRoute
from grid.events import services as events
from grid.events.selectors import events_visible_to
from grid.hotline import services as hotline
from grid.models import EventStatus, GridEvent, SendBack
from grid.models.hotline import HotlineOrder, HotlineSendBack, HotlineStatus, HotlineUrgency
from township.casework.models import Deadline
from township.errors import DomainError
from township.fields import parse_pk
from township.org.models import Department

EVENT, ORDER = "event", "order"
KINDS = (EVENT, ORDER)
ACTIONS = ("dispatch", "whistle", "force-assign")
EVENT_WAITING = (EventStatus.REGISTERED, EventStatus.RETURNED)
ORDER_WAITING = (HotlineStatus.RECEIVED, HotlineStatus.RETURNED)
URGENCY_RANK = {HotlineUrgency.EMERGENCY: 0, HotlineUrgency.UTILITIES: 1}
DESK_LIMIT = 300


class DeskRefusal(DomainError):
    """A desk request that cannot be done (no such step for this row, a missing choice)."""


@dataclass
class DeskRow:
    kind: str
    pk: int
    case: Any
    number: str
    title: str
    category: str
    place: str
    waiting_since: datetime
    returned: bool
    back_reason: str = ""
    back_from: str = ""
    urgency: str = ""
    urgency_rank: int = 2
    dispatch_due: datetime | None = None
    suggested: Department | None = None
    actions: tuple[str, ...] = ()
    error: str = ""
    done: str = ""
    field_errors: dict = field(default_factory=dict)

    @property
    def row_id(self) -> str:
        return f"desk-{self.kind}-{self.pk}"

    @property
    def overdue(self) -> bool:
        return self.dispatch_due is not None and self.dispatch_due <= timezone.now()

    def sort_key(self):
        return (not self.overdue, self.urgency_rank, self.waiting_since, self.kind, self.pk)


def desk_township_ids(user) -> list[int] | None:
    """The township the desk works for: the user's own (None: every township, for a superuser)."""
    if user.is_superuser:
        return None
    profile = getattr(user, "staff_profile", None)
    return [profile.township_id] if profile is not None and profile.township_id else []


def _events(user, township_ids):
    queryset = events_visible_to(user).filter(status__in=EVENT_WAITING)
    if township_ids is not None:
        queryset = queryset.filter(township_id__in=township_ids)
    latest_back = SendBack.objects.filter(event_id=OuterRef("pk")).order_by("-at", "-pk")
    return queryset.select_related("category__department", "grid", "department").annotate(
        desk_back_at=Subquery(latest_back.values("at")[:1]),
        desk_back_reason=Subquery(latest_back.values("reason")[:1]),
    )


def _orders(user, township_ids):
    queryset = HotlineOrder.objects.visible_to(user).filter(status__in=ORDER_WAITING)
    if township_ids is not None:
        queryset = queryset.filter(township_id__in=township_ids)
    latest_back = HotlineSendBack.objects.filter(order_id=OuterRef("pk")).order_by("-at", "-pk")
    dispatch_limit = Deadline.objects.filter(
        content_type_id=ContentType.objects.get_for_model(HotlineOrder).pk,
        object_id=OuterRef("pk"),
        kind="dispatch",
        clock_stopped_at__isnull=True,
    ).order_by("-pk")
    return queryset.select_related("department").annotate(
        desk_back_at=Subquery(latest_back.values("at")[:1]),
        desk_back_reason=Subquery(latest_back.values("explanation")[:1]),
        desk_dispatch_due=Subquery(dispatch_limit.values("due_at")[:1]),
    )


def _active(department, township_id):
    if department is None or not department.is_active or department.township_id != township_id:
        return None
    return department


def route_for(category: str, routes: list[HotlineRoute]) -> HotlineRoute | None:
    """The route whose category text is the longest beginning of the order's category (case-blind)."""
    text = (category or "").strip().casefold()
    if not text:
        return None
    found = [r for r in routes if text.startswith(r.category.strip().casefold())]
    return max(found, key=lambda r: len(r.category.strip()), default=None)


def event_row(event: GridEvent) -> DeskRow:
    returned = event.status == EventStatus.RETURNED
    return DeskRow(
        kind=EVENT,
        pk=event.pk,
        case=event,
        number=event.number,
        title=event.description[:80],
        category=f"{event.category.major_name}·{event.category.minor_name}",
        place=" · ".join(filter(None, [event.grid.name, event.address])),
        waiting_since=(getattr(event, "desk_back_at", None) if returned else None)
        or event.registered_at
        or event.reported_at,
        returned=returned,
        back_reason=(getattr(event, "desk_back_reason", "") or "") if returned else "",
        back_from=event.department.name if returned and event.department else "",
        suggested=_active(event.category.department, event.township_id)
        or (_active(event.department, event.township_id) if returned else None),
        actions=("dispatch", "whistle", "force-assign") if returned else ("dispatch", "whistle"),
    )


def order_row(order: HotlineOrder, routes: list[HotlineRoute]) -> DeskRow:
    returned = order.status == HotlineStatus.RETURNED
    route = route_for(order.category, routes)
    return DeskRow(
        kind=ORDER,
        pk=order.pk,
        case=order,
        number=order.hotline_number or order.number,
        title=order.title,
        category=order.category or order.get_kind_display(),
        place=order.address,
        waiting_since=(getattr(order, "desk_back_at", None) if returned else None) or order.received_at,
        returned=returned,
        back_reason=(getattr(order, "desk_back_reason", "") or "") if returned else "",
        back_from=order.department.name if returned and order.department else "",
        urgency=order.get_urgency_display(),
        urgency_rank=URGENCY_RANK.get(order.urgency, 2),
        dispatch_due=getattr(order, "desk_dispatch_due", None),
        suggested=_active(route.department, order.township_id) if route else None,
        actions=("dispatch", "force-assign") if returned else ("dispatch",),
    )


def _routes(township_ids) -> list[HotlineRoute]:
    queryset = HotlineRoute.objects.select_related("department")
    if township_ids is not None:
        queryset = queryset.filter(township_id__in=township_ids)
    return list(queryset)


def desk_rows(user, *, limit: int = DESK_LIMIT) -> list[DeskRow]:
    """Every event and work order waiting for a unit in the user's township, most urgent first; a fixed
    number of queries whatever the number of rows."""
    township_ids = desk_township_ids(user)
    if township_ids == []:
        return []
    event_list = list(_events(user, township_ids).order_by("registered_at", "pk")[:limit])
    order_list = list(_orders(user, township_ids).order_by("received_at", "pk")[:limit])
    routes = _routes(township_ids) if order_list else []
    rows = [event_row(e) for e in event_list] + [order_row(o, routes) for o in order_list]
    rows.sort(key=DeskRow.sort_key)
    return rows[:limit]


def desk_departments(user):
    township_ids = desk_township_ids(user)
    queryset = Department.objects.filter(is_active=True).select_related("township")
    if township_ids is not None:
        queryset = queryset.filter(township_id__in=township_ids)
    return list(queryset.order_by("township__code", "code"))


def desk_case(user, kind: str, raw_pk):
    """The event or work order of the user's desk with this id, or None (another township, guessed id,
    not waiting for a unit any more is still found: the services refuse with a message)."""
    pk = parse_pk(raw_pk)
    township_ids = desk_township_ids(user)
    if not pk or township_ids == []:
        return None
    if kind == EVENT:
        queryset = events_visible_to(user)
    elif kind == ORDER:
        queryset = HotlineOrder.objects.visible_to(user)
    else:
        return None
    if township_ids is not None:
        queryset = queryset.filter(township_id__in=township_ids)
    return queryset.filter(pk=pk).first()


def one_row(user, kind: str, pk: int) -> DeskRow | None:
    """The row of one case as the desk shows it (None once it no longer waits for a unit)."""
    township_ids = desk_township_ids(user)
    if kind == EVENT:
        found = _events(user, township_ids).filter(pk=pk).first()
        return event_row(found) if found else None
    found = _orders(user, township_ids).filter(pk=pk).first()
    return order_row(found, _routes([found.township_id])) if found else None


def _department(case, raw) -> Department | None:
    pk = parse_pk(raw)
    if not pk:
        return None
    return Department.objects.filter(township_id=case.township_id, pk=pk).first()


def _on_site_within(raw) -> int:
    text = str(raw or "").strip()
    if not text:
        return int(settings.GRID_WHISTLE_ON_SITE[0])
    value = parse_pk(text, default=-1)
    if value < 1 or value > 72:
        raise DeskRefusal(
            _("Report on site within 1 to 72 hours."),
            field_errors={"on_site_within": [_("A whole number from 1 to 72.")]},
        )
    return value


def _already_done(case, kind: str, action: str, department) -> bool:
    """A repeated click (or a retried request): the case already went where this request sends it."""
    if department is None or case.department_id != department.pk:
        return False
    if kind == EVENT:
        if action == "whistle":
            return case.is_whistle and case.status == EventStatus.DISPATCHED
        if action == "force-assign":
            return case.is_forced and case.status not in EVENT_WAITING
        return case.status == EventStatus.DISPATCHED and not case.is_whistle
    if action == "force-assign":
        return case.is_forced and case.status == HotlineStatus.ASSIGNED
    return case.status == HotlineStatus.ASSIGNED


def act(*, user, kind: str, case, action: str, data) -> str:
    """Dispatch, whistle or force-assign one case from the desk; returns what happened, for the row.
    Refusals are DomainErrors (the grid's and the hotline's own, or DeskRefusal)."""
    if action not in ACTIONS or (kind == ORDER and action == "whistle"):
        raise DeskRefusal(_("This step is not offered for this row."))
    department = _department(case, data.get("department"))
    note = str(data.get("note") or "")
    if _already_done(case, kind, action, department):
        return _("Already sent to %(department)s.") % {"department": department.name}
    if kind == EVENT:
        if action == "dispatch":
            events.dispatch_event(event=case, by=user, department=department, note=note)
        elif action == "force-assign":
            events.force_assign_event(event=case, by=user, department=department, note=note)
        else:
            others = [parse_pk(v) for v in data.getlist("departments")] if hasattr(data, "getlist") else []
            summoned = list(
                Department.objects.filter(township_id=case.township_id, pk__in=[p for p in others if p])
            )
            if department is None:
                raise DeskRefusal(
                    _("Choose the lead unit."), field_errors={"department": [_("Choose the lead unit.")]}
                )
            events.whistle_event(
                event=case,
                by=user,
                departments=summoned,
                lead=department,
                on_site_within=_on_site_within(data.get("on_site_within")),
                note=note,
            )
    else:
        if department is None:
            raise DeskRefusal(
                _("Choose an active unit of this township."),
                field_errors={"department": [_("Choose a unit.")]},
            )
        if action == "dispatch":
            hotline.dispatch_order(order=case, department=department, by=user, note=note[:500])
        else:
            hotline.force_assign_order(order=case, department=department, by=user, note=note)
    done = {
        "dispatch": _("Dispatched to %(department)s."),
        "whistle": _("Whistle blown: %(department)s leads."),
        "force-assign": _("Assigned to %(department)s for good."),
    }[action]
    return done % {"department": department.name}
