"""Configuration that is law or local rule, not code: hearing thresholds, procedure limits, publication
periods and document-number formats. Defaults are seeded by a data migration; the admin edits them; other
code reads them only through enforcement.power.rules."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.org.models import TownshipScopedQuerySet


class PartyType(models.TextChoices):
    PERSON = "person", _("Citizen (natural person)")
    ORGANISATION = "organisation", _("Legal person or other organisation")


class HearingThreshold(models.Model):
    """What counts as a "large fine" (较大数额罚款, art. 63) for one province, domain and party type.

    An empty province or domain is the fallback for every province or domain; the most specific row
    wins (province + domain, then province, then domain, then the national fallback). Some rules say
    "≥", others ">": `inclusive` says which."""

    province = models.CharField(
        _("province"),
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[1-8][0-9]$", _("Use the two-digit province division code, e.g. 32."))],
        help_text=_("Two-digit division code (32 = Jiangsu); empty for every province."),
    )
    domain = models.CharField(
        _("domain"), max_length=40, blank=True, help_text=_("As on the power list; empty for every domain.")
    )
    party_type = models.CharField(_("party"), max_length=12, choices=PartyType.choices)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    inclusive = models.BooleanField(
        _("the amount itself counts (≥)"), default=True, help_text=_("Off when the rule says “more than”.")
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_confirmed = models.BooleanField(
        _("checked against the rule's text"),
        default=False,
        help_text=_("Off for a default the township has not yet checked against its province's rule."),
    )

    class Meta:
        verbose_name = _("hearing threshold")
        verbose_name_plural = _("hearing thresholds")
        ordering = ["province", "domain", "party_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "domain", "party_type"],
                name="hearing_threshold_unique",
                violation_error_message=_(
                    "There is already a threshold for this province, domain and party."
                ),
            ),
        ]

    def __str__(self):
        sign = "≥" if self.inclusive else ">"
        return f"{self.province or '*'}/{self.domain or '*'}/{self.get_party_type_display()} {sign} {self.amount}"


class RuleSetQuerySet(TownshipScopedQuerySet):
    pass


class EnforcementRuleSet(models.Model):
    """The procedure limits and local rules of one township; the row without a township is the default
    every township without its own row uses. Units follow art. 85: the 2/3/5/7-day limits of the
    Penalty Law are working days, the others calendar days."""

    township = models.OneToOneField(
        "org.Township",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="enforcement_rules",
        verbose_name=_("township"),
        help_text=_("Empty: the default for every township without its own rules."),
    )
    organ_code = models.CharField(
        _("organ code (机关代字)"),
        max_length=12,
        blank=True,
        help_text=_("E.g. 青综执; empty: the township name's first character followed by 综执."),
    )
    clue_check_working_days = models.PositiveSmallIntegerField(
        _("clue check (working days)"), default=15, validators=[MaxValueValidator(90)]
    )
    clue_check_extension_working_days = models.PositiveSmallIntegerField(
        _("clue check extension with approval (working days)"), default=15, validators=[MaxValueValidator(90)]
    )
    decision_calendar_days = models.PositiveSmallIntegerField(
        _("decision after registration (calendar days)"), default=90, validators=[MaxValueValidator(365)]
    )
    head_extension_calendar_days = models.PositiveSmallIntegerField(
        _("extension the head may approve (calendar days)"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_("0: no extension (the Penalty Law itself allows none)."),
    )
    further_extension_needs_collective_discussion = models.BooleanField(
        _("further extension only with a collective-discussion record"), default=True
    )
    further_extension_max_calendar_days = models.PositiveSmallIntegerField(
        _("longest further extension (calendar days)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
        help_text=_("Empty: the collective discussion sets the term case by case."),
    )
    publish_penalty_working_days = models.PositiveSmallIntegerField(
        _("publish a penalty decision (working days)"), default=7, validators=[MaxValueValidator(60)]
    )
    publish_other_working_days = models.PositiveSmallIntegerField(
        _("publish other enforcement decisions (working days)"),
        default=20,
        validators=[MaxValueValidator(60)],
    )
    withdraw_working_days = models.PositiveSmallIntegerField(
        _("withdraw a changed or revoked decision (working days)"),
        default=3,
        validators=[MaxValueValidator(30)],
    )
    summary_fine_person_max = models.DecimalField(
        _("summary procedure: largest fine for a citizen (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("200"),
    )
    summary_fine_organisation_max = models.DecimalField(
        _("summary procedure: largest fine for an organisation (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("3000"),
    )
    legal_review_fine_person = models.DecimalField(
        _("legal review from a fine on a citizen of (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("10000"),
        help_text=_("The township's catalogue of decisions needing review; empty: no amount trigger."),
    )
    legal_review_fine_organisation = models.DecimalField(
        _("legal review from a fine on an organisation of (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("100000"),
    )
    first_offence_lookback_months = models.PositiveSmallIntegerField(
        _("first offence: look back (months)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=_("Earlier violations older than this do not count; empty: any earlier violation counts."),
    )

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("enforcement rules")
        verbose_name_plural = _("enforcement rules")
        constraints = [
            models.UniqueConstraint(
                fields=["township"],
                nulls_distinct=False,
                name="enforcement_rules_one_per_township",
                violation_error_message=_("There is already a rule set for this township (or the default)."),
            ),
        ]

    def __str__(self):
        return str(self.township) if self.township_id else str(_("Default rules"))


class DocumentType(models.TextChoices):
    """The numbered documents of a case, with the type code (文书代字) used by default."""

    REGISTRATION = "registration", _("Registration approval (立案审批表)")
    NON_REGISTRATION = "non_registration", _("Non-registration approval (不予立案审批表)")
    PRESERVATION = "preservation", _("Evidence-preservation notice (先行登记保存证据通知书)")
    SEIZURE = "seizure", _("Sealing or seizure decision (查封扣押决定书)")
    ORDER_TO_CORRECT = "order_to_correct", _("Order to correct (责令改正通知书)")
    ADVANCE_NOTICE = "advance_notice", _("Advance notice of penalty (行政处罚事先告知书)")
    HEARING_NOTICE = "hearing_notice", _("Hearing notice (听证通知书)")
    PENALTY_DECISION = "penalty_decision", _("Penalty decision (行政处罚决定书)")
    NO_PENALTY_DECISION = "no_penalty_decision", _("No-penalty decision (不予行政处罚决定书)")
    ON_THE_SPOT = "on_the_spot", _("On-the-spot decision (当场行政处罚决定书)")
    REMINDER = "reminder", pgettext_lazy("enforcement document", "Reminder (催告书)")
    CLOSING = "closing", _("Closing approval (结案审批表)")


DEFAULT_PATTERN = "{organ}{type}〔{year}〕{seq}号"


class SequenceSource(models.TextChoices):
    OWN = "own", _("Its own sequence (organ, type and year)")
    CASE = "case", _("The case's serial (derived from the case number)")


def validate_pattern(value: str) -> None:
    try:
        value.format(organ="X", type="Y", year=2026, seq=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError(
            _("Use only the tokens {organ}, {type}, {year} and {seq}: %(error)s") % {"error": exc}
        ) from None
    if "{seq" not in value or "{year" not in value:
        raise ValidationError(_("A number needs the {year} and the {seq} tokens."))


class DocumentNumberFormat(models.Model):
    """How one kind of document is numbered (GB/T 9704-2012 §7.2.5 by default: 青综执罚〔2026〕12号, with no
    "第" and no zero padding). The row without a township is the default for every township."""

    township = models.ForeignKey(
        "org.Township",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="document_number_formats",
        verbose_name=_("township"),
        help_text=_("Empty: the default for every township."),
    )
    document_type = models.CharField(_("document"), max_length=24, choices=DocumentType.choices)
    type_code = models.CharField(
        _("type code (文书代字)"),
        max_length=8,
        validators=[RegexValidator(r"^\S+$", _("No spaces in a type code."))],
    )
    pattern = models.CharField(
        _("pattern"),
        max_length=60,
        default=DEFAULT_PATTERN,
        validators=[validate_pattern],
        help_text=_("Tokens {organ} {type} {year} {seq}; legacy style: {organ}{type}字〔{year}〕第{seq}号."),
    )
    sequence_source = models.CharField(
        _("sequence"), max_length=8, choices=SequenceSource.choices, default=SequenceSource.OWN
    )

    objects = TownshipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("document-number format")
        verbose_name_plural = _("document-number formats")
        ordering = ["township", "document_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "document_type"],
                nulls_distinct=False,
                name="document_number_format_unique",
                violation_error_message=_("This document already has a format here."),
            ),
            models.CheckConstraint(
                condition=Q(pattern__contains="{seq") & Q(pattern__contains="{year"),
                name="document_number_format_has_tokens",
            ),
        ]

    def __str__(self):
        return f"{self.get_document_type_display()}: {self.pattern}"
