"""A resident finds a service by its pinyin initials with live search and reads its printable guide."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.factories import DepartmentFactory, TownshipFactory
from tests.services.factories import make_item, material_type

pytestmark = pytest.mark.django_db(transaction=True)


def test_resident_finds_an_item_by_pinyin_initials_and_opens_its_guide(page):
    township = TownshipFactory(name="青石镇")
    department = DepartmentFactory(township=township, name="便民服务和综合指挥中心")
    make_item(
        department=department,
        name="新生儿出生登记",
        keywords="上户口 落户",
        materials=[
            {
                "name": "出生医学证明",
                "material_type": material_type("birth-cert", "出生医学证明"),
                "original_count": 1,
            },
            {
                "name": "父母户口簿",
                "material_type": material_type("hukou", "居民户口簿"),
                "original_count": 1,
            },
            {"name": "结婚证", "necessity": "conditional", "condition": "父母已婚的", "copy_count": 1},
        ],
        process_steps=[
            {"title": "申请", "description": "到任一综合窗口提交材料"},
            {"title": "受理", "description": "窗口当场受理"},
            {"title": "办结", "description": "当场办结"},
        ],
    )
    make_item(department=department, name="城乡居民最低生活保障申请")

    page.goto(f"/services/?township={township.code}")
    page.fill("#catalog-q", "xsr")
    # htmx swaps the results in after a short pause in typing; the other item drops out.
    expect(page.locator("#catalog-results")).not_to_contain_text("最低生活保障")
    expect(page.locator("#catalog-results")).to_contain_text("新生儿出生登记")
    results = page.locator("#catalog-results").inner_text()
    assert "新生儿出生登记" in results and "最低生活保障" not in results
    screenshot(page, "catalog-search")

    page.click("text=新生儿出生登记")
    page.wait_for_load_state()
    guide = page.locator("main").inner_text()
    assert "出生医学证明" in guide and "父母已婚的" in guide and "当场办结" in guide
    screenshot(page, "service-guide")
