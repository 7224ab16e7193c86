"""A resident at phone width reports a problem with a photo and the phone's location, is shown an open
report of the same kind nearby, sends theirs anyway, follows it by number and code, and reopens it as not
fixed after it was closed."""

import pytest
from playwright.sync_api import expect

from grid.events import services as loop
from grid.models import EventStatus, GridEvent
from tests.e2e.conftest import screenshot
from tests.e2e.test_grid_events import png
from tests.grid.channels.helpers import mapped_place
from tests.grid.channels.test_residents import resident_report
from tests.grid.events.helpers import LAT, LNG, photo

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def test_a_resident_reports_sees_a_nearby_duplicate_reports_anyway_follows_and_reopens(
    browser, live_server, tmp_path
):
    place = mapped_place()
    existing = resident_report(place, lat=LAT, lng=LNG - 0.004)
    picture = tmp_path / "rubbish.png"
    picture.write_bytes(png(rgb=(120, 110, 90)))
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport=PHONE,
        geolocation={"latitude": LAT + 0.0004, "longitude": LNG - 0.0041},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"/grid/report/?township={place.township.pk}")
    page.select_option("#id_category", str(place.category("暴露垃圾").pk))
    page.fill("#id_description", "桥头垃圾桶满了，味道很大")
    page.set_input_files("#id_photo", str(picture))
    page.fill("#id_phone", "13900006666")
    page.click("#locate")
    expect(page.locator("#located")).to_contain_text("31.")
    # while typing, the page already warns of the open report nearby
    expect(page.locator("#nearby-live")).to_contain_text(existing.number)
    screenshot(page, "resident-report-phone")
    page.click("#send-report")

    # the server shows the open report nearby before anything is sent
    expect(page.locator("#nearby")).to_contain_text(existing.number)
    expect(page.locator("#id_description")).to_have_value("桥头垃圾桶满了，味道很大")
    assert GridEvent.objects.count() == 1
    screenshot(page, "resident-nearby-duplicate")
    page.set_input_files("#id_photo", str(picture))
    page.click("#send-report")
    expect(page.locator("#report-number")).to_be_visible()
    number = page.locator("#report-number").inner_text().strip()
    code = page.locator("#query-code").inner_text().strip()
    event = GridEvent.objects.get(number=number)
    assert event.intake.reporter_phone == "13900006666" and event.photos.count() == 1

    # the township handles and closes it
    event = loop.register_event(event=event, by=place.centre)
    event = loop.dispatch_event(event=event, by=place.centre, department=place.sanitation)
    event = loop.feed_back_event(event=event, by=place.sanitation_handler, note="已清运", photos=[photo()])
    event = loop.check_event(event=event, by=place.member, passed=True)

    # the resident follows it by number and code, and reopens it as not fixed
    page.goto("/services/track/")  # the one tracking page, for applications and reports alike
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.locator("#id_code").press("Enter")
    expect(page.locator("#event-number")).to_have_text(number)
    page.fill("#id_reopen-reason", "第二天又堆满了")
    screenshot(page, "resident-track-closed")
    page.click("#reopen")
    expect(page.locator("#event-status")).not_to_have_text(str(EventStatus.CLOSED.label))
    event.refresh_from_db()
    assert event.status == EventStatus.IN_PROGRESS and event.intake.reopened_count == 1
    screenshot(page, "resident-track-reopened")
    context.close()
