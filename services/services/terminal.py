"""Services: what a self-service terminal prints. Every print is a numbered, QR-verifiable document of
township.documents: the verification slip of a ready result the terminal may hand out, and the proof of
application the portal itself issues. A second tap within a minute gets the same document again."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from services.errors import IntakeError
from services.models import Application, ApplicationStatus, SelfServiceTerminal
from services.services.messages import tracking_url
from township.casework.timeline import append_entry
from township.casework.workflow import lock
from township.devices import DeviceArea
from township.documents.models import IssuedDocument
from township.documents.services import issue_document, qr_data_uri, verification_url

S = ApplicationStatus
REPRINT_WINDOW = timedelta(minutes=1)
# A proof of application exists once an application has been received (not for a draft).
PROVABLE_STATES = set(S.values) - {S.DRAFT, S.WITHDRAWN}
RESULT_STATES = {S.RESULT_READY, S.DELIVERED}


def terminal_of(user) -> SelfServiceTerminal | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        SelfServiceTerminal.objects.select_related("point", "township")
        .filter(user=user, is_active=True)
        .first()
    )


def printable_item_ids(terminal: SelfServiceTerminal) -> set[int]:
    return set(terminal.printable_items.values_list("pk", flat=True))


def may_print_result(
    terminal: SelfServiceTerminal, application: Application, listed: set | None = None
) -> bool:
    """A ready, unrevoked result of this township whose guide allows self-service printing: the version
    the application was made under says so (the catalogue decides, per item, and fixes it with the
    version). A terminal listing items prints only those; a terminal listing none prints every such
    result."""
    if not (
        application.township_id == terminal.township_id
        and application.status in RESULT_STATES
        and application.result_id is not None
        and not application.result.is_revoked
    ):
        return False
    version = application.item_version if application.item_version_id else application.item.current_version
    if version is None or not version.self_service_print:
        return False
    listed = printable_item_ids(terminal) if listed is None else listed
    return not listed or application.item_id in listed


def _recent(application, doc_type: str, terminal, at):
    return (
        IssuedDocument.objects.filter(
            content_type=ContentType.objects.get_for_model(Application),
            object_id=application.pk,
            doc_type=doc_type,
            issued_by=terminal.user,
            issued_at__gte=at - REPRINT_WINDOW,
        )
        .order_by("-issued_at")
        .first()
    )


def print_result_slip(*, terminal: SelfServiceTerminal, application: Application, at=None) -> IssuedDocument:
    """The verification slip of a ready result: the result's number and its verification QR code, on a
    numbered slip of its own; only for results this terminal may hand out."""
    at = at or timezone.now()
    with transaction.atomic():
        application = lock(application, related=("result", "item_version", "township"))
        if not may_print_result(terminal, application):
            raise IntakeError(
                _("This result cannot be printed here; please collect it at a window of the service hall.")
            )
        again = _recent(application, "result_slip", terminal, at)
        if again is not None:
            return again
        document = issue_document(
            township=application.township,
            doc_type="result_slip",
            title=_("Verification slip of the result of application %(number)s")
            % {"number": application.number},
            template_name="services/kiosk/pdf/result_slip.html",
            context={
                "application": application,
                "result": application.result,
                "result_verify_url": verification_url(application.result.number),
                "result_qr": qr_data_uri(verification_url(application.result.number)),
                "terminal": terminal,
            },
            subject=application,
            issued_by=terminal.user,
            issued_at=at,
        )
        append_entry(
            application,
            action="self-print",
            actor=terminal.user,
            actor_label=terminal.name,
            note=document.number,
            at=at,
        )
    return document


def print_application_proof(
    *, terminal: SelfServiceTerminal, application: Application, at=None
) -> IssuedDocument:
    """A proof of application 申请证明: that the application was received, when, and where it stands."""
    at = at or timezone.now()
    with transaction.atomic():
        application = lock(application, related=("item_version", "township", "bundle"))
        if application.township_id != terminal.township_id or application.status not in PROVABLE_STATES:
            raise IntakeError(_("No proof can be printed for this application here."))
        again = _recent(application, "application_proof", terminal, at)
        if again is not None:
            return again
        return issue_document(
            township=application.township,
            doc_type="application_proof",
            title=_("Proof of application %(number)s") % {"number": application.number},
            template_name="services/kiosk/pdf/application_proof.html",
            context={
                "application": application,
                "terminal": terminal,
                "tracking_qr": qr_data_uri(tracking_url(application)),
            },
            subject=application,
            issued_by=terminal.user,
            issued_at=at,
        )


def terminal_area(user):
    """township.devices resolver: a terminal account's sessions stay on the terminal's pages and the
    queue kiosk (take a ticket), nothing else."""
    if not SelfServiceTerminal.objects.filter(user=user).exists():
        return None
    return DeviceArea(
        home=reverse("services-terminal"), prefixes=(reverse("services-terminal"), reverse("services-kiosk"))
    )


__all__ = [
    "may_print_result",
    "print_application_proof",
    "print_result_slip",
    "printable_item_ids",
    "terminal_area",
    "terminal_of",
]
