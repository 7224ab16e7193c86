"""A transactional test flushes every table; the seeded defaults must be back for the tests after it.

Both tests are transactional so that pytest-django keeps them in this order (it moves transactional
tests behind the others); the second one sees the tables as the first one's flush left them."""

import pytest

from command_center.models import RatingScheme
from enforcement.models import HearingThreshold
from enforcement.power import rules
from tests.factories import TownshipFactory


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_empties_the_seeded_tables():
    HearingThreshold.objects.filter(domain="市场监管").delete()
    RatingScheme.objects.all().delete()
    assert not RatingScheme.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_seeded_defaults_are_back_after_it():
    township = TownshipFactory(code="320999101")
    assert rules.hearing_threshold(township, "市场监管", "organisation").amount == 100000
    scheme = RatingScheme.objects.get(township=None, subject="department")
    assert scheme.indicators.count() == 3
