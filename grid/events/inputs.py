"""Grid events: the checks every road into the loop applies to what people send (notes, WGS-84
coordinates, photos checked by content) and the photos saved in a step, deleted again if the step does
not commit. Shared by the six-step loop (grid.events.services) and the channels (reports, devices)."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from grid.errors import GridEventError
from grid.models import EventPhoto
from services.services.materials import UploadRefused, validate_upload

if TYPE_CHECKING:
    from grid.models import GridEvent

MAX_PHOTOS = 6


def clean_text(value, *, field: str, required: bool = True, max_length: int = 2000) -> str:
    text = str(value or "").strip()
    if "\x00" in text:
        raise GridEventError(_("The text contains a NUL character."), field_errors={field: [_("Remove it.")]})
    if required and not text:
        raise GridEventError(
            _("This step needs a note."), field_errors={field: [_("This field is required.")]}
        )
    if len(text) > max_length:
        raise GridEventError(
            _("At most %(n)s characters, please.") % {"n": max_length},
            field_errors={field: [_("Too long.")]},
        )
    return text


def clean_coordinate(value, *, low: float, high: float, field: str) -> float:
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, str) and not value.strip().replace(".", "", 1).replace("-", "", 1).isascii():
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        raise GridEventError(
            _("The location is not a valid WGS-84 coordinate."),
            field_errors={
                field: [_("Enter a number between %(low)s and %(high)s.") % {"low": low, "high": high}]
            },
        )
    return number


def photo_uploads(photos: Iterable, *, required: bool, field: str = "photos") -> list[tuple[bytes, str, str]]:
    """(bytes, content type, name) of each photo: JPEG or PNG, checked by content."""
    checked = []
    photos = [p for p in photos or () if p]
    if required and not photos:
        raise GridEventError(_("Add at least one photo."), field_errors={field: [_("A photo is required.")]})
    if len(photos) > MAX_PHOTOS:
        raise GridEventError(
            _("At most %(n)s photos.") % {"n": MAX_PHOTOS}, field_errors={field: [_("Too many.")]}
        )
    for photo in photos:
        try:
            data, content_type = validate_upload(photo)
        except UploadRefused as error:
            raise GridEventError(error.message, field_errors={field: [error.message]}) from None
        if not content_type.startswith("image/"):
            message = _("“%(name)s” is not a photo (JPEG or PNG).") % {"name": photo.name}
            raise GridEventError(message, field_errors={field: [message]})
        checked.append((data, content_type, str(photo.name)[-200:]))
    return checked


@dataclass
class PhotoBatch:
    """Files saved in this step; deleted again if the step's transaction does not commit."""

    names: list[str]

    def save(self, event, photos, *, kind, by, at) -> None:
        for data, content_type, name in photos:
            photo = EventPhoto(
                event=event,
                kind=kind,
                original_name=name,
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                uploaded_by=by,
                uploaded_at=at,
            )
            photo.file.save(name, ContentFile(data), save=False)
            self.names.append(photo.file.name)
            photo.save()

    def discard(self) -> None:
        from django.core.files.storage import default_storage  # noqa: PLC0415 - only on failure

        for name in self.names:
            default_storage.delete(name)


def with_photos(step: Callable[[PhotoBatch], GridEvent]) -> GridEvent:
    batch = PhotoBatch([])
    try:
        return step(batch)
    except BaseException:
        batch.discard()
        raise
