"""One public tracking page (/services/track/): an application's number or a report's number typed into
it finds either, with no personal data; the grid's old address redirects there, the SMS links point there."""

import pytest
from django.test import override_settings
from django.urls import reverse

from grid.channels import intake
from tests.grid.channels.helpers import mapped_place
from tests.grid.channels.test_residents import resident_report
from tests.services.test_evaluations_rules import make_application
from township.casework.numbers import is_number_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
PAGE = "/services/track/"


@pytest.fixture
def place():
    return mapped_place()


def test_a_report_number_typed_into_the_one_page_finds_the_report_without_personal_data(client, place):
    event = resident_report(place, reporter_name="李阿姨", phone="13900002222")
    page = client.get(PAGE, {"number": event.number, "code": event.intake.query_code})
    assert page.status_code == 200
    text = page.content.decode()
    assert event.number in text and "李阿姨" not in text and "13900002222" not in text
    assert "Follow a report" in text  # the report's own view, on the same address
    # typed the way people type it: lower case with spaces around
    assert (
        client.get(PAGE, {"number": f" {event.number.lower()} ", "code": event.intake.query_code}).status_code
        == 200
    )


def test_a_wrong_code_for_a_report_reads_like_an_unknown_number(client, place):
    event = resident_report(place)
    wrong = "111111" if event.intake.query_code != "111111" else "222222"
    refused = client.get(PAGE, {"number": event.number, "code": wrong})
    unknown = client.get(PAGE, {"number": event.number[:-1] + "9", "code": wrong})
    assert refused.status_code == unknown.status_code == 404
    assert 'id="event-number"' not in refused.content.decode()
    assert refused.content.decode().count("No report") == unknown.content.decode().count("No report")


def test_an_application_number_on_the_same_page_still_finds_the_application(client, place):
    application = make_application(place.township, status="accepted", query_code="123456")
    page = client.get(PAGE, {"number": application.number, "code": "123456"})
    assert page.status_code == 200 and application.number in page.content.decode()
    assert "Application or report number" in page.content.decode()
    # the page's own kind takes no POST: only a report's actions (rating, reopening) are posted to it
    assert client.post(PAGE, {"number": application.number, "code": "123456"}).status_code == 405


def test_the_grids_old_address_redirects_to_the_one_page_keeping_number_and_code(client, place):
    event = resident_report(place)
    query = {"number": event.number, "code": event.intake.query_code}
    moved = client.get("/grid/track/", query)
    assert moved.status_code == 301 and moved["Location"].startswith(PAGE)
    assert client.get(moved["Location"]).status_code == 200
    assert client.get("/grid/track/")["Location"] == PAGE
    posted = client.post("/grid/track/?x=1", {**query, "action": "rate"})
    assert posted.status_code == 307 and posted["Location"] == f"{PAGE}?x=1"


def test_the_reporters_sms_link_points_at_the_one_page(place):
    event = resident_report(place)
    assert f"{reverse('services-track')}?number=" in intake.tracking_url(event, "123456")


def test_a_number_is_told_by_its_series_in_its_format():
    assert is_number_of("SJ", "QS-SJ-2026-000123")
    assert not is_number_of("SJ", "QS-SL-2026-000123") and not is_number_of("SJ", "")
    with override_settings(CASE_NUMBER_FORMATS={"SJ": "{township}网格〔{year}〕{serial}号"}):
        assert is_number_of("SJ", "QS网格〔2026〕17号") and not is_number_of("SJ", "QS-SJ-2026-000123")
