"""The performance rating in Chromium at phone width: the ranking, a score opened to the cases behind it,
Back to the ranking, and the Excel export downloaded — with no console error or CSP violation."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from command_center.services import refresh_recent
from tests.command_center.helpers import Place
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def place():
    place = Place()
    place.applications = [place.office.in_review() for _n in range(2)]
    refresh_recent(35)
    return place


def test_a_score_opens_the_cases_behind_it_and_the_ranking_exports(page, live_server, place):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, place.command, live_server)
    page.goto("/command/rating/")
    expect(page.locator("#cc-rating")).to_contain_text(place.department.name)
    screenshot(page, "command-rating-phone")
    page.locator("#cc-rating a.cc-score").first.click()
    page.wait_for_url("**/command/rating/cases/**")
    screenshot(page, "command-rating-cases-phone")
    page.go_back()
    expect(page.locator("#cc-rating")).to_be_visible()
    with page.expect_download() as download:
        page.locator("#cc-rating-export").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert place.department.name in cells
