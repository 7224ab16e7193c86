"""Residents sign up and sign in with an SMS code: codes are hashed, short-lived, limited, used once."""

import re
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from services.models import SmsCode
from services.services.hall_auth import (
    CodeRecentlySent,
    SignInError,
    request_sms_code,
    sign_in_with_code,
    update_resident_profile,
)
from tests.factories import make_resident, make_staff
from township.identifiers import id_number_check_char
from township.notify.models import OutboxMessage
from township.org.models import ResidentAccount, StaffProfile
from township.org.roles import Role

pytestmark = pytest.mark.django_db
PHONE = "13800000031"
SIGN_IN = "/services/hall/account/sign-in/"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def latest_code(phone=PHONE) -> str:
    body = OutboxMessage.objects.filter(recipient=phone).latest("pk").body
    return re.search(r"\d{6}", body).group(0)


def other_than(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def valid_id_number(first17="32092319880215452") -> str:
    return first17 + id_number_check_char(first17)


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


# --- the actions ---------------------------------------------------------------------------------


def test_the_code_is_texted_in_the_residents_language_and_stored_hashed():
    with translation.override("en"):
        record = request_sms_code(phone=PHONE, ip="10.0.0.1")
    message = OutboxMessage.objects.get(idempotency_key=f"sms-code:{record.pk}")
    assert message.recipient == PHONE
    assert "sign-in code for the online service hall" in message.body and "5 minutes" in message.body
    code = latest_code()
    assert code not in record.code_hash and len(record.code_hash) == 64
    assert record.expires_at - record.created_at == timedelta(minutes=5)
    assert record.requested_ip == "10.0.0.1"


def test_first_sign_in_creates_the_account_and_the_second_reuses_it():
    request_sms_code(phone=PHONE)
    user = sign_in_with_code(phone=PHONE, code=latest_code())
    assert user.resident.phone == PHONE and user.username == f"r{PHONE}"
    assert not user.has_usable_password()
    later = timezone.now() + timedelta(minutes=2)
    request_sms_code(phone=PHONE, at=later)
    assert sign_in_with_code(phone=PHONE, code=latest_code(), at=later) == user
    assert ResidentAccount.objects.filter(phone=PHONE).count() == 1


def test_the_number_may_be_typed_with_country_code_spaces_and_full_width_digits():
    request_sms_code(phone="+86 138 0000 0031")
    code = latest_code()
    full_width = "".join(chr(ord(d) + 0xFEE0) for d in code)
    assert sign_in_with_code(phone="138 0000 0031", code=full_width).resident.phone == PHONE


def test_a_wrong_code_counts_and_after_five_even_the_right_code_is_refused():
    request_sms_code(phone=PHONE)
    right = latest_code()
    with translation.override("en"):
        for message in (
            "4 attempts left",
            "3 attempts left",
            "2 attempts left",
            "1 attempt left",
            "last attempt",
        ):
            with pytest.raises(SignInError, match=message):
                sign_in_with_code(phone=PHONE, code=other_than(right))
        with pytest.raises(SignInError, match="Too many wrong codes"):
            sign_in_with_code(phone=PHONE, code=right)
    assert SmsCode.objects.get().attempts == 5
    assert not ResidentAccount.objects.exists()


def test_an_expired_code_is_refused():
    request_sms_code(phone=PHONE)
    with translation.override("en"), pytest.raises(SignInError, match="expired"):
        sign_in_with_code(
            phone=PHONE, code=latest_code(), at=timezone.now() + timedelta(minutes=5, seconds=1)
        )


def test_a_code_never_sent_is_refused():
    with translation.override("en"), pytest.raises(SignInError, match="never sent"):
        sign_in_with_code(phone=PHONE, code="123456")


def test_a_newer_code_replaces_the_older_one():
    now = timezone.now()
    request_sms_code(phone=PHONE, at=now)
    older = latest_code()
    request_sms_code(phone=PHONE, at=now + timedelta(seconds=61))
    newer = latest_code()
    if older != newer:
        with pytest.raises(SignInError):
            sign_in_with_code(phone=PHONE, code=older, at=now + timedelta(seconds=62))
    assert sign_in_with_code(phone=PHONE, code=newer, at=now + timedelta(seconds=63))


def test_a_code_works_once():
    request_sms_code(phone=PHONE)
    code = latest_code()
    sign_in_with_code(phone=PHONE, code=code)
    with translation.override("en"), pytest.raises(SignInError, match="already been used"):
        sign_in_with_code(phone=PHONE, code=code)


def _at_once(action, count=2):
    """Run `action` in `count` threads released together, each on its own database connection."""
    barrier = threading.Barrier(count)
    outcomes = []

    def run():
        try:
            barrier.wait()
            outcomes.append(action())
        except SignInError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_a_code_used_twice_at_the_same_moment_signs_in_once():
    request_sms_code(phone=PHONE)
    code = latest_code()
    outcomes = _at_once(lambda: sign_in_with_code(phone=PHONE, code=code))
    refused = [o for o in outcomes if isinstance(o, SignInError)]
    assert len(outcomes) == 2 and len(refused) == 1
    assert ResidentAccount.objects.filter(phone=PHONE).count() == 1
    assert SmsCode.objects.get().used_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_send_one_code():
    outcomes = _at_once(lambda: request_sms_code(phone=PHONE, ip="10.0.0.2"))
    assert sum(isinstance(o, CodeRecentlySent) for o in outcomes) == 1
    assert SmsCode.objects.filter(phone=PHONE).count() == 1
    assert OutboxMessage.objects.filter(recipient=PHONE).count() == 1


def test_another_code_for_the_same_phone_waits_a_minute():
    now = timezone.now()
    request_sms_code(phone=PHONE, at=now)
    with translation.override("en"), pytest.raises(CodeRecentlySent, match="in 51 seconds"):
        request_sms_code(phone=PHONE, at=now + timedelta(seconds=10))
    request_sms_code(phone=PHONE, at=now + timedelta(seconds=60))
    assert SmsCode.objects.count() == 2


def test_at_most_ten_codes_per_phone_a_day():
    now = timezone.now()
    for n in range(10):
        request_sms_code(phone=PHONE, at=now + timedelta(minutes=2 * n))
    with translation.override("en"), pytest.raises(SignInError, match="tomorrow"):
        request_sms_code(phone=PHONE, at=now + timedelta(hours=3))
    request_sms_code(phone=PHONE, at=now + timedelta(days=1, seconds=1))  # the first has left the window
    assert SmsCode.objects.filter(phone=PHONE).count() == 11


def test_at_most_twenty_codes_per_address_an_hour():
    now = timezone.now()
    for n in range(20):
        request_sms_code(phone=f"139000001{n:02d}", ip="10.0.0.9", at=now)
    with translation.override("en"), pytest.raises(SignInError, match="in an hour"):
        request_sms_code(phone="13900000199", ip="10.0.0.9", at=now + timedelta(minutes=30))
    request_sms_code(phone="13900000199", ip="10.0.0.10", at=now)  # another address is not held up
    request_sms_code(phone="13900000198", ip="10.0.0.9", at=now + timedelta(hours=1, seconds=1))


@pytest.mark.parametrize("phone", ["12345", "23800000000", "1380000003a", "138000000311", "", None])
def test_a_bad_phone_number_is_refused(phone):
    with pytest.raises(SignInError):
        request_sms_code(phone=phone)
    with pytest.raises(SignInError):
        sign_in_with_code(phone=phone, code="123456")
    assert not SmsCode.objects.exists() and not OutboxMessage.objects.exists()


def test_a_staff_user_with_the_residents_username_cannot_sign_in_this_way():
    make_staff(Role.WINDOW_CLERK, username=f"r{PHONE}")
    request_sms_code(phone=PHONE)
    with translation.override("en"), pytest.raises(SignInError, match="staff sign-in page"):
        sign_in_with_code(phone=PHONE, code=latest_code())
    assert not ResidentAccount.objects.filter(phone=PHONE).exists()


def test_a_staff_members_phone_cannot_sign_in_this_way():
    staff = make_staff(Role.WINDOW_CLERK)
    StaffProfile.objects.filter(user=staff).update(phone=PHONE)
    request_sms_code(phone=PHONE)
    with translation.override("en"), pytest.raises(SignInError, match="staff sign-in page"):
        sign_in_with_code(phone=PHONE, code=latest_code())
    assert not ResidentAccount.objects.filter(phone=PHONE).exists()


def test_a_staff_user_holding_a_resident_account_cannot_sign_in_this_way():
    user = make_resident(phone=PHONE)
    StaffProfile.objects.create(user=user, county=make_staff(Role.WINDOW_CLERK).staff_profile.county)
    request_sms_code(phone=PHONE)
    with pytest.raises(SignInError):
        sign_in_with_code(phone=PHONE, code=latest_code())


def test_a_disabled_resident_cannot_sign_in():
    user = make_resident(phone=PHONE)
    user.is_active = False
    user.save()
    request_sms_code(phone=PHONE)
    with translation.override("en"), pytest.raises(SignInError, match="disabled"):
        sign_in_with_code(phone=PHONE, code=latest_code())


# --- the identity number --------------------------------------------------------------------------


def test_a_wrong_check_character_is_refused():
    user = make_resident(phone=PHONE, id_number=None)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        update_resident_profile(user=user, real_name="林居民", id_number="110105194912310021")
    assert "check character" in refused.value.message_dict["id_number"][0]


@pytest.mark.parametrize("first17", ["11010519491331002", "11010519490230002", "11010530000101002"])
def test_an_impossible_birth_date_is_refused(first17):
    user = make_resident(phone=PHONE, id_number=None)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        update_resident_profile(user=user, real_name="林居民", id_number=valid_id_number(first17))
    assert "birth date" in refused.value.message_dict["id_number"][0]


def test_an_identity_number_bound_to_another_account_is_refused():
    user = make_resident(phone=PHONE, id_number=None)
    make_resident(phone="13800000032", id_number="11010519491231002X")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        update_resident_profile(user=user, real_name="林居民", id_number="11010519491231002x")
    assert refused.value.message_dict["id_number"] == [
        "This identity number is already bound to another account."
    ]
    assert ResidentAccount.objects.get(user=user).id_number is None


def test_a_real_name_is_required():
    user = make_resident(phone=PHONE, id_number=None)
    with pytest.raises(ValidationError) as refused:
        update_resident_profile(user=user, real_name="  ", id_number=valid_id_number())
    assert "real_name" in refused.value.message_dict


def test_the_profile_binds_a_checked_identity_number_shown_masked():
    user = make_resident(phone=PHONE, id_number=None)
    own = valid_id_number()
    account = update_resident_profile(user=user, real_name=" 林 居民 ", id_number=own.lower())
    assert account.id_number == own and account.real_name == "林 居民"
    assert account.masked_id_number.startswith("3209") and "19880215" not in account.masked_id_number
    assert update_resident_profile(user=user, real_name="林居民", id_number=own).id_number == own  # again


# --- the pages ------------------------------------------------------------------------------------


class TestSignInPage:
    def test_the_url_names(self):
        assert reverse("services-hall-sign-in") == SIGN_IN
        assert reverse("services-hall-profile") == "/services/hall/account/profile/"
        assert reverse("services-hall-sign-out") == "/services/hall/account/sign-out/"

    def test_signing_up_sends_a_code_creates_one_account_and_signs_in(self, client):
        page = client.get(SIGN_IN)
        assert page.status_code == 200 and 'name="phone"' in page.content.decode()
        sent = client.post(SIGN_IN, {"phone": PHONE, "next": "/services/hall/library/"})
        html = sent.content.decode()
        assert sent.status_code == 200 and 'name="code"' in html and PHONE in html
        assert 'value="/services/hall/library/"' in html
        done = client.post(
            SIGN_IN,
            {"step": "code", "phone": PHONE, "code": latest_code(), "next": "/services/hall/library/"},
        )
        assert done.status_code == 302 and done["Location"] == "/services/hall/library/"
        account = ResidentAccount.objects.get(phone=PHONE)
        assert str(account.user_id) == str(signed_in_user_id(client))
        assert client.get(reverse("services-hall")).status_code == 200

    def test_signing_in_again_reuses_the_account(self, client):
        user = make_resident(phone=PHONE)
        client.post(SIGN_IN, {"phone": PHONE})
        done = client.post(SIGN_IN, {"step": "code", "phone": PHONE, "code": latest_code()})
        assert done["Location"] == reverse("services-hall")
        assert str(signed_in_user_id(client)) == str(user.pk)
        assert ResidentAccount.objects.count() == 1

    @pytest.mark.parametrize(
        "target",
        [
            "https://evil.example/",
            "//evil.example/",
            "http://testserver.evil.example/",
            "javascript:alert(1)",
        ],
    )
    def test_a_next_pointing_elsewhere_is_ignored(self, client, target):
        client.post(SIGN_IN, {"phone": PHONE})
        done = client.post(SIGN_IN, {"step": "code", "phone": PHONE, "code": latest_code(), "next": target})
        assert done.status_code == 302 and done["Location"] == reverse("services-hall")
        assert "evil" not in client.get(f"{SIGN_IN}?next={target}").content.decode()

    def test_a_wrong_code_shows_a_clear_error_and_stays_on_the_code_step(self, client):
        client.post(SIGN_IN, {"phone": PHONE})
        response = client.post(
            SIGN_IN, {"step": "code", "phone": PHONE, "code": other_than(latest_code())}, **ENGLISH
        )
        html = response.content.decode()
        assert response.status_code == 400 and "4 attempts left" in html and 'name="code"' in html
        assert signed_in_user_id(client) is None

    @pytest.mark.parametrize("code", ["", "abcdef", "1" * 12, "<script>"])
    def test_garbage_in_the_code_field_is_an_error_not_a_500(self, client, code):
        client.post(SIGN_IN, {"phone": PHONE})
        response = client.post(SIGN_IN, {"step": "code", "phone": PHONE, "code": code})
        assert response.status_code == 400 and 'role="alert"' in response.content.decode()
        assert "<script>" not in response.content.decode()

    def test_a_bad_phone_number_is_refused_with_a_message(self, client):
        response = client.post(SIGN_IN, {"phone": "12345"}, **ENGLISH)
        assert response.status_code == 400 and 'role="alert"' in response.content.decode()
        assert not SmsCode.objects.exists()
        tampered = client.post(SIGN_IN, {"step": "code", "phone": "abc", "code": "123456"})
        assert tampered.status_code == 400 and 'name="phone"' in tampered.content.decode()

    def test_staff_are_sent_to_the_staff_sign_in(self, client):
        staff = make_staff(Role.WINDOW_CLERK)
        StaffProfile.objects.filter(user=staff).update(phone=PHONE)
        client.post(SIGN_IN, {"phone": PHONE})
        response = client.post(SIGN_IN, {"step": "code", "phone": PHONE, "code": latest_code()}, **ENGLISH)
        assert response.status_code == 400 and "staff sign-in page" in response.content.decode()
        assert signed_in_user_id(client) is None

    def test_asking_again_within_a_minute_goes_on_to_the_code_already_sent_with_a_countdown(self, client):
        first = client.post(SIGN_IN, {"phone": PHONE})
        assert re.search(r'data-resend-in="(5\d|60)"', first.content.decode())
        again = client.post(SIGN_IN, {"phone": PHONE}, **ENGLISH)
        html = again.content.decode()
        assert again.status_code == 200 and 'name="code"' in html and "ask for another in" in html
        assert SmsCode.objects.count() == 1

    def test_the_address_limit_applies_to_the_page(self, client):
        now = timezone.now()
        for n in range(20):
            request_sms_code(phone=f"139000001{n:02d}", ip="127.0.0.1", at=now)
        response = client.post(SIGN_IN, {"phone": PHONE}, **ENGLISH)
        assert response.status_code == 400 and "in an hour" in response.content.decode()

    def test_the_outbox_hint_shows_only_in_development(self, client, settings):
        settings.DEBUG = False
        assert "var/outbox" not in client.post(SIGN_IN, {"phone": PHONE}).content.decode()
        settings.DEBUG = True
        assert "var/outbox" in client.post(SIGN_IN, {"phone": "13800000033"}).content.decode()

    def test_the_page_links_to_the_staff_sign_in(self, client):
        assert f'href="{reverse("login")}"' in client.get(SIGN_IN).content.decode()

    def test_a_signed_in_resident_goes_straight_on(self, client):
        client.force_login(make_resident(phone=PHONE))
        response = client.get(f"{SIGN_IN}?next=/services/hall/library/")
        assert response.status_code == 302 and response["Location"] == "/services/hall/library/"


class TestSignOut:
    def test_sign_out_ends_the_session(self, client):
        client.force_login(make_resident(phone=PHONE))
        response = client.post(reverse("services-hall-sign-out"))
        assert response.status_code == 302 and response["Location"] == SIGN_IN
        assert signed_in_user_id(client) is None
        assert client.get(reverse("services-hall")).status_code == 302

    def test_sign_out_by_get_is_not_allowed(self, client):
        client.force_login(make_resident(phone=PHONE))
        assert client.get(reverse("services-hall-sign-out")).status_code == 405
        assert signed_in_user_id(client) is not None


class TestProfilePage:
    url = "/services/hall/account/profile/"

    def test_signing_in_is_required(self, client):
        response = client.get(self.url)
        assert response.status_code == 302 and response["Location"].startswith(f"{SIGN_IN}?next=")

    def test_staff_have_no_resident_profile(self, client):
        client.force_login(make_staff(Role.WINDOW_CLERK))
        assert client.get(self.url).status_code == 302

    def test_saving_shows_the_identity_number_masked(self, client):
        client.force_login(make_resident(phone=PHONE, id_number=None))
        own = valid_id_number()
        saved = client.post(self.url, {"real_name": "林居民", "id_number": own})
        assert saved.status_code == 302 and saved["Location"] == self.url
        html = client.get(self.url).content.decode()
        assert "林居民" in html and own not in html and PHONE not in html
        account = ResidentAccount.objects.get(phone=PHONE)
        assert account.masked_id_number in html and account.masked_phone in html
        assert account.user.first_name == "林居民"

    def test_a_bad_identity_number_is_shown_as_an_error(self, client):
        client.force_login(make_resident(phone=PHONE, id_number=None))
        response = client.post(
            self.url, {"real_name": "林居民", "id_number": "110105194912310021"}, **ENGLISH
        )
        assert response.status_code == 400 and "check character" in response.content.decode()
        assert ResidentAccount.objects.get(phone=PHONE).id_number is None

    def test_an_identity_number_of_another_account_is_shown_as_an_error(self, client):
        make_resident(phone="13800000032", id_number="11010519491231002X")
        client.force_login(make_resident(phone=PHONE, id_number=None))
        response = client.post(
            self.url, {"real_name": "林居民", "id_number": "11010519491231002X"}, **ENGLISH
        )
        assert response.status_code == 400 and "already bound to another account" in response.content.decode()

    def test_empty_fields_are_errors_not_a_500(self, client):
        client.force_login(make_resident(phone=PHONE, id_number=None))
        assert client.post(self.url, {}).status_code == 400
