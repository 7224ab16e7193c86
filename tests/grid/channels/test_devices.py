"""Camera and device alerts: an API key of purpose "devices" posts an alert that becomes an unverified
grid event; repeated alerts merge (also when two workers take them at once); bad input is a 400 in the
API's error shape and leaves nothing; keys and devices of other townships are refused."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from grid.channels.devices import receive_device_alert
from grid.events import services as loop
from grid.models import Device, EventPhoto, EventStatus, GridEvent
from grid.models.channels import EventIntake, EventSource
from tests.concurrency import in_processes
from tests.grid.channels.alert_workers import receive_alert
from tests.grid.channels.helpers import mapped_place
from tests.grid.events.helpers import JPEG_BYTES, LAT, LNG, PNG_BYTES
from township.api_keys import issue_api_key, revoke_api_key
from township.casework.deadlines import open_deadlines
from township.casework.models import TimelineEntry
from township.org.models import ApiClient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
URL = "/api/grid/devices/alerts/"
INSIDE = {"lat": str(LAT), "lng": str(LNG - 0.004)}


@pytest.fixture
def place():
    return mapped_place()


def make_device(place, code="CAM-0107"):
    return Device.objects.create(
        township=place.township,
        code=code,
        name="南河桥摄像头",
        grid=place.grid,
        latitude=LAT,
        longitude=LNG - 0.004,
    )


@pytest.fixture
def device(place):
    return make_device(place)


@pytest.fixture
def key(place):
    return issue_api_key(township=place.township, name="Video platform", purpose=ApiClient.Purpose.DEVICES)


def snapshot(name="snap.jpg", data=JPEG_BYTES, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def alert(place, **overrides):
    body = {
        "device": "CAM-0107",
        "category": place.category("暴露垃圾").code,
        "time": (timezone.now() - timedelta(minutes=1)).isoformat(),
        **INSIDE,
        "snapshot": snapshot(),
    }
    body.update(overrides)
    return body


def post(client, body, key):
    return client.post(URL, data=body, HTTP_X_API_KEY=key)


def _stored_files():
    try:
        return sorted(default_storage.listdir("private/grid")[1])
    except FileNotFoundError:
        return []


def test_an_alert_becomes_an_unverified_event_in_the_grid_of_its_place(client, place, device, key):
    response = post(client, alert(place), key[1])
    assert response.status_code == 201, response.content
    body = response.json()
    event = GridEvent.objects.get(number=body["number"])
    assert body == {"number": event.number, "status": "reported", "alert_count": 1, "merged": False}
    assert event.status == EventStatus.REPORTED and event.grid == place.grid
    assert event.category == place.category("暴露垃圾") and event.township == place.township
    assert event.intake.source == EventSource.CAMERA and event.intake.device == device
    assert event.intake.api_client == key[0]
    assert [p.content_type for p in event.photos.all()] == ["image/jpeg"]
    assert [d.kind for d in open_deadlines(event)] == ["register"]
    entry = TimelineEntry.objects.get(object_id=event.pk, action="report")
    assert entry.actor_label == "Camera CAM-0107"
    # step 2 is the grid's own: the centre verifies it like any other report
    registered = loop.register_event(event=event, by=place.centre)
    assert registered.status == EventStatus.REGISTERED


def test_repeated_alerts_merge_into_one_event_and_keep_the_first_and_newest_snapshot(
    client, place, device, key, django_capture_on_commit_callbacks
):
    now = timezone.now()
    first = post(client, alert(place, time=(now - timedelta(minutes=50)).isoformat()), key[1])
    second = post(
        client,
        alert(place, time=(now - timedelta(minutes=20)).isoformat(), snapshot=snapshot("b.png", PNG_BYTES)),
        key[1],
    )
    files_after_second = _stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        third = post(client, alert(place, time=now.isoformat(), snapshot=snapshot("c.jpg")), key[1])
    assert (first.status_code, second.status_code, third.status_code) == (201, 200, 200)
    assert first.json()["number"] == second.json()["number"] == third.json()["number"]
    assert third.json()["alert_count"] == 3 and third.json()["merged"] is True
    intake = EventIntake.objects.get()
    assert intake.alert_count == 3 and abs(intake.last_alert_at - now) < timedelta(seconds=1)
    assert list(EventPhoto.objects.values_list("original_name", flat=True)) == ["snap.jpg", "c.jpg"]
    # the replaced snapshot's file is gone too
    assert len(_stored_files()) == len(files_after_second)


def test_an_alert_after_the_merge_window_or_of_another_category_makes_a_new_event(client, place, device, key):
    now = timezone.now()
    post(client, alert(place, time=(now - timedelta(minutes=200)).isoformat()), key[1])
    later = post(client, alert(place, time=now.isoformat()), key[1])
    other = post(client, alert(place, category=place.category("道路不洁").code), key[1])
    assert (later.status_code, other.status_code) == (201, 201)
    assert GridEvent.objects.count() == 3


def test_an_alert_about_a_closed_event_starts_a_new_one(client, place, device, key):
    number = post(client, alert(place), key[1]).json()["number"]
    event = GridEvent.objects.get(number=number)
    loop.reject_event(event=event, by=place.centre, reason="invalid", note="误报")
    again = post(client, alert(place), key[1])
    assert again.status_code == 201 and again.json()["number"] != number


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"device": "CAM-9999"}, "device"),
        ({"category": "99.99"}, "category"),
        ({"category": ""}, "category"),
        ({"lat": "north"}, "lat"),
        ({"lng": "200"}, "lng"),
        ({"lat": "39.9", "lng": "116.4"}, "lat"),  # Beijing: outside the township's grids
        ({"time": "2099-01-01T00:00:00+08:00"}, "time"),
        ({"time": "yesterday"}, "time"),
        ({"snapshot": snapshot("x.jpg", b"MZ\x90\x00 not an image")}, "snapshot"),
        ({"snapshot": snapshot("scan.pdf", b"%PDF-1.4 a document", "application/pdf")}, "snapshot"),
        ({"snapshot": ""}, "snapshot"),
    ],
)
def test_a_faulty_alert_is_a_400_naming_the_field_and_leaves_nothing(
    client, place, device, key, overrides, field
):
    files_before = _stored_files()
    response = post(client, alert(place, **overrides), key[1])
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] and field in body["errors"], body
    assert not GridEvent.objects.exists() and not EventIntake.objects.exists()
    assert _stored_files() == files_before


@override_settings(MATERIAL_MAX_BYTES=1024)
def test_an_oversized_snapshot_is_refused(client, place, device, key):
    response = post(client, alert(place, snapshot=snapshot(data=JPEG_BYTES + b"\x00" * 2048)), key[1])
    assert response.status_code == 400
    assert "at most" in response.json()["errors"]["snapshot"][0]
    assert not GridEvent.objects.exists()


def test_a_faulty_repeat_leaves_the_merged_event_as_it_was(client, place, device, key):
    post(client, alert(place), key[1])
    refused = post(client, alert(place, snapshot=snapshot("x.jpg", b"not an image")), key[1])
    assert refused.status_code == 400
    assert EventIntake.objects.get().alert_count == 1 and EventPhoto.objects.count() == 1


def test_keys_other_than_a_usable_devices_key_of_the_township_are_refused(client, place, device, key):
    other_township = mapped_place().township
    _c, foreign_key = issue_api_key(township=other_township, name="Theirs", purpose=ApiClient.Purpose.DEVICES)
    _c, open311_key = issue_api_key(township=place.township, name="FMS", purpose=ApiClient.Purpose.OPEN311)
    revoked, revoked_key = issue_api_key(
        township=place.township, name="Old", purpose=ApiClient.Purpose.DEVICES
    )
    revoke_api_key(client=revoked)
    no_key = client.post(URL, data=alert(place))
    assert no_key.status_code in (401, 403)
    assert post(client, alert(place), revoked_key).status_code == 401
    assert post(client, alert(place), open311_key).status_code == 403
    # another township's key does not know this township's device
    foreign = post(client, alert(place), foreign_key)
    assert foreign.status_code == 400 and "device" in foreign.json()["errors"]
    assert not GridEvent.objects.exists()


def test_a_device_of_another_township_or_inactive_is_unknown(client, place, device, key):
    other = mapped_place()
    make_device(other, code="CAM-THEIRS")
    Device.objects.filter(pk=device.pk).update(is_active=False)
    for code in ("CAM-THEIRS", "CAM-0107"):
        response = post(client, alert(place, device=code), key[1])
        assert response.status_code == 400 and "device" in response.json()["errors"]
    assert not GridEvent.objects.exists()


def test_the_alert_endpoint_is_in_the_api_schema(admin_client):
    paths = admin_client.get("/api/schema/", {"format": "json"}).json()["paths"]
    operation = paths[URL]["post"]
    assert {"200", "201", "400", "401", "403"} <= set(operation["responses"])
    fields = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert fields["$ref"].endswith("/Alert")


@pytest.mark.django_db(transaction=True)
def test_two_workers_taking_alerts_of_one_device_at_once_make_one_event(place, device, key):
    at = timezone.now().isoformat()
    results = in_processes(receive_alert, [(key[0].pk, at), (key[0].pk, at)], timeout=180)
    assert len({pk for pk, _created in results}) == 1
    assert sorted(created for _pk, created in results) == [False, True]
    assert EventIntake.objects.get().alert_count == 2


def test_the_service_refuses_a_naive_time(place, device, key):
    from grid.errors import GridEventError  # noqa: PLC0415

    with pytest.raises(GridEventError) as refused:
        receive_device_alert(
            client=key[0],
            device=device.code,
            category=place.category("暴露垃圾").code,
            at=timezone.now().replace(tzinfo=None),
            latitude=LAT,
            longitude=LNG - 0.004,
            snapshot=snapshot(),
        )
    assert "time" in refused.value.field_errors


def test_the_device_admin_shows_and_offers_only_the_users_township(place, device, rf):
    from django.contrib import admin  # noqa: PLC0415
    from django.core.exceptions import ValidationError  # noqa: PLC0415

    from tests.factories import make_staff  # noqa: PLC0415
    from township.org.roles import Role  # noqa: PLC0415

    other = mapped_place()
    theirs = make_device(other, code="CAM-THEIRS")
    model_admin = admin.site._registry[Device]
    request = rf.get("/admin/grid/device/")
    request.user = make_staff(Role.TOWNSHIP_ADMIN, township=place.township)
    assert list(model_admin.get_queryset(request)) == [device]
    grid_field = Device._meta.get_field("grid")
    offered = model_admin.formfield_for_foreignkey(grid_field, request).queryset
    assert set(offered) == {place.grid, place.other_grid}
    theirs.grid = place.grid
    with pytest.raises(ValidationError) as refused:
        theirs.full_clean()
    assert "grid" in refused.value.message_dict
