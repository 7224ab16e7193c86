"""At the window in a real browser: a walk-in is accepted and gets a receipt PDF; an incomplete walk-in
gets a one-time notice that lists every missing material."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD, DepartmentFactory, TownshipFactory, WindowFactory, make_staff
from tests.services.factories import make_item, material_type
from township.notify.models import OutboxMessage
from township.org.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


@pytest.fixture
def hall():
    township = TownshipFactory(name="青石镇")
    department = DepartmentFactory(township=township, name="社会事业办公室")
    item = make_item(
        department=department,
        name="城乡居民最低生活保障申请",
        keywords="低保",
        promised_limit_days=15,
        materials=[
            {"name": "最低生活保障申请书", "original_count": 1},
            {"name": "居民身份证", "material_type": material_type(), "copy_count": 1},
            {"name": "家庭收入证明", "original_count": 1},
            {"name": "残疾证", "necessity": "conditional", "condition": "家庭成员有残疾的", "copy_count": 1},
        ],
    )
    clerk = make_staff(Role.WINDOW_CLERK, township=township, username="clerk1")
    clerk.first_name = "王晓窗"
    clerk.save(update_fields=["first_name"])
    window = WindowFactory(township=township, number=3)
    clerk.staff_profile.window = window
    clerk.staff_profile.save()
    return township, item


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/")


def choose_item_and_applicant(page):
    if "/services/workbench/" not in page.url:
        page.goto("/services/workbench/")
    page.fill("#item-q", "zdsh")  # pinyin initials of 最低生活保障
    page.locator("#item-results button.pick").first.click()
    expect(page.locator("#checklist")).to_contain_text("最低生活保障申请书")
    page.fill("#id_applicant_id_number", "11010519491231002X")
    page.fill("#id_applicant_name", "张三")
    page.fill("#id_applicant_phone", "13900000001")


def test_walk_in_goes_from_queue_ticket_to_receipt_pdf(page, browser, live_server, hall):
    township, _item = hall
    # the applicant takes a ticket at the kiosk
    kiosk = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1080, "height": 900}
    )
    kiosk_page = kiosk.new_page()
    kiosk_page.goto(f"/services/queue/kiosk/?township={township.code}")
    screenshot(kiosk_page, "kiosk")
    kiosk_page.click("#take-ticket")
    ticket_number = kiosk_page.locator("#ticket-number").inner_text()
    assert ticket_number == "A001"
    # the clerk calls it from the workbench's queue panel
    sign_in(page, "clerk1")
    page.goto("/services/workbench/")
    page.click("#call-next")
    expect(page.locator("#current-ticket")).to_have_text(ticket_number)
    # the hall display shows the number and the window, refreshing by itself
    kiosk_page.goto(f"/services/queue/display/?township={township.code}")
    expect(kiosk_page.locator("#display-board tr.latest")).to_contain_text(ticket_number)
    expect(kiosk_page.locator("#display-board tr.latest")).to_contain_text("3")
    screenshot(kiosk_page, "hall-display")
    kiosk.close()
    choose_item_and_applicant(page)
    page.click("#all-present")
    expect(page.locator("input[type=radio][value=ok]").first).to_be_checked()
    screenshot(page, "workbench")
    page.click("button[value=accept]")
    page.wait_for_url("**/services/workbench/applications/*/")
    number = page.locator("dd.mono").first.inner_text()
    assert "-SQ-" in number
    expect(page.locator(".state")).to_contain_text("已受理")
    href = page.locator("#receipt-link").get_attribute("href")
    response = page.request.get(href)
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert number in "".join(text.split()) and "最低生活保障申请书" in text and "家庭收入证明" in text
    # back at the workbench the clerk finishes the ticket
    page.goto("/services/workbench/")
    page.click("#queue-panel button[accesskey=f]")
    expect(page.locator("#call-next")).to_be_visible()


def test_incomplete_walk_in_gets_a_one_time_notice_listing_every_missing_material(page, hall):
    sign_in(page, "clerk1")
    choose_item_and_applicant(page)
    page.click("#all-present")
    rows = page.locator("#checklist-lines tr.line")
    rows.filter(has_text="家庭收入证明").locator("input[value=missing]").check()
    rows.filter(has_text="居民身份证").locator("input[value=defective]").check()
    rows.filter(has_text="居民身份证").locator("input[type=text]").fill("复印件不清晰")
    rows.filter(has_text="残疾证").locator("input[value=missing]").check()
    # accepting is refused with the missing materials named, and nothing is created
    page.click("button[value=accept]")
    expect(page.locator(".errors.card")).to_contain_text("家庭收入证明")
    page.click("button[value=notice]")
    page.wait_for_url("**/services/workbench/applications/*/")
    href = page.locator("#notice-link").get_attribute("href")
    text = pdf_text(page.request.get(href).body())
    for expected in ("家庭收入证明", "居民身份证", "复印件不清晰", "残疾证"):
        assert expected in text


@pytest.mark.parametrize(
    "field", ["#item-q", "#id_applicant_name", "#id_applicant_phone", "#id_note", "#id_result"]
)
def test_enter_in_a_workbench_field_accepts_nothing(page, hall, field):
    from services.models import Application

    sign_in(page, "clerk1")
    choose_item_and_applicant(page)
    page.click("#all-present")
    page.fill("#item-q", "低保")
    expect(page.locator("#item-results button.pick").first).to_be_visible()
    page.locator(field).press("Enter")
    page.wait_for_timeout(600)
    assert "/services/workbench/applications/" not in page.url
    assert Application.objects.count() == 0
    assert not OutboxMessage.objects.exists()
    # nothing typed was lost: the search and the applicant are still there
    expect(page.locator("#item-q")).to_have_value("低保")
    expect(page.locator("#id_applicant_name")).to_have_value("张三")
    # the explicit button still accepts
    page.click("button[value=accept]")
    page.wait_for_url("**/services/workbench/applications/*/")
    assert Application.objects.count() == 1


def test_enter_in_the_postal_tracking_number_hands_over_nothing(page, hall):
    """The delivery page's one text field must not post the result by itself."""
    from django.contrib.auth import get_user_model

    from services.models import Application, ApplicationStatus
    from services.services.delivery import mark_result_ready
    from services.services.intake import accept_application, receive_at_window
    from tests.services.intake_helpers import applicant, full_checklist

    _township, item = hall
    clerk = get_user_model().objects.get(username="clerk1")
    application = receive_at_window(
        township=item.township,
        clerk=clerk,
        item=item,
        applicant=applicant(),
        delivery={"method": "post", "address": "青石镇幸福路1号"},
    )
    accept_application(application=application, clerk=clerk, checklist=full_checklist(application))
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.APPROVED)
    application.refresh_from_db()
    mark_result_ready(application=application, by=clerk)
    sign_in(page, "clerk1")
    page.goto("/services/workbench/delivery/")
    page.fill("input[name=postal_tracking_number]", "EMS123")
    page.press("input[name=postal_tracking_number]", "Enter")
    page.wait_for_timeout(600)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RESULT_READY
    page.locator("button[value=deliver]").click()
    page.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DELIVERED


def test_idle_warning_then_sign_out_keeps_what_the_clerk_typed(page, hall, settings):
    settings.SESSION_IDLE_TIMEOUT_STAFF = 6
    sign_in(page, "clerk1")
    choose_item_and_applicant(page)
    # warned before the idle logout, and staying signed in works
    expect(page.locator("#idle-warning")).to_be_visible(timeout=8000)
    page.click("#idle-stay")
    expect(page.locator("#idle-warning")).to_be_hidden()
    # then nothing happens for longer than the timeout: the page says so
    expect(page.locator("#idle-sign-in")).to_be_visible(timeout=15000)
    # a search now leads the whole page to sign-in (not into the results box) and back
    page.fill("#item-q", "低保")
    page.wait_for_url("**/accounts/login/?next=%2Fservices%2Fworkbench%2F")
    settings.SESSION_IDLE_TIMEOUT_STAFF = 1800
    page.fill("#id_username", "clerk1")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/services/workbench/")
    expect(page.locator("#restored-note")).to_be_visible()
    expect(page.locator("#id_applicant_name")).to_have_value("张三")
    expect(page.locator("#checklist")).to_contain_text("最低生活保障申请书")
