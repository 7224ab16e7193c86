"""Services: door-to-door service 上门特办. A resident who cannot come (elderly, disabled, no transport) asks
for a home visit; the point schedules a village staff member or grid member, who takes the application at
home as the resident's agent, with the resident's consent recorded, and the application then follows the
same path as at the point: accepted there when the item is the village's, forwarded to the hall otherwise."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.errors import HomeVisitNotPossible, IntakeError
from services.models import (
    Application,
    ConsentMethod,
    HomeVisit,
    PointStaff,
    ServiceItem,
    ServicePoint,
    VisitReason,
    VisitStatus,
)
from services.services.forwarding import forward_application
from services.services.intake import (
    Agent,
    Applicant,
    _validate_parties,
    accept_application,
    receive_at_window,
)
from services.services.points import may_accept_at, record_reception
from township.casework.numbers import next_number
from township.casework.timeline import append_entry
from township.casework.workflow import lock, transition
from township.identifiers import normalise
from township.org.models import person_name
from township.org.roles import Role, has_role

V = VisitStatus
VISIT_SERIES = "SM"  # QS-SM-2026-000001
VISIT_ROLES = (Role.WINDOW_CLERK, Role.GRID_MEMBER, Role.GRID_HEAD)


def _may_visit(user, point: ServicePoint) -> bool:
    """Village staff and grid members of the point's agent team (or its clerks) make home visits."""
    return (
        user is not None
        and user.is_active
        and has_role(user, *VISIT_ROLES)
        and PointStaff.objects.filter(user=user, point=point).exists()
    )


def request_home_visit(
    *,
    point: ServicePoint,
    item: ServiceItem,
    by,
    resident_name: str,
    resident_id_number: str,
    resident_phone: str,
    address: str,
    reason: str,
    note: str = "",
    at=None,
) -> HomeVisit:
    """Record a request for a home visit (taken at the point or by phone); numbered at once."""
    at = at or timezone.now()
    if item.township_id != point.township_id or item.current_version_id is None:
        raise IntakeError(_("This service item is not offered here."))
    visit = HomeVisit(
        township=point.township,
        point=point,
        item=item,
        resident_name=" ".join((resident_name or "").split()),
        resident_id_number=normalise(resident_id_number or ""),
        resident_phone=normalise(resident_phone or "").removeprefix("+86"),
        address=" ".join((address or "").split()),
        reason=reason,
        note=(note or "").strip(),
        requested_by=by,
        requested_at=at,
    )
    # The same checks as the applicant data of an application: one message per field.
    probe = Application(applicant_name=visit.resident_name)
    Applicant(
        name=visit.resident_name, id_number=visit.resident_id_number, phone=visit.resident_phone
    ).apply_to(probe)
    errors = {}
    try:
        _validate_parties(probe, complete=True)
    except IntakeError as error:
        mapping = {"applicant_name": "resident_name", "applicant_id_number": "resident_id_number"}
        mapping["applicant_phone"] = "resident_phone"
        errors = {mapping.get(k, k): v for k, v in (error.field_errors or {}).items()}
    if not visit.address:
        errors["address"] = [_("Enter the address to visit.")]
    if reason not in VisitReason.values:
        errors["reason"] = [_("Choose why the resident cannot come.")]
    if errors:
        raise IntakeError(_("Please correct the marked fields."), field_errors=errors)
    with transaction.atomic():
        visit.number = next_number(township=point.township, series=VISIT_SERIES, at=at)
        visit.save()
        append_entry(visit, action="request", actor=by, to_state=V.REQUESTED, at=at)
    return visit


def schedule_home_visit(*, visit: HomeVisit, by, agent, when, at=None) -> HomeVisit:
    """Give the visit to a member of the point's agent team for a time (again to reschedule)."""
    at = at or timezone.now()
    with transaction.atomic():
        visit = lock(visit, related=("point",))
        if not _may_visit(by, visit.point) and not has_role(by, Role.TOWNSHIP_ADMIN):
            raise HomeVisitNotPossible(_("Only the point's staff schedule its home visits."))
        if not _may_visit(agent, visit.point):
            raise HomeVisitNotPossible(
                _("%(name)s is not on this point's agent team.") % {"name": person_name(agent)}
            )
        if when is None or when < at - timedelta(hours=1):
            raise IntakeError(
                _("Choose a time for the visit that is not in the past."),
                field_errors={"scheduled_for": [_("Choose a time for the visit that is not in the past.")]},
            )
        if visit.status == V.SCHEDULED and visit.assigned_to_id == agent.pk and visit.scheduled_for == when:
            return visit
        visit.assigned_to, visit.scheduled_for = agent, when
        transition(visit, to=V.SCHEDULED, actor=by, action="schedule", note=person_name(agent), at=at)
        visit.save()
    return visit


def take_application_at_home(
    *, visit: HomeVisit, agent, checklist: dict, consent_method: str, consent_note: str, at=None
) -> Application:
    """The visiting agent takes the application at the resident's home, on the resident's consent: the
    application records the agent and how the resident agreed; then it is accepted (a village item, by a
    clerk) or forwarded to the hall, like any application received at the point."""
    at = at or timezone.now()
    consent_note = " ".join((consent_note or "").split())
    errors = {}
    if consent_method not in ConsentMethod.values:
        errors["consent_method"] = [_("Record how the resident agreed to you applying for them.")]
    if len(consent_note) < 4:
        errors["consent_note"] = [
            _("Note the resident's consent (e.g. who signed the power of attorney, or who was present).")
        ]
    if errors:
        raise IntakeError(_("Please correct the marked fields."), field_errors=errors)
    with transaction.atomic():
        visit = lock(visit, related=("point", "item__current_version", "township"))
        if visit.status == V.DONE and visit.assigned_to_id == agent.pk and visit.application_id:
            return visit.application  # a retried submit
        if visit.assigned_to_id != agent.pk:
            raise HomeVisitNotPossible(_("This home visit is scheduled for another staff member."))
        if visit.status != V.SCHEDULED:
            raise HomeVisitNotPossible(_("This home visit is not scheduled."))
        application = receive_at_window(
            township=visit.township,
            clerk=agent,
            item=visit.item,
            applicant=Applicant(
                name=visit.resident_name, id_number=visit.resident_id_number, phone=visit.resident_phone
            ),
            agent=Agent(
                user=agent,
                name=person_name(agent),
                relation=_("Visiting staff of %(point)s") % {"point": visit.point.name},
                consent_method=consent_method,
                consent_note=consent_note[:200],
            ),
            at=at,
        )
        version = visit.item.current_version
        if agent.has_perm("services.change_application") and may_accept_at(visit.point, [version]):
            application = accept_application(application=application, clerk=agent, checklist=checklist, at=at)
            record_reception(application=application, point=visit.point, by=agent, home_visit=visit, at=at)
        else:
            application = forward_application(
                application=application,
                clerk=agent,
                checklist=checklist,
                point=visit.point,
                home_visit=visit,
                at=at,
            )
        visit.application = application
        transition(visit, to=V.DONE, actor=agent, action="take", note=application.number, at=at)
        visit.save()
    return application


def cancel_home_visit(*, visit: HomeVisit, by, reason: str, at=None) -> HomeVisit:
    at = at or timezone.now()
    reason = " ".join((reason or "").split())
    if len(reason) < 2:
        raise IntakeError(
            _("State why the visit is cancelled."),
            field_errors={"reason": [_("State why the visit is cancelled.")]},
        )
    with transaction.atomic():
        visit = lock(visit, related=("point",))
        if visit.status == V.CANCELLED:
            return visit
        if not (_may_visit(by, visit.point) or has_role(by, Role.TOWNSHIP_ADMIN)):
            raise HomeVisitNotPossible(_("Only the point's staff cancel its home visits."))
        transition(visit, to=V.CANCELLED, actor=by, action="cancel", note=reason[:300], at=at)
        visit.save()
    return visit


__all__ = ["cancel_home_visit", "request_home_visit", "schedule_home_visit", "take_application_at_home"]
