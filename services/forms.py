"""Services: forms of the workbench and the online hall (validation at the edge; services validate again)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from services.models import ApplicantKind, ConsentMethod, DeliveryMethod
from services.services.intake import Agent, Applicant
from township.identifiers import normalise, validate_credit_code, validate_id_number, validate_mobile_phone


class ApplicantFields(forms.Form):
    applicant_kind = forms.ChoiceField(
        label=_("Applicant"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    applicant_id_number = forms.CharField(
        label=_("Identity number"), max_length=20, required=False, validators=[validate_id_number]
    )
    applicant_name = forms.CharField(label=_("Full name"), max_length=60, required=False)
    applicant_phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, required=False, validators=[validate_mobile_phone]
    )
    enterprise_name = forms.CharField(label=_("Enterprise name"), max_length=120, required=False)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=20,
        required=False,
        validators=[validate_credit_code],
    )
    delivery_method = forms.ChoiceField(
        label=_("Result delivered"), choices=DeliveryMethod.choices, initial=DeliveryMethod.WINDOW
    )
    postal_address = forms.CharField(label=_("Postal address"), max_length=200, required=False)

    def clean_applicant_id_number(self):
        return normalise(self.cleaned_data.get("applicant_id_number", ""))

    def clean_credit_code(self):
        return normalise(self.cleaned_data.get("credit_code", ""))

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(
            kind=data["applicant_kind"],
            name=data.get("applicant_name", ""),
            id_number=data.get("applicant_id_number", ""),
            phone=data.get("applicant_phone", ""),
            enterprise_name=data.get("enterprise_name", ""),
            credit_code=data.get("credit_code", ""),
        )

    def delivery(self) -> dict:
        return {
            "method": self.cleaned_data["delivery_method"],
            "address": self.cleaned_data.get("postal_address"),
        }


class AgentFields(forms.Form):
    agent_name = forms.CharField(label=_("Agent's name"), max_length=60, required=False)
    agent_id_number = forms.CharField(
        label=_("Agent's identity number"), max_length=20, required=False, validators=[validate_id_number]
    )
    agent_relation = forms.CharField(label=_("Relation to the applicant"), max_length=60, required=False)
    consent_method = forms.ChoiceField(
        label=_("How the applicant consented"),
        choices=[("", "—"), *ConsentMethod.choices],
        required=False,
    )
    consent_note = forms.CharField(label=_("Consent note"), max_length=200, required=False)

    def agent(self, user=None) -> Agent | None:
        data = self.cleaned_data
        if not (data.get("agent_name") or data.get("agent_id_number") or user is not None):
            return None
        return Agent(
            name=data.get("agent_name", ""),
            id_number=normalise(data.get("agent_id_number", "")),
            relation=data.get("agent_relation", ""),
            consent_method=data.get("consent_method", ""),
            consent_note=data.get("consent_note", ""),
            user=user,
        )


OUTCOMES = [
    ("accept", _("Accept")),
    ("complete", _("Complete on the spot")),
    ("notice", _("One-time notice")),
    ("refuse", _("Do not accept")),
    ("forward", _("Receive and forward to the service hall")),
]


class OutcomeFields(forms.Form):
    outcome = forms.ChoiceField(choices=OUTCOMES)
    result = forms.CharField(label=_("Result handed over"), max_length=2000, required=False)
    reason = forms.CharField(label=_("Reason for not accepting"), max_length=2000, required=False)
    note = forms.CharField(label=_("Note on the notice"), max_length=500, required=False)


class WindowIntakeForm(ApplicantFields, AgentFields, OutcomeFields):
    """One screen at the window: the item, the applicant (and agent), the checklist and the outcome."""

    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
    bundle = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("item") and not data.get("bundle"):
            raise ValidationError(_("Find and choose the service item first."))
        return data


def checklist_from_post(post, lines) -> dict:
    """The ticked states of the checklist lines (inputs check-<key> and note-<key>)."""
    return {
        line.key: {"state": post.get(f"check-{line.key}", ""), "note": post.get(f"note-{line.key}", "")}
        for line in lines
    }
