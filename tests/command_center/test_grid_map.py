"""The grid map: our own grid boundaries as GeoJSON with open and overdue events per grid, scoped; grids
without a boundary listed, not drawn; the page's KPI tables from the published-formula selectors."""

import pytest
from django.urls import reverse

from command_center.grid_map import valid_geometry
from grid.models import GridEvent
from tests.factories import make_staff
from tests.grid.events.helpers import dispatched, make_place, registered
from township.casework.models import WarningLevel
from township.org.roles import Role

pytestmark = pytest.mark.django_db


def square(lng, lat, size=0.01):
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def mapped(db):
    place = make_place()
    place.grid.boundary = square(120.29, 31.49)
    place.grid.save()
    registered(place)
    late = dispatched(place)
    GridEvent.objects.filter(pk=late.pk).update(warning_level=WarningLevel.RED)
    return place


def test_the_map_json_draws_the_bounded_grids_with_their_open_and_overdue_events(mapped, client):
    client.force_login(mapped.centre)
    data = client.get(reverse("command-grid-map-json")).json()
    assert [f["properties"]["code"] for f in data["geojson"]["features"]] == [mapped.grid.code]
    assert data["geojson"]["features"][0]["geometry"] == square(120.29, 31.49)
    by_code = {g["code"]: g for g in data["grids"]}
    assert (by_code[mapped.grid.code]["open"], by_code[mapped.grid.code]["overdue"]) == (2, 1)
    assert by_code[mapped.grid.code]["level"] == 2
    assert by_code[mapped.other_grid.code]["level"] == 0
    assert [g["code"] for g in data["without_boundary"]] == [mapped.other_grid.code]


def test_the_page_says_which_grids_are_not_on_the_map(mapped, client):
    client.force_login(mapped.centre)
    page = client.get(reverse("command-grid-map")).content.decode()
    assert 'id="cc-grid-map"' in page and 'id="cc-map-missing"' in page
    assert "echarts.min.js" in page and "<script>" not in page  # no inline code (CSP)


def test_without_any_boundary_the_page_has_an_empty_state_and_no_map(db, client):
    place = make_place()
    registered(place)
    client.force_login(place.centre)
    page = client.get(reverse("command-grid-map")).content.decode()
    assert 'id="cc-map-empty"' in page and 'id="cc-grid-map"' not in page
    assert place.grid.name in page  # the list still shows the grids


def test_another_township_sees_none_of_it(mapped, client):
    elsewhere = make_place()
    client.force_login(elsewhere.centre)
    data = client.get(reverse("command-grid-map-json")).json()
    assert mapped.grid.code not in {g["code"] for g in data["grids"]}
    assert data["geojson"]["features"] == []
    response = client.get(reverse("command-grid-map-json"), {"township": mapped.township.pk})
    assert response.status_code == 404
    assert client.get(reverse("command-grid-map-json"), {"township": "１"}).status_code == 404
    client.force_login(mapped.sanitation_handler)
    assert client.get(reverse("command-grid-map-json")).status_code == 403


def test_the_county_picks_a_township(mapped, client):
    county = make_staff(Role.COUNTY_ADMIN, township=mapped.township)
    client.force_login(county)
    data = client.get(reverse("command-grid-map-json"), {"township": mapped.township.pk}).json()
    assert [f["properties"]["code"] for f in data["geojson"]["features"]] == [mapped.grid.code]


def test_the_map_takes_a_fixed_number_of_queries(mapped, client, django_assert_max_num_queries):
    for _ in range(5):
        registered(mapped)
    client.force_login(mapped.centre)
    with django_assert_max_num_queries(8):
        client.get(reverse("command-grid-map-json"))


@pytest.mark.parametrize(
    "boundary",
    [
        None,
        {"type": "Point", "coordinates": [120.3, 31.5]},
        {"type": "Polygon", "coordinates": [[[120.3, 31.5], [120.4, 31.5]]]},
        {"type": "Polygon", "coordinates": [[[520.3, 31.5], [120.4, 31.5], [120.4, 31.6], [520.3, 31.5]]]},
        {"type": "Polygon", "coordinates": [[["a", "b"], [1, 2], [3, 4], [1, 2]]]},
        "POLYGON((0 0))",
    ],
)
def test_a_broken_boundary_is_not_drawn(boundary):
    assert not valid_geometry(boundary)
