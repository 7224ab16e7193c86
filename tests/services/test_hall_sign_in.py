"""Residents sign up and sign in with an SMS code: codes are hashed, short-lived, limited, used once."""

import re
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from services.models import SmsCode
from services.services.hall_auth import (
    SignInError,
    request_sms_code,
    sign_in_with_code,
    update_resident_profile,
)
from tests.factories import make_resident, make_staff
from township.notify.models import OutboxMessage
from township.org.models import ResidentAccount
from township.org.roles import Role

pytestmark = pytest.mark.django_db
PHONE = "13800000031"


def latest_code(phone=PHONE) -> str:
    body = OutboxMessage.objects.filter(recipient=phone).latest("pk").body
    return re.search(r"\d{6}", body).group(0)


def test_first_sign_in_creates_the_account_and_the_second_reuses_it():
    request_sms_code(phone=PHONE)
    code = latest_code()
    assert not SmsCode.objects.filter(code_hash__contains=code).exists()  # stored hashed
    user = sign_in_with_code(phone=PHONE, code=code)
    assert user.resident.phone == PHONE
    later = timezone.now() + timedelta(minutes=2)
    request_sms_code(phone=PHONE, at=later)
    assert sign_in_with_code(phone=PHONE, code=latest_code(), at=later) == user
    assert ResidentAccount.objects.filter(phone=PHONE).count() == 1


def test_a_wrong_code_counts_and_five_wrong_codes_kill_the_code():
    request_sms_code(phone=PHONE)
    right = latest_code()
    wrong = "000000" if right != "000000" else "111111"
    with translation.override("en"):
        for left in (4, 3, 2, 1, 0):
            with pytest.raises(SignInError, match=f"{left} attempts left"):
                sign_in_with_code(phone=PHONE, code=wrong)
        with pytest.raises(SignInError, match="Too many wrong codes"):
            sign_in_with_code(phone=PHONE, code=right)


def test_an_expired_code_is_refused():
    request_sms_code(phone=PHONE)
    with pytest.raises(SignInError):
        sign_in_with_code(phone=PHONE, code=latest_code(), at=timezone.now() + timedelta(minutes=6))


@pytest.mark.django_db(transaction=True)
def test_a_code_signs_in_once_even_when_used_twice_at_the_same_moment():
    request_sms_code(phone=PHONE)
    code = latest_code()
    barrier = threading.Barrier(2)
    outcomes = []

    def use():
        try:
            barrier.wait()
            outcomes.append(sign_in_with_code(phone=PHONE, code=code))
        except SignInError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(o, SignInError) for o in outcomes) == 1
    assert ResidentAccount.objects.filter(phone=PHONE).count() == 1


def test_codes_are_limited_per_phone_and_per_address():
    now = timezone.now()
    request_sms_code(phone=PHONE, at=now)
    with translation.override("en"), pytest.raises(SignInError, match="seconds"):
        request_sms_code(phone=PHONE, at=now + timedelta(seconds=10))
    for n in range(1, 10):
        request_sms_code(phone=PHONE, at=now + timedelta(minutes=2 * n))
    with translation.override("en"), pytest.raises(SignInError, match="tomorrow"):
        request_sms_code(phone=PHONE, at=now + timedelta(minutes=30))
    for n in range(20):
        request_sms_code(phone=f"139000001{n:02d}", ip="10.0.0.9", at=now)
    with translation.override("en"), pytest.raises(SignInError, match="device"):
        request_sms_code(phone="13900000199", ip="10.0.0.9", at=now)


@pytest.mark.parametrize("phone", ["12345", "23800000000", ""])
def test_a_bad_phone_number_is_refused(phone):
    with pytest.raises(SignInError):
        request_sms_code(phone=phone)
    assert not SmsCode.objects.exists()


def test_staff_cannot_sign_in_through_the_residents_door():
    staff = make_staff(Role.WINDOW_CLERK, username=f"r{PHONE}")
    assert staff.pk
    request_sms_code(phone=PHONE)
    with pytest.raises(SignInError):
        sign_in_with_code(phone=PHONE, code=latest_code())
    assert not ResidentAccount.objects.filter(phone=PHONE).exists()


def test_profile_checks_the_identity_number():
    user = make_resident(phone=PHONE, id_number=None)
    make_resident(phone="13800000032", id_number="11010519491231002X")
    with pytest.raises(ValidationError) as bad_checksum:
        update_resident_profile(user=user, real_name="林居民", id_number="110105194912310021")
    assert "id_number" in bad_checksum.value.message_dict
    with pytest.raises(ValidationError):
        update_resident_profile(user=user, real_name="林居民", id_number="110105194913310028")  # 13th month
    with pytest.raises(ValidationError) as taken:
        update_resident_profile(user=user, real_name="林居民", id_number="11010519491231002X")
    assert "另一个账号" in str(taken.value) or "another account" in str(taken.value)
    from township.identifiers import id_number_check_char

    own = "32092319880215452" + id_number_check_char("32092319880215452")
    account = update_resident_profile(user=user, real_name="林居民", id_number=own)
    assert account.masked_id_number.startswith("3209") and "1988" not in account.masked_id_number


class TestPages:
    def test_sign_in_page_sends_a_code_then_signs_in_and_goes_where_asked(self, client):
        url = reverse("services-hall-sign-in")
        sent = client.post(url, {"phone": PHONE, "next": "/services/hall/library/"})
        assert sent.status_code == 200 and 'name="code"' in sent.content.decode()
        done = client.post(
            url, {"step": "code", "phone": PHONE, "code": latest_code(), "next": "/services/hall/library/"}
        )
        assert done.status_code == 302 and done["Location"] == "/services/hall/library/"
        assert client.get(reverse("services-hall")).status_code == 200

    def test_next_pointing_elsewhere_is_ignored(self, client):
        url = reverse("services-hall-sign-in")
        client.post(url, {"phone": PHONE})
        done = client.post(
            url, {"step": "code", "phone": PHONE, "code": latest_code(), "next": "https://evil.example/"}
        )
        assert done["Location"] == reverse("services-hall")

    def test_wrong_code_shows_a_clear_error_not_a_500(self, client):
        url = reverse("services-hall-sign-in")
        client.post(url, {"phone": PHONE})
        response = client.post(url, {"step": "code", "phone": PHONE, "code": "abcdef"})
        assert response.status_code == 400 and 'role="alert"' in response.content.decode()

    def test_sign_out(self, client):
        client.force_login(make_resident(phone=PHONE))
        assert client.post(reverse("services-hall-sign-out")).status_code == 302
        assert client.get(reverse("services-hall")).status_code == 302


def test_asking_again_within_a_minute_goes_on_to_the_code_already_sent(client):
    url = reverse("services-hall-sign-in")
    client.post(url, {"phone": PHONE})
    again = client.post(url, {"phone": PHONE})
    assert again.status_code == 200 and 'name="code"' in again.content.decode()
    assert SmsCode.objects.count() == 1
