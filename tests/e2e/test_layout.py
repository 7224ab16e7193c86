"""Layout journeys in Chromium: the phone-width menu and tap targets, the elderly-friendly mode, and the
rating tablet that keeps an applicant on the tablet."""

import pytest
from playwright.sync_api import expect

from services.services.intake import accept_application, receive_at_window
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in
from tests.factories import PASSWORD, DepartmentFactory, TownshipFactory, make_resident
from tests.services.factories import make_item, material_type
from tests.services.intake_helpers import applicant, clerk_at_window, full_checklist, intake_item

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def item():
    township = TownshipFactory(name="青石镇")
    department = DepartmentFactory(township=township, name="社会事业办公室")
    return make_item(
        department=department,
        name="残疾人两项补贴申请",
        materials=[
            {"name": "残疾人证", "material_type": material_type("disability", "残疾人证"), "copy_count": 1},
            {"name": "补贴申请表", "original_count": 1},
        ],
    )


def too_small_targets(page) -> list[str]:
    """Visible buttons, file inputs and the labels around radios and checkboxes lower than 44 px."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
              'button, a.button, input[type=file], input[type=submit], label:has(> input[type=radio]),'
              + ' label:has(> input[type=checkbox])')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, box]) => box.height < 44)
            .map(([e, box]) => e.outerHTML.slice(0, 80) + ' ' + Math.round(box.height) + 'px')"""
    )


def test_at_phone_width_the_menu_folds_behind_a_button_and_targets_are_44_px(page, live_server, item):
    resident = make_resident(phone="13800000001", township=item.township)
    page.set_viewport_size(PHONE)
    log_in(page, resident, live_server)
    page.goto(f"/services/hall/apply/{item.implementation_code}/")
    assert too_small_targets(page) == []
    page.click("button.primary")
    page.wait_for_url("**/services/hall/applications/*/")
    expect(page.locator(".upload-form").first).to_be_visible()
    header = page.locator("#topbar").bounding_box()
    assert header["height"] <= 0.1 * PHONE["height"], header
    expect(page.locator("nav.mainnav")).to_be_hidden()
    assert too_small_targets(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "hall-phone")
    page.click("#menu-button")
    expect(page.locator("nav.mainnav")).to_be_visible()
    expect(page.locator("#menu-button")).to_have_attribute("aria-expanded", "true")
    assert too_small_targets(page) == []
    screenshot(page, "hall-phone-menu")
    page.click("nav.mainnav >> text=办事指南")
    page.wait_for_url("**/services/**")
    expect(page.locator("nav.mainnav")).to_be_hidden()


def test_at_desktop_width_the_navigation_shows_without_a_menu_button(page, live_server, item):
    log_in(page, make_resident(phone="13800000001", township=item.township), live_server)
    page.goto("/services/hall/")
    expect(page.locator("nav.mainnav")).to_be_visible()
    expect(page.locator("#menu-button")).to_be_hidden()


def test_the_elderly_mode_is_switched_on_from_any_page_and_sticks(page, item):
    page.goto(f"/services/?township={item.township.code}")
    normal = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    page.click("#display-mode-elderly")
    page.wait_for_url("**/services/?township=*")
    large = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= 1.3 * normal
    page.goto(f"/services/items/{item.implementation_code}/")
    expect(page.locator("html")).to_have_class("elderly")
    page.goto("/")
    expect(page.locator("html")).to_have_class("elderly")
    page.goto(f"/services/?township={item.township.code}")
    screenshot(page, "elderly-mode")
    page.click("#display-mode-standard")
    page.wait_for_load_state()
    expect(page.locator("html")).not_to_have_class("elderly")


def test_the_rating_tablet_keeps_the_applicant_on_the_tablet(page, live_server, item):
    clerk, window = clerk_at_window(item.township)
    window.number = 2  # a stable screenshot
    window.save()
    log_in(page, clerk, live_server)
    page.goto("/services/evaluations/window/")
    expect(page.locator("nav.mainnav")).to_have_count(0)
    page.click("#lock-tablet")
    expect(page.locator("#lock-tablet")).to_have_count(0)
    assert page.locator("a").evaluate_all("links => links.map(a => a.id)") == ["leave-tablet"]
    screenshot(page, "rating-tablet")
    page.goto("/services/workbench/")
    assert page.url.endswith("/services/evaluations/window/")
    page.click("#leave-tablet")
    page.fill("#id_password", "wrong")
    page.click("#unlock")
    expect(page.locator(".errors")).to_be_visible()
    page.goto("/")
    assert page.url.endswith("/services/evaluations/window/")
    page.click("#leave-tablet")
    page.fill("#id_password", PASSWORD)
    page.click("#unlock")
    page.wait_for_url(live_server.url + "/")
    expect(page.locator("nav.mainnav")).to_contain_text("窗口工作台")


def test_an_anonymous_visitor_switches_language_and_text_size_and_stays_on_the_tracking_result(
    browser, live_server, browser_problems
):
    """The anonymous top bar is drawn once per process and language; in the browser its forms must still
    carry this visitor's CSRF token and this page's address, so a switch keeps the number and code typed."""
    township = TownshipFactory(name="青石镇")
    clerk, window = clerk_at_window(township)
    received = receive_at_window(
        township=township,
        clerk=clerk,
        window=window,
        item=intake_item(township=township),
        applicant=applicant(),
    )
    accepted = accept_application(
        application=received, clerk=clerk, checklist=full_checklist(received), with_receipt=False
    )
    visitors = []
    for _ in range(2):  # the second visitor gets the frame drawn for the first
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
        visitors.append(context.new_page())
    for page in visitors:
        page.goto(f"/services/track/?number={accepted.number}&code={accepted.query_code}")
        expect(page.locator("main")).to_contain_text(accepted.number)
    first, second = visitors
    if second.locator("#menu-button").is_visible():
        second.click("#menu-button")
    second.click("button[value=en]")
    expect(second.locator("html")).to_have_attribute("lang", "en")
    assert f"number={accepted.number}" in second.url and f"code={accepted.query_code}" in second.url
    expect(second.locator("main")).to_contain_text("Track an application")
    if second.locator("#menu-button").is_visible():
        second.click("#menu-button")
    second.click("#display-mode-elderly")
    expect(second.locator("html")).to_have_class("elderly")
    assert f"code={accepted.query_code}" in second.url
    screenshot(second, "track-anonymous-english-large-text-phone")
    first.reload()
    expect(first.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(first.locator("html")).not_to_have_class("elderly")
