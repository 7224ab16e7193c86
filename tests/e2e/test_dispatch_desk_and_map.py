"""The dispatch desk and the grid map in Chromium at desk width: a row is dispatched in place (htmx) with
the suggested department preselected, and the map draws the grids from our own GeoJSON (ECharts,
registerMap) without a CSP violation or a console error."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from command_center.models import HotlineRoute
from grid.hotline import services as hotline
from grid.models import GridEvent
from grid.models.hotline import HotlineSource
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in
from tests.grid.events.helpers import dispatched, make_place, registered
from township.casework.models import WarningLevel

pytestmark = pytest.mark.django_db(transaction=True)


def square(lng, lat, size=0.01):
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def place():
    place = make_place()
    garbage = place.category("暴露垃圾")
    garbage.department = place.sanitation
    garbage.save()
    HotlineRoute.objects.create(township=place.township, category="城市管理", department=place.enforcement)
    place.grid.boundary = square(120.29, 31.49)
    place.grid.save()
    place.other_grid.boundary = square(120.30, 31.49)
    place.other_grid.save()
    registered(place)
    registered(place, category="积存垃圾渣土")
    late = dispatched(place)
    GridEvent.objects.filter(pk=late.pk).update(warning_level=WarningLevel.RED)
    for n, (urgency, category, hours) in enumerate(
        [("emergency", "城市管理-市政设施", 3), ("general", "城市管理-市容环境", 5), ("utilities", "供水", 1)]
    ):
        at = timezone.now() - timedelta(hours=hours)
        hotline.receive_order(
            township=place.township,
            incoming=hotline.IncomingOrder(
                platform_order_id=f"GD-E2E-{n}",
                hotline_number=f"12345-2026120{n}",
                urgency=urgency,
                kind="complaint",
                category=category,
                title=["窨井盖缺失", "店外占道经营", "小区停水"][n],
                content="市民来电反映",
                address="人民路",
                received_at=at,
            ),
            source=HotlineSource.API,
            at=at,
        )
    return place


def test_the_desk_dispatches_a_row_in_place(page, live_server, place):
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, place.centre, live_server)
    page.goto("/command/dispatch/")
    rows = page.locator("#cc-dispatch tbody tr")
    expect(rows).to_have_count(5)
    screenshot(page, "command-dispatch-desk")
    first = rows.first
    expect(first).to_have_class("cc-red")  # the emergency past its one-hour dispatch limit
    first.locator('input[name="note"]').fill("请立即处置")
    first.locator('input[name="note"]').press("Enter")  # Enter does not dispatch
    page.wait_for_timeout(300)
    expect(first.locator("form")).to_have_count(1)
    first.locator('button[value="dispatch"]').dblclick()  # a double click dispatches once
    done = page.locator("#cc-dispatch tbody tr.cc-done")
    expect(done).to_have_count(1)
    expect(done.locator(".verified")).to_contain_text("综合行政执法局")
    screenshot(page, "command-dispatch-desk-done")


def test_the_map_draws_the_grids_from_our_geojson(page, live_server, place):
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, place.centre, live_server)
    page.goto("/command/map/")
    expect(page.locator("#cc-grid-map canvas")).to_have_count(1)
    expect(page.locator("#cc-grid-map")).to_have_attribute("data-drawn", "2")
    page.wait_for_timeout(500)
    screenshot(page, "command-grid-map")
