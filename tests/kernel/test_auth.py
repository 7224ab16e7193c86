"""Sign-in, lockout, password rules, idle logout, CSP, language switch."""

import re
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import PASSWORD, TownshipFactory, make_resident, make_staff
from township.middleware import SESSION_KEY
from township.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return make_staff(Role.WINDOW_CLERK, township=TownshipFactory(), username="clerk1")


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_staff_sign_in_with_the_right_password(client, clerk):
    response = _login(client, "clerk1", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").context["user"] == clerk


def test_wrong_password_shows_a_clear_error_in_chinese(client, clerk):
    response = _login(client, "clerk1", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_five_failures_lock_the_account_for_fifteen_minutes_then_unlock(client, clerk):
    for _ in range(5):
        _login(client, "clerk1", "wrong-password")
    locked = _login(client, "clerk1", PASSWORD)
    assert locked.status_code == 429
    assert "15" in locked.content.decode() and "锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(client, "clerk1", PASSWORD).status_code == 302


def test_failures_on_one_account_do_not_lock_another(client, clerk):
    make_staff(Role.APPROVER, username="approver1")
    for _ in range(5):
        _login(client, "clerk1", "wrong-password")
    assert _login(client, "approver1", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("Ab1!", "too short"),
        ("12345678901", "entirely numeric"),
        ("abcdefghijk", "letters, digits"),
        ("password123", "too common"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, fragment):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        validate_password(password)
    assert fragment in " ".join(excinfo.value.messages)


def test_a_complex_password_is_accepted():
    validate_password("Qingshi-Window-2026")


def test_staff_are_signed_out_after_thirty_idle_minutes(client, clerk, settings):
    client.force_login(clerk)
    assert client.get("/org/").status_code == 200
    session = client.session
    session[SESSION_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT_STAFF - 5
    session.save()
    response = client.get("/org/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_residents_get_a_longer_idle_limit(client, settings):
    resident = make_resident()
    client.force_login(resident)
    session = client.session
    session[SESSION_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT_STAFF - 5
    session.save()
    client.get("/")
    assert client.session.get("_auth_user_id") == str(resident.pk)


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_pages_load_nothing_from_other_hosts(client, clerk):
    client.force_login(clerk)
    for url in ("/", "/accounts/login/", "/org/"):
        html = client.get(url, follow=True).content.decode()
        external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
        assert external == [], url
        assert "htmx" in html  # the vendored htmx is served from our own static files


def test_a_user_can_switch_to_english_and_back(client):
    assert "员工登录" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Staff sign-in" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "员工登录" in client.get("/accounts/login/").content.decode()


def test_navigation_depends_on_the_role(client):
    township = TownshipFactory()
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=township))
    admin_nav = client.get("/").context["nav_items"]
    client.force_login(make_staff(Role.GRID_MEMBER, township=township))
    member_nav = client.get("/").context["nav_items"]
    assert any(item["url"] == "/admin/" for item in admin_nav)
    assert not any(item["url"] == "/admin/" for item in member_nav)
