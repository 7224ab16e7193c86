"""The KPIs of September 2026, hand-computed from ten events run through the services (one due in
September but reported in August, one reported in September but due in October, one closed after the
month ended), per township, department, grid and village, and with Jinhua's variant."""

from datetime import date
from decimal import Decimal

import pytest

from grid.events import services
from grid.events.kpis import EventKpis, event_kpis, event_kpis_by
from tests.factories import UserFactory
from tests.grid.events.helpers import local, make_place, photo, report

pytestmark = pytest.mark.django_db
SEPTEMBER = {"date_from": date(2026, 9, 1), "date_to": date(2026, 9, 30)}


def run(place, *, reported, category="暴露垃圾", department=None, by=None, grid=None, steps=()):
    """Report at `reported`, then do `steps`: (name, at) pairs."""
    member = by or place.member
    event = services.report_event(
        by=member,
        grid=grid or place.grid,
        category=place.category(category),
        description="事件",
        latitude=31.5,
        longitude=120.3,
        photos=[photo()],
        at=reported,
    )
    department = department or place.sanitation
    handler = place.sanitation_handler if department == place.sanitation else place.water_handler
    for name, at in steps:
        if name == "register":
            event = services.register_event(event=event, by=place.centre, at=at)
        elif name == "reject":
            event = services.reject_event(event=event, by=place.centre, reason="invalid", note="误报", at=at)
        elif name == "dispatch":
            event = services.dispatch_event(event=event, by=place.centre, department=department, at=at)
        elif name == "feed-back":
            event = services.feed_back_event(event=event, by=handler, note="已处理", photos=[photo()], at=at)
        elif name in ("pass", "fail"):
            event = services.check_event(event=event, by=member, passed=name == "pass", note="复核", at=at)
        elif name == "defer":
            deferral = services.request_deferral(event=event, by=handler, amount=2, reason="等设备", at=at)
            services.decide_deferral(deferral=deferral, by=place.centre, approve=True, at=at)
    return event


@pytest.fixture
def month(db):
    place = make_place()
    d = local
    # A: reported and dispatched in August, 2 working days from Mon 31 Aug: due Wed 2 Sep; closed 1 Sep
    run(
        place,
        reported=d(2026, 8, 28, 10, 0),
        category="积存垃圾渣土",
        steps=[
            ("register", d(2026, 8, 28, 11, 0)),
            ("dispatch", d(2026, 8, 31, 16, 0)),
            ("feed-back", d(2026, 9, 1, 10, 0)),
            ("pass", d(2026, 9, 1, 11, 0)),
        ],
    )
    # B: 4 working hours from 09:30, due 15:00; closed 16:30: late
    run(
        place,
        reported=d(2026, 9, 1, 9, 0),
        steps=[
            ("register", d(2026, 9, 1, 9, 30)),
            ("dispatch", d(2026, 9, 1, 9, 30)),
            ("feed-back", d(2026, 9, 1, 16, 0)),
            ("pass", d(2026, 9, 1, 16, 30)),
        ],
    )
    # C: a failed check (one rework), closed on time
    run(
        place,
        reported=d(2026, 9, 2, 9, 0),
        steps=[
            ("register", d(2026, 9, 2, 9, 30)),
            ("dispatch", d(2026, 9, 2, 9, 30)),
            ("feed-back", d(2026, 9, 2, 10, 0)),
            ("fail", d(2026, 9, 2, 10, 30)),
            ("feed-back", d(2026, 9, 2, 11, 0)),
            ("pass", d(2026, 9, 2, 11, 30)),
        ],
    )
    # D (water): deferred by 2 working hours (due 17:00), closed 16:00: on time
    run(
        place,
        reported=d(2026, 9, 3, 9, 0),
        department=place.water,
        steps=[
            ("register", d(2026, 9, 3, 9, 30)),
            ("dispatch", d(2026, 9, 3, 9, 30)),
            ("defer", d(2026, 9, 3, 14, 0)),
            ("feed-back", d(2026, 9, 3, 15, 30)),
            ("pass", d(2026, 9, 3, 16, 0)),
        ],
    )
    # E: registered, never dispatched
    run(place, reported=d(2026, 9, 4, 9, 0), steps=[("register", d(2026, 9, 4, 10, 0))])
    # F: rejected
    run(place, reported=d(2026, 9, 7, 9, 0), steps=[("reject", d(2026, 9, 7, 10, 0))])
    # G: handled on the spot
    services.report_event(
        by=place.member,
        grid=place.grid,
        category=place.category("暴露垃圾"),
        description="已自行清理",
        latitude=31.5,
        longitude=120.3,
        photos=[photo()],
        handled_on_the_spot=True,
        after_photos=[photo("after.png")],
        at=d(2026, 9, 8, 9, 0),
    )
    # H: dispatched Tue 29 Sep 16:00 with 2 working days: 30 Sep, (holiday 1-7 Oct), 8 Oct: due in October
    run(
        place,
        reported=d(2026, 9, 29, 15, 0),
        category="积存垃圾渣土",
        steps=[("register", d(2026, 9, 29, 16, 0)), ("dispatch", d(2026, 9, 29, 16, 0))],
    )
    # I (water): due 30 Sep 15:00, still open
    run(
        place,
        reported=d(2026, 9, 30, 9, 0),
        department=place.water,
        steps=[("register", d(2026, 9, 30, 9, 30)), ("dispatch", d(2026, 9, 30, 9, 30))],
    )
    # J (water, second grid): due 15 Sep 15:00, fed back 16 Sep, closed only on 1 Oct
    run(
        place,
        reported=d(2026, 9, 15, 9, 0),
        department=place.water,
        by=place.other_member,
        grid=place.other_grid,
        steps=[
            ("register", d(2026, 9, 15, 9, 30)),
            ("dispatch", d(2026, 9, 15, 9, 30)),
            ("feed-back", d(2026, 9, 16, 10, 0)),
            ("pass", d(2026, 10, 1, 10, 0)),
        ],
    )
    # another township's events never count
    elsewhere = make_place()
    run(
        elsewhere,
        reported=d(2026, 9, 10, 9, 0),
        steps=[("register", d(2026, 9, 10, 9, 30)), ("dispatch", d(2026, 9, 10, 9, 30))],
    )
    return place


def test_the_month_as_the_command_centre_sees_it(month, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        kpis = event_kpis(month.centre, **SEPTEMBER, subtract_deferred=False)
    assert kpis == EventKpis(
        received=9,  # B C D E F G H I J (A was reported in August)
        registered=7,  # B C D E H I J
        dispatched=6,  # B C D H I J
        self_handled=1,  # G
        due=6,  # A B C D I J (H is due in October)
        closed=4,  # A B C D (J closed in October)
        closed_on_time=3,  # A C D
        rework=1,  # C
        deferred=1,  # D
    )
    assert kpis.rates() == {
        "registration_rate": Decimal("77.78"),  # 7 / 9
        "dispatch_rate": Decimal("85.71"),  # 6 / 7
        "closure_rate": Decimal("66.67"),  # 4 / 6
        "on_time_closure_rate": Decimal("50.00"),  # 3 / 6
        "rework_rate": Decimal("16.67"),  # 1 / 6
        "deferral_rate": Decimal("16.67"),  # 1 / 6
    }


def test_jinhua_subtracts_the_deferred_from_the_due_for_the_closure_rates(month):
    kpis = event_kpis(month.centre, **SEPTEMBER, subtract_deferred=True)
    assert (kpis.closure_rate, kpis.on_time_closure_rate) == (Decimal("80.00"), Decimal("60.00"))  # 4/5, 3/5
    assert kpis.rework_rate == Decimal("16.67")  # still ÷ due


def test_per_department_grid_and_village(month, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        by_department = {
            name: kpis for _pk, name, kpis in event_kpis_by(month.centre, dimension="department", **SEPTEMBER)
        }
    sanitation, water = by_department["环卫所"], by_department["水利站"]
    # sanitation: A B C due, all closed, A and C on time, C reworked
    assert (sanitation.due, sanitation.closed, sanitation.closed_on_time, sanitation.rework) == (3, 3, 2, 1)
    assert sanitation.on_time_closure_rate == Decimal("66.67")
    # water: D I J due, D closed on time after a deferral
    assert (water.due, water.closed, water.closed_on_time, water.deferred) == (3, 1, 1, 1)
    by_grid = {name: kpis for _pk, name, kpis in event_kpis_by(month.centre, dimension="grid", **SEPTEMBER)}
    assert (by_grid["第一网格"].due, by_grid["第二网格"].due, by_grid["第二网格"].closed) == (5, 1, 0)
    assert by_grid["第一网格"].received == 8
    (village,) = event_kpis_by(month.centre, dimension="village", **SEPTEMBER)
    assert village[2].due == 6
    assert event_kpis(month.centre, **SEPTEMBER, grid_id=month.other_grid.pk).due == 1


def test_a_department_sees_the_kpis_of_its_own_orders_and_an_outsider_none(month):
    water = event_kpis(month.water_handler, **SEPTEMBER, subtract_deferred=False)
    assert (water.due, water.closed, water.deferred, water.received) == (3, 1, 1, 3)
    assert event_kpis(UserFactory(), **SEPTEMBER) == EventKpis()


def test_an_empty_period_has_no_rates(month):
    kpis = event_kpis(month.centre, date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))
    assert kpis.due == 0 and set(kpis.rates().values()) == {None}


def test_the_kpis_follow_the_events_not_a_stored_copy(month):
    # a report made after the month does not change the month's figures
    report(month, at=local(2026, 10, 9, 9, 0))
    assert event_kpis(month.centre, **SEPTEMBER).received == 9
