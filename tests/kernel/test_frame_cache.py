"""The anonymous visitor's page frame is drawn once per process, language and display mode
({% frame_cache %}); what differs per request — the CSRF token of its forms and the address they return
to — is still every visitor's own."""

import re

import pytest
from django.test import Client

from township.templatetags import frame

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_frames():
    frame.clear()
    yield
    frame.clear()


def _form(html: str, action: str) -> dict:
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S).group(1)
    return dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))


def test_each_visitor_gets_their_own_token_and_address_from_the_drawn_frame():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    one = first.get("/services/track/?number=A&code=1").content.decode()
    two = second.get("/verify/?q=<b>").content.decode()
    assert frame.CSRF_HOLE not in one + two and frame.HERE_HOLE not in one + two
    fields_one, fields_two = _form(one, "/i18n/setlang/"), _form(two, "/i18n/setlang/")
    assert fields_one["next"] == "/services/track/?number=A&amp;code=1"
    assert fields_two["next"] == "/verify/?q=%3Cb%3E"  # escaped, never raw markup
    assert fields_one["csrfmiddlewaretoken"] and fields_two["csrfmiddlewaretoken"]
    # the second visitor's language switch works with the token their page carried, then Back lands home
    response = second.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/verify/", "csrfmiddlewaretoken": fields_two["csrfmiddlewaretoken"]},
    )
    assert response.status_code == 302 and response["Location"] == "/verify/"
    assert '<html lang="en"' in second.get("/verify/").content.decode()
    # and the first visitor's page was not switched by it
    assert '<html lang="zh-hans"' in first.get("/verify/").content.decode()
    # someone else's token does not pass
    third = Client(enforce_csrf_checks=True)
    third.get("/")
    refused = third.post("/display-mode/", {"mode": "elderly", "csrfmiddlewaretoken": "x" * 64, "next": "/"})
    assert refused.status_code == 403


def test_the_display_mode_form_of_a_drawn_frame_comes_back_to_the_same_page():
    client = Client(enforce_csrf_checks=True)
    client.get("/")  # draws the frame for this language and mode
    html = client.get("/services/track/").content.decode()
    fields = _form(html, "/display-mode/")
    assert fields["next"] == "/services/track/"
    response = client.post("/display-mode/", fields | {"mode": "elderly"})
    assert response.status_code == 302 and response["Location"] == "/services/track/"
    assert 'class="elderly"' in client.get("/services/track/").content.decode()


def test_a_signed_in_users_top_bar_is_their_own(django_user_model):
    anonymous = Client()
    anonymous.get("/")
    user = django_user_model.objects.create_user("wang", password="x", first_name="王", last_name="")
    client = Client()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Sign out" in html or "退出" in html
    assert "Sign out" not in anonymous.get("/").content.decode()
    assert "退出" not in anonymous.get("/").content.decode()
