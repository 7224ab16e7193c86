"""Services: forwarded applications 代收代办. A village point receives the materials of an item handled at
the hall: the application is numbered and received at once (so the clock rules of receipt run from now),
the resident takes a receipt of receiving with the tracking code, the paper materials travel to the hall
on a numbered hand-over list, and the hall's pre-review takes it from there: one number, one tracking."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.errors import IntakeError
from services.models import Application, ApplicationStatus, Channel, Handover, Reception, ServicePoint
from services.services.checklist import checklist_lines, clean_checklist
from services.services.intake import LOCK_RELATED, PRE_REVIEW
from services.services.messages import tracking_url
from services.services.points import record_reception, village_point_of
from township.casework.deadlines import open_deadline, open_deadlines
from township.casework.models import LimitUnit
from township.casework.timeline import append_entry
from township.casework.workflow import lock
from township.documents.services import issue_document, qr_data_uri

S = ApplicationStatus


def forward_application(
    *, application: Application, clerk, checklist: dict | None = None, point=None, home_visit=None, at=None
) -> Application:
    """Forward a received application from the clerk's village point to the hall. The application keeps its
    number and receipt time; the 5 working days to tell the applicant what is missing run from receipt
    (Administrative Licensing Law art. 32), as for an online submission. Call it right after
    `receive_at_window`, in the same transaction; a retried call changes nothing."""
    at = at or timezone.now()
    point = point or village_point_of(clerk)
    if point is None or point.is_hall:
        raise IntakeError(_("Only a village service point forwards applications to the hall."))
    with transaction.atomic():
        application = lock(application, related=LOCK_RELATED)
        existing = Reception.objects.filter(application=application).first()
        if existing is not None and existing.is_forwarded:
            return application
        if (
            application.status != S.SUBMITTED
            or application.parent_id
            or application.channel != Channel.WINDOW
        ):
            raise IntakeError(_("Only an application just received can be forwarded."))
        if checklist is not None:
            application.checklist = clean_checklist(application, checklist)
            application.save(update_fields=["checklist", "updated_at"])
        if not open_deadlines(application).filter(kind=PRE_REVIEW).exists():
            open_deadline(
                application,
                kind=PRE_REVIEW,
                label=_("Pre-review: tell the applicant at once what is missing"),
                limit_value=settings.PRE_REVIEW_LIMIT_WORKING_DAYS,
                limit_unit=LimitUnit.WORKING_DAYS,
                yellow_threshold=1,
                at=application.submitted_at or at,
                actor=clerk,
            )
        append_entry(application, action="forward", actor=clerk, note=point.name, at=at)
        reception = record_reception(
            application=application, point=point, by=clerk, forwarded=True, home_visit=home_visit, at=at
        )
        if not reception.is_forwarded:
            reception.is_forwarded = True
            reception.save(update_fields=["is_forwarded"])
        reception.slip = issue_document(
            township=application.township,
            doc_type="receiving_receipt",
            title=_("Receipt of receiving for application %(number)s") % {"number": application.number},
            template_name="services/points/pdf/receiving_receipt.html",
            context={
                "application": application,
                "point": point,
                "lines": [
                    line
                    for line in checklist_lines(application, application.checklist)
                    if line.state == "ok" and not line.is_shared_data
                ],
                "tracking_url": tracking_url(application),
                "tracking_qr": qr_data_uri(tracking_url(application)),
            },
            subject=application,
            issued_by=clerk,
            issued_at=at,
        )
        reception.save(update_fields=["slip"])
    return application


def awaiting_handover(point: ServicePoint):
    """Forwarded applications of a point whose papers have not yet left on a hand-over list."""
    return (
        Reception.objects.filter(point=point, is_forwarded=True, handover__isnull=True)
        .select_related("application__item_version", "application__township")
        .order_by("received_at", "pk")
    )


def send_handover(*, point: ServicePoint, clerk, at=None) -> Handover:
    """Put every forwarded application still at the point on one numbered hand-over list (交接单) that goes
    to the hall with the papers. Two clerks sending at once: the second finds nothing left to send."""
    at = at or timezone.now()
    if village_point_of(clerk) != point:
        raise IntakeError(_("Only the point's own clerks send its hand-over list."))
    with transaction.atomic():
        ServicePoint.objects.select_for_update().get(pk=point.pk)
        receptions = list(awaiting_handover(point))
        if not receptions:
            raise IntakeError(_("No forwarded application is waiting to be handed over."))
        handover = Handover.objects.create(
            township=point.township, point=point, created_by=clerk, created_at=at
        )
        Reception.objects.filter(pk__in=[r.pk for r in receptions]).update(handover=handover)
        rows = [
            {
                "application": r.application,
                "materials": [
                    line
                    for line in checklist_lines(r.application, r.application.checklist)
                    if line.state == "ok" and not line.is_shared_data
                ],
            }
            for r in receptions
        ]
        handover.document = issue_document(
            township=point.township,
            doc_type="handover_list",
            title=_("Hand-over list of forwarded applications from %(point)s") % {"point": point.name},
            template_name="services/points/pdf/handover_list.html",
            context={"point": point, "rows": rows, "handover": handover},
            subject=handover,
            issued_by=clerk,
            issued_at=at,
        )
        handover.save(update_fields=["document"])
        for r in receptions:
            append_entry(
                r.application,
                action="hand-over",
                actor=clerk,
                note=handover.document.number,
                is_internal=True,
                at=at,
            )
    return handover


def receive_handover(*, handover: Handover, clerk, at=None) -> Handover:
    """The hall signs for the papers of a hand-over list (once; a retried click changes nothing)."""
    at = at or timezone.now()
    if not clerk.has_perm("services.change_application") or village_point_of(clerk) is not None:
        raise IntakeError(_("The service hall's clerks sign for hand-over lists."))
    with transaction.atomic():
        handover = (
            Handover.objects.select_for_update(of=("self",)).select_related("document").get(pk=handover.pk)
        )
        profile = getattr(clerk, "staff_profile", None)
        if profile is None or profile.township_id != handover.township_id:
            raise IntakeError(_("This hand-over list belongs to another township."))
        if handover.received_at is not None:
            return handover
        handover.received_at, handover.received_by = at, clerk
        handover.save(update_fields=["received_at", "received_by"])
        for reception in handover.receptions.select_related("application"):
            append_entry(
                reception.application,
                action="papers-received",
                actor=clerk,
                note=handover.document.number if handover.document_id else "",
                is_internal=True,
                at=at,
            )
    return handover


__all__ = ["awaiting_handover", "forward_application", "receive_handover", "send_handover"]
