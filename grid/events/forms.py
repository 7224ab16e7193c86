"""Grid events: the forms of the pages (the services check everything again)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grid.models import RejectReason, Satisfaction
from township.casework.models import LimitUnit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(PhotosField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def _photo_widget():
    return MultipleFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"})


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    grid = forms.ChoiceField(label=_("Grid"))
    description = forms.CharField(
        label=_("What is wrong"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    address = forms.CharField(label=_("Where (address or landmark)"), max_length=256, required=False)
    latitude = forms.CharField(label=_("Latitude"), max_length=20)
    longitude = forms.CharField(label=_("Longitude"), max_length=20)
    photos = PhotosField(label=_("Photos"), required=False, widget=_photo_widget())
    handled_on_the_spot = forms.BooleanField(label=_("I handled it on the spot"), required=False)
    after_photos = PhotosField(label=_("Photos after handling"), required=False, widget=_photo_widget())
    client_key = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, categories=(), grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (str(c.pk), f"{c.code} {c.major_name}·{c.minor_name}") for c in categories
        ]
        self.fields["grid"].choices = [(str(g.pk), g.name) for g in grids]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(NoteForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=RejectReason.choices)
    duplicate_of = forms.CharField(label=_("Duplicate of"), required=False, max_length=20)


class DispatchForm(NoteForm):
    department = forms.ChoiceField(label=_("Department"))

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(str(d.pk), d.name) for d in departments]


class WhistleForm(NoteForm):
    departments = forms.MultipleChoiceField(
        label=_("Departments summoned"), widget=forms.CheckboxSelectMultiple
    )
    lead = forms.ChoiceField(label=_("Lead unit"))
    on_site_within = forms.IntegerField(
        label=_("Report on site within"), min_value=1, max_value=72, initial=1
    )
    on_site_unit = forms.ChoiceField(
        label=_("Unit"), choices=LimitUnit.choices, initial=LimitUnit.CLOCK_HOURS
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(d.pk), d.name) for d in departments]
        self.fields["departments"].choices = choices
        self.fields["lead"].choices = choices


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reasons"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(NoteForm):
    photos = PhotosField(label=_("Photos after handling"), required=False, widget=_photo_widget())


class CheckForm(NoteForm):
    passed = forms.TypedChoiceField(
        label=_("Result of the check"),
        choices=[("1", _("Handled: close the event")), ("0", _("Not handled: rework"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    photos = PhotosField(label=_("Photos"), required=False, widget=_photo_widget())


class EvaluateForm(NoteForm):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you?"), choices=Satisfaction.choices, coerce=int, widget=forms.RadioSelect
    )


class DeferralForm(forms.Form):
    amount = forms.IntegerField(label=_("Extra time (in the limit's unit)"), min_value=1, max_value=1000)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class DecideDeferralForm(NoteForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
