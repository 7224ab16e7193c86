"""The performance rating: from any score to the cases behind it (scoped), the ranking as an Excel
workbook, and a rate where less is better (rework) deducting above its target, not below."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db.models import Q
from django.urls import reverse
from openpyxl import load_workbook

from command_center import selectors
from command_center.models import RatingIndicator, RatingScheme
from command_center.services import refresh_rollups
from services.models import Application
from tests.command_center.test_dashboard import seeded  # noqa: F401 - the fixture
from tests.grid.events.test_kpis import month  # noqa: F401 - the fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def rated(seeded):  # noqa: F811
    if seeded.d[1].month != seeded.d[10].month:
        pytest.skip("the seeded period straddles a month")
    Application.objects.filter(~Q(pk__in=[a.pk for a in seeded.apps])).delete()
    refresh_rollups(seeded.d[-10], seeded.today - timedelta(days=1))
    seeded.month = seeded.d[1].replace(day=1)
    return seeded


def drill(client, place, indicator="window.on_time_rate", **extra):
    query = {
        "month": place.month.strftime("%Y-%m"),
        "subject": str(place.department.pk),
        "indicator": indicator,
        **extra,
    }
    return client.get(reverse("command-rating-cases"), query)


def test_a_score_drills_down_to_the_cases_behind_it(client, rated, django_assert_max_num_queries):
    """On-time completion of the department: a1 … a4 are due in the month; a1 and a4 were decided on
    time, a2 late, a3 not yet (the 2 of 4 behind the 50 %)."""
    client.force_login(rated.command)
    page = client.get(reverse("command-rating"), {"month": rated.month.strftime("%Y-%m")})
    assert reverse("command-rating-cases") in page.content.decode()
    with django_assert_max_num_queries(20):
        response = drill(client, rated)
    assert response.status_code == 200
    rows = response.context["found"].rows
    counted = {row["title"].split(" · ")[0]: row["counted"] for row in rows}
    numbers = [a.number for a in rated.apps]
    assert counted == {numbers[0]: True, numbers[1]: False, numbers[2]: False, numbers[3]: True}
    assert [row["at"] for row in rows] == sorted(row["at"] for row in rows)
    assert rows[0]["at"] == rated.d[5]  # the due date, not the midnight that ends it


def test_the_drill_down_is_scoped_and_refuses_bad_input(client, rated):
    client.force_login(rated.other_command)
    # another township's id, guessed: refused; its own township: nothing of ours
    assert drill(client, rated, township=str(rated.township.pk)).status_code == 400
    response = drill(client, rated)
    assert response.status_code == 200 and response.context["found"].rows == []
    client.force_login(rated.command)
    unknown = drill(client, rated, indicator="no.such")
    assert unknown.status_code == 400 and "Choose an indicator" in unknown.content.decode()
    assert drill(client, rated, month="2026-1٣").status_code == 400
    client.force_login(rated.office.clerk)
    assert drill(client, rated).status_code == 403


def test_the_ranking_exports_to_excel(client, rated):
    rated.department.name = "=HYPERLINK(1)"
    rated.department.save()
    client.force_login(rated.command)
    response = client.get(reverse("command-rating-export"), {"month": rated.month.strftime("%Y-%m")})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert f"rating-{rated.month:%Y-%m}.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == ("Rank", "Department") and rows[1][-1] == "Total"
    ours = next(row for row in rows[2:] if row[1] == "'=HYPERLINK(1)")  # never a live formula
    # default scheme: on-time 50 % → 30, completion 75 % → 5, good reviews 75 % → 0; total 35
    assert ours == (1, "'=HYPERLINK(1)", 30.0, 50.0, 5.0, 75.0, 0.0, 75.0, 35.0)
    client.force_login(rated.office.clerk)
    assert client.get(reverse("command-rating-export")).status_code == 403


def test_rework_is_better_lower_a_unit_without_rework_scores_full(month):  # noqa: F811
    """September's grid events: 环卫所 and 水利站 each have three due, one of them reworked once (33.3 %).
    Rework indicator: 10 points, full at ≤ 5 %, 0.25 off per point above: 33.3 % → 10 − 28.3 × 0.25 = 2.9;
    0 % → 10 (it used to lose 1.25 for being *below* the target)."""
    refresh_rollups(date(2026, 8, 1), date(2026, 10, 31))
    scheme = RatingScheme.objects.create(township=month.township, name="返工考核", subject="department")
    RatingIndicator.objects.create(
        scheme=scheme,
        indicator="grid.rework_rate",
        full_score=10,
        target_percent=5,
        deduction_per_point="0.25",
    )
    result = selectors.rating(month.township.pk, date(2026, 9, 1), today=date(2026, 12, 1))
    by_rate = {row["lines"][0]["rate"]: row["lines"][0]["score"] for row in result["rows"]}
    assert by_rate[33.3] == 2.9
    assert by_rate[0.0] == 10.0
    best = result["rows"][0]
    assert best["lines"][0]["rate"] in (0.0, None) and best["total"] == 10.0


def test_in_the_current_month_the_drill_down_stops_at_today_like_the_score(rated):
    """Seen on day 4 of the seeded month, no case is due yet (all are due on d5 or d6), so the on-time
    score has nothing behind it and the drill-down lists nothing either."""
    found = selectors.rating_cases(
        rated.command,
        rated.township.pk,
        rated.month,
        rated.department.pk,
        "window.on_time_rate",
        today=rated.d[4],
    )
    assert found.rows == []
