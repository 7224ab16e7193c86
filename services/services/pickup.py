"""Services: the identity check when a result is collected at the window (who collected it, with which
document), recorded on the case's timeline with the number masked."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.errors import IntakeError
from township.identifiers import is_valid_id_number, mask_id_number, normalise

# Who may collect and what the clerk checks: the applicant's own identity card, or someone else's identity
# card together with the applicant's written authorisation (委托书).
PICKUP_DOCUMENTS = {
    "applicant": gettext_lazy("the applicant's identity card"),
    "authorised": gettext_lazy("the collector's identity card and the applicant's written authorisation"),
}


def pickup_identity_note(application, *, document: str, id_number: str) -> str:
    """The timeline note for a checked collection, or IntakeError naming what is wrong: the applicant's
    card must carry the applicant's number; an authorised collector's must be a valid number."""
    number = normalise(id_number or "")
    errors: dict[str, list[str]] = {}
    if document not in PICKUP_DOCUMENTS:
        errors["identity_document"] = [_("Record which identity document was checked.")]
    elif not is_valid_id_number(number):
        errors["identity_number"] = [_("Enter the identity number on the document checked.")]
    elif (
        document == "applicant"
        and application.applicant_id_number
        and number != application.applicant_id_number
    ):
        errors["identity_number"] = [
            _(
                "This is not the applicant's identity number; check the card, or record an authorised collector."
            )
        ]
    if errors:
        raise IntakeError(next(iter(errors.values()))[0], field_errors=errors)
    return _("Identity checked: %(document)s, %(number)s.") % {
        "document": PICKUP_DOCUMENTS[document],
        "number": mask_id_number(number),
    }
