"""The dispatch desk: grid events and 12345 work orders waiting for a unit in one list, most urgent first,
with the suggested department; dispatch, whistle and force-assign from the row (htmx), a repeated click
doing nothing twice, refusals on the row, and nothing of another township's."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from command_center import dispatch
from command_center.models import HotlineRoute
from grid.events import services as events
from grid.hotline import services as hotline
from grid.models import EventStatus, GridEvent, Summons
from grid.models.hotline import HotlineOrder, HotlineSource, HotlineStatus
from tests.factories import make_staff
from tests.grid.events.helpers import make_place, registered
from township.casework.timeline import entries_for
from township.org.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def receive(place, n, *, urgency="general", category="", hours_ago=1):
    at = timezone.now() - timedelta(hours=hours_ago)
    order, _created = hotline.receive_order(
        township=place.township,
        incoming=hotline.IncomingOrder(
            platform_order_id=f"GD-{place.township.pk}-{n}",
            hotline_number=f"12345-{n}",
            urgency=urgency,
            kind="complaint",
            category=category,
            title=f"工单{n}",
            content="路灯不亮",
            received_at=at,
        ),
        source=HotlineSource.API,
        at=at,
    )
    return order


@pytest.fixture
def desk(db):
    place = make_place()
    garbage = place.category("暴露垃圾")
    garbage.department = place.sanitation
    garbage.save()
    HotlineRoute.objects.create(township=place.township, category="城市管理", department=place.enforcement)
    HotlineRoute.objects.create(township=place.township, category="城市管理-供水", department=place.water)
    place.officer = make_staff(Role.ENFORCEMENT_OFFICER, department=place.enforcement)
    return place


def test_events_and_orders_in_one_list_most_urgent_first_with_the_suggested_department(desk, client):
    now = timezone.now()
    event = registered(desk, at=now - timedelta(hours=5))
    general = receive(desk, 1, category="城市管理-市容环境", hours_ago=3)
    emergency = receive(desk, 2, urgency="emergency", category="城市管理-供水-爆管", hours_ago=2)  # 1 h: late
    utilities = receive(desk, 3, urgency="utilities", category="其他", hours_ago=1)  # due in 1 h
    rows = dispatch.desk_rows(desk.centre)
    assert [(r.kind, r.pk) for r in rows] == [
        ("order", emergency.pk),  # past its dispatch limit
        ("order", utilities.pk),  # water, power, gas
        ("event", event.pk),  # then the longest waiting
        ("order", general.pk),
    ]
    suggested = {(r.kind, r.pk): r.suggested for r in rows}
    assert suggested[("event", event.pk)] == desk.sanitation  # the category's department
    assert suggested[("order", emergency.pk)] == desk.water  # the longest matching route
    assert suggested[("order", general.pk)] == desk.enforcement
    assert suggested[("order", utilities.pk)] is None
    client.force_login(desk.centre)
    page = client.get(reverse("command-dispatch")).content.decode()
    assert page.index(f"desk-order-{emergency.pk}") < page.index(f"desk-event-{event.pk}")
    emergency_row = page[page.index(f'id="desk-order-{emergency.pk}"') :]
    emergency_row = emergency_row[: emergency_row.index("</tr>")]
    assert f'<option value="{desk.water.pk}" selected>' in emergency_row  # the suggestion is preselected
    assert "cc-badge red" in emergency_row and 'class="cc-red"' in emergency_row


def test_dispatching_an_event_from_the_row_twice_dispatches_it_once(desk, client):
    event = registered(desk)
    client.force_login(desk.centre)
    form = {"kind": "event", "case": event.pk, "action": "dispatch", "department": desk.sanitation.pk}
    first = client.post(reverse("command-dispatch-act"), form, **HTMX)
    assert first.status_code == 200 and "Dispatched to 环卫所" in first.content.decode()
    again = client.post(reverse("command-dispatch-act"), form, **HTMX)
    assert again.status_code == 200 and "Already sent to 环卫所" in again.content.decode()
    event.refresh_from_db()
    assert event.status == EventStatus.DISPATCHED and event.department == desk.sanitation
    assert [e.action for e in entries_for(event, include_internal=True)].count("dispatch") == 1
    assert event.pk not in {r.pk for r in dispatch.desk_rows(desk.centre) if r.kind == "event"}


def test_a_whistle_from_the_row_summons_the_lead_and_the_others(desk, client):
    event = registered(desk)
    client.force_login(desk.centre)
    response = client.post(
        reverse("command-dispatch-act"),
        {
            "kind": "event",
            "case": event.pk,
            "action": "whistle",
            "department": desk.enforcement.pk,
            "departments": [desk.water.pk],
            "on_site_within": "1",
        },
        **HTMX,
    )
    assert response.status_code == 200, response.content.decode()
    summoned = {s.department_id: s.is_lead for s in Summons.objects.filter(event=event)}
    assert summoned == {desk.enforcement.pk: True, desk.water.pk: False}


def test_refusals_are_shown_on_the_row_and_change_nothing(desk, client):
    event = registered(desk)
    client.force_login(desk.centre)
    url = reverse("command-dispatch-act")
    # no department chosen
    response = client.post(url, {"kind": "event", "case": event.pk, "action": "dispatch"}, **HTMX)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="desk-event-{event.pk}"' in body and "Choose an active department" in body
    # a whistle needs two departments
    response = client.post(
        url, {"kind": "event", "case": event.pk, "action": "whistle", "department": desk.water.pk}, **HTMX
    )
    assert response.status_code == 400 and "at least two departments" in response.content.decode()
    # a bad number of hours, typed with full-width digits
    response = client.post(
        url,
        {
            "kind": "event",
            "case": event.pk,
            "action": "whistle",
            "department": desk.water.pk,
            "departments": [desk.sanitation.pk],
            "on_site_within": "１",
        },
        **HTMX,
    )
    assert response.status_code == 400 and "1 to 72 hours" in response.content.decode()
    # an unknown step
    response = client.post(url, {"kind": "event", "case": event.pk, "action": "close"}, **HTMX)
    assert response.status_code == 400
    event.refresh_from_db()
    assert event.status == EventStatus.REGISTERED and event.department is None


def test_a_sent_back_event_is_force_assigned_with_a_note(desk, client):
    event = registered(desk)
    events.dispatch_event(event=event, by=desk.centre, department=desk.sanitation)
    events.send_back_event(event=event, by=desk.sanitation_handler, reason="不属于本所职责")
    row = next(r for r in dispatch.desk_rows(desk.centre) if r.pk == event.pk and r.kind == "event")
    assert row.returned and "force-assign" in row.actions and row.back_reason == "不属于本所职责"
    client.force_login(desk.centre)
    url = reverse("command-dispatch-act")
    form = {"kind": "event", "case": event.pk, "action": "force-assign", "department": desk.sanitation.pk}
    refused = client.post(url, form, **HTMX)
    assert refused.status_code == 400  # a note is required
    done = client.post(url, {**form, "note": "属环卫职责，请处理"}, **HTMX)
    assert done.status_code == 200 and "for good" in done.content.decode()
    event.refresh_from_db()
    assert event.is_forced and event.status == EventStatus.IN_PROGRESS


def test_work_orders_are_dispatched_and_force_assigned_from_the_row(desk, client):
    order = receive(desk, 7, category="城市管理-市容")
    client.force_login(desk.centre)
    url = reverse("command-dispatch-act")
    form = {"kind": "order", "case": order.pk, "action": "dispatch", "department": desk.enforcement.pk}
    assert client.post(url, form, **HTMX).status_code == 200
    assert client.post(url, form, **HTMX).status_code == 200  # the double click
    order.refresh_from_db()
    assert order.status == HotlineStatus.ASSIGNED and order.department == desk.enforcement
    assert [e.action for e in entries_for(order, include_internal=True)].count("dispatch") == 1
    hotline.send_back_order(order=order, by=desk.officer, reason="remit", explanation="非本单位职责")
    whistle = client.post(url, {**form, "action": "whistle"}, **HTMX)
    assert whistle.status_code == 400  # no whistle for work orders
    forced = client.post(url, {**form, "action": "force-assign", "note": "经审核属执法职责"}, **HTMX)
    assert forced.status_code == 200
    order.refresh_from_db()
    assert order.is_forced and order.status == HotlineStatus.ASSIGNED


def test_without_htmx_the_desk_redirects_with_a_message(desk, client):
    order = receive(desk, 8)
    client.force_login(desk.centre)
    response = client.post(
        reverse("command-dispatch-act"),
        {"kind": "order", "case": order.pk, "action": "dispatch", "department": desk.water.pk},
        follow=True,
    )
    assert "Dispatched to 水利站" in response.content.decode()


def test_another_townships_centre_and_guessed_ids_find_nothing(desk, client):
    event = registered(desk)
    order = receive(desk, 9)
    elsewhere = make_place()
    client.force_login(elsewhere.centre)
    assert dispatch.desk_rows(elsewhere.centre) == []
    page = client.get(reverse("command-dispatch")).content.decode()
    assert f"desk-event-{event.pk}" not in page and f"desk-order-{order.pk}" not in page
    url = reverse("command-dispatch-act")
    for kind, pk in (("event", event.pk), ("order", order.pk), ("event", 99_999_999), ("order", "１")):
        response = client.post(
            url, {"kind": kind, "case": pk, "action": "dispatch", "department": elsewhere.water.pk}, **HTMX
        )
        assert response.status_code == 404
    assert client.post(url, {"kind": "applications", "case": event.pk}, **HTMX).status_code == 404
    # the centre cannot send its own event to another township's department
    client.force_login(desk.centre)
    response = client.post(
        url,
        {"kind": "event", "case": event.pk, "action": "dispatch", "department": elsewhere.water.pk},
        **HTMX,
    )
    assert response.status_code == 400
    assert GridEvent.objects.get(pk=event.pk).status == EventStatus.REGISTERED
    assert HotlineOrder.objects.get(pk=order.pk).status == HotlineStatus.RECEIVED


def test_only_the_township_centre_uses_the_desk(desk, client):
    for user in (desk.sanitation_handler, desk.member, make_staff(Role.COUNTY_ADMIN, township=desk.township)):
        client.force_login(user)
        assert client.get(reverse("command-dispatch")).status_code == 403
        assert client.post(reverse("command-dispatch-act"), {"kind": "event", "case": 1}).status_code == 403
    client.logout()
    assert client.get(reverse("command-dispatch")).status_code == 302


def test_the_desk_takes_a_fixed_number_of_queries(desk, client, django_assert_max_num_queries):
    for n in range(6):
        registered(desk)
        receive(desk, 100 + n, category="城市管理-市容")
    event = registered(desk)
    events.dispatch_event(event=event, by=desk.centre, department=desk.sanitation)
    events.send_back_event(event=event, by=desk.sanitation_handler, reason="不属于本所")
    client.force_login(desk.centre)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("command-dispatch"))
    assert response.content.decode().count('class="cc-urge cc-send"') == 13


def test_routes_are_kept_in_the_admin_of_the_own_township_only(desk, client):
    elsewhere = make_place()
    HotlineRoute.objects.create(township=elsewhere.township, category="环境", department=elsewhere.water)
    admin = make_staff(Role.TOWNSHIP_ADMIN, township=desk.township)
    client.force_login(admin)
    listing = client.get(reverse("admin:command_center_hotlineroute_changelist"))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "城市管理-供水" in body and ">环境<" not in body
    other = HotlineRoute.objects.get(township=elsewhere.township)
    assert client.get(reverse("admin:command_center_hotlineroute_change", args=[other.pk])).status_code in (
        302,
        404,
    )
