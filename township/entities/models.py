"""The market-entity register (市场主体): enterprises, individual businesses and other organisations,
shared by every loop (the window's enterprise lookup, enforcement parties, inspections, grid places)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from township.identifiers import validate_credit_code
from township.org.models import TownshipOwned


class EntityKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL_BUSINESS = "individual", _("Individual business")
    ORGANISATION = "organisation", _("Other organisation")


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("In business")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Licence revoked")
    DEREGISTERED = "deregistered", _("Deregistered")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low risk")
    GENERAL = "general", _("General risk")
    HIGH = "high", _("High risk")


class MarketEntity(TownshipOwned):
    """One market entity, registered once per township by its unified social credit code."""

    scope_paths = {"township": "township"}  # data scope (township.org.scope)

    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, validators=[validate_credit_code]
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=16, choices=EntityKind.choices, default=EntityKind.ENTERPRISE
    )
    legal_representative = models.CharField(_("legal representative or operator"), max_length=60, blank=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    industry_code = models.CharField(
        _("industry code"), max_length=5, blank=True, help_text=_("GB/T 4754 class, e.g. H6210.")
    )
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    licence_status = models.CharField(
        _("licence status"), max_length=16, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE
    )
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.GENERAL
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    grid = models.ForeignKey(
        "grid.Grid",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="market_entities",
        verbose_name=_("grid"),
    )
    # WGS-84, where known (from the address or a grid member's visit)
    lng = models.DecimalField(_("longitude"), max_digits=10, decimal_places=7, null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=10, decimal_places=7, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("market entity")
        verbose_name_plural = _("market entities")
        ordering = ["township", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "credit_code"], name="market_entity_code_unique"),
        ]
        indexes = [
            models.Index(fields=["township", "risk_level"], name="market_entity_risk"),
            models.Index(fields=["grid"], name="market_entity_grid"),
        ]

    def __str__(self):
        return self.name
