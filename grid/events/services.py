"""Grid events: the six-step loop's business actions, one function per step.

Each locks the event first, checks the caller's right, moves it along EVENT_WORKFLOW (the timeline entry
comes with the move), opens or closes its time limits and saves. Each takes `at` (default: now) so that a
step done offline, or a test, can say when it happened. A refusal is a GridEventError with a message for
the user; a failed step leaves nothing behind (photo files included).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.errors import EventNotPossible, GridEventError
from grid.events.inputs import PhotoBatch, clean_coordinate, clean_text, photo_uploads, with_photos
from grid.models import (
    EVENT_WORKFLOW,
    CategoryLimit,
    Deferral,
    DeferralStatus,
    EventCategory,
    EventStatus,
    Grid,
    GridEvent,
    GridStaff,
    LimitStep,
    PhotoKind,
    RejectReason,
    Satisfaction,
    SendBack,
    Summons,
)
from township.casework import clock, deadlines
from township.casework.escalation import tell_role
from township.casework.models import LimitUnit
from township.casework.numbers import next_number
from township.casework.timeline import append_entry
from township.casework.workflow import lock, transition
from township.org.models import Department
from township.org.roles import Role, roles_of
from township.org.scope import ScopeKind, data_scope

S = EventStatus
NUMBER_SERIES = "SJ"
CENTRE_ROLES = frozenset({Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN})
GRID_ROLES = frozenset({Role.GRID_MEMBER, Role.GRID_HEAD})


# --- who may do what -------------------------------------------------------------------------------


def _profile(user):
    profile = getattr(user, "staff_profile", None) if hasattr(user, "staff_profile") else None
    return profile if profile is not None and profile.is_active else None


def is_centre(user, township_id) -> bool:
    """Command-centre staff (or a township admin) of the township."""
    if user.is_superuser:
        return True
    profile = _profile(user)
    return bool(profile and profile.township_id == township_id and roles_of(user) & CENTRE_ROLES)


def grid_ids_of(user) -> frozenset[int]:
    """The grids a grid member or head works: their posts and the micro-grids below them."""
    posts = set(GridStaff.objects.filter(user=user).values_list("grid_id", flat=True))
    children = set(Grid.objects.filter(parent_id__in=posts).values_list("pk", flat=True)) if posts else set()
    return frozenset(posts | children)


def works_grid(user, grid_id) -> bool:
    return user.is_superuser or (bool(roles_of(user) & GRID_ROLES) and grid_id in grid_ids_of(user))


def department_ids_of(user) -> frozenset[int]:
    """The departments whose orders the user handles: their department and its sub-units."""
    profile = _profile(user)
    if profile is None or profile.department_id is None:
        return frozenset()
    scope = data_scope(user)
    if scope.kind == ScopeKind.DEPARTMENT:
        return scope.department_ids
    return frozenset({profile.department_id})


def handles(user, department_id) -> bool:
    return user.is_superuser or (department_id is not None and department_id in department_ids_of(user))


def _require_move(event: GridEvent, action: str) -> None:
    """Refuse a step the event's state does not allow before anything else, naming both states."""
    if EVENT_WORKFLOW.move_for(event.status, action=action) is None:
        targets = [m.target for m in EVENT_WORKFLOW.moves if m.action == action]
        raise EventNotPossible(
            _("This is “%(state)s” and cannot become “%(target)s” (%(action)s).")
            % {
                "state": EVENT_WORKFLOW.state_label(event.status),
                "target": EVENT_WORKFLOW.state_label(targets[0]) if targets else action,
                "action": EVENT_WORKFLOW.action_label(action),
            }
        )


def _require(condition: bool, message) -> None:
    if not condition:
        raise GridEventError(message, code="forbidden")


# --- time limits -------------------------------------------------------------------------------------


def step_limits(category: EventCategory, step: str) -> list[CategoryLimit]:
    """The category's limits of a step in stage order; the configured default when it has none."""
    limits = [limit for limit in category.limits.all() if limit.step == step]
    if limits:
        return sorted(limits, key=lambda limit: limit.order)
    amount, unit = settings.GRID_EVENT_DEFAULT_LIMITS[step]
    return [CategoryLimit(category=category, step=step, order=1, amount=amount, unit=unit)]


def start_handling(event: GridEvent, *, at: datetime) -> None:
    """Start (or, after a send-back, restart) the handling clock at the current stage's limit."""
    limits = step_limits(event.category, LimitStep.HANDLE)
    limit = limits[min(event.stage, len(limits)) - 1]
    if event.clock_started_at is not None and event.clock_stopped_at is None:
        clock.stop_clock(event, at=at)
    clock.start_clock(event, at=at, limit_value=limit.amount, limit_unit=limit.unit)


def send_back_window_end(event: GridEvent) -> datetime | None:
    """Until when the department may send the order back: one working day after dispatch, read as every
    clock reads a 1-working-day limit (to the end of the next working day)."""
    if event.assigned_at is None:
        return None
    return clock.limit_ends(event.assigned_at, 1, LimitUnit.WORKING_DAYS)


# --- step 1: report ----------------------------------------------------------------------------------


def report_event(
    *,
    by,
    grid,
    category: EventCategory,
    description: str,
    latitude,
    longitude,
    address: str = "",
    photos: Iterable = (),
    handled_on_the_spot: bool = False,
    after_photos: Iterable = (),
    client_key: str = "",
    at: datetime | None = None,
) -> GridEvent:
    """A grid member reports an event in one of their grids, with a photo and its location. A small event
    fixed on the spot (自行处置) is reported with a photo after and needs no dispatch. Sending the same
    report again (the same `client_key`, e.g. after a lost connection) returns the first one."""
    at = at or timezone.now()
    _require(works_grid(by, grid.pk), _("You do not work in this grid."))
    client_key = clean_text(client_key, field="client_key", required=False, max_length=40)
    if client_key:
        existing = GridEvent.objects.filter(reporter=by, client_key=client_key).first()
        if existing is not None:
            return existing
    if category is None or not category.is_active or category.catalogue.township_id != grid.township_id:
        raise GridEventError(
            _("Choose a category of this township's catalogue."),
            field_errors={"category": [_("Choose a category.")]},
        )
    description = clean_text(description, field="description")
    address = clean_text(address, field="address", required=False, max_length=256)
    latitude = clean_coordinate(latitude, low=-90, high=90, field="latitude")
    longitude = clean_coordinate(longitude, low=-180, high=180, field="longitude")
    checked = photo_uploads(photos, required=True)
    after = (
        photo_uploads(after_photos, required=handled_on_the_spot, field="after_photos")
        if handled_on_the_spot
        else []
    )

    def step(batch: PhotoBatch) -> GridEvent:
        with transaction.atomic():
            event = GridEvent(
                township_id=grid.township_id,
                number=next_number(township=grid.township, series=NUMBER_SERIES, at=at),
                status=S.SELF_HANDLED if handled_on_the_spot else S.REPORTED,
                category=category,
                grid=grid,
                village_id=grid.village_id,
                description=description,
                address=address,
                latitude=latitude,
                longitude=longitude,
                reporter=by,
                reported_at=at,
                client_key=client_key,
            )
            if handled_on_the_spot:
                event.closed_at, event.closed_on_time = at, True
            try:
                with transaction.atomic():
                    event.save()
            except IntegrityError:
                existing = GridEvent.objects.filter(reporter=by, client_key=client_key).first()
                if client_key and existing is not None:
                    return existing
                raise
            append_entry(
                event,
                action="self-handle" if handled_on_the_spot else "report",
                actor=by,
                to_state=event.status,
                note=description[:500],
                at=at,
            )
            batch.save(event, checked, kind=PhotoKind.REPORT, by=by, at=at)
            batch.save(event, after, kind=PhotoKind.FEEDBACK, by=by, at=at)
            if not handled_on_the_spot:
                limit = step_limits(category, LimitStep.REGISTER)[0]
                deadlines.open_deadline(
                    event,
                    kind="register",
                    label=_("Verify and register"),
                    limit_value=limit.amount,
                    limit_unit=limit.unit,
                    at=at,
                    actor=by,
                )
            return event

    return with_photos(step)


# --- step 2: verify and register, or reject ---------------------------------------------------------


def register_event(*, event: GridEvent, by, note: str = "", at: datetime | None = None) -> GridEvent:
    at = at or timezone.now()
    note = clean_text(note, field="note", required=False, max_length=500)
    with transaction.atomic():
        event = lock(event)
        _require_move(event, "register")
        _require(is_centre(by, event.township_id), _("Only the command centre registers events."))
        transition(event, to=S.REGISTERED, actor=by, action="register", note=note, at=at)
        event.registered_at = at
        deadlines.close_deadline(event, kind="register", at=at, actor=by)
        event.save()
    return event


def reject_event(
    *, event: GridEvent, by, reason: str, duplicate_of: GridEvent | None = None, note: str = "", at=None
) -> GridEvent:
    """Reject a report as invalid, out of scope, or a duplicate of an open event (which it then names)."""
    at = at or timezone.now()
    if reason not in RejectReason.values:
        raise GridEventError(
            _("Choose why the report is rejected."), field_errors={"reason": [_("Choose a reason.")]}
        )
    note = clean_text(note, field="note", required=reason != RejectReason.DUPLICATE, max_length=500)
    with transaction.atomic():
        event = lock(event)
        _require_move(event, "reject")
        _require(is_centre(by, event.township_id), _("Only the command centre rejects reports."))
        if reason == RejectReason.DUPLICATE:
            if (
                duplicate_of is None
                or duplicate_of.pk == event.pk
                or duplicate_of.township_id != event.township_id
                or not duplicate_of.is_open
            ):
                raise GridEventError(
                    _("Name the open event this one duplicates."),
                    field_errors={"duplicate_of": [_("Choose an open event of this township.")]},
                )
            note = note or duplicate_of.number
        transition(event, to=S.REJECTED, actor=by, action="reject", note=note, at=at)
        event.reject_reason = reason
        event.duplicate_of = duplicate_of if reason == RejectReason.DUPLICATE else None
        deadlines.close_deadline(event, kind="register", at=at, actor=by)
        event.save()
    return event


# --- step 3: dispatch, whistle, send back, force-assign, sign for -----------------------------------


def _department_of_township(department, township_id) -> Department:
    if department is None or department.township_id != township_id or not department.is_active:
        raise GridEventError(
            _("Choose an active department of this township."),
            field_errors={"department": [_("Choose a department.")]},
        )
    return department


def dispatch_event(*, event: GridEvent, by, department, note: str = "", at=None) -> GridEvent:
    """Send the order to one department (or the enforcement team); the handling clock starts now."""
    at = at or timezone.now()
    note = clean_text(note, field="note", required=False, max_length=500)
    with transaction.atomic():
        event = lock(event)
        _require_move(event, "dispatch")
        _require(is_centre(by, event.township_id), _("Only the command centre dispatches events."))
        department = _department_of_township(department, event.township_id)
        transition(
            event,
            to=S.DISPATCHED,
            actor=by,
            action="dispatch",
            note=" · ".join(filter(None, [department.name, note])),
            at=at,
        )
        event.department = department
        event.dispatched_at = event.dispatched_at or at
        event.assigned_at = at
        event.is_whistle = False
        start_handling(event, at=at)
        event.save()
        _tell_department(event, department, _("New order %(number)s: %(category)s"))
    return event


def _tell_department(event, department, title) -> None:
    text = title % {"number": event.number, "category": event.category.minor_name}
    for role in (Role.DEPARTMENT_HEAD, Role.APPROVER, Role.ENFORCEMENT_OFFICER):
        tell_role(
            role,
            key=f"grid-event:{event.pk}:{event.assigned_at.isoformat()}:{department.pk}",
            title=text,
            department_id=department.pk,
            township_id=event.township_id,
            url=f"/grid/events/{event.pk}/",
        )


def whistle_event(
    *,
    event: GridEvent,
    by,
    departments: Iterable,
    lead,
    on_site_within: int | None = None,
    on_site_unit: str = LimitUnit.CLOCK_HOURS,
    note: str = "",
    at=None,
) -> GridEvent:
    """Blow the whistle (吹哨报到): summon several departments, each of which must report on site within
    the set time; the lead unit handles and feeds back."""
    at = at or timezone.now()
    note = clean_text(note, field="note", required=False, max_length=500)
    on_site_within = settings.GRID_WHISTLE_ON_SITE[0] if on_site_within is None else on_site_within
    if isinstance(on_site_within, bool) or not isinstance(on_site_within, int) or on_site_within < 1:
        raise GridEventError(
            _("Set the time to report on site."),
            field_errors={"on_site_within": [_("A whole number, 1 or more.")]},
        )
    if on_site_unit not in LimitUnit.values:
        raise GridEventError(_("Choose a unit."), field_errors={"on_site_unit": [_("Choose a unit.")]})
    chosen = {d.pk: d for d in departments if d is not None}
    if lead is not None:
        chosen.setdefault(lead.pk, lead)
    if len(chosen) < 2:
        raise GridEventError(
            _("A whistle summons at least two departments."),
            field_errors={"departments": [_("Choose two or more.")]},
        )
    if lead is None:
        raise GridEventError(_("Choose the lead unit."), field_errors={"lead": [_("Choose the lead unit.")]})
    with transaction.atomic():
        event = lock(event)
        _require_move(event, "whistle")
        _require(is_centre(by, event.township_id), _("Only the command centre blows the whistle."))
        for department in chosen.values():
            _department_of_township(department, event.township_id)
        names = "、".join(d.name for d in sorted(chosen.values(), key=lambda d: (d.pk != lead.pk, d.pk)))
        transition(
            event,
            to=S.DISPATCHED,
            actor=by,
            action="whistle",
            note=" · ".join(filter(None, [names, note])),
            at=at,
        )
        event.department, event.is_whistle = lead, True
        event.dispatched_at = event.dispatched_at or at
        event.assigned_at = at
        start_handling(event, at=at)
        event.save()
        Summons.objects.filter(event=event, reported_at__isnull=True).delete()
        for department in chosen.values():
            summons_deadline = deadlines.open_deadline(
                event,
                kind=f"on-site-{department.pk}",
                label=_("%(department)s: report on site") % {"department": department.name},
                limit_value=on_site_within,
                limit_unit=on_site_unit,
                at=at,
                actor=by,
            )
            Summons.objects.update_or_create(
                event=event,
                department=department,
                defaults={
                    "is_lead": department.pk == lead.pk,
                    "summoned_at": at,
                    "due_at": summons_deadline.due_at,
                },
            )
            _tell_department(event, department, _("Whistle %(number)s: report on site (%(category)s)"))
    return event


def report_on_site(*, event: GridEvent, by, note: str = "", at=None) -> Summons:
    """A summoned department reports on site (报到); late if after its summons' time."""
    at = at or timezone.now()
    note = clean_text(note, field="note", required=False, max_length=500)
    with transaction.atomic():
        event = lock(event)
        mine = [
            s
            for s in event.summonses.select_for_update().select_related("department")
            if handles(by, s.department_id)
        ]
        _require(bool(mine), _("Your department was not summoned to this event."))
        pending = [s for s in mine if s.reported_at is None]
        if not pending:
            return mine[0]
        summons = pending[0]
        summons.reported_at, summons.reported_by, summons.note = at, by, note
        summons.save(update_fields=["reported_at", "reported_by", "note"])
        deadlines.close_deadline(event, kind=f"on-site-{summons.department_id}", at=at, actor=by)
        append_entry(
            event,
            action="on-site",
            actor=by,
            note=" · ".join(filter(None, [summons.department.name, note])),
            at=at,
        )
    return summons


def send_back_event(*, event: GridEvent, by, reason: str, at=None) -> GridEvent:
    """The department sends a misrouted order back (退单) with its reasons, within 1 working day."""
    at = at or timezone.now()
    reason = clean_text(reason, field="reason", max_length=1000)
    with transaction.atomic():
        event = lock(event)
        _require_move(event, "send-back")
        _require(handles(by, event.department_id), _("This order is not your department's."))
        if event.is_whistle:
            raise GridEventError(_("A whistle is answered on site; it cannot be sent back."))
        if event.is_forced:
            raise GridEventError(_("The command centre assigned this order; it cannot be sent back again."))
        window_end = send_back_window_end(event)
        if window_end is not None and at >= window_end:
            raise GridEventError(
                _("An order may be sent back within 1 working day of dispatch; that time ended on %(when)s.")
                % {"when": timezone.localtime(window_end).strftime("%Y-%m-%d %H:%M")}
            )
        transition(event, to=S.RETURNED, actor=by, action="send-back", note=reason, at=at)
        SendBack.objects.create(event=event, department=event.department, by=by, at=at, reason=reason)
        event.save()
        tell_role(
            Role.COMMAND_CENTRE,
            key=f"grid-event-back:{event.pk}:{at.isoformat()}",
            title=_("%(number)s was sent back") % {"number": event.number},
            township_id=event.township_id,
            url=f"/grid/events/{event.pk}/",
        )
    return event


def force_assign_event(*, event: GridEvent, by, department=None, note: str, at=None) -> GridEvent:
    """The centre assigns a sent-back order for good (by default to the department that sent it back)."""
    at = at or timezone.now()
    note = clean_text(note, field="note", max_length=500)
    with transaction.atomic():
        event = lock(event)
        _require_move(event, "force-assign")
        _require(is_centre(by, event.township_id), _("Only the command centre assigns orders."))
        department = _department_of_township(department or event.department, event.township_id)
        transition(
            event,
            to=S.IN_PROGRESS,
            actor=by,
            action="force-assign",
            note=f"{department.name} · {note}",
            at=at,
        )
        event.department, event.is_forced, event.assigned_at = department, True, at
        start_handling(event, at=at)
        event.save()
        _tell_department(event, department, _("Order %(number)s assigned to you by the centre: %(category)s"))
    return event


def accept_event(*, event: GridEvent, by, at=None) -> GridEvent:
    """The department signs for the order (签收); it cannot be sent back afterwards."""
    at = at or timezone.now()
    with transaction.atomic():
        event = lock(event)
        _require_move(event, "accept")
        _require(handles(by, event.department_id), _("This order is not your department's."))
        transition(event, to=S.IN_PROGRESS, actor=by, action="accept", at=at)
        event.save()
    return event


# --- step 4: handle and feed back --------------------------------------------------------------------


def complete_stage(*, event: GridEvent, by, note: str = "", at=None) -> GridEvent:
    """A category handled in stages (停工 → 处罚 → 拆除): finish this stage, start the next one's limit."""
    at = at or timezone.now()
    note = clean_text(note, field="note", required=False, max_length=500)
    with transaction.atomic():
        event = lock(event, related=("category",))
        _require(handles(by, event.department_id), _("This order is not your department's."))
        if event.status not in (S.DISPATCHED, S.IN_PROGRESS):
            raise GridEventError(_("Only an order being handled has stages to finish."), code="conflict")
        limits = step_limits(event.category, LimitStep.HANDLE)
        if event.stage >= len(limits):
            raise GridEventError(_("This is the last stage: feed back when it is done."))
        done = limits[event.stage - 1]
        event.stage += 1
        start_handling(event, at=at)
        append_entry(
            event, action="stage-done", actor=by, note=" · ".join(filter(None, [done.stage, note])), at=at
        )
        event.save()
    return event


def feed_back_event(*, event: GridEvent, by, note: str, photos: Iterable = (), at=None) -> GridEvent:
    """The (lead) department reports it handled the event, with photos; the check's limit starts."""
    at = at or timezone.now()
    note = clean_text(note, field="note", max_length=1000)
    checked = photo_uploads(photos, required=True)

    def step(batch: PhotoBatch) -> GridEvent:
        with transaction.atomic():
            event_ = lock(event, related=("category",))
            _require_move(event_, "feed-back")
            _require(handles(by, event_.department_id), _("Only the handling (lead) department feeds back."))
            limits = step_limits(event_.category, LimitStep.HANDLE)
            if event_.status in (S.DISPATCHED, S.IN_PROGRESS) and event_.stage < len(limits):
                raise GridEventError(
                    _("Finish the stage “%(stage)s” first.") % {"stage": limits[event_.stage - 1].stage}
                )
            transition(event_, to=S.FED_BACK, actor=by, action="feed-back", note=note, at=at)
            event_.fed_back_at = at
            batch.save(event_, checked, kind=PhotoKind.FEEDBACK, by=by, at=at)
            limit = step_limits(event_.category, LimitStep.CHECK)[0]
            deadlines.open_deadline(
                event_,
                kind="check",
                label=_("Check on site"),
                limit_value=limit.amount,
                limit_unit=limit.unit,
                at=at,
                actor=by,
            )
            event_.save()
            return event_

    return with_photos(step)


# --- step 5: check and close --------------------------------------------------------------------------


def check_event(
    *, event: GridEvent, by, passed: bool, note: str = "", photos: Iterable = (), at=None
) -> GridEvent:
    """The grid member (or the centre) checks on site: passed closes the event (on time if by its due
    time); failed sends it back to the department as rework (返工), counted."""
    at = at or timezone.now()
    note = clean_text(note, field="note", required=not passed, max_length=1000)
    checked = photo_uploads(photos, required=False)

    def step(batch: PhotoBatch) -> GridEvent:
        with transaction.atomic():
            event_ = lock(event)
            _require_move(event_, "check-pass" if passed else "rework")
            _require(
                works_grid(by, event_.grid_id) or is_centre(by, event_.township_id),
                _("The event is checked by its grid's staff or the command centre."),
            )
            _require(
                by.is_superuser or not handles(by, event_.department_id),
                _("The department that handled an event cannot check it."),
            )
            batch.save(event_, checked, kind=PhotoKind.CHECK, by=by, at=at)
            if passed:
                transition(event_, to=S.CLOSED, actor=by, action="check-pass", note=note, at=at)
                deadlines.close_deadline(event_, kind="check", at=at, actor=by)
                clock.stop_clock(event_, at=at)
                event_.closed_at = at
                event_.closed_on_time = at <= event_.due_at
            else:
                transition(event_, to=S.IN_PROGRESS, actor=by, action="rework", note=note, at=at)
                deadlines.close_deadline(event_, kind="check", at=at, actor=by)
                event_.rework_count += 1
                event_.fed_back_at = None
                if event_.department_id:
                    _tell_department(
                        event_, event_.department, _("Rework %(number)s: the check failed (%(category)s)")
                    )
            event_.save()
            return event_

    return with_photos(step)


# --- step 6: evaluate --------------------------------------------------------------------------------


def evaluate_event(*, event: GridEvent, by, satisfaction, note: str = "", at=None) -> GridEvent:
    """The reporter says how satisfied they are with the result (回访)."""
    at = at or timezone.now()
    note = clean_text(note, field="note", required=False, max_length=500)
    try:
        satisfaction = Satisfaction(int(str(satisfaction).strip()))
    except (TypeError, ValueError):
        raise GridEventError(
            _("Choose how satisfied you are."), field_errors={"satisfaction": [_("Choose one.")]}
        ) from None
    with transaction.atomic():
        event = lock(event)
        _require_move(event, "evaluate")
        _require(event.reporter_id == by.pk, _("Only the reporter rates the result."))
        transition(
            event,
            to=S.EVALUATED,
            actor=by,
            action="evaluate",
            note=" · ".join(filter(None, [str(satisfaction.label), note])),
            at=at,
        )
        event.satisfaction, event.evaluated_at = satisfaction, at
        event.save()
    return event


# --- deferral ----------------------------------------------------------------------------------------


def request_deferral(*, event: GridEvent, by, amount, reason: str, at=None) -> Deferral:
    """The department asks for more time, before the deadline, in the limit's own unit."""
    at = at or timezone.now()
    reason = clean_text(reason, field="reason", max_length=1000)
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= 1000:
        raise GridEventError(
            _("Ask for a whole number of units, 1 or more."), field_errors={"amount": [_("1 or more.")]}
        )
    with transaction.atomic():
        event = lock(event)
        _require(handles(by, event.department_id), _("This order is not your department's."))
        if event.status not in (S.DISPATCHED, S.IN_PROGRESS):
            raise GridEventError(_("Only an order being handled can be deferred."), code="conflict")
        if event.due_at is None or at >= event.due_at:
            raise GridEventError(_("A deferral must be requested before the deadline."))
        if event.deferrals.filter(status=DeferralStatus.REQUESTED).exists():
            raise GridEventError(_("A deferral is already waiting for a decision."), code="conflict")
        deferral = Deferral.objects.create(
            event=event, amount=amount, unit=event.limit_unit, reason=reason, requested_by=by, requested_at=at
        )
        append_entry(
            event,
            action="deferral-request",
            actor=by,
            note=f"+{amount} {deferral.get_unit_display()} · {reason}"[:500],
            at=at,
        )
        tell_role(
            Role.COMMAND_CENTRE,
            key=f"grid-deferral:{deferral.pk}",
            title=_("%(number)s: deferral requested") % {"number": event.number},
            township_id=event.township_id,
            url=f"/grid/events/{event.pk}/",
        )
    return deferral


def decide_deferral(*, deferral: Deferral, by, approve: bool, note: str = "", at=None) -> Deferral:
    at = at or timezone.now()
    note = clean_text(note, field="note", required=not approve, max_length=500)
    with transaction.atomic():
        event = lock(deferral.event)
        deferral = Deferral.objects.select_for_update().get(pk=deferral.pk)
        _require(is_centre(by, event.township_id), _("Only the command centre decides deferrals."))
        if deferral.status != DeferralStatus.REQUESTED:
            raise GridEventError(_("This deferral has already been decided."), code="conflict")
        deferral.status = DeferralStatus.APPROVED if approve else DeferralStatus.REFUSED
        deferral.decided_by, deferral.decided_at, deferral.decision_note = by, at, note
        deferral.save()
        if approve and event.is_clock_running:
            clock.extend_clock(event, by=deferral.amount)
            event.deferral_count += 1
            event.save()
        append_entry(
            event,
            action="deferral-approve" if approve else "deferral-refuse",
            actor=by,
            note=f"+{deferral.amount} {deferral.get_unit_display()}" + (f" · {note}" if note else ""),
            at=at,
        )
    return deferral


# --- links: enforcement clue, agent-service application -----------------------------------------------

# The enforcement app's "create a clue" service, wired at merge:
#   set_enforcement_clue_hook(lambda *, event, by, note: create_clue(...))
# It returns the clue (any model instance); the event keeps a link to it, and the clue keeps the event.
_clue_hook: Callable | None = None


def set_enforcement_clue_hook(hook: Callable | None) -> None:
    global _clue_hook  # noqa: PLW0603 - one hook, set once at start-up
    _clue_hook = hook


def enforcement_clues_enabled() -> bool:
    return _clue_hook is not None


def make_enforcement_clue(*, event: GridEvent, by, note: str = "", at=None):
    """Pass the event to the enforcement team as a clue (线索); once only (a retry returns the first)."""
    at = at or timezone.now()
    note = clean_text(note, field="note", required=False, max_length=500)
    if _clue_hook is None:
        raise GridEventError(_("Enforcement clues cannot be created yet in this installation."))
    with transaction.atomic():
        event = lock(event)
        _require(
            is_centre(by, event.township_id) or works_grid(by, event.grid_id),
            _("You may not pass this event on."),
        )
        if event.clue_id is not None:
            return event.clue_type.get_object_for_this_type(pk=event.clue_id)
        if event.status in (S.REJECTED,):
            raise GridEventError(_("A rejected report cannot become a clue."), code="conflict")
        clue = _clue_hook(event=event, by=by, note=note)
        event.clue_type = ContentType.objects.get_for_model(clue)
        event.clue_id = clue.pk
        event.save(update_fields=["clue_type", "clue_id"])
        append_entry(event, action="enforcement-clue", actor=by, note=str(clue)[:500], at=at)
    return clue


def link_service_application(*, event: GridEvent, application, by, at=None) -> GridEvent:
    """Link the agent-service application the grid member filed for the resident (代办) to the event; the
    application finds its events as `application.grid_events`."""
    at = at or timezone.now()
    with transaction.atomic():
        event = lock(event)
        _require(
            event.reporter_id == by.pk or is_centre(by, event.township_id), _("You may not link this event.")
        )
        if application is None or application.township_id != event.township_id:
            raise GridEventError(
                _("Choose an application of this township."), field_errors={"application": [_("Not found.")]}
            )
        if event.service_application_id == application.pk:
            return event
        event.service_application = application
        event.save(update_fields=["service_application"])
        append_entry(event, action="service-application", actor=by, note=application.number, at=at)
    return event
