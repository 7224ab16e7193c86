"""Our own error pages: translated, in the portal's layout; and no navigation entry leads to one."""

import copy

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import gettext

from tests.factories import TownshipFactory, make_staff
from township import nav
from township.org.roles import Role

pytestmark = pytest.mark.django_db


def broken_context_processor(request):
    raise RuntimeError("the database is gone")


@pytest.mark.parametrize("role", list(Role))
def test_every_navigation_entry_of_every_role_opens_a_page(role):
    township = TownshipFactory()
    user = make_staff(role, township=township)
    client = Client()
    client.force_login(user)
    for item in nav.items_for(user):
        response = client.get(item["url"], follow=True)
        assert response.status_code == 200, (
            f"{role} → {item['label']} ({item['url']}): {response.status_code}"
        )


def test_an_unknown_address_shows_our_own_404_page(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'id="error-page"' in html and "css/portal.css" in html
    assert gettext("Page not found") in html and "Not Found" not in html


def test_a_refused_page_shows_our_own_403_page_with_the_reason(client):
    county_admin = make_staff(Role.COUNTY_ADMIN, township=TownshipFactory())
    client.force_login(county_admin)
    response = client.get("/services/queue/stats/")
    html = response.content.decode()
    assert response.status_code == 403
    assert 'id="error-page"' in html and "css/portal.css" in html and 'class="mainnav"' in html
    assert gettext("You may not open this page") in html
    assert gettext("Queue statistics are for the township's staff.") in html
    assert "403 Forbidden" not in html


def test_the_back_office_refuses_with_our_own_403_page(client):
    clerk = make_staff(Role.WINDOW_CLERK, township=TownshipFactory())
    clerk.is_staff = True  # a staff flag without the model permission
    clerk.save()
    client.force_login(clerk)
    response = client.get("/admin/approvals/reviewcase/")
    assert response.status_code == 403
    assert 'id="error-page"' in response.content.decode()


@pytest.mark.urls("tests.kernel.error_urls")
def test_a_server_error_shows_our_own_500_page_even_when_context_processors_fail(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].append(f"{__name__}.broken_context_processor")
    settings.TEMPLATES = templates
    response = Client(raise_request_exception=False).get("/broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert 'id="error-page"' in html and "css/portal.css" in html
    assert gettext("Something went wrong") in html and str(settings.PORTAL_NAME) in html
    assert "Server Error (500)" not in html


def test_error_pages_are_in_the_portals_language(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert '<html lang="zh-hans"' in response.content.decode()
    assert settings.LANGUAGE_CODE == "zh-hans"


def test_an_expired_form_shows_our_own_page_not_djangos_csrf_page():
    response = Client(enforce_csrf_checks=True).post("/display-mode/", {"mode": "elderly"})
    html = response.content.decode()
    assert response.status_code == 403
    assert 'id="error-page"' in html and gettext("This form has expired") in html
    assert "CSRF verification failed" not in html


@pytest.mark.urls("tests.kernel.error_urls")
def test_a_malformed_request_shows_our_own_400_page(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].append(f"{__name__}.broken_context_processor")
    settings.TEMPLATES = templates
    response = Client().get("/suspicious/")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-page"' in html and gettext("The request could not be read") in html
    assert "Bad Request (400)" not in html


@pytest.mark.urls("tests.kernel.error_urls")
@pytest.mark.django_db
def test_a_refusal_no_view_caught_is_a_page_saying_why_not_a_500(client):
    page = client.get("/refused/", HTTP_REFERER="http://evil.example/phish")
    assert page.status_code == 409
    body = page.content.decode()
    assert "Someone else decided this application a moment ago." in body
    assert "evil.example" not in body  # the Back link never leads off the site
    fragment = client.get("/refused/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 409 and "<html" not in fragment.content.decode()
    assert "Someone else decided" in fragment.content.decode()
