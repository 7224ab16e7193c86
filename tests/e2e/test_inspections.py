"""Double-random inspections in a real browser: the department head draws a plan in the admin, a drawn
inspector records a result with a photo at phone width, the public draw page shows the seed and the
snapshot hash, and the entity's public credit page shows a published penalty."""

import base64
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from enforcement.credit.services import record_penalty
from enforcement.models import Draw, InspectionPhoto, InspectionTask, TaskStatus
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in
from tests.enforcement.inspections.helpers import Bureau

pytestmark = pytest.mark.django_db(transaction=True)

# a 1×1 PNG, as a phone camera upload would be a JPEG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_a_plan_is_drawn_a_team_records_a_result_and_the_public_sees_the_draw_and_the_penalty(
    page, browser, live_server
):
    bureau = Bureau(entities=(("high", 6), ("general", 14)))
    plan = bureau.plan(starts_on=timezone.localdate().replace(day=1))
    # the head draws the plan from the plan list (admin action)
    log_in(page, bureau.head, live_server)
    page.goto("/admin/enforcement/inspectionplan/")
    page.locator("input.action-select").first.check()
    page.select_option("select[name=action]", "draw_selected")
    page.click("button[name=index]")
    expect(page.locator(".messagelist li").filter(has_text=plan.code)).to_be_visible()
    screenshot(page, "inspections-plan-drawn")
    draw = Draw.objects.get(plan=plan)
    task = InspectionTask.objects.filter(draw=draw).prefetch_related("inspectors__user").first()
    member = task.inspectors.all()[0].user

    # a drawn team member records the result at phone width, with a photo
    phone = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    officer = phone.new_page()
    log_in(officer, member, live_server)
    officer.goto("/enforcement/inspections/mine/")
    officer.click(f"a[href='/enforcement/inspections/tasks/{task.pk}/']")
    officer.check("input[name=outcome][value=ordered]")
    officer.fill("#id_inspected_on", timezone.localdate().isoformat())
    officer.fill("#id_findings", "后厨油烟净化装置未清洗，责令限期清洗并留存记录。")
    # first without the deadline an order needs: refused with the field named, nothing recorded
    officer.click("button.primary")
    expect(officer.locator(".errors").first).to_be_visible()
    officer.fill("#id_correct_by", date.fromordinal(timezone.localdate().toordinal() + 10).isoformat())
    officer.set_input_files(
        "#id_photos", files=[{"name": "hood.png", "mimeType": "image/png", "buffer": PNG}]
    )
    screenshot(officer, "inspections-result-phone")
    officer.click("button.primary")
    officer.wait_for_url("**/enforcement/inspections/mine/")
    width = officer.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the phone page scrolls sideways ({width}px)"
    task.refresh_from_db()
    assert task.status == TaskStatus.RECORDED and task.outcome == "ordered"
    assert InspectionPhoto.objects.filter(task=task).count() == 1
    phone.close()

    # the public draw page: seed, snapshot hash, drawn entities
    public = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 860}
    )
    visitor = public.new_page()
    visitor.goto("/enforcement/inspections/draws/")
    visitor.click(f"a[href='/enforcement/inspections/draws/{draw.pk}/']")
    expect(visitor.locator("#draw-seed")).to_have_text(draw.seed)
    expect(visitor.locator("#draw-snapshot-hash")).to_have_text(draw.snapshot_hash)
    expect(visitor.locator("body")).to_contain_text(task.entity.name)
    screenshot(visitor, "inspections-public-draw")

    # the entity's public credit page shows a published (general-band) penalty, not a minor one
    entity = bureau.entities[0]
    record_penalty(
        entity=entity,
        department=bureau.department,
        band="general",
        decision_number="青综执罚决字〔2026〕88号",
        decided_on=timezone.localdate(),
        summary="餐饮油烟未经净化直接排放，罚款5,000元",
    )
    record_penalty(
        entity=entity,
        department=bureau.department,
        band="minor",
        decision_number="青综执罚决字〔2026〕89号",
        decided_on=timezone.localdate(),
        summary="占道经营，警告",
    )
    visitor.goto(f"/enforcement/credit/{bureau.township.code}/{entity.credit_code}/")
    expect(visitor.locator("body")).to_contain_text("青综执罚决字〔2026〕88号")
    expect(visitor.locator("body")).not_to_contain_text("青综执罚决字〔2026〕89号")
    screenshot(visitor, "inspections-public-credit")
    public.close()
