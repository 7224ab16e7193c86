"""The window reaches the villages, in a real browser: a village clerk forwards an application that the
hall then accepts and the resident tracks; the self-service terminal (1080×1920) prints a ready result's
verification slip."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from approvals.services import approve_application
from services.services.delivery import mark_result_ready
from tests.approvals.helpers import Office, assignee_of
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in
from tests.services.points.helpers import Network

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_text(data: bytes) -> str:
    """The PDF's text without line breaks or spaces: the extractor puts a space inside some letter pairs
    of a number (the factories' township codes, e.g. "TFJF"), depending on the font's kerning."""
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return "".join(text.split())


def test_a_village_clerk_forwards_an_application_the_hall_accepts_and_the_resident_tracks(
    page, browser, live_server
):
    net = Network()
    log_in(page, net.village_clerk, live_server)
    page.goto("/services/workbench/")
    expect(page.locator("#workbench-point")).to_have_text("桃园村便民服务站")
    page.fill("#item-q", "最低生活")
    page.locator("#item-results button.pick").first.click()
    expect(page.locator("#checklist")).to_contain_text("低保申请书")
    page.fill("#id_applicant_id_number", "11010519491231002X")
    page.fill("#id_applicant_name", "张三")
    page.fill("#id_applicant_phone", "13900000001")
    page.click("#all-present")
    # accepting a township item at the village point is refused, with the way forward named
    page.click("button[value=accept]")
    expect(page.locator(".errors").first).to_contain_text("桃园村便民服务站")
    page.click("#all-present")
    screenshot(page, "village-workbench")
    page.click("#forward-button")
    page.wait_for_url("**/services/workbench/applications/*/")
    number = page.locator("dd.mono").first.inner_text()
    code = page.locator("dd.mono").nth(1).inner_text()
    expect(page.locator("#received-at-point")).to_contain_text("桃园村便民服务站")
    slip = page.request.get(page.locator("#slip-link").get_attribute("href"))
    assert slip.headers["content-type"] == "application/pdf"
    assert number in pdf_text(slip.body()) and code in pdf_text(slip.body())
    screenshot(page, "village-forwarded")
    page.goto("/services/points/handovers/")
    page.click("#send-handover")
    expect(page.locator(".messages, [role=status], body").first).to_contain_text("-JJ-")

    hall = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 860}
    )
    hall_page = hall.new_page()
    log_in(hall_page, net.hall_clerk, live_server)
    hall_page.goto("/services/points/handovers/")
    hall_page.locator("button[id^=receive-]").first.click()
    # the hall signs for the papers: the list leaves the arriving table before the clerk moves on
    expect(hall_page.locator("button[id^=receive-]")).to_have_count(0)
    hall_page.goto("/services/workbench/pre-review/")
    row = hall_page.locator("tr", has_text=number)
    expect(row).to_contain_text("桃园村便民服务站")
    screenshot(hall_page, "hall-pre-review-forwarded")
    row.locator("a").click()
    hall_page.click("#all-present")
    hall_page.click("button[value=accept]")
    hall_page.wait_for_url("**/services/workbench/applications/*/")
    expect(hall_page.locator(".state")).to_contain_text("已受理")
    assert hall_page.locator("dd.mono").first.inner_text() == number
    hall.close()

    resident = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    phone = resident.new_page()
    phone.goto(f"/services/track/?number={number}&code={code}")
    expect(phone.locator("body")).to_contain_text("已受理")
    expect(phone.locator("body")).to_contain_text("桃园村便民服务站")
    screenshot(phone, "resident-tracks-forwarded")
    resident.close()


def test_the_terminal_prints_a_ready_results_verification_slip(browser, live_server, browser_problems):
    office = Office(chiefs=1)
    net = Network(township=office.township)
    item = office.item(name="社保参保证明", self_service_print=True)
    application = office.in_review(item=item)
    approve_application(application=application, by=assignee_of(application), opinion="同意")
    application.refresh_from_db()
    mark_result_ready(application=application, by=office.clerk)
    terminal = net.terminal(item)
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1080, "height": 1920}
    )
    page = context.new_page()
    log_in(page, terminal.user, live_server)
    page.goto("/admin/")
    page.wait_for_url("**/services/terminal/")  # the terminal never shows a staff page
    page.goto("/services/terminal/")
    screenshot(page, "terminal-home")
    page.click("#display-mode-elderly")
    page.click("#tile-track")
    page.fill("#id_number", application.number)
    page.fill("#id_code", application.query_code)
    page.click("#terminal-track")
    expect(page.locator("#terminal-status")).to_contain_text("结果待领取")
    screenshot(page, "terminal-track")
    page.click("#print-result-slip")
    page.wait_for_url("**/services/terminal/printed/*/")
    slip_number = page.locator("#printed-number").inner_text()
    assert "-ZZ-" in slip_number
    screenshot(page, "terminal-printed")
    pdf = page.request.get(page.locator("#printed-pdf").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert slip_number in pdf_text(pdf.body()) and application.number in pdf_text(pdf.body())
    context.close()
    verifier = browser.new_context(base_url=live_server.url, locale="zh-CN")
    check = verifier.new_page()
    check.goto(f"/verify/{slip_number}/")
    expect(check.locator("body")).to_contain_text(slip_number)
    verifier.close()
