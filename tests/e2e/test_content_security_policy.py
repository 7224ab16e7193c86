"""Every role's main pages load in Chromium without a Content-Security-Policy violation or a JavaScript
error (the watch lives in conftest.py), and that watch really catches a blocked inline style."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from approvals.services import request_supplement
from services.models import Application
from tests.approvals.helpers import Office
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in
from tests.factories import make_resident, make_staff
from township.casework.models import WarningLevel
from township.casework.urging import urge_case
from township.org.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def office():
    office = Office(chiefs=1)
    office.chiefs[0].first_name = "张首席"
    office.chiefs[0].save()
    office.resident = make_resident(phone="13800000071", township=office.township)
    item = office.item(name="残疾人两项补贴申请", promised_limit_days=10)
    office.calm = office.in_review(item=item)
    office.due_soon = office.in_review(item=item)
    office.overdue = office.in_review(item=item)
    now = timezone.now()
    Application.objects.filter(pk=office.due_soon.pk).update(
        warning_level=WarningLevel.YELLOW, due_at=now + timedelta(days=1)
    )
    Application.objects.filter(pk=office.overdue.pk).update(
        warning_level=WarningLevel.RED, due_at=now - timedelta(days=1)
    )
    return office


def test_the_main_page_of_every_role_loads_without_a_csp_violation(
    page, browser_problems, live_server, office
):
    code = office.township.code
    request_supplement(
        application=office.due_soon,
        by=office.chiefs[0],
        items=["户口簿复印件", "近三个月收入证明"],
        note="请补齐",
    )
    urge_case(
        case=office.overdue,
        by=make_staff(Role.COMMAND_CENTRE, township=office.township),
        note="已超期，请今天办结",
        to=office.chiefs[0],
    )
    shots = {
        "/inbox/": "inbox",
        f"/approvals/applications/{office.due_soon.pk}/supplement/": "supplement-at-window",
        f"/approvals/supervision/applications/{office.overdue.pk}/": "supervision-urge",
    }
    public = [
        "/",
        "/verify/",
        "/no-such-page/",
        f"/services/?township={code}",
        f"/services/queue/kiosk/?township={code}",
        f"/services/queue/display/?township={code}",
        f"/services/track/?number={office.calm.number}&code={office.calm.query_code}",
    ]
    for url in public:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if url == "/no-such-page/":
            screenshot(page, "not-found")
    staff = [
        (
            office.clerk,
            [
                "/services/workbench/",
                "/services/workbench/pre-review/",
                f"/approvals/applications/{office.due_soon.pk}/supplement/",
                "/inbox/",
                "/services/evaluations/window/",
            ],
        ),
        (
            office.chiefs[0],
            [
                "/inbox/",
                "/admin/",
                "/admin/approvals/reviewcase/",
                f"/admin/approvals/reviewcase/{office.overdue.pk}/change/",
                f"/admin/approvals/reviewcase/{office.overdue.pk}/identity/",
            ],
        ),
        (
            make_staff(Role.COMMAND_CENTRE, township=office.township),
            ["/approvals/supervision/", f"/approvals/supervision/applications/{office.overdue.pk}/"],
        ),
        (
            make_staff(Role.COUNTY_ADMIN, township=office.township),
            [
                "/",
                "/admin/",
                "/admin/org/township/",
                f"/admin/org/township/{office.township.pk}/change/",
                "/admin/workcalendar/calendaroverride/add/",
                "/admin/casework/timelineentry/",
                "/admin/audit/auditevent/",
                "/admin/casework/deadline/",
            ],
        ),
    ]
    for user, urls in staff:
        page.context.clear_cookies()
        log_in(page, user, live_server)
        for url in urls:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            assert page.url.endswith(url), f"{user} was sent from {url} to {page.url}"
            if url in shots:
                screenshot(page, shots[url])
    page.context.clear_cookies()
    log_in(page, office.resident, live_server)
    for url in ["/services/hall/", f"/services/hall/applications/{office.overdue.pk}/"]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert browser_problems == []


def test_approver_work_list_shows_coloured_warning_badges(page, live_server, office):
    log_in(page, office.chiefs[0], live_server)
    page.goto("/admin/approvals/reviewcase/")
    red = page.locator(".warning-badge.level-2").first
    yellow = page.locator(".warning-badge.level-1").first
    expect(red).to_be_visible()
    assert red.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(180, 35, 24)"
    assert yellow.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(181, 71, 8)"
    assert red.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    screenshot(page, "approver-list")


def test_the_browser_watch_catches_an_inline_style_blocked_by_the_csp(page, browser_problems):
    page.goto("/verify/")
    page.evaluate(
        "() => { const div = document.createElement('div');"
        " div.innerHTML = '<p style=\"color:red\">x</p>'; document.body.append(div); }"
    )
    page.wait_for_timeout(200)
    caught = browser_problems.take("Content Security Policy")
    assert any("style-src-attr blocked inline" in problem for problem in caught), caught


def test_the_browser_watch_catches_a_javascript_error(page, browser_problems):
    page.goto("/verify/")
    page.evaluate("() => { setTimeout(() => { throw new Error('broken page script'); }); }")
    page.wait_for_timeout(200)
    assert browser_problems.take("broken page script")
