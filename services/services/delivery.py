"""Services: handing over a decided application's result, at the window or by post."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.errors import IntakeError
from services.models import Application, ApplicationStatus, DeliveryMethod
from services.services.evaluations import send_evaluation_invitation
from services.services.intake import LOCK_RELATED, require_clerk_scope
from services.services.pickup import pickup_identity_note
from township.casework.clock import stop_clock
from township.casework.workflow import lock, transition

S = ApplicationStatus


def mark_result_ready(*, application: Application, by, result_summary: str = "", at=None):
    """The decided application's result (licence, certificate, decision) is ready to hand over; the
    applicant gets an SMS saying where. Called from the window workbench's delivery page by the clerk
    holding the result."""
    at = at or timezone.now()
    with transaction.atomic():
        application = lock(application, related=LOCK_RELATED)
        require_clerk_scope(application, by)
        if application.status == S.RESULT_READY:
            return application
        if result_summary:
            application.result_summary = result_summary.strip()[:2000]
        if application.is_clock_running:
            stop_clock(application, at=at)
        transition(application, to=S.RESULT_READY, actor=by, action="result-ready", at=at)
        application.save()
    return application


def deliver_result(
    *,
    application: Application,
    by,
    postal_tracking_number: str = "",
    identity_document: str = "",
    identity_number: str = "",
    at=None,
):
    """Hand over the result at the window (after checking the collector's identity, recorded on the
    timeline), or post it with a tracking number."""
    at = at or timezone.now()
    number = (postal_tracking_number or "").strip()
    with transaction.atomic():
        application = lock(application, related=LOCK_RELATED)
        require_clerk_scope(application, by)
        if application.status == S.DELIVERED:
            return application
        if application.delivery_method == DeliveryMethod.POST and not number:
            raise IntakeError(
                _("Enter the postal tracking number."),
                field_errors={"postal_tracking_number": [_("Enter the postal tracking number.")]},
            )
        note = number
        if application.delivery_method != DeliveryMethod.POST:
            note = pickup_identity_note(application, document=identity_document, id_number=identity_number)
        application.postal_tracking_number = number[:40]
        application.delivered_at = at
        application.finished_at = at
        transition(application, to=S.DELIVERED, actor=by, action="deliver", note=note, at=at)
        application.save()
        send_evaluation_invitation(application=application)
    return application
