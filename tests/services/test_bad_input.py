"""Bad input at the edge: odd digits, NUL bytes, impossible dates, junk ids, deep JSON — a 400, never a 500."""

import pytest
from django.core.exceptions import ValidationError

from services.services.hall_auth import update_resident_profile
from tests.factories import make_resident
from township.org.models import ResidentAccount

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("digits", ["٠١٢٣٤٥٦٧٨٩", "๐๑๒๓๔๕๖๗๘๙"], ids=["arabic-indic", "thai"])
def test_another_residents_identity_number_in_other_digits_cannot_be_bound(digits):
    user = make_resident(phone="13800000031", id_number=None)
    make_resident(phone="13800000032", id_number="11010519491231002X")
    disguised = "11010519491231002X".translate(str.maketrans("0123456789", digits))
    with pytest.raises(ValidationError) as refused:
        update_resident_profile(user=user, real_name="林居民", id_number=disguised)
    assert "id_number" in refused.value.message_dict
    assert ResidentAccount.objects.get(user=user).id_number is None
