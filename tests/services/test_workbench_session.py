"""Expired sessions: htmx requests lead the whole page to sign-in and back; pages carry the idle timeout
for the warning before it runs out."""

import time

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import TownshipFactory, make_resident
from tests.services.intake_helpers import clerk_at_window
from township.middleware import SESSION_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return clerk_at_window(TownshipFactory())[0]


def _idle_for(client, seconds):
    session = client.session
    session[SESSION_KEY] = int(time.time()) - seconds
    session.save()


HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/services/workbench/"}


def test_an_expired_htmx_search_sends_the_whole_page_to_sign_in_and_back(client, clerk):
    client.force_login(clerk)
    client.get(reverse("services-workbench"))
    _idle_for(client, 31 * 60)
    response = client.get(reverse("services-workbench-items"), {"q": "低保"}, **HTMX)
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fservices%2Fworkbench%2F"
    assert "password" not in response.content.decode()  # no sign-in form drawn into the results box


def test_an_anonymous_htmx_request_from_another_host_comes_back_home(client):
    response = client.get(
        reverse("services-workbench-items"),
        {"q": "x"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="https://evil.example/phish/",
    )
    assert response.status_code == 401 and response["HX-Redirect"].endswith("next=%2F")


def test_without_htmx_an_expired_session_still_redirects_to_sign_in(client, clerk):
    client.force_login(clerk)
    client.get(reverse("services-workbench"))
    _idle_for(client, 31 * 60)
    response = client.get(reverse("services-workbench"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_ordinary_htmx_redirect_is_left_alone(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("services-workbench-find"), {"number": "nothing"}, **HTMX)
    assert response.status_code == 302 and "HX-Redirect" not in response


@override_settings(SESSION_IDLE_TIMEOUT_STAFF=900, SESSION_IDLE_TIMEOUT_RESIDENT=3600)
def test_pages_carry_the_idle_timeout_for_the_warning(client, clerk):
    client.force_login(clerk)
    page = client.get(reverse("services-workbench")).content.decode()
    assert 'data-idle-timeout="900"' in page and "js/idle.js" in page
    resident = make_resident()
    client.force_login(resident)
    page = client.get(reverse("services-hall")).content.decode()
    assert 'data-idle-timeout="3600"' in page and 'data-sign-in-url="/services/hall/account/sign-in/"' in page
