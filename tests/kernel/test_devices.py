"""Public terminals: the kiosk and hall display show no staff navigation, and the rating tablet keeps its
session on the tablet until the clerk enters their password."""

import re

import pytest
from django.test import Client

from tests.factories import PASSWORD, TownshipFactory
from tests.services.intake_helpers import clerk_at_window
from township import devices

pytestmark = pytest.mark.django_db


def links_in_main_page(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"', html)


TABLET = "/services/evaluations/window/"


def lock_tablet(client):
    response = client.post(TABLET, {"tablet": "lock"})
    assert response.status_code == 302 and response["Location"] == TABLET


@pytest.fixture
def clerk_client():
    clerk, _window = clerk_at_window(TownshipFactory())
    client = Client()
    client.force_login(clerk)
    return client


def test_kiosk_and_hall_display_show_nothing_but_their_job(clerk_client):
    township = TownshipFactory()
    for url in [
        f"/services/queue/kiosk/?township={township.code}",
        f"/services/queue/display/?township={township.code}",
    ]:
        html = clerk_client.get(url).content.decode()
        assert 'class="mainnav"' not in html and "/accounts/login/" not in html and "/admin/" not in html, url
        assert links_in_main_page(html) == [], url


def test_the_rating_tablet_has_no_way_out_but_the_clerks_password(clerk_client):
    html = clerk_client.get(TABLET).content.decode()
    assert 'class="mainnav"' not in html and "/services/workbench/" not in html
    assert links_in_main_page(html) == [] and 'id="lock-tablet"' in html
    assert clerk_client.get("/services/workbench/").status_code == 200  # not locked until the clerk says so
    lock_tablet(clerk_client)
    html = clerk_client.get(TABLET).content.decode()
    assert links_in_main_page(html) == ["/device/unlock/"] and 'id="lock-tablet"' not in html


def test_a_tablet_session_leads_every_other_page_back_to_the_tablet(clerk_client):
    lock_tablet(clerk_client)
    for url in ["/services/workbench/", "/", "/admin/", "/services/hall/"]:
        response = clerk_client.get(url)
        assert response.status_code == 302 and response["Location"] == TABLET, url
    response = clerk_client.post("/accounts/logout/")
    assert response["Location"] == TABLET
    assert clerk_client.get(TABLET).status_code == 200


def test_the_clerks_password_unlocks_the_tablet(clerk_client):
    lock_tablet(clerk_client)
    wrong = clerk_client.post("/device/unlock/", {"password": "not-it"})
    assert wrong.status_code == 400
    assert clerk_client.get("/services/workbench/").status_code == 302
    right = clerk_client.post("/device/unlock/", {"password": PASSWORD})
    assert right.status_code == 302 and right["Location"] == "/"
    assert clerk_client.get("/services/workbench/").status_code == 200


def test_guessing_the_password_on_the_tablet_signs_the_session_out(clerk_client):
    lock_tablet(clerk_client)
    for _attempt in range(devices.UNLOCK_ATTEMPTS):
        response = clerk_client.post("/device/unlock/", {"password": "guess"})
    assert response["Location"] == "/accounts/login/"
    assert clerk_client.get("/services/workbench/")["Location"].startswith("/accounts/login/")
