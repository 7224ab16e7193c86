"""Several time limits on one case: open, pause, resume, extend and close each by its kind.

    open_deadline(case, kind="hearing-request", label=_("Request a hearing"), limit_value=5,
                  limit_unit=LimitUnit.WORKING_DAYS, at=served_at, actor=officer)
    close_deadline(case, kind="hearing-request", at=now, actor=officer)

Each is a `Deadline` row with the same clock as a case (working hours, working days, calendar days,
pauses, extensions; `township.casework.clock` does the arithmetic), swept and warned like one; each step
writes the case's timeline. Call them inside the service's transaction, after locking the case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from township.casework import clock
from township.casework.errors import ClockError
from township.casework.models import HOUR_UNITS, CaseClock, Deadline, WarningEvent
from township.casework.registry import case_type_for_label
from township.casework.timeline import append_entries, append_entry

CLOCK_FIELDS = tuple(field.attname for field in CaseClock._meta.local_fields)


def deadlines_for(case) -> QuerySet[Deadline]:
    """Every time limit of the case, open ones first, then by due time."""
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(case), object_id=case.pk
    ).order_by("clock_stopped_at", "due_at", "pk")


def open_deadlines(case) -> QuerySet[Deadline]:
    return deadlines_for(case).filter(clock_stopped_at__isnull=True)


def _open(case, kind: str, *, lock: bool = True) -> Deadline | None:
    queryset = open_deadlines(case).filter(kind=kind)
    return (queryset.select_for_update() if lock else queryset).first()


def _due_note(deadline: Deadline, note: str = "") -> str:
    """ "Name: due <date>" for the timeline, with the step's own note after it."""
    text = gettext("%(deadline)s: due %(due)s") % {"deadline": deadline.label, "due": _due_text(deadline)}
    return (text + (f" — {note}" if note else ""))[:500]


def _due_text(deadline: Deadline) -> str:
    due = timezone.localtime(deadline.due_at)
    if deadline.limit_unit in HOUR_UNITS:
        return date_format(due, "DATETIME_FORMAT")
    return date_format(deadline.due_date, "DATE_FORMAT")


def open_deadline(
    case,
    *,
    kind: str,
    label: str,
    limit_value: int,
    limit_unit: str,
    at: datetime | None = None,
    actor=None,
    yellow_threshold: int | None = None,
    note: str = "",
) -> Deadline:
    """Start a time limit of `kind` on the case; opening one that is already open returns it (a retry)."""
    at = at or timezone.now()
    existing = _open(case, kind)
    if existing is not None:
        return existing
    deadline = Deadline(
        content_type=ContentType.objects.get_for_model(case),
        object_id=case.pk,
        township_id=case.township_id,
        kind=kind,
        label=str(label)[:200],
        opened_by=actor if getattr(actor, "pk", None) else None,
    )
    clock.start_clock(
        deadline, at=at, limit_value=limit_value, limit_unit=limit_unit, yellow_threshold=yellow_threshold
    )
    try:
        with transaction.atomic():
            deadline.save()
    except IntegrityError:
        # Another request opened it at the same moment: theirs counts.
        return _open(case, kind)
    append_entry(
        case,
        action="deadline-open",
        actor=actor,
        note=_due_note(deadline, note),
        at=at,
        is_internal=False,
    )
    return deadline


def open_deadlines_of_new_cases(
    cases: Sequence,
    *,
    kind: str,
    label: str,
    limit_of: Callable[[object], tuple[int, str]],
    at: datetime | None = None,
    actor=None,
) -> list[Deadline]:
    """`open_deadline` for many cases just created together (a bulk import): one INSERT of the deadlines
    and one bulk timeline append. `limit_of(case)` gives (limit value, limit unit); the clock arithmetic
    is done once per distinct limit, all starting at `at`. A case with that kind already open makes the
    database refuse the lot (IntegrityError): it is for new cases only."""
    at = at or timezone.now()
    if not cases:
        return []
    content_type = ContentType.objects.get_for_model(cases[0])
    started: dict[tuple[int, str], Deadline] = {}
    deadlines = []
    for case in cases:
        limit = limit_of(case)
        if limit not in started:
            template = Deadline()
            clock.start_clock(template, at=at, limit_value=limit[0], limit_unit=limit[1])
            started[limit] = template
        template = started[limit]
        deadline = Deadline(
            content_type=content_type,
            object_id=case.pk,
            township_id=case.township_id,
            kind=kind,
            label=str(label)[:200],
            opened_by=actor if getattr(actor, "pk", None) else None,
        )
        for name in CLOCK_FIELDS:
            setattr(deadline, name, getattr(template, name))
        deadlines.append(deadline)
    Deadline.objects.bulk_create(deadlines, batch_size=1000)
    append_entries(
        [
            (case, {"action": "deadline-open", "actor": actor, "note": _due_note(deadline), "at": at})
            for case, deadline in zip(cases, deadlines, strict=True)
        ]
    )
    return deadlines


def _require(case, kind: str) -> Deadline:
    deadline = _open(case, kind)
    if deadline is None:
        raise ClockError(gettext("This case has no open time limit “%(kind)s”.") % {"kind": kind})
    return deadline


def close_deadline(
    case, *, kind: str, at: datetime | None = None, actor=None, note: str = ""
) -> Deadline | None:
    """The step was done: stop the time limit (its warning level is frozen: red means late). None if none open."""
    at = at or timezone.now()
    deadline = _open(case, kind)
    if deadline is None:
        return None
    clock.stop_clock(deadline, at=at)
    deadline.save()
    append_entry(case, action="deadline-close", actor=actor, note=(note or deadline.label)[:500], at=at)
    return deadline


def pause_deadline(case, *, kind: str, at: datetime | None = None, actor=None, note: str = "") -> Deadline:
    """Stop time on one limit (a hearing, public notice or testing does not count towards the decision)."""
    at = at or timezone.now()
    deadline = _require(case, kind)
    clock.pause_clock(deadline, at=at)
    deadline.save()
    append_entry(case, action="deadline-pause", actor=actor, note=(note or deadline.label)[:500], at=at)
    return deadline


def resume_deadline(case, *, kind: str, at: datetime | None = None, actor=None) -> Deadline:
    at = at or timezone.now()
    deadline = _require(case, kind)
    clock.resume_clock(deadline, at=at)
    deadline.save()
    append_entry(
        case,
        action="deadline-resume",
        actor=actor,
        note=_due_note(deadline),
        at=at,
    )
    return deadline


def extend_deadline(
    case, *, kind: str, by: int, actor=None, at: datetime | None = None, note: str = ""
) -> Deadline:
    """Lengthen one limit by `by` of its units (an approved extension)."""
    deadline = _require(case, kind)
    clock.extend_clock(deadline, by=by)
    deadline.save()
    append_entry(
        case,
        action="deadline-extend",
        actor=actor,
        note=_due_note(deadline, note),
        at=at,
    )
    return deadline


def dispatch_deadline_warnings(events: list[WarningEvent]) -> None:
    """The listener of the Deadline case type: hand each event to the case type that owns the deadline,
    as an event of that case with `event.deadline` set."""
    deadlines = Deadline.objects.only(
        "content_type_id", "object_id", "kind", "label", "township_id", "due_at", "limit_unit"
    ).in_bulk([event.object_id for event in events])
    by_owner: dict[int, list[WarningEvent]] = {}
    for event in events:
        deadline = deadlines.get(event.object_id)
        if deadline is None:
            continue
        owned = WarningEvent(
            pk=event.pk,
            content_type_id=deadline.content_type_id,
            object_id=deadline.object_id,
            level=event.level,
            due_at=event.due_at,
            created_at=event.created_at,
            dispatched_at=event.dispatched_at,
        )
        owned.deadline = deadline
        by_owner.setdefault(deadline.content_type_id, []).append(owned)
    for content_type_id, owned_events in by_owner.items():
        content_type = ContentType.objects.get_for_id(content_type_id)
        case_type = case_type_for_label(f"{content_type.app_label}.{content_type.model}")
        if case_type is not None:
            case_type.on_warning(owned_events)
