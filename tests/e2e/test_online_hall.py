"""The online journey in a real browser: a resident finds an item by pinyin initials, applies with an upload,
a clerk pre-reviews and accepts it, and the resident tracks it by number and query code."""

import re

import pytest
from playwright.sync_api import expect

from services.models import Application, ApplicationStatus
from tests.e2e.conftest import screenshot
from tests.e2e.test_window import sign_in
from tests.factories import DepartmentFactory, TownshipFactory, WindowFactory, make_resident, make_staff
from tests.services.factories import make_item, material_type
from tests.services.intake_helpers import PDF_BYTES
from township.notify.models import OutboxMessage
from township.org.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hall(tmp_path):
    township = TownshipFactory(name="青石镇")
    department = DepartmentFactory(township=township, name="社会事业办公室")
    make_item(
        department=department,
        name="残疾人两项补贴申请",
        keywords="残疾 补贴",
        promised_limit_days=10,
        materials=[
            {"name": "残疾人证", "material_type": material_type("disability", "残疾人证"), "copy_count": 1},
            {"name": "补贴申请表", "original_count": 1},
        ],
        process_steps=[
            {"title": "申请", "description": "网上或窗口提交"},
            {"title": "受理", "description": "窗口预审受理"},
            {"title": "审核", "description": "社会事业办审核"},
        ],
    )
    make_item(department=department, name="城乡居民最低生活保障申请")
    clerk = make_staff(Role.WINDOW_CLERK, township=township, username="clerk1")
    clerk.staff_profile.window = WindowFactory(township=township, number=1)
    clerk.staff_profile.save()
    resident = make_resident(phone="13800000001", id_number="11010519491231002X", township=township)
    resident.resident.real_name = "林居民"
    resident.resident.save()
    scan = tmp_path / "残疾人证.pdf"
    scan.write_bytes(PDF_BYTES)
    return township, resident, scan


def test_resident_applies_online_clerk_accepts_resident_tracks(page, browser, live_server, hall):
    township, resident, scan = hall
    # find the item by pinyin initials and open the guide
    page.goto(f"/services/?township={township.code}")
    page.fill("#catalog-q", "cjrlx")
    expect(page.locator("#catalog-results")).to_contain_text("残疾人两项补贴申请")
    page.click("text=残疾人两项补贴申请")
    expect(page.locator("h1")).to_contain_text("残疾人两项补贴申请")
    screenshot(page, "guide")
    page.click("#apply-online")
    # not signed in: the hall asks for sign-in first and comes back
    page.wait_for_url("**/sign-in/**")
    resident_sign_in(page, resident)
    page.wait_for_url("**/services/hall/apply/**")
    page.click("button.primary")
    page.wait_for_url("**/services/hall/applications/*/")
    # a wrong file is refused with a clear message, then the real scans go up
    wrong = scan.with_suffix(".txt")
    wrong.write_text("not a scan")
    uploads = page.locator(".upload-form")
    uploads.nth(0).locator("input[type=file]").set_input_files(str(wrong))
    uploads.nth(0).locator("button").click()
    expect(page.locator("#upload-error")).to_contain_text("不是 PDF、JPEG 或 PNG")
    for index in range(2):
        form = page.locator(".upload-form").nth(index)
        form.locator("input[type=file]").set_input_files(str(scan))
        form.locator("button").click()
        page.wait_for_load_state()
    expect(page.locator(".material-list")).to_contain_text("残疾人证.pdf")
    page.click("#submit-application")
    # one page to check every answer and file before the one button that submits
    page.wait_for_url("**/check/")
    expect(page.locator("#check-files")).to_contain_text("残疾人证.pdf")
    screenshot(page, "hall-check-answers")
    page.click("#confirm-submit")
    expect(page.locator("#app-status")).to_contain_text("待预审")
    number = page.locator("#app-number").inner_text()
    code = page.locator("#app-code").inner_text()

    # the clerk pre-reviews and accepts it in another browser session
    clerk_context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 860}
    )
    clerk_page = clerk_context.new_page()
    sign_in(clerk_page, "clerk1")
    clerk_page.goto("/services/workbench/pre-review/")
    clerk_page.click(f"tr:has-text('{number}') >> text=预审")
    clerk_page.wait_for_load_state("load")  # the workbench script ticks the checklist
    clerk_page.click("#all-present")
    expect(clerk_page.locator("input[type=radio][value=ok]").first).to_be_checked()
    clerk_page.click("button[value=accept]")
    clerk_page.wait_for_url("**/services/workbench/applications/*/")
    expect(clerk_page.locator(".state")).to_contain_text("已受理")
    clerk_context.close()
    assert Application.objects.get(number=number).status == ApplicationStatus.ACCEPTED
    assert OutboxMessage.objects.filter(recipient="13800000001", body__contains="已受理").exists()

    # the resident tracks it by number and query code, signed out
    anonymous = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 414, "height": 860}
    )
    phone = anonymous.new_page()
    phone.goto("/services/track/")
    phone.fill("#id_number", number)
    phone.fill("#id_code", code)
    phone.click("button.primary")
    expect(phone.locator(".tracked")).to_contain_text("已受理")
    timeline = phone.locator(".timeline").inner_text()
    assert "已提交，待预审" in timeline and "已受理" in timeline
    assert "林居民" not in phone.content() and "11010519491231002X" not in phone.content()
    screenshot(phone, "tracking")
    anonymous.close()


def resident_sign_in(page, resident):
    """Residents sign in with an SMS code; the code is read from the outbox, as the phone would show it."""
    page.fill("#id_phone", resident.resident.phone)
    page.click("#send-code")
    page.wait_for_selector("#id_code")
    body = OutboxMessage.objects.filter(recipient=resident.resident.phone).latest("pk").body
    page.fill("#id_code", re.search(r"\d{6}", body).group(0))
    page.click("#sign-in")


def test_typed_text_survives_an_upload_and_is_saved_while_typing(page, hall):
    _township, resident, scan = hall
    application = _draft_for(resident)
    page.goto(f"/services/hall/applications/{application.pk}/")
    page.wait_for_url("**/sign-in/**")
    resident_sign_in(page, resident)
    page.wait_for_url(f"**/services/hall/applications/{application.pk}/")
    page.fill("#id_note", "下午三点后方便接电话")
    expect(page.locator("#autosave-status")).to_contain_text(re.compile(r"\d\d:\d\d"), timeout=8000)
    application.refresh_from_db()
    assert application.note == "下午三点后方便接电话"
    page.fill("#id_applicant_name", "林新名")  # typed, not yet saved: the upload carries it
    upload = page.locator(".upload-form").first
    upload.locator("input[type=file]").set_input_files(str(scan))
    upload.locator("button").click()
    page.wait_for_load_state()
    expect(page.locator("#id_applicant_name")).to_have_value("林新名")
    expect(page.locator(".material-list")).to_contain_text("残疾人证.pdf")
    application.refresh_from_db()
    assert application.applicant_name == "林新名"


def test_too_long_text_is_said_before_sending_and_never_cut(page, hall):
    _township, resident, _scan = hall
    application = _draft_for(resident)
    page.goto(f"/services/hall/applications/{application.pk}/")
    resident_sign_in(page, resident)
    page.wait_for_url(f"**/services/hall/applications/{application.pk}/")
    page.fill("#id_note", "长" * 2010)
    expect(page.locator('[data-counter-for="id_note"]')).to_contain_text("2010")
    assert len(page.input_value("#id_note")) == 2010  # the browser did not cut the paste
    page.click("#save-draft")
    expect(page.locator("#autosave-status")).to_have_class(re.compile("errors"))
    application.refresh_from_db()
    assert application.note == ""


def _draft_for(resident):
    from services.models import ServiceItem
    from services.services.drafts import start_or_resume_draft

    item = ServiceItem.objects.get(current_version__name="残疾人两项补贴申请")
    return start_or_resume_draft(resident=resident, item=item)[0]
