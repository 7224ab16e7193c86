"""Forms of the cases' pages: they validate input (dates, ID numbers, credit codes, amounts, NUL bytes);
the services check the law."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from enforcement.cases.services import enforcement_units
from enforcement.models.cases import (
    REVIEW_POINTS,
    CaseSource,
    EvidenceKind,
    HeadChoice,
    MeasureKind,
    RecordKind,
    ReviewOutcome,
    ServiceMethod,
    SuspensionKind,
)
from enforcement.models.power import DiscretionBand, PowerKind, PowerMatterVersion, PowerStatus
from township.entities.models import MarketEntity
from township.fields import ReportDateField
from township.identifiers import CreditCodeField, IdNumberField, PhoneField
from township.org.models import Department
from township.org.roles import Role

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class NoNulForm(forms.Form):
    """Refuses NUL bytes in any text field with a clear message (PostgreSQL cannot store them)."""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, _("This field contains a character that is not allowed."))
        return data


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def date_field(label, **kwargs):
    return ReportDateField(label=label, widget=DateInput(), **kwargs)


def datetime_field(label, **kwargs):
    return forms.DateTimeField(label=label, input_formats=DATETIME_FORMATS, widget=DateTimeInput(), **kwargs)


def text_field(label, *, required=True, max_length=5000, rows=3):
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ClueForm(NoNulForm):
    source = forms.ChoiceField(label=_("Source"), choices=CaseSource.choices, initial=CaseSource.PATROL)
    summary = text_field(_("What was found"))
    place = forms.CharField(label=_("Place"), max_length=200)
    discovered_on = date_field(_("Discovered on"))
    act_ended_on = date_field(_("Date of the act (or the day it ended)"))
    concerns_safety = forms.BooleanField(
        label=_("Concerns life, health, safety or financial security"), required=False
    )
    caused_harm = forms.BooleanField(label=_("Caused harmful consequences"), required=False)


class OfficerForm(NoNulForm):
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=get_user_model().objects.none())

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = (
            get_user_model()
            .objects.filter(
                staff_profile__township_id=case.township_id,
                groups__name=str(Role.ENFORCEMENT_OFFICER),
                staff_profile__department_id=case.department_id,
                is_active=True,
            )
            .exclude(enforcement_assignments__case=case)
            .order_by("username")
        )
        self.fields["officer"].label_from_instance = lambda u: u.get_full_name() or u.username


class SquadForm(NoNulForm):
    """The head passes a clue to a squad (the service checks the squad belongs to the bureau and to the
    head's units), optionally naming the squad's lead officer."""

    squad = forms.ModelChoiceField(label=_("Squad"), queryset=Department.objects.none())
    lead = forms.ModelChoiceField(
        label=_("Lead officer (optional)"), queryset=get_user_model().objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        units = enforcement_units(case.township_id)
        self.fields["squad"].queryset = (
            Department.objects.filter(pk__in=units, parent__isnull=False)
            .exclude(pk=case.department_id)
            .order_by("code")
        )
        self.fields["lead"].queryset = (
            get_user_model()
            .objects.filter(
                staff_profile__township_id=case.township_id,
                groups__name=str(Role.ENFORCEMENT_OFFICER),
                staff_profile__department_id__in=units,
                staff_profile__department__parent__isnull=False,
                is_active=True,
            )
            .select_related("staff_profile__department")
            .order_by("staff_profile__department__code", "username")
        )
        self.fields["lead"].label_from_instance = lambda u: (
            f"{u.staff_profile.department.name} · {u.get_full_name() or u.username}"
        )

    def clean(self):
        data = super().clean()
        squad, lead = data.get("squad"), data.get("lead")
        if squad is not None and lead is not None and lead.staff_profile.department_id != squad.pk:
            self.add_error("lead", _("The lead officer must work in the chosen squad."))
        return data


class PartyForm(NoNulForm):
    kind = forms.ChoiceField(
        label=_("Party"), choices=[("entity", _("Market entity")), ("person", _("Natural person"))]
    )
    credit_code = CreditCodeField(required=False)
    person_name = forms.CharField(label=_("Name"), max_length=60, required=False)
    id_number = IdNumberField(required=False)
    phone = PhoneField(required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args, case=None, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("kind") == "entity":
            code = data.get("credit_code")
            if not code:
                self.add_error("credit_code", _("Enter the unified social credit code."))
            else:
                data["entity"] = MarketEntity.objects.filter(
                    township_id=self.case.township_id, credit_code=code
                ).first()
                if data["entity"] is None:
                    self.add_error(
                        "credit_code", _("No market entity with this code is registered in the township.")
                    )
        elif data.get("kind") == "person":
            if not data.get("person_name"):
                self.add_error("person_name", _("Enter the name."))
            if not data.get("id_number"):
                self.add_error("id_number", _("Please enter the identity number."))
        return data


def active_versions(township_id):
    return (
        PowerMatterVersion.objects.filter(
            matter__township_id=township_id, status=PowerStatus.ACTIVE, kind=PowerKind.PENALTY
        )
        .select_related("matter")
        .order_by("matter__code")
    )


class RegistrationForm(NoNulForm):
    power_version = forms.ModelChoiceField(
        label=_("Matter on the power list"), queryset=PowerMatterVersion.objects.none()
    )
    cause = forms.CharField(label=_("Cause of action"), max_length=200)
    opinion = text_field(_("Handler's opinion"))
    prima_facie = forms.BooleanField(label=_("There is prima facie evidence of a violation"), required=False)
    penalty_due = forms.BooleanField(label=_("A penalty is due under the law"), required=False)
    in_jurisdiction = forms.BooleanField(
        label=_("The case is within the bureau's jurisdiction"), required=False
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["power_version"].queryset = active_versions(case.township_id)
        self.fields["power_version"].label_from_instance = lambda v: f"{v.matter.code} {v.name}"


class ReasonForm(NoNulForm):
    reason = text_field(_("Reasons"))


class RecordForm(NoNulForm):
    kind = forms.ChoiceField(
        label=_("Record"), choices=RecordKind.choices, initial=RecordKind.SITE_INSPECTION
    )
    second_officer = forms.ModelChoiceField(
        label=_("Second officer"), queryset=get_user_model().objects.none()
    )
    started_at = datetime_field(_("Started"))
    ended_at = datetime_field(_("Ended"))
    place = forms.CharField(label=_("Place"), max_length=200)
    subject_name = forms.CharField(label=_("Interviewee or party present"), max_length=60, required=False)
    subject_id_number = IdNumberField(required=False)
    weather = forms.CharField(label=_("Weather"), max_length=30, required=False)
    witness = forms.CharField(label=_("Invited witness"), max_length=60, required=False)
    content = text_field(_("Questions and answers, or findings"), max_length=20000, rows=6)
    photos = MultipleFileField(label=_("Photos"), required=False)

    def __init__(self, *args, case=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["second_officer"].queryset = (
            get_user_model()
            .objects.filter(enforcement_assignments__case=case, enforcement_assignments__is_active=True)
            .exclude(pk=getattr(user, "pk", None))
        )
        self.fields["second_officer"].label_from_instance = lambda u: u.get_full_name() or u.username


class EvidenceForm(NoNulForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    title = forms.CharField(label=_("Description"), max_length=200)
    file = forms.FileField(label=_("File"), required=False)


class MeasureForm(NoNulForm):
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    items = text_field(_("Items (name, specification, quantity)"))
    storage_place = forms.CharField(label=_("Kept at"), max_length=200)
    reason = text_field(_("Reason"))


class ProposalForm(NoNulForm):
    band = forms.ModelChoiceField(label=_("Discretion band"), queryset=DiscretionBand.objects.none())
    fine = forms.DecimalField(label=_("Fine (yuan)"), min_value=0, max_digits=12, decimal_places=2, initial=0)
    warning = forms.BooleanField(label=_("Warning"), required=False)
    other_penalties = forms.CharField(label=_("Other penalties"), max_length=200, required=False)
    facts = text_field(_("Facts and evidence"))
    deviation_reason = text_field(_("Reason for leaving the band (if outside it)"), required=False)
    mitigating_ground = forms.CharField(
        label=_("Ground for a reduced penalty (arts 30–33)"), max_length=200, required=False
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["band"].queryset = DiscretionBand.objects.filter(version_id=case.power_version_id)

        def describe(band):
            return f"{band.get_tier_display()}: {band.conditions} ({band.fine_min or 0:,.0f}–{band.fine_max or 0:,.0f})"

        self.fields["band"].label_from_instance = describe


class ConcludeForm(NoNulForm):
    choice = forms.ChoiceField(label=_("The head's choice"), choices=HeadChoice.choices)
    report = text_field(_("End-of-investigation report"))
    education_record = text_field(_("Education given (for no penalty)"), required=False)


class ServedAtForm(NoNulForm):
    served_at = datetime_field(_("Served at"))
    method = forms.ChoiceField(label=_("Method"), choices=ServiceMethod.choices, initial=ServiceMethod.DIRECT)


class RequestedAtForm(NoNulForm):
    requested_at = datetime_field(_("Requested at"))


class HearingNoticeForm(NoNulForm):
    scheduled_at = datetime_field(_("Hearing at"))
    place = forms.CharField(label=_("Place"), max_length=200)
    presider = forms.ModelChoiceField(label=_("Presider"), queryset=get_user_model().objects.none())

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presider"].queryset = (
            get_user_model()
            .objects.filter(staff_profile__township_id=case.township_id, is_active=True)
            .exclude(enforcement_assignments__case=case)
            .order_by("username")
        )


class HearingRecordForm(NoNulForm):
    held_at = datetime_field(_("Held at"))
    record = text_field(_("Hearing record"), max_length=20000, rows=6)
    party_absent = forms.BooleanField(label=_("Party absent without good reason"), required=False)


class ReviewForm(NoNulForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcome.choices)
    opinion = text_field(_("Opinion"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in REVIEW_POINTS:
            self.fields[f"{key}_ok"] = forms.ChoiceField(
                label=label,
                choices=[("yes", _("In order")), ("no", _("Not in order"))],
                widget=forms.RadioSelect,
            )
            self.fields[f"{key}_note"] = forms.CharField(label=_("Note"), max_length=500, required=False)

    def findings(self) -> dict:
        return {
            key: {
                "ok": self.cleaned_data[f"{key}_ok"] == "yes",
                "note": self.cleaned_data.get(f"{key}_note", ""),
            }
            for key, _label in REVIEW_POINTS
        }

    def point_fields(self):
        return [(self[f"{key}_ok"], self[f"{key}_note"]) for key, _label in REVIEW_POINTS]


class DiscussionForm(NoNulForm):
    held_at = datetime_field(_("Held at"))
    place = forms.CharField(label=_("Place"), max_length=100)
    heads_present = forms.CharField(label=_("Heads present"), max_length=300)
    presenter = forms.CharField(label=_("Presenter"), max_length=60)
    opinions = text_field(_("Opinions"))
    conclusion = text_field(_("Conclusion"))
    extension_days = forms.IntegerField(
        label=_("Further extension of the decision limit (days)"), min_value=0, max_value=365, initial=0
    )


class ServeForm(NoNulForm):
    method = forms.ChoiceField(label=_("Method"), choices=ServiceMethod.choices, initial=ServiceMethod.DIRECT)
    recipient = forms.CharField(label=_("Recipient"), max_length=60)
    served_at = datetime_field(_("Served at"), required=False)
    published_on = date_field(_("Public notice published on"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    witnesses = forms.CharField(label=_("Witnesses"), max_length=120, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("method") != ServiceMethod.PUBLIC_NOTICE and not data.get("served_at"):
            self.add_error("served_at", _("Give the date and time of service."))
        return data


class PaymentForm(NoNulForm):
    paid_on = date_field(_("Paid on"))
    amount = forms.DecimalField(
        label=_("Amount on the receipt (yuan)"), min_value=0, max_digits=12, decimal_places=2
    )


class InstalmentsForm(NoNulForm):
    """The approved instalments, one a line: "2026-12-15 1000" (the service checks dates and the total)."""

    schedule = forms.CharField(
        label=_("Instalments, one a line: date and amount"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2026-12-15 1000\n2027-01-15 2000"}),
    )
    reason = text_field(_("Reasons"))

    def clean_schedule(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["schedule"].splitlines(), start=1):
            parts = line.replace(",", " ").replace("，", " ").split()
            if not parts:
                continue
            day = parse_date(parts[0]) if len(parts) == 2 else None
            try:
                amount = Decimal(parts[1]) if day else None
            except InvalidOperation:
                amount = None
            if day is None or amount is None or not amount.is_finite():
                raise ValidationError(
                    _("Line %(n)s: write a date (YYYY-MM-DD) and an amount in yuan.") % {"n": number}
                )
            rows.append((day, amount))
        return rows


class DeferralForm(NoNulForm):
    until = date_field(_("Pay by"))
    reason = text_field(_("Reason"))


class ExtendForm(NoNulForm):
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=365, initial=30)
    reason = text_field(_("Reason"))


class SuspensionForm(NoNulForm):
    kind = forms.ChoiceField(
        label=_("Period"), choices=[c for c in SuspensionKind.choices if c[0] != SuspensionKind.HEARING]
    )
    started_on = date_field(_("From"))
    ended_on = date_field(_("Until (leave empty while it lasts)"), required=False)


class ConfirmForm(NoNulForm):
    pass


class SummaryForm(NoNulForm):
    """The pre-numbered on-the-spot decision form."""

    form_number = forms.CharField(label=_("Number of the pre-printed form"), max_length=40)
    power_version = forms.ModelChoiceField(
        label=_("Matter on the power list"), queryset=PowerMatterVersion.objects.none()
    )
    band = forms.ModelChoiceField(label=_("Discretion band"), queryset=DiscretionBand.objects.none())
    warning = forms.BooleanField(label=_("Warning"), required=False)
    fine = forms.DecimalField(label=_("Fine (yuan)"), min_value=0, max_digits=12, decimal_places=2, initial=0)
    kind = forms.ChoiceField(
        label=_("Party"), choices=[("person", _("Natural person")), ("entity", _("Market entity"))]
    )
    credit_code = CreditCodeField(required=False)
    person_name = forms.CharField(label=_("Name"), max_length=60, required=False)
    id_number = IdNumberField(required=False)
    phone = PhoneField(required=False)
    facts = text_field(_("The violation"))
    place = forms.CharField(label=_("Place"), max_length=200)
    refused_to_sign = forms.BooleanField(label=_("The party refused to sign"), required=False)

    def __init__(self, *args, township=None, **kwargs):
        self.township = township
        super().__init__(*args, **kwargs)
        self.fields["power_version"].queryset = active_versions(township.pk)
        self.fields["power_version"].label_from_instance = lambda v: f"{v.matter.code} {v.name}"
        self.fields["band"].queryset = DiscretionBand.objects.filter(
            version__matter__township=township, version__status=PowerStatus.ACTIVE
        ).select_related("version")
        self.fields["band"].label_from_instance = lambda b: (
            f"{b.version.name} · {b.get_tier_display()} ({b.fine_min or 0:,.0f}–{b.fine_max or 0:,.0f})"
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == "entity":
            code = data.get("credit_code")
            data["entity"] = (
                MarketEntity.objects.filter(township=self.township, credit_code=code).first()
                if code
                else None
            )
            if data["entity"] is None:
                self.add_error(
                    "credit_code", _("No market entity with this code is registered in the township.")
                )
        elif data.get("kind") == "person":
            if not data.get("person_name"):
                self.add_error("person_name", _("Enter the name."))
            if not data.get("id_number"):
                self.add_error("id_number", _("Please enter the identity number."))
        band, version = data.get("band"), data.get("power_version")
        if band and version and band.version_id != version.pk:
            self.add_error("band", ValidationError(_("Choose a band of the chosen matter.")))
        return data
