"""The public verification form: a document number, normalised before it is checked."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from township.documents.models import NUMBER_MAX_LENGTH, NUMBER_RE
from township.identifiers import normalise


def clean_number(value: str) -> str:
    """The canonical form of a typed number (full-width and lower case forgiven), or ValidationError."""
    # normalise() turns full-width characters (what Chinese input methods type) into ASCII
    number = normalise(value or "").replace("—", "-")
    if not number:
        raise ValidationError(_("Please enter the document number."), code="required")
    if len(number) > NUMBER_MAX_LENGTH or not NUMBER_RE.match(number):
        raise ValidationError(
            _("“%(number)s” is not a document number. Numbers look like QS-TZ-2026-000012."),
            code="malformed",
            params={"number": (value or "")[:NUMBER_MAX_LENGTH]},
        )
    return number


class VerifyForm(forms.Form):
    number = forms.CharField(
        label=_("Document number"),
        max_length=100,
        help_text=_("Printed at the top of the document, e.g. QS-TZ-2026-000012."),
        error_messages={
            "required": _("Please enter the document number."),
            "max_length": _("That is too long for a document number."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autofocus": True}),
    )

    def clean_number(self):
        return clean_number(self.cleaned_data["number"])
