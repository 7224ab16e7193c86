"""A 12345 order becomes an enforcement clue or an application enquiry, once, keeping the hotline number
and linked both ways; only the centre passes orders on, and an order becomes one thing only."""

import pytest
from django.urls import reverse

from enforcement.models import EnforcementCase
from grid.channels.hotline import order_to_clue, order_to_enquiry, order_to_event
from grid.hotline import services as hotline
from grid.hotline.errors import HotlineError
from tests.grid.channels.helpers import mapped_place
from tests.grid.events.helpers import LAT, LNG
from tests.grid.hotline.test_orders import incoming
from tests.services.test_evaluations_rules import make_application
from township.casework.timeline import entries_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def place():
    place = mapped_place()
    place.enforcement.code = "ZHZF"
    place.enforcement.save()
    return place


def an_order(place, **overrides):
    values = {"lat": str(LAT), "lng": str(LNG - 0.004), **overrides}
    order, _created = hotline.receive_order(
        township=place.township, incoming=incoming(**values), source="api"
    )
    return order


def test_an_order_becomes_one_clue_of_the_bureau_keeping_the_hotline_number(place):
    order = an_order(place)
    clue = order_to_clue(order=order, by=place.centre, note="屡次举报")
    again = order_to_clue(order=order, by=place.centre)
    assert isinstance(clue, EnforcementCase) and again.pk == clue.pk
    assert EnforcementCase.objects.filter(township=place.township).count() == 1
    assert clue.source == "hotline" and clue.department == place.enforcement
    assert clue.source_id == order.pk and clue.source_type.model == "hotlineorder"
    assert clue.summary.startswith(f"12345 hotline {order.hotline_number}: {order.title}")
    assert "屡次举报" in clue.summary and clue.lat == order.lat
    order.refresh_from_db()
    assert order.passed_to == clue
    assert [e.note for e in entries_for(order, include_internal=True) if e.action == "convert"] == [
        clue.number
    ]


def test_an_enquiry_links_the_application_the_caller_asks_about_once(place):
    order = an_order(place, kind="enquiry")
    application = make_application(place.township, status="accepted")
    linked = order_to_enquiry(
        order=order, by=place.centre, application_number=f" {application.number.lower()} "
    )
    assert linked == application
    assert (
        order_to_enquiry(order=order, by=place.centre, application_number=application.number) == application
    )
    order.refresh_from_db()
    assert order.passed_to == application
    assert [e.note for e in entries_for(order, include_internal=True) if e.action == "convert"] == [
        application.number
    ]


def test_an_unknown_application_or_one_of_another_township_is_refused(place):
    order = an_order(place)
    theirs = make_application(mapped_place().township)
    for number in ("QS-SQ-2026-999999", theirs.number, "", "x" * 40):
        with pytest.raises(HotlineError) as refused:
            order_to_enquiry(order=order, by=place.centre, application_number=number)
        assert "application_number" in refused.value.field_errors
    order.refresh_from_db()
    assert order.passed_to_id is None


def test_an_order_becomes_one_thing_only(place):
    order = an_order(place)
    event = order_to_event(order=order, by=place.centre, category=place.category("暴露垃圾"))
    with pytest.raises(HotlineError, match=f"already passed on as {event.number}"):
        order_to_clue(order=order, by=place.centre)
    with pytest.raises(HotlineError, match="already passed on"):
        order_to_enquiry(
            order=order, by=place.centre, application_number=make_application(place.township).number
        )
    assert not EnforcementCase.objects.exists()


def test_only_the_centre_passes_an_order_on(place):
    order = an_order(place)
    application = make_application(place.township)
    for person in (place.member, place.enforcement_handler):
        with pytest.raises(HotlineError, match="Only the command centre"):
            order_to_clue(order=order, by=person)
        with pytest.raises(HotlineError, match="Only the command centre"):
            order_to_enquiry(order=order, by=person, application_number=application.number)
    assert not EnforcementCase.objects.exists()


def test_the_centre_passes_an_order_on_from_its_page_and_others_cannot(client, place):
    order = an_order(place)
    other = an_order(place, platform_order_id="P-OTHER", hotline_number="12345-OTHER")
    application = make_application(place.township)
    client.force_login(place.centre)
    page = client.get(reverse("grid-hotline-order", args=[order.pk])).content.decode()
    assert 'id="to-clue"' in page and 'id="to-enquiry"' in page
    enquiry_url = reverse("grid-hotline-action", args=[other.pk, "to-enquiry"])
    refused = client.post(enquiry_url, {"enquiry-application_number": "NOPE-1"})
    assert refused.status_code == 400 and "no application with this number" in refused.content.decode()
    assert client.post(enquiry_url, {"enquiry-application_number": application.number}).status_code == 302
    answer = client.post(reverse("grid-hotline-action", args=[order.pk, "to-clue"]), {"clue-note": "占道"})
    assert answer.status_code == 302
    page = client.get(reverse("grid-hotline-order", args=[order.pk])).content.decode()
    clue = EnforcementCase.objects.get()
    assert clue.number in page and 'id="to-clue"' not in page
    assert application.number in client.get(reverse("grid-hotline-order", args=[other.pk])).content.decode()
    # a grid member may not, even with a guessed order id
    client.force_login(place.member)
    third = an_order(place, platform_order_id="P-3", hotline_number="12345-3")
    client.post(reverse("grid-hotline-action", args=[third.pk, "to-clue"]), {"clue-note": ""})
    assert EnforcementCase.objects.count() == 1
