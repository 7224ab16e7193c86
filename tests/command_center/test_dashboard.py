"""The dashboard's figures equal the hand-computed values on a seeded township (including applications
due in the period but accepted before it, and extensions); the rollup equals the live computation and a
rerun changes nothing; a township's centre sees nothing of another's; the county compares townships; a
new loop's tiles appear by registration alone."""

from datetime import datetime, time, timedelta

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from command_center import metrics as m
from command_center import selectors
from command_center.models import DailyRollup, RatingIndicator, RatingScheme
from command_center.services import refresh_open_snapshot, refresh_rollups, refresh_today
from services.models import Application, Evaluation, QueueTicket
from tests.casework_app.models import Complaint
from tests.command_center.helpers import Place, complaint
from tests.factories import DepartmentFactory, make_staff
from township.casework.models import WarningLevel
from township.org.roles import Role

pytestmark = pytest.mark.django_db


def at(day, hour=10, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def end_of(day):
    """CaseClock.due_at of a day limit: the midnight that ends the due date."""
    return at(day + timedelta(days=1), 0)


@pytest.fixture
def seeded():
    """Period: day 1 … day 10, twenty days ago. Hand-computed:

    a1 received d1, decided d3, due d5 (on time)     a2 received d1, decided d7, due d5 (late, extended)
    a3 received d2, still in review, due d5 (red)    a4 received d1−10 (before), decided d6, due d6
    received 3 · accepted 3 · completed 3 (a1, a2, a4) · due 4 · due and decided 3 · on time 2 (a1, a4)
    ratings on d2: 3 good of 4 · tickets on d2: waited 5 and 15 minutes · extended 1 of 4 due.
    """
    place = Place()
    today = timezone.localdate()
    d = {n: today - timedelta(days=21 - n) for n in range(-10, 11)}
    apps = [place.office.in_review() for _ in range(4)]
    plan = [
        {
            "submitted_at": at(d[1]),
            "accepted_at": at(d[1]),
            "status": "delivered",
            "clock_stopped_at": at(d[3]),
            "due_at": end_of(d[5]),
        },
        {
            "submitted_at": at(d[1]),
            "accepted_at": at(d[1]),
            "status": "approved",
            "clock_stopped_at": at(d[7]),
            "due_at": end_of(d[5]),
        },
        {
            "submitted_at": at(d[2]),
            "accepted_at": at(d[2]),
            "status": "in_review",
            "due_at": end_of(d[5]),
            "warning_level": WarningLevel.RED,
        },
        {
            "submitted_at": at(d[-9]),
            "accepted_at": at(d[-9]),
            "status": "result_ready",
            "clock_stopped_at": at(d[6], 17),
            "due_at": end_of(d[6]),
        },
    ]
    for application, fields in zip(apps, plan, strict=True):
        Application.objects.filter(pk=application.pk).update(**fields)
    from approvals.models import ExtensionRequest

    ExtensionRequest.objects.create(
        application=apps[1],
        days=5,
        reason="专家评审",
        status="approved",
        requested_by=place.chief,
        requested_at=at(d[4]),
    )
    for n, (issued, called) in enumerate([(at(d[2], 9), at(d[2], 9, 5)), (at(d[2], 9, 10), at(d[2], 9, 25))]):
        ticket = QueueTicket.objects.create(
            township=place.township,
            service_date=d[2],
            seq=n + 1,
            number=f"A{n + 1:03d}",
            issued_at=issued,
            called_at=called,
            status="done",
        )
        Evaluation.objects.create(
            township=place.township, ticket=ticket, level=5, channel="window", department=place.department
        )
    for n, level in enumerate([4, 3, 1]):
        ticket = QueueTicket.objects.create(
            township=place.township,
            service_date=d[2],
            seq=10 + n,
            number=f"B{n:03d}",
            issued_at=at(d[2], 11),
            status="skipped",
        )
        Evaluation.objects.create(
            township=place.township, ticket=ticket, level=level, channel="window", department=place.department
        )
    Evaluation.objects.filter(ticket__number__in=["A002"]).delete()  # 4 ratings: 5, 4, 3, 1
    Evaluation.objects.update(created_at=at(d[2], 12))
    place.apps, place.d, place.today = apps, d, today
    return place


def values(place, first, last, ids=None):
    found = selectors.figures(ids or [place.township.pk], first, last, today=place.today)
    return {f.key: f.value for f in found}


EXPECTED = {
    "window.received": 3,
    "window.accepted": 3,
    "window.completed": 3,
    "window.on_time_rate": 50.0,
    "window.overdue": 1,
    "window.good_review_rate": 75.0,
    "window.waiting_minutes": 10.0,
    "back_office.in_review": 1,
    "back_office.completion_rate": 75.0,
    "back_office.extension_rate": 25.0,
}


def test_each_figure_equals_the_hand_computed_value(seeded):
    refresh_rollups(seeded.d[-10], seeded.today - timedelta(days=1))
    refresh_open_snapshot()
    got = values(seeded, seeded.d[1], seeded.d[10])
    assert {k: got[k] for k in EXPECTED} == EXPECTED
    # the figures per department come from the same rollups
    breakdown = selectors.department_breakdown(
        [seeded.township.pk], seeded.d[1], seeded.d[10], today=seeded.today
    )
    assert breakdown["window.received"] == [{"department": seeded.department.name, "value": 3}]
    assert breakdown["back_office.overdue"] == [{"department": seeded.department.name, "value": 1}]


def test_the_rollup_equals_the_live_computation_and_a_rerun_changes_nothing(seeded):
    first, last = seeded.d[-10], seeded.today - timedelta(days=1)
    keys = list(m.daily_counts())
    changed = refresh_rollups(first, last)
    assert sum(changed.values()) > 0
    ids = [seeded.township.pk]
    for by in ("township", "dimension"):
        live = selectors.live_sums(keys, ids, first, last, by=by)
        stored = selectors.rollup_sums(keys, ids, first, last, by=by)
        assert {k: v for k, v in live.items() if v} == {k: v for k, v in stored.items() if v}
    snapshot = sorted(
        DailyRollup.objects.values_list("township_id", "metric", "day", "dimension_id", "value")
    )
    assert sum(refresh_rollups(first, last).values()) == 0
    assert (
        sorted(DailyRollup.objects.values_list("township_id", "metric", "day", "dimension_id", "value"))
        == snapshot
    )
    # a late change (a3 decided on time after all) is picked up by the recompute, and only that
    Application.objects.filter(pk=seeded.apps[2].pk).update(
        status="approved", clock_stopped_at=at(seeded.d[4])
    )
    assert sum(refresh_rollups(first, last).values()) > 0
    assert values(seeded, seeded.d[1], seeded.d[10])["window.on_time_rate"] == 75.0


def test_today_comes_from_the_hourly_rollup_and_past_days_from_the_daily_one(seeded):
    # without a rollup run, past days are empty; today's new application counts after the minute's run
    assert values(seeded, seeded.d[1], seeded.today)["window.received"] == 0
    seeded.office.in_review()
    assert values(seeded, seeded.today, seeded.today)["window.received"] == 0
    refresh_today()
    assert values(seeded, seeded.today, seeded.today)["window.received"] == 1
    assert values(seeded, seeded.d[1], seeded.today)["window.received"] == 1


def test_a_townships_centre_sees_nothing_of_another(client, seeded):
    refresh_rollups(seeded.d[-10], seeded.today - timedelta(days=1))
    client.force_login(seeded.other_command)
    url = reverse("command-dashboard-json")
    data = client.get(url, {"date_from": seeded.d[1].isoformat(), "date_to": seeded.d[10].isoformat()}).json()
    figures = {f["key"]: f["value"] for loop in data["loops"] for f in loop["figures"]}
    assert figures["window.received"] == 0 and figures["window.overdue"] == 0
    assert [t["id"] for t in data["townships"]] == [seeded.other.township.pk]
    guessed = client.get(url, {"township": str(seeded.township.pk)})
    assert guessed.status_code == 400 and "township" in guessed.json()["errors"]
    client.force_login(seeded.command)
    data = client.get(url, {"date_from": seeded.d[1].isoformat(), "date_to": seeded.d[10].isoformat()}).json()
    assert {f["key"]: f["value"] for loop in data["loops"] for f in loop["figures"]}["window.received"] == 3


def test_bad_periods_are_refused_with_a_message(client, seeded):
    client.force_login(seeded.command)
    for query in (
        {"date_from": "2026-13-01"},
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
        {"date_from": "1999-12-31"},
    ):
        response = client.get(reverse("command-dashboard"), query)
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()


def test_the_county_compares_townships_and_can_pick_one(client, seeded):
    refresh_rollups(seeded.d[-10], seeded.today - timedelta(days=1))
    county = make_staff(Role.COUNTY_ADMIN, township=seeded.township)
    seeded.other.township.county = seeded.township.county
    seeded.other.township.save()
    client.force_login(county)
    period = {"date_from": seeded.d[1].isoformat(), "date_to": seeded.d[10].isoformat()}
    page = client.get(reverse("command-dashboard"), period)
    assert page.status_code == 200 and page.context["compare"]
    assert 'id="cc-compare"' in page.content.decode()
    received = next(
        f for loop in page.context["data"]["loops"] for f in loop["figures"] if f["key"] == "window.received"
    )
    assert received["per_township"] == {str(seeded.township.pk): 3, str(seeded.other.township.pk): 0}
    one = client.get(
        reverse("command-dashboard-json"), {**period, "township": str(seeded.other.township.pk)}
    ).json()
    assert [t["id"] for t in one["townships"]] == [seeded.other.township.pk]
    wall = client.get(reverse("command-wall"), period)
    assert wall.status_code == 200 and b"cc-stage" in wall.content


def test_the_dashboard_reads_a_fixed_number_of_queries(client, seeded, django_assert_max_num_queries):
    client.force_login(seeded.command)
    client.get(reverse("command-dashboard"))
    # a fixed number per registered source model and live tile (applications, evaluations, queue tickets,
    # grid events, hotline orders), whatever the number of rows
    with django_assert_max_num_queries(40):
        response = client.get(reverse("command-dashboard"))
    assert response.status_code == 200


def test_a_new_loop_adds_its_tiles_by_registering_them(client, seeded):
    """What the grid, enforcement and the hotline will do in their ready(): no command-centre edit."""
    complaint(seeded.township, seeded.department, seeded.chief, level=WarningLevel.RED, days=-1)
    m.register_loop("complaints", "投诉")
    m.register_count(
        m.DailyCount(
            "complaints.received",
            model=Complaint,
            date_field="clock_started_at",
            dimension="department",
            dimension_path="department_id",
        )
    )
    m.register_tile(
        m.Tile(
            "complaints.received",
            "投诉受理",
            loop="complaints",
            metric="complaints.received",
            formula="受理数",
            breakdown=True,
        )
    )
    m.register_tile(
        m.Tile(
            "complaints.overdue",
            "投诉超期",
            loop="complaints",
            formula="超期数",
            now=lambda ids: {
                row["township_id"]: row["n"]
                for row in Complaint.objects.filter(township_id__in=ids, warning_level=2)
                .values("township_id")
                .annotate(n=Count("pk"))
                .order_by()
            },
        )
    )
    try:
        refresh_rollups(seeded.today - timedelta(days=5), seeded.today - timedelta(days=1))
        refresh_open_snapshot()  # the warning counts: every registered case type, the complaints too
        client.force_login(seeded.command)
        data = client.get(
            reverse("command-dashboard-json"), {"date_from": (seeded.today - timedelta(days=5)).isoformat()}
        ).json()
        loop = next(loop for loop in data["loops"] if loop["key"] == "complaints")
        assert {f["key"]: f["value"] for f in loop["figures"]} == {
            "complaints.received": 1,
            "complaints.overdue": 1,
        }
        assert data["warnings"]["red"] == 2  # the application a3 and the complaint
        assert DailyRollup.objects.filter(metric="complaints.received").count() == 1
    finally:
        (
            m._tiles.pop("complaints.received"),
            m._tiles.pop("complaints.overdue"),
            m._counts.pop("complaints.received"),
        )


def test_a_scheme_can_leave_out_what_had_nothing_due_instead_of_giving_full_marks(client, seeded):
    """Two indicators: the window's on-time rate (60 points, full at 60 %) and the grid's (40 points,
    full at 90 %, −1 a point). The seeded department has 2 on time of 4 due (50 % → 60 − 10 = 50) and no
    grid events; a second department has nothing at all. Full marks (the default): the idle department
    tops the ranking with 100, the worked one has 50 + 40 = 90. Not rated: the worked department's 50 of
    the 60 rated, scaled to 100, is 83.3; the idle one is not rated and comes last, without a rank."""
    refresh_rollups(seeded.d[-10], seeded.today - timedelta(days=1))
    first = seeded.d[1].replace(day=1)
    if seeded.d[1].month != seeded.d[10].month:
        pytest.skip("the seeded period straddles a month")
    Application.objects.filter(~Q(pk__in=[a.pk for a in seeded.apps])).delete()
    idle = DepartmentFactory(township=seeded.township, name="无案科室")
    scheme = RatingScheme.objects.create(township=seeded.township, name="本镇方案", subject="department")
    RatingIndicator.objects.create(
        scheme=scheme, indicator="window.on_time_rate", full_score=60, target_percent=60
    )
    RatingIndicator.objects.create(
        scheme=scheme, indicator="grid.on_time_rate", full_score=40, target_percent=90, order=1
    )

    def rows():
        found = selectors.rating(seeded.township.pk, first, today=seeded.today)["rows"]
        return {r["subject_id"]: r for r in found}

    full = rows()
    assert full[idle.pk]["total"] == 100.0 and full[idle.pk]["rank"] == 1
    worked = full[seeded.department.pk]
    assert worked["lines"][0]["rate"] == 50.0 and worked["total"] == 90.0  # 50 + 40 for no grid events

    RatingScheme.objects.filter(pk=scheme.pk).update(nothing_due="not_rated")
    rated = rows()
    worked, nothing = rated[seeded.department.pk], rated[idle.pk]
    assert [line["score"] for line in worked["lines"]] == [50.0, None]
    assert worked["total"] == 83.3 and worked["rank"] == 1  # 50 of the 60 rated → 83.3 of 100
    assert nothing["total"] is None and nothing["rank"] is None
    assert max(r["rank"] or 0 for r in rated.values()) < len(rated)  # the unrated come after, unranked
    client.force_login(seeded.command)
    page = client.get(reverse("command-rating"), {"month": first.strftime("%Y-%m")}).content.decode()
    assert "无案科室" in page and "不参评" in page
    sheet = client.get(reverse("command-rating-export"), {"month": first.strftime("%Y-%m")})
    assert sheet.status_code == 200


def test_the_rating_follows_the_schemes_weights(client, seeded):
    """Default scheme: on-time 50 (full at 70 %, −1/point) + completion 20 (full at 90 %) + good reviews 10
    (full at 95 %, −0.5/point). Month of day 1…10: on-time 50 % → 30; completion 75 % → 5; good 75 % → 0."""
    refresh_rollups(seeded.d[-10], seeded.today - timedelta(days=1))
    first = seeded.d[1].replace(day=1)
    if seeded.d[1].month != seeded.d[10].month:
        pytest.skip("the seeded period straddles a month")
    Application.objects.filter(~Q(pk__in=[a.pk for a in seeded.apps])).delete()
    result = selectors.rating(seeded.township.pk, first, today=seeded.today)
    row = next(r for r in result["rows"] if r["subject_id"] == seeded.department.pk)
    assert [line["score"] for line in row["lines"]] == [30.0, 5.0, 0.0]
    assert row["total"] == 35.0 and row["rank"] == 1
    own = RatingScheme.objects.create(
        township=seeded.township, name="本镇方案", subject="department", subtract_deferred=True
    )
    RatingIndicator.objects.create(
        scheme=own, indicator="window.on_time_rate", full_score=60, target_percent=60
    )
    row = next(
        r
        for r in selectors.rating(seeded.township.pk, first, today=seeded.today)["rows"]
        if r["subject_id"] == seeded.department.pk
    )
    # Jinhua's variant: 2 on time ÷ (4 due − 1 extended) = 66.7 % ≥ 60 % → full marks
    assert row["lines"][0]["rate"] == 66.7 and row["total"] == 60.0
    client.force_login(seeded.command)
    page = client.get(reverse("command-rating"), {"month": first.strftime("%Y-%m")})
    assert page.status_code == 200 and "本镇方案" in page.content.decode()
    assert client.get(reverse("command-rating"), {"month": "2026-1٣"}).status_code == 400
    client.force_login(seeded.office.clerk)
    assert client.get(reverse("command-rating")).status_code == 403
