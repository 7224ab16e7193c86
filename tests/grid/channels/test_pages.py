"""The residents' pages: report (typed text survives a refusal), "may already be reported", follow by
number and code, rate and reopen; no personal data on the public page."""

import pytest
from django.urls import reverse

from grid.events import services as loop
from grid.models import EventStatus, GridEvent
from tests.grid.channels.helpers import mapped_place
from tests.grid.channels.test_residents import resident_report
from tests.grid.events.helpers import LAT, LNG, local, photo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def place():
    return mapped_place()


def form(place, **overrides):
    data = {
        "township": place.township.pk,
        "category": place.category("暴露垃圾").pk,
        "description": "桥头垃圾桶满了没人清",
        "latitude": str(LAT),
        "longitude": str(LNG - 0.004),
        "phone": "13900005555",
    }
    data.update(overrides)
    return data


def test_a_refused_report_keeps_what_was_typed(client, place):
    answer = client.post(reverse("grid-report-problem"), form(place, category="", phone="123"))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "桥头垃圾桶满了没人清" in page and 'value="123"' in page
    assert not GridEvent.objects.exists()


def test_a_report_far_from_others_is_sent_and_gives_number_and_code(client, place):
    answer = client.post(reverse("grid-report-problem"), {**form(place), "photo": photo()})
    assert answer.status_code == 302
    event = GridEvent.objects.get()
    page = client.get(answer["Location"]).content.decode()
    assert event.number in page and event.intake.query_code in page


def test_a_report_near_an_open_one_shows_it_first_and_can_still_be_sent(client, place):
    existing = resident_report(place, lat=LAT, lng=LNG - 0.004)
    answer = client.post(reverse("grid-report-problem"), form(place, latitude=str(LAT + 0.0003)))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "This may already be reported" in page and existing.number in page
    assert 'name="report_anyway"' in page and "桥头垃圾桶满了没人清" in page
    assert GridEvent.objects.count() == 1
    answer = client.post(
        reverse("grid-report-problem"), {**form(place, latitude=str(LAT + 0.0003)), "report_anyway": "1"}
    )
    assert answer.status_code == 302 and GridEvent.objects.count() == 2


def test_the_tracking_page_shows_no_personal_data_and_lets_the_reporter_reopen(client, place):
    event = resident_report(place, reporter_name="李阿姨")
    event = loop.register_event(event=event, by=place.centre, at=local(2026, 10, 9, 10, 0))
    event = loop.dispatch_event(
        event=event, by=place.centre, department=place.sanitation, at=local(2026, 10, 9, 10, 5)
    )
    event = loop.feed_back_event(
        event=event,
        by=place.sanitation_handler,
        note="已清运",
        photos=[photo()],
        at=local(2026, 10, 9, 15, 0),
    )
    event = loop.check_event(event=event, by=place.member, passed=True)
    url = reverse("services-track")  # the one tracking page
    wrong = client.get(
        url, {"number": event.number, "code": "999999" if event.intake.query_code != "999999" else "111111"}
    )
    assert wrong.status_code == 404
    page = client.get(url, {"number": event.number, "code": event.intake.query_code}).content.decode()
    assert (
        event.number in page and "李阿姨" not in page and "13900002222" not in page and "1390000" not in page
    )
    assert 'id="reopen"' in page and 'id="rate"' in page
    answer = client.post(
        url,
        {"number": event.number, "code": event.intake.query_code, "action": "reopen", "reopen-reason": ""},
    )
    assert answer.status_code == 400
    answer = client.post(
        url,
        {
            "number": event.number,
            "code": event.intake.query_code,
            "action": "reopen",
            "reopen-reason": "还是满的",
        },
    )
    assert answer.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.IN_PROGRESS


def test_the_follow_up_link_answers_once_and_a_bad_link_says_so(client, place):
    from grid.channels import reporter

    assert client.get(reverse("grid-follow-up", args=["nope"])).status_code == 404
    event = resident_report(place)
    event.intake.follow_up_token = "t" * 32
    event.intake.save()
    answer = client.post(reverse("grid-follow-up", args=["t" * 32]), {"fixed": "1"})
    assert answer.status_code == 200 and "Thank you" in answer.content.decode()
    assert reporter.EventIntake.objects.get(pk=event.intake.pk).follow_up_answer == "fixed"


def test_the_nearby_fragment_lists_open_reports_of_the_kind(client, place):
    existing = resident_report(place)
    answer = client.get(
        reverse("grid-report-nearby"),
        {
            "township": place.township.pk,
            "category": existing.category.pk,
            "latitude": LAT,
            "longitude": LNG - 0.004,
        },
    )
    assert existing.number in answer.content.decode()
    junk = client.get(
        reverse("grid-report-nearby"), {"township": "x", "category": "'; drop", "latitude": "a"}
    )
    assert junk.status_code == 200 and existing.number not in junk.content.decode()
