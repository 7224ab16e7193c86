"""The command centre in Chromium: the desk view and the 1920×1080 wall view draw their ECharts charts
without a CSP violation or a console error, the wall stage is scaled to the screen, and urging from a
row of the warning board shows the sent urging in place (htmx)."""

import pytest
from playwright.sync_api import expect

from command_center.tasks import refresh_today_and_open
from tests.command_center.helpers import Place, complaint, complaint_deadline, set_level
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in
from township.casework.models import WarningLevel

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def place():
    place = Place()
    item = place.office.item(name="残疾人两项补贴申请", promised_limit_days=10)
    for _n in range(3):
        set_level(place.office.in_review(item=item), WarningLevel.RED, days=-2)
    set_level(place.office.in_review(item=item), WarningLevel.YELLOW, days=1)
    place.office.in_review(item=item)
    found = complaint(place.township, place.department, place.chief, level=WarningLevel.YELLOW, days=2)
    complaint_deadline(found)
    # what the beat does every minute: today's hours and the open snapshot the "now" figures read
    refresh_today_and_open()
    return place


def test_desk_and_wall_views_draw_their_charts(page, live_server, place):
    log_in(page, place.command, live_server)
    page.goto("/command/")
    expect(page.locator("#cc-trend-daily canvas")).to_have_count(1)
    expect(page.locator("#cc-departments canvas")).to_have_count(1)
    expect(page.locator('[data-warning="red"]').first).to_have_text("4")
    screenshot(page, "command-desk")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto("/command/wall/")
    expect(page.locator("#cc-trend-monthly canvas")).to_have_count(1)
    expect(page.locator(".cc-urgent li.red")).to_have_count(4)
    box = page.locator("#cc-dashboard").bounding_box()
    assert round(box["width"]) == 1920 and round(box["height"]) == 1080
    page.screenshot(path=str(screenshot(page, "command-wall-1920")))
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_timeout(200)
    box = page.locator("#cc-dashboard").bounding_box()
    assert round(box["width"]) == 1280 and round(box["height"]) == 720  # scaled, aspect kept
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/command/")
    screenshot(page, "command-desk-phone")


def test_urging_from_the_board_row(page, live_server, place):
    log_in(page, place.command, live_server)
    page.goto("/command/board/")
    first = page.locator("#cc-board tbody tr").first
    first.locator('input[name="note"]').fill("请今天办结")
    first.get_by_role("button").click()
    expect(first.locator(".cc-urging")).to_contain_text("请今天办结")
    screenshot(page, "command-board")
