"""The pages and the API: each role sees its own list and steps; nobody reaches another township's or
department's events, photos or admin rows, by link or guessed id; bad input is a message, not a 500."""

import pytest
from django.urls import reverse

from grid.models import EventStatus, GridEvent
from tests.grid.events.helpers import LAT, LNG, dispatched, fed_back, local, make_place, photo, report

pytestmark = pytest.mark.django_db
S = EventStatus


@pytest.fixture
def other(db):
    return make_place()


def test_a_grid_member_reports_from_the_phone_page(client, place):
    client.force_login(place.member)
    page = client.get(reverse("grid-report"))
    assert page.status_code == 200 and "暴露垃圾" in page.content.decode()
    response = client.post(
        reverse("grid-report"),
        {
            "category": place.category("暴露垃圾").pk,
            "grid": place.grid.pk,
            "description": "路边垃圾",
            "address": "人民路",
            "latitude": str(LAT),
            "longitude": str(LNG),
            "photos": [photo()],
            "client_key": "k1",
        },
    )
    event = GridEvent.objects.get()
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("grid-event", args=[event.pk])
    )
    home = client.get(reverse("grid-home")).content.decode()
    assert event.number in home


@pytest.mark.parametrize(
    ("change", "message"),
    [({"photos": []}, "photo"), ({"latitude": "北纬31"}, "WGS-84"), ({"category": "x\x00"}, "category")],
)
def test_a_bad_report_is_answered_with_a_message(client, place, change, message):
    client.force_login(place.member)
    data = {
        "category": place.category("暴露垃圾").pk,
        "grid": place.grid.pk,
        "description": "垃圾",
        "latitude": str(LAT),
        "longitude": str(LNG),
        "photos": [photo()],
        **change,
    }
    from django.utils import translation

    with translation.override("en"):
        response = client.post(reverse("grid-report"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert GridEvent.objects.count() == 0


def test_the_centre_registers_and_dispatches_on_the_event_page(client, place):
    event = report(place)
    client.force_login(place.centre)
    page = client.get(reverse("grid-event", args=[event.pk])).content.decode()
    assert 'id="step-register"' in page and 'id="step-dispatch"' not in page
    client.post(reverse("grid-event-step", args=[event.pk, "register"]), {"register-note": "核实属实"})
    response = client.post(
        reverse("grid-event-step", args=[event.pk, "dispatch"]), {"dispatch-department": place.sanitation.pk}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.department_id) == (S.DISPATCHED, place.sanitation.pk)
    refused = client.post(reverse("grid-event-step", args=[event.pk, "register"]), {})
    assert refused.status_code == 400 and 'role="alert"' in refused.content.decode()


def test_the_department_list_and_feedback_with_photos(client, place):
    event = dispatched(place, at=local(2026, 9, 21, 9, 30))
    client.force_login(place.sanitation_handler)
    assert event.number in client.get(reverse("grid-department")).content.decode()
    response = client.post(
        reverse("grid-event-step", args=[event.pk, "feed-back"]),
        {"feedback-note": "已清运", "feedback-photos": [photo("after.png")]},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == S.FED_BACK and event.photos.filter(kind="feedback").count() == 1
    photo_url = reverse("grid-photo", args=[event.photos.filter(kind="feedback").get().pk])
    assert client.get(photo_url).status_code == 200


def test_nobody_reaches_another_townships_or_departments_events(client, place, other):
    event = dispatched(place, at=local(2026, 9, 21, 9, 30))
    event_photo = event.photos.get()
    for user in (other.centre, other.member, other.sanitation_handler, place.water_handler):
        client.force_login(user)
        assert client.get(reverse("grid-event", args=[event.pk])).status_code == 404
        assert client.post(reverse("grid-event-step", args=[event.pk, "feed-back"]), {}).status_code == 404
        assert client.get(reverse("grid-photo", args=[event_photo.pk])).status_code == 404
        assert client.get(reverse("grid-api-event-detail", args=[event.pk])).status_code == 404
        listed = client.get(reverse("grid-api-event-list")).json()
        assert event.number not in str(listed)
    client.force_login(place.centre)
    for guessed in ("999999999", "1¹", "٣"):
        assert client.get(f"/grid/events/{guessed}/").status_code == 404
    assert client.get(f"/api/grid/events/{'9' * 25}/").status_code == 404


def test_role_pages_refuse_other_roles(client, place):
    client.force_login(place.sanitation_handler)
    assert client.get(reverse("grid-home")).status_code == 403
    assert client.get(reverse("grid-centre")).status_code == 403
    client.force_login(place.member)
    assert client.get(reverse("grid-centre")).status_code == 403
    assert client.get(reverse("grid-department")).status_code == 403


def test_the_admin_shows_only_the_users_township(client, place, other):
    event = report(place)
    client.force_login(other.centre)
    listing = client.get(reverse("admin:grid_gridevent_changelist"))
    assert listing.status_code == 200 and event.number not in listing.content.decode()
    assert client.get(reverse("admin:grid_gridevent_change", args=[event.pk])).status_code in (302, 404)
    client.force_login(place.centre)
    assert event.number in client.get(reverse("admin:grid_gridevent_changelist")).content.decode()


def test_a_grid_member_does_not_see_another_grids_events(client, place):
    event = report(place)
    client.force_login(place.other_member)
    assert client.get(reverse("grid-event", args=[event.pk])).status_code == 404


def test_the_api_lists_reports_and_refuses_bad_input(client, place, django_assert_max_num_queries):
    for _ in range(5):
        report(place)
    client.force_login(place.centre)
    with django_assert_max_num_queries(8):
        listed = client.get(reverse("grid-api-event-list")).json()
    assert listed["count"] == 5
    client.force_login(place.member)
    created = client.post(
        reverse("grid-api-event-list"),
        {
            "grid": place.grid.pk,
            "category": place.category("道路不洁").pk,
            "description": "路面油污",
            "latitude": LAT,
            "longitude": LNG,
            "photos": [photo()],
        },
    )
    assert created.status_code == 201 and created.json()["status"] == "reported"
    bad = client.post(
        reverse("grid-api-event-list"), {"grid": place.grid.pk, "category": "x", "latitude": 200}
    )
    assert bad.status_code == 400
    foreign = client.post(
        reverse("grid-api-event-list"),
        {
            "grid": place.other_grid.pk,
            "category": place.category("道路不洁").pk,
            "description": "x",
            "latitude": LAT,
            "longitude": LNG,
            "photos": [photo()],
        },
    )
    assert foreign.status_code == 403
    assert client.get(reverse("grid-api-category-list")).status_code == 200
    assert "/api/grid/events/" in client.get("/api/schema/").content.decode()


def test_event_lists_do_not_grow_queries_with_rows(client, place, django_assert_max_num_queries):
    for _ in range(12):
        event = dispatched(place, at=local(2026, 9, 21, 9, 30))
    fed_back(place, event, at=local(2026, 9, 21, 11, 0))
    client.force_login(place.centre)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("grid-events")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("grid-centre")).status_code == 200
    client.force_login(place.sanitation_handler)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("grid-department")).status_code == 200
    client.force_login(place.member)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("grid-home")).status_code == 200
