"""A grid member at phone width: base data of their grid (masked), adding a person, recording a visit."""

import pytest
from playwright.sync_api import expect

from grid.care.services import add_to_care_list, import_expenses
from grid.models import Household, Person, VisitTask
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in
from tests.e2e.test_layout import PHONE, too_small_targets
from tests.grid.base.helpers import build_world, id_number

pytestmark = pytest.mark.django_db(transaction=True)


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_grid_member_at_phone_width(page, live_server):
    world = build_world()
    grid = world.grids["001"]
    household = Household.objects.create(township=world.township, grid=grid, number="H1", head_name="陈阿婆")
    elder = Person.objects.create(
        township=world.township,
        grid=grid,
        household=household,
        name="陈阿婆",
        id_number=id_number(1, born="19380215"),
        tags=["living_alone_elderly", "low_income"],
    )
    Person.objects.create(
        township=world.township, grid=world.grids["002"], name="李邻格", id_number=id_number(2)
    )
    add_to_care_list(household=household, categories=["living_alone_elderly"], by=world.admin)
    import_expenses(
        township=world.township,
        records=[{"record_id": "R1", "id_number": elder.id_number, "date": "2026-11-02", "amount": "8600"}],
        source="api",
    )
    page.set_viewport_size(PHONE)
    log_in(page, world.member, live_server)

    page.goto("/grid/base/persons/")
    expect(page.locator("main")).to_contain_text("陈阿婆")
    expect(page.locator("main")).not_to_contain_text("李邻格")
    expect(page.locator("main")).to_contain_text(elder.masked_id_number)
    expect(page.locator("main")).not_to_contain_text(elder.id_number)
    assert fits(page)
    assert too_small_targets(page) == []
    screenshot(page, "grid-base-phone")

    page.goto(f"/grid/base/persons/new/?grid={grid.pk}")
    page.fill("#id_name", "陈小明")
    page.fill("#id_id_number", id_number(3, born="20100301"))
    page.select_option("#id_household", str(household.pk))
    page.check("input[name=tags][value=left_behind_child]")
    assert fits(page)
    assert too_small_targets(page) == []
    screenshot(page, "grid-person-form-phone")
    page.click("main button[type=submit]")
    page.wait_for_url("**/grid/base/persons/?grid=*")
    assert Person.objects.get(name="陈小明").tags == ["left_behind_child"]

    task = VisitTask.objects.get()
    page.goto("/grid/visits/")
    expect(page.locator("main")).to_contain_text("8600")
    page.click(f"a[href='/grid/visits/{task.pk}/']")
    page.fill("#id_finding", "住院后回家，独自生活，行动不便")
    page.fill("#id_help_needed", "申请临时救助")
    page.check("#id_refer_to_assistance")
    assert fits(page)
    screenshot(page, "grid-visit-phone")
    page.click("main button[type=submit]")
    page.wait_for_url("**/grid/visits/")
    task.refresh_from_db()
    assert task.status == "done"
