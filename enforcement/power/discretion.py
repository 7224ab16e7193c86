"""Discretion benchmarks (裁量基准) read for the server's discretion gate (reference §10).

Contract (the cases helper's "propose" and "decide" services call these):

    Facts(harm="none", first_offence=False, corrected=False, measure=None, base_amount=None)
        What the investigation established: the harm (Harm: none / minor / general / serious), whether
        it is the party's first violation of this matter, whether it was corrected in time, the
        quantity the version's bands count in (version.measure_label, e.g. area in m²), and the
        illegal gains or goods value for bands expressed as multiples.
    matching_bands(version, facts) -> list[DiscretionBand]
        Every band of the version whose criteria the facts meet, least severe first.
    discretion_band_for(version, facts) -> DiscretionBand | None
        The band the facts call for: the least severe matching band (bands should not overlap; where
        they do, the reading more favourable to the party wins). None when no band matches.
    fine_range(band, *, base_amount=None) -> tuple[Decimal, Decimal]
        The band's fine range in yuan (a multiple band needs base_amount).
    check_fine(version, tier, amount, *, base_amount=None) -> FineCheck
        Whether `amount` yuan falls within the band of `tier` (a DiscretionTier value or a band of
        this version). Never raises for an amount outside the band: FineCheck.within is False and
        FineCheck.message says by how much, in the words of the benchmark. Raises DiscretionError for
        a tier the version has no band for, an amount that is not money, or a missing base amount.
    require_fine_within_band(version, tier, amount, *, base_amount=None, reason="",
                             legal_review_passed=False, collective_discussion=False) -> FineCheck
        The gate: returns the check when the amount is in the band, or when it is outside and all
        three of a written reason, a passed legal review of this proposal and a collective-discussion
        record are given (the FineCheck then has within=False: log the deviation). Otherwise raises
        OutsideDiscretionBand with a message saying what is missing.

The cases app stores the band's id and the amount on the proposal; old cases keep their version.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from enforcement.models import AmountBasis, DiscretionBand, DiscretionTier, Harm
from enforcement.models.power import TIER_ORDER
from enforcement.power.rules import RulesError, money
from township.errors import DomainError


class DiscretionError(DomainError):
    """The discretion question cannot be answered as asked."""


class OutsideDiscretionBand(DomainError):
    """A proposed fine outside the band without the reason, review and discussion it needs."""

    status_code = 409
    default_code = "outside_discretion_band"


@dataclass(frozen=True)
class Facts:
    harm: str = Harm.NONE
    first_offence: bool = False
    corrected: bool = False
    measure: Decimal | None = None
    base_amount: Decimal | None = None

    def __post_init__(self):
        if self.harm not in Harm.values:
            raise DiscretionError(_("“%(value)s” is not a level of harm.") % {"value": self.harm})


@dataclass(frozen=True)
class FineCheck:
    band: DiscretionBand
    amount: Decimal
    low: Decimal
    high: Decimal
    within: bool
    message: str


def _bands(version) -> list[DiscretionBand]:
    bands = list(version.bands.all())  # uses a prefetch when the caller made one
    return sorted(bands, key=lambda b: (TIER_ORDER.get(b.tier, 99), b.position, b.pk or 0))


def _meets(band: DiscretionBand, facts: Facts) -> bool:
    if band.harm_levels and facts.harm not in band.harm_levels:
        return False
    if band.first_offence_only and not facts.first_offence:
        return False
    if band.requires_correction and not facts.corrected:
        return False
    if band.measure_min is not None or band.measure_below is not None:
        if facts.measure is None:
            return False
        measure = Decimal(str(facts.measure))
        if band.measure_min is not None and measure < band.measure_min:
            return False
        if band.measure_below is not None and measure >= band.measure_below:
            return False
    return True


def matching_bands(version, facts: Facts) -> list[DiscretionBand]:
    return [band for band in _bands(version) if _meets(band, facts)]


def discretion_band_for(version, facts: Facts) -> DiscretionBand | None:
    found = matching_bands(version, facts)
    return found[0] if found else None


def fine_range(band: DiscretionBand, *, base_amount=None) -> tuple[Decimal, Decimal]:
    if band.tier == DiscretionTier.NONE:
        return Decimal("0"), Decimal("0")
    if band.amount_basis == AmountBasis.FIXED:
        return band.fine_min or Decimal("0"), band.fine_max if band.fine_max is not None else Decimal("0")
    if base_amount is None:
        raise DiscretionError(
            _("This band is a multiple of the %(basis)s; give that amount.")
            % {
                "basis": _("illegal gains")
                if band.amount_basis == AmountBasis.MULTIPLE_OF_GAINS
                else _("goods value")
            }
        )
    try:
        base = money(base_amount)
    except RulesError as exc:
        raise DiscretionError(exc.message) from None
    low = ((band.multiple_min or Decimal("0")) * base).quantize(Decimal("0.01"))
    high = (band.multiple_max * base).quantize(Decimal("0.01"))
    return low, high


def _band_of(version, tier) -> DiscretionBand:
    if isinstance(tier, DiscretionBand):
        if tier.version_id != version.pk:
            raise DiscretionError(_("The band belongs to another version of the power list."))
        return tier
    for band in _bands(version):
        if band.tier == tier:
            return band
    label = dict(DiscretionTier.choices).get(tier, tier)
    raise DiscretionError(
        _("“%(matter)s” has no “%(tier)s” band in its discretion benchmark.")
        % {"matter": version.name, "tier": label}
    )


def check_fine(version, tier, amount, *, base_amount=None) -> FineCheck:
    band = _band_of(version, tier)
    try:
        fine = money(amount)
    except RulesError as exc:
        raise DiscretionError(exc.message) from None
    low, high = fine_range(band, base_amount=base_amount)
    values = {
        "amount": f"{fine:,.2f}",
        "low": f"{low:,.2f}",
        "high": f"{high:,.2f}",
        "tier": band.get_tier_display(),
    }
    if fine < low:
        message = (
            _(
                "The proposed fine of %(amount)s yuan is below the lower limit of the “%(tier)s” band "
                "(%(low)s–%(high)s yuan)."
            )
            % values
        )
    elif fine > high:
        message = (
            _(
                "The proposed fine of %(amount)s yuan is above the upper limit of the “%(tier)s” band "
                "(%(low)s–%(high)s yuan)."
            )
            % values
        )
    else:
        return FineCheck(band, fine, low, high, True, "")
    return FineCheck(band, fine, low, high, False, message)


def require_fine_within_band(
    version,
    tier,
    amount,
    *,
    base_amount=None,
    reason: str = "",
    legal_review_passed: bool = False,
    collective_discussion: bool = False,
) -> FineCheck:
    check = check_fine(version, tier, amount, base_amount=base_amount)
    if check.within:
        return check
    missing = []
    if not (reason or "").strip():
        missing.append(_("a written reason"))
    if not legal_review_passed:
        missing.append(_("a passed legal review of this proposal"))
    if not collective_discussion:
        missing.append(_("a collective-discussion record"))
    if missing:
        raise OutsideDiscretionBand(
            _("%(check)s A fine outside the band needs %(missing)s.")
            % {"check": check.message, "missing": pgettext("list separator", ", ").join(missing)}
        )
    return check
