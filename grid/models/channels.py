"""How an event reached the loop when no grid member reported it: a resident in the online hall, the
12345 hotline, an Open311 client or a camera. One row per such event (`event.intake`), with who reported
it (masked wherever it is shown), the query code that lets the reporter follow it by number, and the
follow-up question asked weeks after closing."""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.identifiers import mask_phone
from township.org.models import TownshipOwned


class EventSource(models.TextChoices):
    RESIDENT = "resident", _("Resident (online hall)")
    HOTLINE = "hotline", _("12345 hotline")
    OPEN311 = "open311", _("Open311 client")
    CAMERA = "camera", _("Camera or device alert")


class FollowUpAnswer(models.TextChoices):
    FIXED = "fixed", _("Fixed")
    NOT_FIXED = "not_fixed", _("Not fixed")


class EventIntake(models.Model):
    event = models.OneToOneField(
        "grid.GridEvent", on_delete=models.CASCADE, related_name="intake", verbose_name=_("grid event")
    )
    source = models.CharField(_("came in through"), max_length=10, choices=EventSource.choices)
    reporter_name = models.CharField(_("reporter's name"), max_length=60, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    is_anonymous = models.BooleanField(_("reported anonymously"), default=False)
    query_code = models.CharField(_("query code"), max_length=6)
    # the other system's id of this report: the hotline order number, an Open311 token, a device's id
    external_ref = models.CharField(_("reference in the other system"), max_length=80, blank=True)
    api_client = models.ForeignKey(
        "org.ApiClient", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    device = models.ForeignKey(
        "grid.Device", on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    alert_count = models.PositiveIntegerField(_("alerts merged"), default=1)
    last_alert_at = models.DateTimeField(_("last alert"), null=True, blank=True)
    media_url = models.URLField(_("media address"), max_length=500, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    follow_up_token = models.CharField(max_length=40, unique=True, null=True, blank=True)
    follow_up_sent_at = models.DateTimeField(_("follow-up question sent"), null=True, blank=True)
    follow_up_answer = models.CharField(
        _("follow-up answer"), max_length=10, choices=FollowUpAnswer.choices, blank=True
    )
    follow_up_answered_at = models.DateTimeField(_("follow-up answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("event intake")
        verbose_name_plural = _("event intakes")
        indexes = [
            models.Index(fields=["source", "external_ref"], name="grid_intake_ref"),
            models.Index(fields=["device", "last_alert_at"], name="grid_intake_device"),
        ]

    def __str__(self):
        return f"{self.event} · {self.get_source_display()}"

    @property
    def shown_reporter(self) -> str:
        """The reporter as staff see them: anonymous, or the name and a masked phone."""
        if self.is_anonymous:
            return str(_("anonymous"))
        return " · ".join(part for part in (self.reporter_name, mask_phone(self.reporter_phone)) if part)


class Supporter(models.Model):
    """Someone who reported the same problem and added their report to an open event ("me too")."""

    event = models.ForeignKey("grid.GridEvent", on_delete=models.CASCADE, related_name="supporters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=models.Q(user__isnull=False), name="grid_supporter_once"
            ),
        ]

    def __str__(self):
        return f"{self.event} +1"


class DeviceKind(models.TextChoices):
    CAMERA = "camera", pgettext_lazy("device", "Camera")
    SENSOR = "sensor", _("Sensor")


class Device(TownshipOwned):
    """A camera or sensor that raises alerts (e.g. a video-analysis camera spotting street vending)."""

    code = models.CharField(_("device id"), max_length=64)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=DeviceKind.choices, default=DeviceKind.CAMERA)
    grid = models.ForeignKey(
        "grid.Grid", on_delete=models.PROTECT, related_name="devices", verbose_name=_("grid")
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        constraints = [models.UniqueConstraint(fields=["township", "code"], name="grid_device_code_unique")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        super().clean()
        if self.grid_id and self.township_id and self.grid.township_id != self.township_id:
            raise ValidationError({"grid": _("Choose a grid of the device's township.")})
        for field, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            value = getattr(self, field)
            if value is not None and not (math.isfinite(value) and low <= value <= high):
                raise ValidationError({field: _("Not a valid WGS-84 coordinate.")})
