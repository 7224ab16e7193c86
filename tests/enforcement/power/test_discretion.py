"""The discretion selectors the cases' gate calls: which band the facts meet, whether a fine is in it."""

from decimal import Decimal

import pytest

from enforcement.power import discretion
from enforcement.power.discretion import Facts
from tests.enforcement.power.factories import make_matter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def version():
    return make_matter().current_version


def test_a_corrected_first_offence_without_harm_meets_the_no_penalty_band(version):
    band = discretion.discretion_band_for(
        version, Facts(harm="none", first_offence=True, corrected=True, measure=2)
    )
    assert band.tier == "none"


def test_a_repeat_offence_of_the_same_facts_meets_the_lesser_band(version):
    band = discretion.discretion_band_for(version, Facts(harm="none", first_offence=False, measure=2))
    assert band.tier == "lesser"


@pytest.mark.parametrize(
    ("measure", "tier"), [(Decimal("4.99"), "lesser"), (5, "general"), (19, "general"), (20, "severe")]
)
def test_the_measure_bounds_are_inclusive_below_and_exclusive_above(version, measure, tier):
    band = discretion.discretion_band_for(version, Facts(harm="minor", measure=measure))
    assert band.tier == tier


def test_facts_no_band_meets_give_none(version):
    assert discretion.discretion_band_for(version, Facts(harm="serious")) is None


def test_an_unknown_harm_level_is_refused():
    with pytest.raises(discretion.DiscretionError):
        Facts(harm="catastrophic")


def test_a_fine_within_the_band_passes_and_one_outside_says_by_how_much(version):
    assert discretion.check_fine(version, "general", 8000).within
    assert discretion.check_fine(version, "general", "4000.00").within
    low = discretion.check_fine(version, "general", 3000)
    assert not low.within and "below the lower limit" in low.message and "4,000.00" in low.message
    high = discretion.check_fine(version, "general", 12001)
    assert not high.within and "above the upper limit" in high.message


def test_the_no_penalty_band_allows_only_zero(version):
    assert discretion.check_fine(version, "none", 0).within
    assert not discretion.check_fine(version, "none", 1).within


def test_a_tier_the_matter_has_no_band_for_is_refused(version):
    with pytest.raises(discretion.DiscretionError, match="no “Serious"):
        discretion.check_fine(version, "serious", 100)


def test_a_band_of_another_version_is_refused(version):
    other = make_matter(township=version.matter.township, code="ZF-CG-002").current_version
    with pytest.raises(discretion.DiscretionError):
        discretion.check_fine(version, other.bands.first(), 0)


@pytest.mark.parametrize("bad", ["x", "-5", "1.005", "inf"])
def test_an_amount_that_is_not_money_is_refused(version, bad):
    with pytest.raises(discretion.DiscretionError):
        discretion.check_fine(version, "general", bad)


def test_outside_the_band_the_gate_asks_for_reason_review_and_discussion(version):
    with pytest.raises(discretion.OutsideDiscretionBand) as refused:
        discretion.require_fine_within_band(version, "general", 15000, reason="情节特别严重")
    message = refused.value.message
    assert (
        "legal review" in message and "collective-discussion" in message and "written reason" not in message
    )
    check = discretion.require_fine_within_band(
        version, "general", 15000, reason="情节特别严重", legal_review_passed=True, collective_discussion=True
    )
    assert not check.within and check.band.tier == "general"


def test_multiple_bands_count_from_the_illegal_gains():
    bands = [
        {"tier": "lesser", "conditions": "轻", "amount_basis": "gains", "multiple_min": 1, "multiple_max": 2},
        {
            "tier": "general",
            "conditions": "一般",
            "amount_basis": "gains",
            "multiple_min": 2,
            "multiple_max": 3,
        },
        {"tier": "severe", "conditions": "重", "amount_basis": "gains", "multiple_min": 3, "multiple_max": 5},
    ]
    version = make_matter(code="SC-001", bands=bands, measure_label="").current_version
    assert discretion.check_fine(version, "general", 25000, base_amount=10000).within
    assert not discretion.check_fine(version, "general", 35000, base_amount=10000).within
    with pytest.raises(discretion.DiscretionError, match="illegal gains"):
        discretion.check_fine(version, "general", 25000)
