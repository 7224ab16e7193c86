"""Camera and device alerts: a device of the township reports what it saw (category, time, place,
snapshot) and the alert becomes a reported (unverified) grid event waiting for verification (step 2).

    event, created = receive_device_alert(client=api_client, device="CAM-0107", category="01.02",
                                          at=moment, latitude=31.9, longitude=120.3, snapshot=upload)

Repeated alerts of one device about one category within GRID_ALERT_MERGE_MINUTES of its last alert
merge into the same open event (alert_count + 1, the newest snapshot kept beside the first). The
device's row is locked while the alert is merged or made, so two workers receiving alerts of one device
at once cannot both make an event.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.channels.intake import receive_report
from grid.channels.locate import locate_grid
from grid.errors import GridEventError
from grid.events.inputs import PhotoBatch, clean_coordinate, photo_uploads, with_photos
from grid.models import EventPhoto, GridEvent, PhotoKind
from grid.models.channels import Device, EventIntake, EventSource
from grid.models.events import OPEN_STATES
from grid.open311.mapping import service_for

# A device's clock may run a little ahead of ours; more than this is a fault, not drift.
CLOCK_SKEW = timedelta(minutes=2)


def merge_window() -> timedelta:
    return timedelta(minutes=int(settings.GRID_ALERT_MERGE_MINUTES))


def _device(township, code) -> Device:
    code = str(code or "").strip()
    device = (
        Device.objects.filter(township=township, code=code, is_active=True).select_related("grid").first()
        if code and "\x00" not in code
        else None
    )
    if device is None:
        raise GridEventError(
            _("This device is not registered in %(township)s.") % {"township": township.name},
            code="device",
            field_errors={"device": [_("Unknown device.")]},
        )
    return device


def _category(township, code):
    category = service_for(township, str(code or ""))
    if category is None:
        raise GridEventError(
            _("Choose a category of this township."),
            code="category",
            field_errors={"category": [_("Unknown category.")]},
        )
    return category


def _moment(at: datetime | None, now: datetime) -> datetime:
    if at is None or timezone.is_naive(at):
        raise GridEventError(
            _("Give the time of the alert with its time zone."),
            code="time",
            field_errors={"time": [_("A time with its zone is required.")]},
        )
    if at > now + CLOCK_SKEW:
        raise GridEventError(
            _("The alert's time lies in the future; check the device's clock."),
            code="time",
            field_errors={"time": [_("In the future.")]},
        )
    return at


def receive_device_alert(
    *, client, device, category, at: datetime, latitude, longitude, snapshot, now: datetime | None = None
) -> tuple[GridEvent, bool]:
    """The event the alert made (True) or was merged into (False). Everything is checked before anything
    is written; a refusal is a GridEventError naming the field."""
    township = client.township
    now = now or timezone.now()
    device = _device(township, device)
    category = _category(township, category)
    at = _moment(at, now)
    latitude = clean_coordinate(latitude, low=-90, high=90, field="lat")
    longitude = clean_coordinate(longitude, low=-180, high=180, field="lng")
    if locate_grid(township, latitude, longitude) is None:
        raise GridEventError(
            _("This place lies outside the grids of %(township)s.") % {"township": township.name},
            code="outside",
            field_errors={"lat": [_("Outside the township.")], "lng": [_("Outside the township.")]},
        )
    checked = photo_uploads([snapshot], required=True, field="snapshot")

    def step(batch: PhotoBatch) -> tuple[GridEvent, bool]:
        with transaction.atomic():
            # one device's alerts are taken one at a time: the lock makes "merge or make" atomic
            Device.objects.select_for_update().filter(pk=device.pk).first()
            window = merge_window()
            intake = (
                EventIntake.objects.filter(
                    device=device,
                    source=EventSource.CAMERA,
                    event__category=category,
                    event__status__in=OPEN_STATES,
                    last_alert_at__gte=at - window,
                    last_alert_at__lte=at + window,
                )
                .select_related("event")
                .order_by("-last_alert_at", "-pk")
                .first()
            )
            if intake is None:
                snapshot.seek(0)
                event = receive_report(
                    township=township,
                    source=EventSource.CAMERA,
                    category=category,
                    description=_("Alert of %(device)s: %(category)s")
                    % {"device": device, "category": f"{category.major_name}·{category.minor_name}"},
                    latitude=latitude,
                    longitude=longitude,
                    photos=[snapshot],
                    photo_field="snapshot",
                    external_ref=device.code,
                    api_client=client,
                    device=device,
                    at=at,
                )
                return event, True
            EventIntake.objects.filter(pk=intake.pk).update(
                alert_count=F("alert_count") + 1,
                last_alert_at=max(at, intake.last_alert_at),
            )
            _keep_first_and_newest(intake.event, batch, checked, at=at)
            return intake.event, False

    return with_photos(step)


def _keep_first_and_newest(event: GridEvent, batch: PhotoBatch, checked, *, at) -> None:
    """The first snapshot (the report) stays; the newest replaces the one merged before it."""
    photos = list(EventPhoto.objects.filter(event=event, kind=PhotoKind.REPORT).order_by("pk"))
    replaced = photos[1:]
    batch.save(event, checked, kind=PhotoKind.REPORT, by=None, at=at)
    if replaced:
        names = [photo.file.name for photo in replaced]
        EventPhoto.objects.filter(pk__in=[photo.pk for photo in replaced]).delete()
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
