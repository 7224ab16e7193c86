"""Identity numbers (GB 11643) and unified social credit codes (GB 32100): valid, tampered, masked."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from township.identifiers import (
    CreditCodeField,
    IdNumberField,
    PhoneField,
    id_number_check_char,
    is_valid_credit_code,
    is_valid_id_number,
    mask_credit_code,
    mask_id_number,
    mask_phone,
    validate_credit_code,
    validate_id_number,
    validate_mobile_phone,
)

VALID_IDS = ["11010519491231002X", "440308199901010012", "320999199001011235"]
VALID_CREDIT_CODES = ["91350100M000100Y43", "91110000802100433B", "913200001347844428"]


def _replace(value: str, index: int, alphabet: str) -> str:
    return value[:index] + next(c for c in alphabet if c != value[index]) + value[index + 1 :]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_identity_numbers_pass(number):
    validate_id_number(number)


def test_identity_number_accepts_lower_case_x_and_full_width_digits():
    assert is_valid_id_number("11010519491231002x")
    assert is_valid_id_number("１１０１０５１９４９１２３１００２Ｘ")


@pytest.mark.parametrize("index", range(18))
def test_changing_any_single_character_of_an_identity_number_is_caught(index):
    tampered = _replace("11010519491231002X", index, "0123456789")
    assert not is_valid_id_number(tampered)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("1101051949123100", "18"),
        ("11010519491231002A", "17 digits"),
        ("110105194902300021", "birth date"),
        ("110105219901010011", "birth date"),
    ],
)
def test_bad_identity_numbers_say_what_is_wrong(value, fragment, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        validate_id_number(value)
    assert fragment in " ".join(excinfo.value.messages)


def test_identity_number_error_is_in_chinese_by_default():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        validate_id_number("11010519491231002Y")
    assert "身份证" in " ".join(excinfo.value.messages)


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)


@pytest.mark.parametrize("index", range(18))
def test_changing_any_single_character_of_a_credit_code_is_caught(index):
    tampered = _replace("91350100M000100Y43", index, "0123456789ABCDEFGHJKLMNPQRTUWXY")
    assert not is_valid_credit_code(tampered)


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100YI3", "91AB0100M000100Y43", ""])
def test_malformed_credit_codes_are_refused(code):
    assert not is_valid_credit_code(code)


def test_masking_hides_the_middle():
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_phone("13800000001") == "138****0001"
    assert mask_credit_code("91350100M000100Y43") == "913501********0Y43"
    assert mask_id_number("") == ""


def test_form_fields_normalise_and_validate():
    field = IdNumberField()
    assert field.clean(" 11010519491231002x ") == "11010519491231002X"
    with pytest.raises(ValidationError):
        field.clean("110105194912310021")
    with pytest.raises(ValidationError):
        field.clean("")
    assert CreditCodeField().clean("91350100m000100y43") == "91350100M000100Y43"


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@pytest.mark.parametrize(
    "digits", [ARABIC_INDIC, THAI, SUPERSCRIPT], ids=["arabic-indic", "thai", "superscript"]
)
def test_identity_numbers_written_with_other_scripts_digits_are_refused(digits):
    with pytest.raises(ValidationError) as refused:
        validate_id_number("11010519491231002X".translate(digits))
    assert refused.value.code == "id_chars"


def test_one_superscript_digit_in_an_identity_number_is_refused_not_a_crash():
    with pytest.raises(ValidationError):
        validate_id_number("11010519491231002¹")
    assert not is_valid_id_number("1101051949123100²X")


@pytest.mark.parametrize(
    "digits", [ARABIC_INDIC, THAI, SUPERSCRIPT], ids=["arabic-indic", "thai", "superscript"]
)
def test_phone_numbers_written_with_other_scripts_digits_are_refused(digits):
    validate_mobile_phone("13800000001")
    validate_mobile_phone("１３８００００００01")
    with pytest.raises(ValidationError):
        validate_mobile_phone("13800000001".translate(digits))
    with pytest.raises(ValidationError):
        PhoneField().clean("1380000000" + "1".translate(digits))


@pytest.mark.parametrize("number", ["999999194912310025", "000000194912310021"])
def test_a_region_code_that_is_no_real_place_is_refused(number):
    number = number[:17] + id_number_check_char(
        number[:17]
    )  # a correct check character: only the region is wrong
    with translation.override("en"), pytest.raises(ValidationError, match="region code"):
        validate_id_number(number)
