"""The power list (行政执法事项清单): the matters a township's enforcement bureau may act on, versioned like
service items (a case keeps the version that applied when it was decided), with discretion bands."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.org.models import TownshipOwned


class PowerKind(models.TextChoices):
    PENALTY = "penalty", _("Administrative penalty")
    COERCION = "coercion", _("Administrative coercion")
    INSPECTION = "inspection", pgettext_lazy("power kind", "Administrative inspection")
    OTHER = "other", pgettext_lazy("power kind", "Other")


class PowerChannel(models.TextChoices):
    STATUTORY = "statutory", _("Held by law (法定)")
    HANDED_DOWN = "handed_down", _("Handed down by the province (交由, art. 24)")
    ENTRUSTED = "entrusted", _("Entrusted in writing (委托, art. 20)")


class PowerStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("power matter version", "Draft")
    ACTIVE = "active", pgettext_lazy("power matter version", "In force")
    RECALLED = "recalled", _("Recalled")


class PowerMatter(TownshipOwned):
    """The stable identity of one matter on a township's list; its content lives in versions."""

    code = models.CharField(_("code"), max_length=40)
    current_version = models.ForeignKey(
        "enforcement.PowerMatterVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version in force"),
    )

    class Meta:
        verbose_name = _("power-list matter")
        verbose_name_plural = _("power list")
        ordering = ["township", "code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="power_matter_code_unique"),
        ]

    def __str__(self):
        version = self.current_version
        return f"{self.code} {version.name}" if version else self.code


class PowerMatterVersion(models.Model):
    matter = models.ForeignKey(
        PowerMatter, on_delete=models.CASCADE, related_name="versions", verbose_name=_("matter")
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=PowerStatus.choices, default=PowerStatus.DRAFT
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=PowerKind.choices, default=PowerKind.PENALTY)
    domain = models.CharField(
        _("domain"), max_length=40, help_text=_("E.g. urban management, market supervision, ecology.")
    )
    violated_provision = models.TextField(_("provision violated (违法依据)"))
    penalty_provision = models.TextField(_("penalty provision (处罚依据)"))
    source_department = models.CharField(_("delegating department"), max_length=80)
    channel = models.CharField(_("channel"), max_length=12, choices=PowerChannel.choices)
    channel_reference = models.CharField(
        _("decision or entrustment letter number"), max_length=80, blank=True
    )
    entrusted_from = models.DateField(_("entrusted from"), null=True, blank=True)
    entrusted_until = models.DateField(_("entrusted until"), null=True, blank=True)
    issuing_organ_name = models.CharField(
        _("name the documents go out under"),
        max_length=80,
        help_text=_("For an entrusted matter, the entrusting organ; otherwise the township."),
    )
    first_offence_exemption = models.BooleanField(
        _("first offence may go unpunished (首违不罚)"), default=False
    )
    legal_review_required = models.BooleanField(_("legal review always required"), default=False)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("power-list matter version")
        verbose_name_plural = _("power-list matter versions")
        ordering = ["matter", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "version"], name="power_version_number_unique"),
            models.UniqueConstraint(
                fields=["matter"], condition=Q(status="active"), name="power_version_one_active"
            ),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"


class DiscretionTier(models.TextChoices):
    NONE = "none", _("No penalty (不予处罚)")
    MINOR = "minor", _("Minor (情节轻微)")
    LESSER = "lesser", _("Lesser (较轻)")
    GENERAL = "general", _("General (一般)")
    SERIOUS = "serious", _("Serious (较重)")
    SEVERE = "severe", _("Severe (严重)")


class DiscretionBand(models.Model):
    """One row of a matter version's discretion benchmark (裁量基准): the tier, the conditions it applies
    under, and the fine range (yuan) and other penalties it allows."""

    version = models.ForeignKey(
        PowerMatterVersion, on_delete=models.CASCADE, related_name="bands", verbose_name=_("matter version")
    )
    tier = models.CharField(_("tier"), max_length=10, choices=DiscretionTier.choices)
    conditions = models.TextField(_("conditions of application"))
    fine_min = models.DecimalField(
        _("minimum fine (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    fine_max = models.DecimalField(
        _("maximum fine (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    other_penalties = models.CharField(_("other penalties"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("discretion band")
        verbose_name_plural = _("discretion bands")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "tier"], name="discretion_band_one_per_tier"),
            models.CheckConstraint(
                condition=Q(fine_min__isnull=True)
                | Q(fine_max__isnull=True)
                | Q(fine_min__lte=models.F("fine_max")),
                name="discretion_band_range_ordered",
            ),
        ]

    def __str__(self):
        return self.get_tier_display()
