"""Phone-width forms for grid members: one per base-data kind, the grid limited to the user's grids."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grid.base.selectors import grids_for
from grid.models import CareCategory, House, Household, Organisation, Person, Place, SpecialGroup
from township.identifiers import CreditCodeField, IdNumberField


class NoNulMixin:
    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, _("Contains a NUL character."))
        return data


class BaseDataForm(NoNulMixin, forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids_for(user)
        self.fields["grid"].empty_label = None
        for name in ("lng", "lat"):
            if name in self.fields:
                self.fields[name].widget.attrs.update(inputmode="decimal")
        for name in ("phone", "owner_phone"):
            if name in self.fields:
                self.fields[name].widget.attrs.update(inputmode="tel", autocomplete="off")
        if "household" in self.fields:
            self.fields["household"].queryset = Household.objects.filter(grid__in=grids_for(user)).order_by(
                "number"
            )
            self.fields["household"].required = False

    def clean_lng(self):
        value = self.cleaned_data.get("lng")
        if value is not None and not 70 <= value <= 140:
            raise forms.ValidationError(
                _("A WGS-84 coordinate in China is between %(low)s and %(high)s.") % {"low": 70, "high": 140}
            )
        return value

    def clean_lat(self):
        value = self.cleaned_data.get("lat")
        if value is not None and not 0 <= value <= 56:
            raise forms.ValidationError(
                _("A WGS-84 coordinate in China is between %(low)s and %(high)s.") % {"low": 0, "high": 56}
            )
        return value


class PersonForm(BaseDataForm):
    id_number = IdNumberField()
    tags = forms.MultipleChoiceField(
        label=_("special groups"),
        choices=SpecialGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Person
        fields = ["grid", "household", "name", "id_number", "phone", "relation", "residence", "tags", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # the number is the person's key: shown masked, never sent back to the browser in full
            del self.fields["id_number"]


class HouseholdForm(BaseDataForm):
    class Meta:
        model = Household
        fields = ["grid", "number", "head_name", "address", "phone", "note"]


class HouseForm(BaseDataForm):
    class Meta:
        model = House
        fields = [
            "grid",
            "code",
            "address",
            "building",
            "unit",
            "floor",
            "room",
            "kind",
            "use",
            "owner_name",
            "owner_phone",
            "lng",
            "lat",
            "note",
        ]


class PlaceForm(BaseDataForm):
    credit_code = CreditCodeField(required=False)

    class Meta:
        model = Place
        fields = [
            "grid",
            "name",
            "kind",
            "credit_code",
            "address",
            "contact_name",
            "phone",
            "is_key_fire_risk",
            "lng",
            "lat",
            "note",
        ]


class OrganisationForm(BaseDataForm):
    credit_code = CreditCodeField(required=False)

    class Meta:
        model = Organisation
        fields = [
            "grid",
            "name",
            "kind",
            "credit_code",
            "address",
            "contact_name",
            "phone",
            "members",
            "note",
        ]


FORMS = {
    "persons": PersonForm,
    "households": HouseholdForm,
    "houses": HouseForm,
    "places": PlaceForm,
    "organisations": OrganisationForm,
}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the sheet holds"),
        choices=[
            ("persons", _("Persons and households")),
            ("houses", _("Houses and buildings")),
            ("places", _("Places and businesses")),
            ("organisations", _("Organisations")),
        ],
    )
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file"))


class VisitForm(NoNulMixin, forms.Form):
    finding = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    help_needed = forms.CharField(
        label=_("Help needed"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )
    refer_to_assistance = forms.BooleanField(label=_("Refer to an assistance application"), required=False)
    referral_note = forms.CharField(label=_("Referral"), max_length=200, required=False)


class PatrolEndForm(NoNulMixin, forms.Form):
    findings = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False
    )
    issues_found = forms.IntegerField(label=_("Problems found"), min_value=0, max_value=500, initial=0)


class ExpenseImportForm(forms.Form):
    file = forms.FileField(label=_("Medical-expense records (CSV, UTF-8)"))


class CareListForm(NoNulMixin, forms.Form):
    household = forms.ModelChoiceField(label=_("household"), queryset=Household.objects.none())
    categories = forms.MultipleChoiceField(
        label=_("care categories"), choices=CareCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    visit_every_days = forms.IntegerField(
        label=_("visit every (days)"), min_value=1, max_value=365, initial=30
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.filter(grid__in=grids_for(user)).order_by(
            "number"
        )
