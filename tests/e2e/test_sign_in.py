"""A staff member signs in, sees their role's navigation, switches to English and signs out."""

import pytest

from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD, TownshipFactory, make_staff
from township.org.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_sign_in_language_switch_and_sign_out(page):
    township = TownshipFactory(name="青石镇")
    admin = make_staff(Role.TOWNSHIP_ADMIN, township=township, username="admin1")
    admin.first_name = "郑管理"  # a stable name keeps the screenshot stable
    admin.save(update_fields=["first_name"])

    page.goto("/accounts/login/")
    assert page.locator("h1").inner_text() == "员工登录"
    screenshot(page, "login")
    page.fill("#id_username", "admin1")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/")
    nav = page.locator("nav.mainnav").inner_text()
    assert "后台" in nav and "部门和窗口" in nav
    screenshot(page, "home-township-admin")

    page.click("button[value=en]")
    page.wait_for_load_state()
    assert "Back office" in page.locator("nav.mainnav").inner_text()
    page.click("text=Sign out")
    page.wait_for_url("**/accounts/login/")


def test_wrong_password_keeps_the_user_out_with_a_clear_message(page):
    make_staff(Role.WINDOW_CLERK, username="clerk9")
    page.goto("/accounts/login/")
    page.fill("#id_username", "clerk9")
    page.fill("#id_password", "not-the-password")
    page.click("button.primary")
    assert "请输入一个正确的" in page.locator(".errors").inner_text()


def test_anyone_can_verify_an_issued_document(page):
    from tests.e2e.conftest import screenshot
    from township.documents.services import issue_document

    township = TownshipFactory(name="青石镇", short_code="QS")
    document = issue_document(
        township=township,
        doc_type="notice",
        title="受理通知书",
        template_name="documents/notice.html",
        context={"paragraphs": ["测试"]},
    )
    page.goto("/verify/")
    page.fill("input[name=number]", document.number)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/verify/{document.number}/")
    assert "真实有效" in page.locator(".verified").first.inner_text()
    assert document.content_hash in page.content()
    screenshot(page, "verify")
    page.goto("/verify/QS-TZ-2026-999999/")
    assert "查无此文书编号" in page.locator("h1").inner_text()
