"""Form fields and parsers for raw input that reaches a query: record ids and reporting dates."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# Ids are PostgreSQL bigints: at most 19 digits, so 18 are always in range.
MAX_ID_DIGITS = 18
ASCII_DIGITS = frozenset("0123456789")


def parse_pk(raw, default: int = 0) -> int:
    """A record id typed into a form or a query string, or `default` (matching no row) when it is not
    one. str.isdigit() is not enough: it accepts '¹' and '٣', which int() refuses or reads."""
    text = str(raw if raw is not None else "").strip()
    if not text or len(text) > MAX_ID_DIGITS or not all(ch in ASCII_DIGITS for ch in text):
        return default
    return int(text)


class ReportDateField(forms.DateField):
    """A date for filtering statistics and lists: only plausible years, so that arithmetic on it (a
    default period before it, the day after it) and turning it into an aware datetime cannot overflow."""

    min_date = date(2000, 1, 1)
    max_date = date(2099, 12, 31)
    default_error_messages = {
        "out_of_range": _("Choose a date between %(min)s and %(max)s."),
    }

    def validate(self, value):
        super().validate(value)
        if value and not (self.min_date <= value <= self.max_date):
            raise ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"min": date_format(self.min_date), "max": date_format(self.max_date)},
            )


class _RawNullBooleanSelect(forms.NullBooleanSelect):
    """The yes/no/either select, handing the raw value to the field (the stock one turns junk into
    "either" before the field can refuse it)."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictBooleanField(forms.NullBooleanField):
    """A yes/no filter that refuses what is neither (`?x=null`, `?x=maybe`) instead of ignoring it;
    empty or absent still means "either". Only the JSON spellings, as the API schema says."""

    widget = _RawNullBooleanSelect
    TRUE, FALSE, EITHER = {"true"}, {"false"}, {""}
    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        if value in self.EITHER:
            return None
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value):
        pass
