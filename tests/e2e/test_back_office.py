"""The back office in a real browser: an approver sees the red item first, asks for a supplement, the
resident uploads it online, the approver approves, and the tracking page shows the decision and its
verifiable PDF."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from services.models import Application
from tests.approvals.helpers import Office
from tests.e2e.conftest import screenshot
from tests.e2e.test_online_hall import resident_sign_in
from tests.e2e.test_window import sign_in
from tests.factories import make_resident
from tests.services.intake_helpers import PDF_BYTES
from township.casework.models import WarningLevel

pytestmark = pytest.mark.django_db(transaction=True)


def test_approver_supplement_resident_upload_approval_and_tracking(page, browser, live_server, tmp_path):
    office = Office(chiefs=1)
    chief = office.chiefs[0]
    chief.username, chief.first_name = "chief1", "张首席"
    chief.save()
    resident = make_resident(phone="13800000071", id_number="11010519491231002X", township=office.township)
    item = office.item(name="残疾人两项补贴申请", promised_limit_days=10)
    calm = office.in_review(item=item)
    urgent = office.in_review(item=item)
    Application.objects.filter(pk=urgent.pk).update(
        warning_level=WarningLevel.RED, due_at=timezone.now() - timedelta(days=1)
    )
    assert urgent.resident == resident and calm.pk != urgent.pk

    sign_in(page, "chief1")
    page.goto("/admin/approvals/reviewcase/")
    first_row = page.locator("#result_list tbody tr").first
    expect(first_row).to_contain_text(urgent.number)
    expect(first_row.locator(".warning-badge")).to_have_class("warning-badge level-2")
    screenshot(page, "approver-list")
    first_row.locator("th a, td a").first.click()
    expect(page.locator("#case-summary")).to_contain_text(urgent.number)
    page.fill("#items", "近三个月家庭收入证明\n户口簿复印件")
    page.click("#request-supplement")
    expect(page.locator("#case-status")).to_have_text("补正中")
    screenshot(page, "approver-detail")

    # the resident supplies it online
    resident_context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 414, "height": 860}
    )
    phone = resident_context.new_page()
    phone.goto(f"/services/hall/applications/{urgent.pk}/")
    resident_sign_in(phone, resident)
    phone.wait_for_url(f"**/services/hall/applications/{urgent.pk}/")
    expect(phone.locator("#supplement")).to_contain_text("近三个月家庭收入证明")
    scan = tmp_path / "收入证明.pdf"
    scan.write_bytes(PDF_BYTES)
    phone.set_input_files("#supplement-file-1", str(scan))
    phone.click("#upload-supplement-1")
    expect(phone.locator("#supplement")).to_contain_text("收入证明.pdf")
    # one of the two is still missing: the supplement is not complete and the clock stays paused
    phone.click("#supplement-done")
    expect(phone.locator("#app-status")).to_have_text("补正中")
    expect(phone.locator("body")).to_contain_text("户口簿复印件")
    booklet = tmp_path / "户口簿.pdf"
    booklet.write_bytes(PDF_BYTES)
    phone.set_input_files("#supplement-file-2", str(booklet))
    phone.click("#upload-supplement-2")
    expect(phone.locator("#supplement")).to_contain_text("户口簿.pdf")
    phone.click("#supplement-done")
    expect(phone.locator("#app-status")).to_have_text("审批中")
    resident_context.close()

    # the approver sees the file and approves
    page.reload()
    expect(page.locator("#case-status")).to_have_text("审批中")
    expect(page.locator(".review-box").filter(has_text="收入证明.pdf")).to_be_visible()
    page.fill("#opinion", "符合补贴条件")
    page.click("#approve")
    expect(page.locator("#case-status")).to_have_text("准予办理")

    # anyone holding the number and code sees the decision and can verify its PDF
    urgent.refresh_from_db()
    anonymous = browser.new_context(base_url=live_server.url, locale="zh-CN")
    tracker = anonymous.new_page()
    tracker.goto(f"/services/track/?number={urgent.number}&code={urgent.query_code}")
    expect(tracker.locator(".tracked")).to_contain_text("准予办理")
    timeline = tracker.locator(".timeline").inner_text()
    assert "补正中" in timeline and "审批中" in timeline
    pdf = tracker.request.get(tracker.locator("#result-pdf").get_attribute("href"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).replace("\n", "")
    # a minimum living allowance is a payment: its decision is a notice, not a licensing decision
    assert urgent.number in text and "准予办理通知书" in text and "许可" not in text
    tracker.click("#result-verify")
    expect(tracker.locator("body")).to_contain_text(urgent.result.number)
    screenshot(tracker, "tracking-decided")
    anonymous.close()
