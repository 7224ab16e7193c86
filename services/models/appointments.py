"""Services: appointment slots per hall and the residents' bookings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.models.catalog import ServiceItem
from township.org.models import TownshipOwned


class AppointmentSlot(TownshipOwned):
    """A bookable period of the township's service hall; `booked` never exceeds `capacity` (DB check)."""

    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    class Meta:
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
            models.UniqueConstraint(fields=["township", "starts_at"], name="slot_unique_start_per_township"),
        ]

    def __str__(self):
        return f"{self.township} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.booked)


class Appointment(TownshipOwned):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CHECKED_IN = "checked_in", _("Checked in")
        CANCELLED = "cancelled", _("Cancelled")

    slot = models.ForeignKey(
        AppointmentSlot, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("slot")
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("resident"),
    )
    item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("item")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    # The slot's local date, copied here so the database can hold "one booked visit per resident a day".
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "resident"],
                condition=Q(status="booked"),
                name="one_booking_per_resident_and_slot",
            ),
            models.UniqueConstraint(
                fields=["resident", "day"],
                condition=Q(status="booked"),
                name="one_booking_per_resident_and_day",
            ),
        ]

    def __str__(self):
        return f"{self.slot} · {self.resident}"

    def save(self, *args, **kwargs):
        if self.day is None and self.slot_id is not None:
            self.day = timezone.localdate(self.slot.starts_at)
        super().save(*args, **kwargs)
