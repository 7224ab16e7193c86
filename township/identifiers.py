"""Chinese identifiers: resident ID numbers (GB 11643) and unified social credit codes (GB 32100).

Validators raise ValidationError with a message the user can act on; form fields normalise input
(trim, upper-case, full-width to half-width) before validating; mask_* hide the middle for display.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ASCII_DIGITS = frozenset("0123456789")


def normalise(value: str) -> str:
    """Trim, drop inner spaces, turn full-width characters into ASCII and upper-case."""
    text = "".join(chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in str(value))
    return "".join(text.split()).upper()


def is_ascii_digits(value: str) -> bool:
    """Only 0-9: str.isdigit() also accepts Arabic-Indic, Thai and superscript digits, which would
    let one number be written several ways (and int() refuses some of them)."""
    return bool(value) and all(ch in ASCII_DIGITS for ch in value)


def id_number_check_char(first17: str) -> str:
    return ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_number_birth_date(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


# Province-level codes of GB/T 2260 that identity numbers begin with (mainland, plus Taiwan 71, Hong Kong
# 81 and Macao 82 for residence permits); anything else (99, 00) is not a real place.
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)


def validate_id_number(value: str) -> None:
    value = normalise(value)
    if len(value) != 18:
        raise ValidationError(
            _("An identity number has 18 characters; this one has %(n)d."),
            code="id_length",
            params={"n": len(value)},
        )
    if not is_ascii_digits(value[:17]) or not (is_ascii_digits(value[17]) or value[17] == "X"):
        raise ValidationError(
            _("An identity number has 17 digits followed by a digit or X."), code="id_chars"
        )
    if value[:2] not in PROVINCE_CODES or value[2:6] in ("0000", "9999"):
        raise ValidationError(
            _("The first six digits of this identity number are not a real region code."), code="id_region"
        )
    try:
        born = id_number_birth_date(value)
    except ValueError:
        raise ValidationError(
            _("The birth date in this identity number does not exist."), code="id_birth"
        ) from None
    if born.year < 1900 or born > date.today():
        raise ValidationError(_("The birth date in this identity number is not plausible."), code="id_birth")
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("This identity number's check character is wrong; please check each digit."), code="id_check"
        )


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    value = normalise(value)
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="credit_length",
            params={"n": len(value)},
        )
    bad = sorted({ch for ch in value if ch not in CREDIT_ALPHABET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s (I, O, S, V and Z are never used)."),
            code="credit_chars",
            params={"chars": ", ".join(bad)},
        )
    if not is_ascii_digits(value[2:8]):
        raise ValidationError(
            _("Characters 3 to 8 of a credit code are the area code and must be digits."), code="credit_area"
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("This credit code's check character is wrong; please check each character."),
            code="credit_check",
        )


def is_valid_id_number(value: str) -> bool:
    try:
        validate_id_number(value)
    except ValidationError:
        return False
    return True


def is_valid_credit_code(value: str) -> bool:
    try:
        validate_credit_code(value)
    except ValidationError:
        return False
    return True


def mask_id_number(value: str) -> str:
    """3205**********1234: keep the first four (province and city) and the last four."""
    value = normalise(value or "")
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****0001."""
    value = normalise(value or "")
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_credit_code(value: str) -> str:
    value = normalise(value or "")
    if len(value) < 10:
        return value
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


class IdNumberField(forms.CharField):
    default_error_messages = {"required": _("Please enter the identity number.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 24)
        kwargs.setdefault("label", _("Identity number"))
        super().__init__(**kwargs)
        self.validators.append(validate_id_number)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise(value) if value else value


class CreditCodeField(forms.CharField):
    default_error_messages = {"required": _("Please enter the unified social credit code.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 24)
        kwargs.setdefault("label", _("Unified social credit code"))
        super().__init__(**kwargs)
        self.validators.append(validate_credit_code)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise(value) if value else value


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", _("Mobile phone"))
        super().__init__(**kwargs)
        self.validators.append(validate_mobile_phone)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise(value).removeprefix("+86") if value else value


def validate_mobile_phone(value: str) -> None:
    value = normalise(value).removeprefix("+86")
    if len(value) != 11 or not is_ascii_digits(value) or value[0] != "1" or value[1] not in "3456789":
        raise ValidationError(
            _("Please enter an 11-digit mainland mobile number, e.g. 13800000000."), code="phone"
        )
