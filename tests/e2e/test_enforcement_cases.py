"""An enforcement case in a real browser at phone width, from a grid-reported clue: a grid member reports
an event and the command centre passes it to enforcement (the grid's services); the bureau's head passes
the clue to a squad; the squad's officer turns it into a case, registers it with a second officer,
records a site inspection with a photo; the head approves and chooses a penalty; the legal reviewer
passes it on the seven points; the advance notice and the decision are issued as PDFs whose text and QR
verification are checked; service is recorded, and the public page shows the decision masked. The event
page and the case page link to each other."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from enforcement.models.cases import EnforcementCase
from grid.demo.events import seed_event_catalogue
from grid.events import services as grid_services
from grid.models import EventCategory, Grid, GridRole, GridStaff
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in
from tests.enforcement.cases.conftest import PERSON_ID, build_world
from tests.factories import make_staff
from tests.grid.events.helpers import photo as grid_photo
from township.documents.models import IssuedDocument
from township.org.models import Village
from township.org.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def phone_page(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, user, live_server)
    return page


def open_step(page, name):
    page.click(f"#step-{name} > summary")
    return page.locator(f"#step-{name} form")


def local_input(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def pdf_text(document) -> str:
    with document.pdf.open("rb") as stream:
        reader = PdfReader(io.BytesIO(stream.read()))
    return "".join("".join(p.extract_text().split()) for p in reader.pages)


def grid_reported_event(world):
    """A grid member reports an advertising board from the street and the command centre registers the
    event, through the grid's own services (their pages have browser tests of their own)."""
    seed_event_catalogue(world.township)
    village = Village.objects.create(township=world.township, code="320999100777", name="人民村")
    grid = Grid.objects.create(
        township=world.township, village=village, code="320999100777001", name="人民路网格"
    )
    member = make_staff(Role.GRID_MEMBER, township=world.township)
    member.first_name = "周网格员"
    member.save()
    GridStaff.objects.create(township=world.township, grid=grid, user=member, role=GridRole.FULL_TIME)
    centre = make_staff(Role.COMMAND_CENTRE, township=world.township)
    category = EventCategory.objects.filter(catalogue__township=world.township).order_by("pk").first()
    now = timezone.now()
    event = grid_services.report_event(
        by=member,
        grid=grid,
        category=category,
        description="人民路1号门前擅自设置户外广告牌约6平方米",
        latitude=31.5,
        longitude=120.3,
        address="青山镇人民路1号",
        photos=[grid_photo()],
        at=now - timedelta(minutes=20),
    )
    event = grid_services.register_event(event=event, by=centre, at=now - timedelta(minutes=10))
    return event, centre


def test_an_officer_takes_a_grid_reported_clue_to_a_published_decision_at_phone_width(
    browser, live_server, browser_problems, tmp_path, settings
):
    world = build_world()
    settings.ENFORCEMENT_BUREAU_CODE = world.bureau.code
    # the version in force is immutable; the test sets the flag underneath it
    type(world.version).objects.filter(pk=world.version.pk).update(legal_review_required=True)
    world.version.refresh_from_db()
    now = timezone.now()

    photo = tmp_path / "site.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 site photo")
    event, centre = grid_reported_event(world)

    # the command centre passes the registered event to enforcement from the event's page
    desk = phone_page(browser, live_server, centre)
    desk.goto(reverse("grid-event", args=[event.pk]))
    note = desk.locator("#step-enforcement-clue textarea[name=clue-note]")
    note.fill("疑似未经批准设置户外广告")
    note.press("Enter")  # a new line in the note; nothing is sent
    assert not EnforcementCase.objects.exists()
    desk.click("#do-enforcement-clue")
    expect(desk.locator("#event-clue")).to_be_visible()
    case = EnforcementCase.objects.get()
    assert case.department == world.bureau
    expect(desk.locator("#event-clue")).to_contain_text(case.number)

    # the bureau's head finds the hand-over in the queue and passes it to the first squad
    head = phone_page(browser, live_server, world.head)
    head.goto("/enforcement/approvals/")
    head.click(f"#handovers a:has-text('{case.number}')")
    expect(head.locator("#case-source")).to_contain_text(event.number)
    form = open_step(head, "pass-to-squad")
    form.locator("select[name=pass-to-squad-squad]").select_option(str(world.squad.pk))
    form.locator("select[name=pass-to-squad-lead]").select_option(str(world.officer.pk))
    screenshot(head, "enforcement-head-pass-to-squad")
    form.locator("button[type=submit]").click()
    expect(head.locator("#case-squad")).to_have_text(world.squad.name)
    head.goto("/enforcement/approvals/")
    expect(head.locator("#handovers")).not_to_contain_text(case.number)

    # the squad's officer finds it among their cases, with the grid event it came from
    officer = phone_page(browser, live_server, world.officer)
    officer.goto("/enforcement/cases/")
    officer.click(f"#my-cases a:has-text('{case.number}')")
    expect(officer.locator("#case-state")).to_have_attribute("data-state", "clue")
    expect(officer.locator("#case-source")).to_contain_text(event.number)
    assert EnforcementCase.objects.get() == case
    # no horizontal scrolling at phone width
    assert officer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    form = open_step(officer, "assign")
    form.locator("select").select_option(str(world.officer2.pk))
    form.locator("button[type=submit]").click()
    form = open_step(officer, "party")
    form.locator("select[name=party-kind]").select_option("person")
    form.locator("input[name=party-person_name]").fill("王小明")
    form.locator("input[name=party-id_number]").fill(PERSON_ID)
    form.locator("input[name=party-phone]").fill("13800000001")
    form.locator("button[type=submit]").click()
    expect(officer.locator("#party")).to_contain_text("1101**********002X")
    form = open_step(officer, "request-registration")
    form.locator("select").select_option(str(world.version.pk))
    form.locator("input[name=request-registration-cause]").fill("擅自设置户外广告")
    form.locator("textarea").fill("事实基本清楚，建议立案")
    for name in ("prima_facie", "penalty_due", "in_jurisdiction"):
        form.locator(f"input[name=request-registration-{name}]").check()
    form.locator("button[type=submit]").click()
    expect(officer.locator("#case-state")).to_have_attribute("data-state", "registration_pending")
    screenshot(officer, "enforcement-officer-case")

    head.goto("/enforcement/approvals/")
    head.click(f"#registrations a:has-text('{case.number}')")
    open_step(head, "approve-registration").locator("button[type=submit]").click()
    expect(head.locator("#case-state")).to_have_attribute("data-state", "investigating")

    # the site inspection, with a photo taken on the phone
    officer.reload()
    form = open_step(officer, "record")
    form.locator("select[name=record-kind]").select_option("site_inspection")
    form.locator("select[name=record-second_officer]").select_option(str(world.officer2.pk))
    form.locator("input[name=record-started_at]").fill(local_input(now - timedelta(hours=1)))
    form.locator("input[name=record-ended_at]").fill(local_input(now - timedelta(minutes=30)))
    form.locator("input[name=record-place]").fill("青山镇人民路1号")
    form.locator("textarea[name=record-content]").fill(
        "现场检查：门头设置广告牌一块，约6平方米，未取得审批。"
    )
    form.locator("input[name=record-photos]").set_input_files(str(photo))
    form.locator("button[type=submit]").click()
    # the page the form lands on lists the photo with its hash before anything else happens
    expect(officer.locator("#records")).to_contain_text("SHA-256")
    assert case.evidence.count() == 1 and len(case.evidence.get().sha256) == 64

    officer.reload()
    form = open_step(officer, "propose")
    form.locator("select[name=propose-band]").select_option(str(world.bands["general"].pk))
    form.locator("input[name=propose-fine]").fill("3000")
    form.locator("textarea[name=propose-facts]").fill(
        "经查，当事人未经批准设置户外广告牌6平方米，有现场检查笔录和照片为证。"
    )
    form.locator("button[type=submit]").click()
    expect(officer.locator("#proposal")).to_contain_text("3,000.00")

    head.reload()
    form = open_step(head, "conclude")
    form.locator("select").select_option("penalty")
    form.locator("textarea[name=conclude-report]").fill("事实清楚，证据确凿，建议处罚。")
    form.locator("button[type=submit]").click()

    reviewer = phone_page(browser, live_server, world.reviewer)
    reviewer.goto("/enforcement/review/")
    reviewer.click(f"#review-queue a:has-text('{case.number}')")
    for key in ("body", "facts", "basis", "procedure", "powers", "documents", "judiciary"):
        reviewer.check(f"input[name={key}_ok][value=yes]")
    reviewer.select_option("#id_outcome", "passed")
    reviewer.fill("#id_opinion", "主体合法，事实清楚，适用依据正确，裁量适当，程序合法，同意。")
    screenshot(reviewer, "enforcement-legal-review")
    reviewer.click("main form.review-form button[type=submit]")
    expect(reviewer.locator("#review-queue")).not_to_contain_text(case.number)

    officer.reload()
    form = open_step(officer, "notice")
    form.locator("input[name=notice-served_at]").fill(local_input(timezone.now()))
    form.locator("button[type=submit]").click()
    expect(officer.locator("#case-state")).to_have_attribute("data-state", "notified")
    open_step(officer, "waive").locator("button[type=submit]").click()
    expect(officer.locator("main")).to_contain_text("当事人已书面放弃权利")

    head.reload()
    open_step(head, "decide").locator("button[type=submit]").click()
    expect(head.locator("#case-state")).to_have_attribute("data-state", "decided")
    case.refresh_from_db()
    assert case.decision_number == f"青综执罚〔{timezone.localdate().year}〕1号"

    # the PDFs: text, and the QR code's verification page opened in the browser
    notice = IssuedDocument.objects.get(doc_type="enf_notice", object_id=case.pk)
    decision = IssuedDocument.objects.get(doc_type="enf_decision", object_id=case.pk)
    assert (
        "3,000.00" in pdf_text(notice) and "王小明" in pdf_text(notice) and PERSON_ID not in pdf_text(notice)
    )
    decision_text = pdf_text(decision)
    assert (
        case.decision_number in decision_text
        and "《城市市容和环境卫生管理条例》第三十六条第一款" in decision_text
    )
    response = officer.request.get(f"/verify/{decision.number}/pdf/")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    verify = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE).new_page()
    verify.goto(f"/verify/{decision.number}/")
    expect(verify.locator("body")).to_contain_text(decision.content_hash)

    officer.reload()
    form = open_step(officer, "serve")
    form.locator("select[name=serve-method]").select_option("direct")
    form.locator("input[name=serve-recipient]").fill("王小明")
    form.locator("input[name=serve-served_at]").fill(local_input(timezone.now()))
    form.locator("button[type=submit]").click()
    expect(officer.locator("#case-state")).to_have_attribute("data-state", "served")
    open_step(officer, "publish").locator("button[type=submit]").click()
    expect(officer.locator("#documents")).to_contain_text("-ZFSD-")
    screenshot(officer, "enforcement-officer-served")

    officer.goto("/enforcement/cases/")
    expect(officer.locator("#my-cases")).to_contain_text(case.number)
    screenshot(officer, "enforcement-my-cases")

    public = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE).new_page()
    public.goto("/enforcement/public/decisions/")
    expect(public.locator("#decisions")).to_contain_text(case.decision_number)
    expect(public.locator("#decisions")).to_contain_text("王**")
    expect(public.locator("#decisions")).to_contain_text("1101**********002X")
    body = public.content()
    assert "王小明" not in body and PERSON_ID not in body and "13800000001" not in body
    screenshot(public, "enforcement-public-decisions")

    # the grid event's page, at the command centre, shows the case it became
    desk = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    centre_page = desk.new_page()
    log_in(centre_page, centre, live_server)
    centre_page.goto(reverse("grid-event", args=[event.pk]))
    expect(centre_page.locator("#event-clue")).to_contain_text(case.number)
