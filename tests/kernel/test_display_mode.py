"""The elderly-friendly mode (适老化): switched on from any page, it sticks in a cookie for later pages."""

import pytest
from django.test import Client

from township.context_processors import DISPLAY_MODE_COOKIE

pytestmark = pytest.mark.django_db


def test_every_page_offers_the_switch_and_it_sticks_on_later_pages():
    client = Client()
    for url in ["/", "/services/", "/verify/", "/services/track/"]:
        assert 'id="display-mode-elderly"' in client.get(url).content.decode(), url
    response = client.post("/display-mode/", {"mode": "elderly", "next": "/services/"})
    assert response.status_code == 302 and response["Location"] == "/services/"
    assert response.cookies[DISPLAY_MODE_COOKIE]["httponly"]
    for url in ["/", "/verify/"]:
        html = client.get(url).content.decode()
        assert '<html lang="zh-hans" class="elderly">' in html and 'id="display-mode-standard"' in html
    client.post("/display-mode/", {"mode": "standard", "next": "/"})
    assert 'class="elderly"' not in client.get("/").content.decode()


def test_the_switch_does_not_redirect_to_another_site():
    response = Client().post("/display-mode/", {"mode": "elderly", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_switch_needs_a_post():
    assert Client().get("/display-mode/?mode=elderly").status_code == 405
