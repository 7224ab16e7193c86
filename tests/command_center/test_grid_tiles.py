"""The grid's and the hotline's tiles on the command centre's dashboard, hand-computed: the grid's from the
September fixture of tests/grid/events/test_kpis.py (the same events the published-formula selectors are
checked on, so both must agree), the hotline's from four work orders run through the services."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from command_center import selectors
from command_center.selectors import local_midnight
from command_center.services import refresh_hours, refresh_rollups
from grid.events.kpis import event_kpis
from grid.hotline import services as hotline
from grid.models.hotline import HotlineSource
from tests.factories import DepartmentFactory, TownshipFactory, make_staff
from tests.grid.events.test_kpis import SEPTEMBER, month  # noqa: F401 - the fixture
from township.org.roles import Role

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST, LAST = date(2026, 9, 1), date(2026, 9, 30)
LATER = date(2026, 12, 1)


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def figures_of(township_id, *, today):
    return {f.key: f.value for f in selectors.figures([township_id], FIRST, LAST, today=today)}


def test_grid_tiles_from_the_rollups_equal_the_published_formulas(month):  # noqa: F811
    refresh_rollups(date(2026, 8, 1), date(2026, 10, 31))
    found = figures_of(month.township.pk, today=LATER)
    assert found["grid.received"] == 9
    assert found["grid.registration_rate"] == 77.8  # 7 ÷ 9
    assert found["grid.on_time_rate"] == 50.0  # 3 ÷ 6: A C D of A B C D I J (A reported in August)
    assert found["grid.rework_rate"] == 16.7  # 1 ÷ 6
    kpis = event_kpis(month.centre, **SEPTEMBER, subtract_deferred=False)
    assert round(float(kpis.registration_rate), 1) == found["grid.registration_rate"]
    assert round(float(kpis.on_time_closure_rate), 1) == found["grid.on_time_rate"]
    assert round(float(kpis.rework_rate), 1) == found["grid.rework_rate"]


def test_grid_tiles_with_the_last_day_from_the_hourly_rollup_are_the_same(month):  # noqa: F811
    refresh_rollups(date(2026, 8, 1), date(2026, 9, 29))
    refresh_hours(local_midnight(LAST), local_midnight(date(2026, 10, 1)))
    found = figures_of(month.township.pk, today=LAST)  # 30 September by the hour
    assert (found["grid.registration_rate"], found["grid.on_time_rate"], found["grid.rework_rate"]) == (
        77.8,
        50.0,
        16.7,
    )


def test_on_time_closure_broken_down_by_handling_department(month):  # noqa: F811
    refresh_rollups(date(2026, 8, 1), date(2026, 10, 31))
    rows = selectors.department_breakdown([month.township.pk], FIRST, LAST, today=LATER)["grid.on_time_rate"]
    assert {r["department"]: r["value"] for r in rows} == {"环卫所": 66.7, "水利站": 33.3}  # 2/3, 1/3


def test_the_dashboard_json_shows_the_grid_loop(month, client):  # noqa: F811
    refresh_rollups(date(2026, 8, 1), date(2026, 10, 31))
    client.force_login(month.centre)
    data = client.get(
        reverse("command-dashboard-json"), {"date_from": "2026-09-01", "date_to": "2026-09-30"}
    ).json()
    grid = next(loop for loop in data["loops"] if loop["key"] == "grid")
    values = {f["key"]: f["value"] for f in grid["figures"]}
    assert values["grid.on_time_rate"] == 50.0 and values["grid.registration_rate"] == 77.8


@pytest.fixture
def orders():
    township = TownshipFactory()
    unit = DepartmentFactory(township=township, name="城管中队")
    centre = make_staff(Role.COMMAND_CENTRE, township=township)
    officer = make_staff(Role.ENFORCEMENT_OFFICER, department=unit)

    def order(n, *, dispatched, signed=None, replied=None, follow_up=None):
        found, _created = hotline.receive_order(
            township=township,
            incoming=hotline.IncomingOrder(
                platform_order_id=f"GD{n}",
                hotline_number=f"12345-{n}",
                urgency="general",
                kind="complaint",
                title="噪声扰民",
                content="工地夜间施工",
                received_at=dispatched,
            ),
            source=HotlineSource.API,
            at=dispatched,
        )
        found = hotline.dispatch_order(order=found, department=unit, by=centre, at=dispatched)
        if signed:
            found = hotline.sign_for_order(order=found, by=officer, at=signed)
        if replied:
            found = hotline.reply_to_caller(order=found, by=officer, reply="已处理", at=replied)
        if follow_up:
            result, at = follow_up
            found = hotline.record_follow_up(
                order=found,
                by=centre,
                result=result,
                unit_at_fault=False if result == "dissatisfied" else None,
                at=at,
            )
        return found

    # 1: signed 1 Sep, reply due 10 Sep (7 working days), replied 8 Sep, satisfied
    order(
        1,
        dispatched=local(2026, 9, 1, 10),
        signed=local(2026, 9, 1, 11),
        replied=local(2026, 9, 8, 9),
        follow_up=("satisfied", local(2026, 9, 9, 9)),
    )
    # 2: signed 2 Sep, due 11 Sep, replied late on 14 Sep, dissatisfied (not the unit's fault)
    order(
        2,
        dispatched=local(2026, 9, 2, 10),
        signed=local(2026, 9, 2, 10, 30),
        replied=local(2026, 9, 14, 9),
        follow_up=("dissatisfied", local(2026, 9, 15, 9)),
    )
    # 3: dispatched, never signed for
    order(3, dispatched=local(2026, 9, 3, 10))
    # 4: signed 4 Sep, due 15 Sep, no reply yet
    order(4, dispatched=local(2026, 9, 4, 10), signed=local(2026, 9, 4, 11))
    return township


def test_hotline_tiles_hand_computed(orders):
    refresh_rollups(date(2026, 8, 25), date(2026, 10, 5))
    found = figures_of(orders.pk, today=LATER)
    assert found["hotline.sign_rate"] == 75.0  # 3 signed ÷ 4 dispatched
    assert found["hotline.reply_on_time"] == 33.3  # 1 replied by the limit ÷ 3 due in September
    assert found["hotline.satisfaction"] == 50.0  # 1 satisfied ÷ 2 follow-up calls
    assert found["hotline.waiting"] == 0
    # a rerun of the rollup changes nothing and the figures stay
    assert sum(refresh_rollups(date(2026, 8, 25), date(2026, 10, 5)).values()) == 0
    assert figures_of(orders.pk, today=LATER)["hotline.sign_rate"] == 75.0
