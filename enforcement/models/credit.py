"""Credit records (信用记录) of market entities, publication by band, and credit repair (信用修复).

Bands follow NDRC Order No. 36 (in force 2026-04-01): minor — usually not published, at most 3 months,
repair once the duties are done; general — published, repair after 3 months, at most 1 year; serious —
published, repair after 1 year, at most 3 years. The periods run from the date of the decision and are
settings (CREDIT_BAND_PERIODS), since sector and local rules differ. Publication ends by itself at the
maximum (public views compare dates; nothing needs to run). An optional township score is derived from
the records, never stored.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.org.models import TownshipOwned


class CreditSource(models.TextChoices):
    PENALTY = "penalty", _("Administrative penalty")
    INSPECTION = "inspection", _("Random-inspection result")
    INTEGRITY = "integrity", _("Integrity finding (one window)")
    COMMENDATION = "commendation", _("Commendation")


class CreditBand(models.TextChoices):
    MINOR = "minor", pgettext_lazy("credit band", "Minor")
    GENERAL = "general", pgettext_lazy("credit band", "General")
    SERIOUS = "serious", pgettext_lazy("credit band", "Serious")


class CreditRecord(TownshipOwned):
    """One entry of an entity's credit record."""

    scope_paths = {"township": "township", "department": "department"}

    entity = models.ForeignKey(
        "entities.MarketEntity",
        on_delete=models.PROTECT,
        related_name="credit_records",
        verbose_name=_("market entity"),
    )
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("recording department")
    )
    source = models.CharField(_("source"), max_length=14, choices=CreditSource.choices)
    band = models.CharField(_("band"), max_length=8, choices=CreditBand.choices, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decided_on = models.DateField(_("decided on"))
    summary = models.CharField(_("summary"), max_length=300)
    published = models.BooleanField(_("published"), default=True)
    publish_from = models.DateField(_("published from"), null=True, blank=True)
    repair_from = models.DateField(_("repair possible from"), null=True, blank=True)
    publish_until = models.DateField(_("published until"), null=True, blank=True)
    score_delta = models.SmallIntegerField(_("score change"), default=0)
    repaired_at = models.DateTimeField(_("repaired"), null=True, blank=True)
    source_reference = models.CharField(_("source reference"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["entity", "-decided_on", "-pk"]
        indexes = [models.Index(fields=["entity", "publish_until"], name="credit_record_entity_until")]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "source", "source_reference"],
                condition=~models.Q(source_reference=""),
                name="credit_record_source_unique",
            )
        ]

    def __str__(self):
        return f"{self.entity} · {self.get_source_display()} · {self.decided_on}"


class RepairStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("credit repair", "Submitted")
    REPAIRED = "repaired", _("Repaired")
    REFUSED = "refused", pgettext_lazy("credit repair", "Refused")


class CreditRepair(TownshipOwned):
    """An application to repair one credit record, decided by staff with reasons."""

    scope_paths = {"township": "township", "department": "record__department"}

    record = models.ForeignKey(
        CreditRecord, on_delete=models.PROTECT, related_name="repairs", verbose_name=_("credit record")
    )
    applied_on = models.DateField(_("applied on"))
    corrected = models.BooleanField(_("breach corrected"), default=False)
    duties_performed = models.BooleanField(_("fine paid and duties performed"), default=False)
    commitment_signed = models.BooleanField(_("credit commitment signed"), default=False)
    evidence = models.TextField(_("proof of performance"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RepairStatus.choices, default=RepairStatus.SUBMITTED
    )
    reasons = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit repair")
        verbose_name_plural = _("credit repairs")
        ordering = ["-applied_on", "-pk"]

    def __str__(self):
        return f"{self.record} · {self.get_status_display()}"
