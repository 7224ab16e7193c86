"""Every road into the loop ends here: a resident's report, a 12345 order, an Open311 request or a camera
alert becomes a grid event waiting to be verified (step 2), with one number the reporter can follow.

    event = receive_report(township=t, source=EventSource.RESIDENT, category=c, description="…",
                           latitude=31.9, longitude=120.3, photos=[upload], reporter=user, phone="138…")

The grid is found from the location (point in polygon); a location outside every grid of the township
is refused. The reporter gets an SMS with the number and a query code, and one at each later step.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from grid.channels.locate import locate_grid
from grid.errors import GridEventError
from grid.events.inputs import PhotoBatch, clean_coordinate, clean_text, photo_uploads, with_photos
from grid.events.services import NUMBER_SERIES, step_limits
from grid.models import EventCategory, EventStatus, GridEvent, LimitStep, PhotoKind
from grid.models.channels import EventIntake, EventSource, Supporter
from township.casework import deadlines
from township.casework.numbers import next_number
from township.casework.timeline import append_entry
from township.identifiers import is_ascii_digits, normalise, validate_mobile_phone
from township.notify.services import send_sms

S = EventStatus
SOURCE_LABELS = {
    EventSource.RESIDENT: "resident",
    EventSource.HOTLINE: "12345",
    EventSource.OPEN311: "Open311",
    EventSource.CAMERA: "camera",
}


def _phone(value: str, *, required: bool = False) -> str:
    phone = normalise(value or "").removeprefix("+86")
    if not phone:
        if required:
            raise GridEventError(
                _("Give a mobile number for the SMS updates."), field_errors={"phone": [_("Required.")]}
            )
        return ""
    try:
        if not is_ascii_digits(phone):
            raise ValidationError("digits")
        validate_mobile_phone(phone)
    except ValidationError:
        raise GridEventError(
            _("This is not a valid mobile number."),
            field_errors={"phone": [_("Enter an 11-digit mobile number.")]},
        ) from None
    return phone


def _email(value: str) -> str:
    email = (value or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise GridEventError(
            _("This is not a valid e-mail address."), field_errors={"email": [_("Check it.")]}
        ) from None
    return email


def query_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def tracking_url(event: GridEvent, code: str) -> str:
    return (
        f"{settings.SITE_URL}{reverse('services-track')}?{urlencode({'number': event.number, 'code': code})}"
    )


def category_of(township, category) -> EventCategory:
    """The category, if it belongs to the township's catalogue in force (accepts an instance or a pk)."""
    from grid.events.selectors import categories_for  # noqa: PLC0415 - selectors import the services

    found = None
    if isinstance(category, EventCategory):
        found = categories_for(township.pk).filter(pk=category.pk).first()
    elif category not in (None, ""):
        found = categories_for(township.pk).filter(pk=category).first() if str(category).isdigit() else None
    if found is None:
        raise GridEventError(
            _("Choose a category of this township."),
            code="category",
            field_errors={"category": [_("Unknown category.")]},
        )
    return found


def receive_report(
    *,
    township,
    source: str,
    category,
    description: str,
    latitude,
    longitude,
    address: str = "",
    photos: Iterable = (),
    reporter=None,
    reporter_name: str = "",
    phone: str = "",
    email: str = "",
    is_anonymous: bool = False,
    external_ref: str = "",
    api_client=None,
    device=None,
    media_url: str = "",
    photo_required: bool = False,
    photo_field: str = "photos",
    at: datetime | None = None,
) -> GridEvent:
    """One report from outside the grid staff, as a reported (unverified) event with its intake record."""
    at = at or timezone.now()
    if source not in EventSource.values:
        raise GridEventError(_("Unknown channel."))
    category = category_of(township, category)
    description = clean_text(description, field="description", max_length=2000)
    address = clean_text(address, field="address", required=False, max_length=256)
    latitude = clean_coordinate(latitude, low=-90, high=90, field="latitude")
    longitude = clean_coordinate(longitude, low=-180, high=180, field="longitude")
    reporter_name = clean_text(reporter_name, field="name", required=False, max_length=60)
    phone = _phone(phone)
    email = _email(email)
    checked = photo_uploads(photos, required=photo_required, field=photo_field)
    grid = locate_grid(township, latitude, longitude)
    if grid is None:
        raise GridEventError(
            _("This place lies outside the grids of %(township)s.") % {"township": township.name},
            code="outside",
            field_errors={
                "latitude": [_("Outside the township.")],
                "longitude": [_("Outside the township.")],
            },
        )

    def step(batch: PhotoBatch) -> GridEvent:
        with transaction.atomic():
            event = GridEvent.objects.create(
                township=township,
                number=next_number(township=township, series=NUMBER_SERIES, at=at),
                status=S.REPORTED,
                category=category,
                grid=grid,
                village_id=grid.village_id,
                description=description,
                address=address,
                latitude=latitude,
                longitude=longitude,
                reporter=reporter if getattr(reporter, "pk", None) else None,
                reported_at=at,
            )
            intake = EventIntake.objects.create(
                event=event,
                source=source,
                reporter_name=reporter_name,
                reporter_phone=phone,
                reporter_email=email,
                is_anonymous=is_anonymous,
                query_code=query_code(),
                external_ref=external_ref[:80],
                api_client=api_client,
                device=device,
                last_alert_at=at if device is not None else None,
                media_url=media_url[:500],
            )
            label = _("Anonymous resident") if is_anonymous else None
            append_entry(
                event,
                action="report",
                actor=reporter if getattr(reporter, "pk", None) and not is_anonymous else None,
                actor_label=label or (None if getattr(reporter, "pk", None) else intake_label(intake)),
                to_state=S.REPORTED,
                note=description[:500],
                at=at,
            )
            batch.save(
                event,
                checked,
                kind=PhotoKind.REPORT,
                by=reporter if getattr(reporter, "pk", None) else None,
                at=at,
            )
            limit = step_limits(category, LimitStep.REGISTER)[0]
            deadlines.open_deadline(
                event,
                kind="register",
                label=_("Verify and register"),
                limit_value=limit.amount,
                limit_unit=limit.unit,
                at=at,
            )
            if phone:
                with translation.override(settings.LANGUAGE_CODE):
                    body = _(
                        "Your report %(number)s was received (query code %(code)s). Follow it at %(url)s"
                    ) % {
                        "number": event.number,
                        "code": intake.query_code,
                        "url": tracking_url(event, intake.query_code),
                    }
                send_sms(to=phone, body=body, key=f"grid-intake:{event.pk}", township=township)
            return event

    return with_photos(step)


def intake_label(intake: EventIntake) -> str:
    if intake.source == EventSource.CAMERA and intake.device_id:
        return _("Camera %(code)s") % {"code": intake.device.code}
    if intake.source == EventSource.OPEN311 and intake.api_client_id:
        return _("Open311: %(client)s") % {"client": intake.api_client.name}
    if intake.source == EventSource.HOTLINE:
        return _("12345 hotline %(number)s") % {"number": intake.external_ref}
    return _("Resident")


def add_support(*, event: GridEvent, user=None, phone: str = "", note: str = "", at=None) -> Supporter:
    """ "Me too": a second reporter adds theirs to an open event instead of a duplicate; once per account."""
    at = at or timezone.now()
    phone = _phone(phone)
    note = clean_text(note, field="note", required=False, max_length=500)
    if not event.is_open:
        raise GridEventError(_("This report is closed; report the problem anew."), code="closed")
    with transaction.atomic():
        if user is not None and getattr(user, "pk", None):
            supporter, _created = Supporter.objects.get_or_create(
                event=event, user=user, defaults={"phone": phone, "note": note, "at": at}
            )
        else:
            supporter = Supporter.objects.create(event=event, phone=phone, note=note, at=at)
        if phone:
            send_sms(
                to=phone,
                body=_("You follow report %(number)s; you will get an SMS at each step.")
                % {"number": event.number},
                key=f"grid-support:{supporter.pk}",
                township=event.township,
            )
    return supporter


def reopen_window() -> timedelta:
    return timedelta(days=int(settings.GRID_REOPEN_DAYS))
