"""The power list (行政执法事项清单): the matters a township's enforcement bureau may act on, versioned like
service items (a case keeps the version that applied when it was decided), with discretion bands."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.org.models import TownshipOwned, TownshipScopedQuerySet

power_code_validator = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z_.-]{1,39}$", _("Use 2 to 40 letters, digits, dots, hyphens or underscores.")
)


class ImmutableVersion(Exception):
    """Raised when code tries to change a power-list version that is no longer a draft; revise it."""


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
    SUPERSEDED = "superseded", pgettext_lazy("power matter version", "Superseded")
    RECALLED = "recalled", _("Recalled")


class PowerMatterQuerySet(TownshipScopedQuerySet):
    def listed(self):
        """Matters with a version in force: the published list (art. 39)."""
        return self.filter(current_version__isnull=False)


class PowerMatter(TownshipOwned):
    """The stable identity of one matter on a township's list; its content lives in versions."""

    code = models.CharField(_("code"), max_length=40, validators=[power_code_validator])
    current_version = models.ForeignKey(
        "enforcement.PowerMatterVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version in force"),
    )

    objects = PowerMatterQuerySet.as_manager()

    class Meta:
        verbose_name = _("power-list matter")
        verbose_name_plural = _("power list")
        ordering = ["township", "code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="power_matter_code_unique"),
        ]
        indexes = [
            models.Index(
                fields=["township", "code"],
                condition=Q(current_version__isnull=False),
                name="power_matter_listed_idx",
            ),
        ]

    def __str__(self):
        version = self.current_version
        return f"{self.code} {version.name}" if version else self.code

    @property
    def latest(self):
        """The version in force, else the newest one (a draft, or a recalled matter's last version)."""
        if self.current_version_id:
            return self.current_version
        return self.versions.order_by("-version").first()


class PowerMatterVersionQuerySet(TownshipScopedQuerySet):
    township_path = "matter__township"


# The content a version carries; a revision copies exactly these (bands are copied beside them).
CONTENT_FIELDS = (
    "name",
    "kind",
    "domain",
    "violated_provision",
    "penalty_provision",
    "legal_penalty",
    "source_department",
    "channel",
    "channel_reference",
    "entrusting_organ",
    "entrusted_from",
    "entrusted_until",
    "issuing_organ_name",
    "first_offence_exemption",
    "legal_review_required",
    "measure_label",
    "effective_from",
    "effective_until",
)
# What may still change once a version is no longer a draft: its life-cycle stamps.
LIFECYCLE_FIELDS = frozenset({"status", "published_at", "published_by", "retired_at"})


class PowerMatterVersion(models.Model):
    """One edition of a matter. Versions in force, superseded or recalled never change, so a case keeps
    pointing at the exact provisions and bands it was decided under (art. 37)."""

    scope_paths = {"township": "matter__township"}

    matter = models.ForeignKey(
        PowerMatter, on_delete=models.CASCADE, related_name="versions", verbose_name=_("matter")
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=PowerStatus.choices, default=PowerStatus.DRAFT
    )
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    retired_at = models.DateTimeField(_("superseded or recalled"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=PowerKind.choices, default=PowerKind.PENALTY)
    domain = models.CharField(
        _("domain"), max_length=40, help_text=_("E.g. urban management, market supervision, ecology.")
    )
    violated_provision = models.TextField(_("provision violated (违法依据)"))
    penalty_provision = models.TextField(_("penalty provision (处罚依据)"))
    legal_penalty = models.CharField(
        _("penalty the law allows"),
        max_length=300,
        blank=True,
        help_text=_("E.g. a warning, a fine of 500 to 5,000 yuan, confiscation of illegal gains."),
    )
    source_department = models.CharField(_("delegating department"), max_length=80)
    channel = models.CharField(_("channel"), max_length=12, choices=PowerChannel.choices)
    channel_reference = models.CharField(
        _("decision or entrustment letter number"), max_length=80, blank=True
    )
    entrusting_organ = models.CharField(
        _("entrusting organ"),
        max_length=80,
        blank=True,
        help_text=_("For an entrusted matter: the organ that signed the entrustment letter."),
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
    measure_label = models.CharField(
        _("measure the bands count in"),
        max_length=40,
        blank=True,
        help_text=_(
            "E.g. 违法所得（元）, 占道面积（平方米）; empty when the bands do not depend on a quantity."
        ),
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PowerMatterVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("power-list matter version")
        verbose_name_plural = _("power-list matter versions")
        ordering = ["matter", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "version"], name="power_version_number_unique"),
            models.UniqueConstraint(
                fields=["matter"],
                condition=Q(status="active"),
                name="power_version_one_active",
                violation_error_message=_("A matter has at most one version in force."),
            ),
            models.UniqueConstraint(
                fields=["matter"],
                condition=Q(status="draft"),
                name="power_version_one_draft",
                violation_error_message=_("A matter has at most one draft; edit the open draft."),
            ),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    @property
    def is_draft(self) -> bool:
        return self.status == PowerStatus.DRAFT

    @property
    def township(self):
        return self.matter.township

    def clean(self):
        errors = {}
        if self.channel == PowerChannel.ENTRUSTED:
            if not self.channel_reference.strip():
                errors["channel_reference"] = _("Give the number of the entrustment letter.")
            if not self.entrusting_organ.strip():
                errors["entrusting_organ"] = _("Name the entrusting organ.")
            if self.entrusted_until is None:
                errors["entrusted_until"] = _("An entrustment has a term; give its last day.")
            if (
                self.entrusting_organ.strip()
                and self.issuing_organ_name.strip() != self.entrusting_organ.strip()
            ):
                errors["issuing_organ_name"] = _(
                    "An entrusted matter's documents go out under the entrusting organ's name (art. 20)."
                )
        elif self.channel == PowerChannel.HANDED_DOWN and not self.channel_reference.strip():
            errors["channel_reference"] = _("Give the number of the province's hand-down decision (art. 24).")
        if self.entrusted_from and self.entrusted_until and self.entrusted_from > self.entrusted_until:
            errors["entrusted_until"] = _("The entrustment cannot end before it starts.")
        if self.effective_from and self.effective_until and self.effective_from > self.effective_until:
            errors["effective_until"] = _("A version cannot end before it takes effect.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):  # noqa: DJ012 - kept beside clean(), which states the same rules
        update_fields = kwargs.get("update_fields")
        if (
            self.pk
            and not self._state.adding
            and (update_fields is None or set(update_fields) - LIFECYCLE_FIELDS)
        ):
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored not in (None, PowerStatus.DRAFT):
                raise ImmutableVersion(f"power version {self.pk} is {stored}; revise the matter instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status != PowerStatus.DRAFT:
            raise ImmutableVersion(f"power version {self.pk} is {self.status}; only a draft may be deleted")
        return super().delete(*args, **kwargs)


class DiscretionTier(models.TextChoices):
    NONE = "none", _("No penalty (不予处罚)")
    MINOR = "minor", _("Minor (情节轻微)")
    LESSER = "lesser", _("Lesser (较轻)")
    GENERAL = "general", _("General (一般)")
    SERIOUS = "serious", _("Serious (较重)")
    SEVERE = "severe", _("Severe (严重)")


# Least to most severe: the order bands are listed in and the order "lenient first" means.
TIER_ORDER = {tier: index for index, tier in enumerate(DiscretionTier.values)}


class AmountBasis(models.TextChoices):
    FIXED = "fixed", _("Fixed amount (yuan)")
    MULTIPLE_OF_GAINS = "gains", _("Multiple of the illegal gains")
    MULTIPLE_OF_VALUE = "value", _("Multiple of the value of the goods")


class Harm(models.TextChoices):
    """How much harm the facts show; a band lists the levels it applies to."""

    NONE = "none", _("No harmful consequences")
    MINOR = "minor", _("Minor harm")
    GENERAL = "general", pgettext_lazy("harm", "General harm")
    SERIOUS = "serious", _("Serious harm")


class DiscretionBandQuerySet(TownshipScopedQuerySet):
    township_path = "version__matter__township"


class DiscretionBand(models.Model):
    """One row of a matter version's discretion benchmark (裁量基准): the tier, the conditions it applies
    under (in words for people and as criteria the server checks), and the fine range and other
    penalties it allows. The range is in yuan, or a multiple of the illegal gains or goods value."""

    scope_paths = {"township": "version__matter__township"}

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
    amount_basis = models.CharField(
        _("amount basis"), max_length=8, choices=AmountBasis.choices, default=AmountBasis.FIXED
    )
    multiple_min = models.DecimalField(
        _("minimum multiple"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    multiple_max = models.DecimalField(
        _("maximum multiple"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    other_penalties = models.CharField(_("other penalties"), max_length=200, blank=True)
    # criteria the server matches against a case's facts (enforcement.power.discretion)
    harm_levels = ArrayField(
        models.CharField(max_length=8, choices=Harm.choices),
        verbose_name=_("harm levels it applies to"),
        default=list,
        blank=True,
        help_text=_("Empty: any."),
    )
    first_offence_only = models.BooleanField(_("first offence only"), default=False)
    requires_correction = models.BooleanField(_("only if corrected in time"), default=False)
    measure_min = models.DecimalField(
        _("measure from (inclusive)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    measure_below = models.DecimalField(
        _("measure below (exclusive)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = DiscretionBandQuerySet.as_manager()

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
            models.CheckConstraint(
                condition=Q(multiple_min__isnull=True)
                | Q(multiple_max__isnull=True)
                | Q(multiple_min__lte=models.F("multiple_max")),
                name="discretion_band_multiples_ordered",
            ),
            models.CheckConstraint(
                condition=Q(amount_basis="fixed") | Q(multiple_max__isnull=False),
                name="discretion_band_multiple_has_maximum",
            ),
            models.CheckConstraint(
                condition=Q(fine_min__isnull=True) | Q(fine_min__gte=0),
                name="discretion_band_fine_not_negative",
            ),
        ]

    def __str__(self):
        return self.get_tier_display()

    def clean(self):
        errors = {}
        if self.amount_basis == AmountBasis.FIXED and (self.multiple_min or self.multiple_max):
            errors["amount_basis"] = _("Multiples need the gains or goods value as the amount basis.")
        if self.amount_basis != AmountBasis.FIXED and self.multiple_max is None:
            errors["multiple_max"] = _("Give the maximum multiple.")
        if (
            self.measure_min is not None
            and self.measure_below is not None
            and self.measure_min >= self.measure_below
        ):
            errors["measure_below"] = _("The measure range is empty.")
        if len(set(self.harm_levels or [])) != len(self.harm_levels or []):
            errors["harm_levels"] = _("Each harm level once, please.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):  # noqa: DJ012 - kept beside clean(), which states the same rules
        self._refuse_unless_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_unless_draft()
        return super().delete(*args, **kwargs)

    def _refuse_unless_draft(self):
        # A published version's bands are fixed. (Rows that were never published through the services,
        # e.g. another app's test fixtures, may still get bands added.)
        found = PowerMatterVersion.objects.filter(pk=self.version_id).values("status", "published_at").first()
        if found is None or found["status"] == PowerStatus.DRAFT:
            return
        if self.pk is not None or found["published_at"] is not None:
            raise ImmutableVersion(f"the bands of power version {self.version_id} are {found['status']}")
