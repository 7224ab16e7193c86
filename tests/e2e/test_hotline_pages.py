"""The 12345 work-order pages in Chromium, as the command centre and a unit use them: the list, an order
dispatched from its page, signed for and replied to by the unit, and the Excel import page refusing a
malformed file — with no console error or CSP violation, at desk and phone width."""

import pytest
from playwright.sync_api import expect

from grid.hotline import services as hotline
from grid.models.hotline import HotlineOrder, HotlineSource, HotlineStatus
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in
from tests.factories import make_staff
from tests.grid.events.helpers import make_place
from tests.grid.hotline.test_orders import incoming
from township.org.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def place():
    place = make_place()
    place.order = hotline.receive_order(
        township=place.township, incoming=incoming(), source=HotlineSource.API
    )[0]
    place.officer = make_staff(Role.ENFORCEMENT_OFFICER, department=place.enforcement)
    return place


def test_the_centre_dispatches_an_order_and_the_unit_signs_and_replies(page, live_server, place):
    log_in(page, place.centre, live_server)
    page.goto("/grid/hotline/")
    expect(page.locator("body")).to_contain_text(place.order.hotline_number)
    screenshot(page, "hotline-orders")
    page.goto(f"/grid/hotline/{place.order.pk}/")
    page.select_option("select[name='dispatch-department']", str(place.enforcement.pk))
    page.locator("#dispatch").click()
    expect(page.locator("#status")).to_contain_text("已派单")
    screenshot(page, "hotline-order-dispatched")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, place.officer, live_server)
    page.goto(f"/grid/hotline/{place.order.pk}/")
    page.locator("#sign").click()
    expect(page.locator("#status")).to_contain_text("已签收")
    reply = page.locator("textarea[name='reply-reply']")
    reply.fill("已现场处理，井盖已补齐")
    reply.press("Enter")  # Enter in the text field only adds a line; nothing is sent
    assert HotlineOrder.objects.get(pk=place.order.pk).status == HotlineStatus.SIGNED
    page.locator("#reply").click()
    expect(page.locator("#status")).to_contain_text("已答复")
    screenshot(page, "hotline-order-replied-phone")


def test_the_import_page_refuses_a_file_that_is_not_a_spreadsheet(page, live_server, place, tmp_path):
    log_in(page, place.centre, live_server)
    page.goto("/grid/hotline/import/")
    bogus = tmp_path / "orders.xlsx"
    bogus.write_bytes(b"not a spreadsheet")
    page.set_input_files("input[type='file']", str(bogus))
    page.locator("button[type='submit']").last.click()
    expect(page.locator(".errorlist").first).to_contain_text("Excel")
    assert HotlineOrder.objects.count() == 1
    screenshot(page, "hotline-import-refused")
