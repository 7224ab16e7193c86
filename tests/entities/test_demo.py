"""The demo register: plausible, valid and idempotent."""

import pytest
from django.core.management import call_command

from tests.entities.factories import make_grid
from tests.factories import TownshipFactory
from township.entities.demo import load_demo_entities
from township.entities.models import MarketEntity
from township.identifiers import is_valid_credit_code

pytestmark = pytest.mark.django_db


def test_demo_entities_are_valid_spread_over_grids_and_loaded_once():
    township = TownshipFactory(name="青石镇")
    grids = [make_grid(township, f"00{n}") for n in (1, 2, 3)]
    assert load_demo_entities(township, 300) == 300
    entities = list(MarketEntity.objects.filter(township=township))
    assert all(is_valid_credit_code(e.credit_code) for e in entities)
    assert {e.grid_id for e in entities} == {g.pk for g in grids}
    assert len({e.name for e in entities}) == 300
    assert {e.kind for e in entities} == {"enterprise", "individual", "organisation"}
    assert {e.risk_level for e in entities} == {"low", "general", "high"}
    assert load_demo_entities(township, 300) == 0


def test_the_command_loads_every_township(capsys):
    TownshipFactory()
    TownshipFactory()
    call_command("load_demo_entities", count=50)
    assert MarketEntity.objects.count() == 100
    assert "100 new" in capsys.readouterr().out
