"""The six-step loop in a real browser at phone width: a grid member reports with a photo and the phone's
location (a draft survives a reload), the centre registers and whistles two departments, the lead unit
reports on site and feeds back, the check fails and it is reworked, the check passes, the reporter rates it."""

import struct
import zlib

import pytest
from playwright.sync_api import expect

from grid.models import EventStatus, GridEvent
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in
from tests.grid.events.helpers import make_place

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def png(width=160, height=120, rgb=(90, 140, 90)) -> bytes:
    """A real PNG (so the page shows a picture), without Pillow."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def phone(browser, live_server, user, **extra):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE, **extra)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, user, live_server)
    return page


def test_report_whistle_feedback_rework_close_and_rate_at_phone_width(browser, live_server, tmp_path):
    place = make_place()
    photo = tmp_path / "scene.png"
    photo.write_bytes(png())
    after = tmp_path / "after.png"
    after.write_bytes(png(rgb=(200, 200, 210)))

    # 1. the grid member reports, with the phone's location and a photo
    member = phone(
        browser,
        live_server,
        place.member,
        geolocation={"latitude": 31.50012, "longitude": 120.30034},
        permissions=["geolocation"],
    )
    member.goto("/grid/")
    expect(member.locator("#report-event")).to_be_visible()
    member.click("#report-event")
    member.select_option("#id_category", label="01.02 市容环境·暴露垃圾")
    member.fill("#id_description", "人民路12号门口堆放生活垃圾，约两袋")
    member.fill("#id_address", "人民路12号")
    # typed with poor signal: a reload keeps what was typed
    member.reload()
    expect(member.locator("#id_description")).to_have_value("人民路12号门口堆放生活垃圾，约两袋")
    expect(member.locator("#draft-status")).to_be_visible()
    member.click("#locate")
    expect(member.locator("#id_latitude")).to_have_value("31.500120")
    member.set_input_files("#id_photos", str(photo))
    screenshot(member, "grid-report-phone")
    member.click("#send-report")
    expect(member.locator("#event-status")).to_have_attribute("data-status", "reported")
    event = GridEvent.objects.get()
    assert event.photos.count() == 1 and round(event.longitude, 5) == 120.30034
    assert member.evaluate("window.localStorage.getItem('grid-report-draft')") is None

    # 2. the centre registers it and blows the whistle to two departments, the water station leading
    centre = phone(browser, live_server, place.centre)
    centre.goto(f"/grid/events/{event.pk}/")
    centre.click("#do-register")
    expect(centre.locator("#event-status")).to_have_attribute("data-status", "registered")
    centre.check(f"#step-whistle input[name='whistle-departments'][value='{place.sanitation.pk}']")
    centre.check(f"#step-whistle input[name='whistle-departments'][value='{place.water.pk}']")
    centre.select_option("#id_whistle-lead", value=str(place.water.pk))
    centre.click("#do-whistle")
    expect(centre.locator("#summonses")).to_contain_text("水利站")
    expect(centre.locator("#summonses")).to_contain_text("环卫所")
    screenshot(centre, "grid-whistle-phone")

    # 3. the lead unit reports on site and feeds back with a photo
    water = phone(browser, live_server, place.water_handler)
    water.goto("/grid/events/department/")
    water.click(f"text={event.number}")
    water.click("#do-on-site")
    expect(water.locator(f"#summons-{place.water.pk}")).to_have_attribute("data-reported", "1")
    water.fill("#id_feedback-note", "已清运垃圾")
    water.set_input_files("#id_feedback-photos", str(after))
    water.click("#do-feed-back")
    expect(water.locator("#event-status")).to_have_attribute("data-status", "fed_back")

    # 4. the check fails: rework
    member.goto("/grid/")
    expect(member.locator("#my-tasks .task-check")).to_contain_text(event.number)
    member.click("#my-tasks .task-check a")
    member.check("#step-check input[name='check-passed'][value='0']")
    member.fill("#id_check-note", "门口仍有一袋垃圾")
    member.click("#do-check")
    expect(member.locator("#event-status")).to_have_attribute("data-status", "in_progress")
    expect(member.locator("#rework-count")).to_be_visible()
    screenshot(member, "grid-rework-phone")

    # 5. reworked and fed back again; the check passes; the reporter rates it
    water.goto(f"/grid/events/{event.pk}/")
    water.fill("#id_feedback-note", "已全部清运")
    water.set_input_files("#id_feedback-photos", str(after))
    water.click("#do-feed-back")
    expect(water.locator("#event-status")).to_have_attribute("data-status", "fed_back")
    member.goto(f"/grid/events/{event.pk}/")
    member.check("#step-check input[name='check-passed'][value='1']")
    member.click("#do-check")
    expect(member.locator("#event-status")).to_have_attribute("data-status", "closed")
    member.check("#step-evaluate input[name='evaluate-satisfaction'][value='3']")
    member.click("#do-evaluate")
    expect(member.locator("#event-status")).to_have_attribute("data-status", "evaluated")
    expect(member.locator("#event-satisfaction")).to_have_attribute("data-value", "3")
    screenshot(member, "grid-evaluated-phone")
    member.goto("/grid/")
    screenshot(member, "grid-home-phone")

    event.refresh_from_db()
    assert (event.status, event.rework_count, event.satisfaction) == (EventStatus.EVALUATED, 1, 3)
    assert event.summonses.filter(reported_at__isnull=False).count() == 1
    for page in (member, centre, water):
        page.context.close()
