"""The performance rating in Chromium at phone width: the ranking, a score opened to the cases behind it,
Back to the ranking, and the Excel export downloaded — with no console error or CSP violation."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from command_center.models import RatingIndicator, RatingScheme
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


def test_a_scheme_that_leaves_out_what_had_nothing_due_shows_not_rated(page, live_server, place):
    """Nothing is due this month for the department: under a "not rated" scheme its scores read "—",
    it has no rank and no total, its score still opens (to an empty cohort), and the export leaves the
    cells empty instead of writing zeros."""
    scheme = RatingScheme.objects.create(
        township=place.township, name="本镇方案", subject="department", nothing_due="not_rated"
    )
    RatingIndicator.objects.create(
        scheme=scheme, indicator="window.on_time_rate", full_score=60, target_percent=60
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, place.command, live_server)
    page.goto("/command/rating/")
    row = page.locator("#cc-rating tbody tr", has_text=place.department.name)
    expect(row).to_contain_text("不参评")
    expect(row.locator("td").first).to_have_text("—")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "command-rating-not-rated-phone")
    row.locator("a.cc-score").first.click()
    page.wait_for_url("**/command/rating/cases/**")
    expect(page.locator("main")).to_be_visible()
    page.go_back()
    with page.expect_download() as download:
        page.locator("#cc-rating-export").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    line = next(r for r in book.active.iter_rows(values_only=True) if place.department.name in r)
    assert line[0] is None and line[-1] is None  # no rank, no total
