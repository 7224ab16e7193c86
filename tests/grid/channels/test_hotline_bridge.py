"""A 12345 order becomes a grid event once, keeping the hotline number, linked both ways."""

import pytest
from django.utils import translation

from grid.channels.hotline import order_to_event
from grid.errors import GridEventError
from grid.hotline import services as hotline
from grid.models import EventStatus
from grid.models.channels import EventSource
from tests.grid.channels.helpers import mapped_place
from tests.grid.events.helpers import LAT, LNG
from tests.grid.hotline.test_orders import incoming

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_an_order_becomes_one_event_in_the_grid_of_its_place():
    place = mapped_place()
    order, _created = hotline.receive_order(
        township=place.township, incoming=incoming(lat=str(LAT), lng=str(LNG - 0.004)), source="api"
    )
    event = order_to_event(order=order, by=place.centre, category=place.category("暴露垃圾"))
    again = order_to_event(order=order, by=place.centre, category=place.category("暴露垃圾"))
    assert again.pk == event.pk
    assert event.status == EventStatus.REPORTED and event.grid == place.grid
    assert event.intake.source == EventSource.HOTLINE and event.intake.external_ref == order.hotline_number
    order.refresh_from_db()
    assert order.passed_to == event
    # the caller's phone stays with the order (it replies to the caller), not copied onto the event
    assert event.intake.reporter_phone == ""


def test_an_order_without_a_location_needs_one():
    place = mapped_place()
    order, _created = hotline.receive_order(
        township=place.township, incoming=incoming(lat=None, lng=None, platform_order_id="P2"), source="api"
    )
    with pytest.raises(GridEventError) as refused:
        order_to_event(order=order, by=place.centre, category=place.category("暴露垃圾"))
    assert "latitude" in refused.value.field_errors
    event = order_to_event(
        order=order, by=place.centre, category=place.category("暴露垃圾"), latitude=LAT, longitude=LNG + 0.004
    )
    assert event.grid == place.other_grid


def test_the_centre_passes_an_order_to_the_grid_from_its_page(client):
    from django.urls import reverse

    place = mapped_place()
    order, _created = hotline.receive_order(
        township=place.township, incoming=incoming(lat=str(LAT), lng=str(LNG - 0.004)), source="api"
    )
    client.force_login(place.centre)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("grid-hotline-action", args=[order.pk, "to-event"])
    assert client.post(url, {"event-category": ""}).status_code == 400
    answer = client.post(url, {"event-category": place.category("暴露垃圾").pk})
    assert answer.status_code == 302
    page = client.get(reverse("grid-hotline-order", args=[order.pk])).content.decode()
    order.refresh_from_db()
    assert order.passed_to.number in page and 'id="to-event"' not in page
