"""The register's services: one entity per township and code, updates instead of duplicates, validation."""

from decimal import Decimal

import pytest

from tests.entities.factories import credit_code, make_entity, make_grid
from tests.factories import TownshipFactory
from township.entities.errors import EntityError
from township.entities.models import MarketEntity, RiskLevel
from township.entities.services import register_entity, update_entity

pytestmark = pytest.mark.django_db


def test_registering_a_known_code_updates_the_entity_and_blanks_keep_its_data():
    township = TownshipFactory()
    code = credit_code()
    first, created = register_entity(
        township=township,
        credit_code=code,
        values={"name": "青石华联超市有限公司", "legal_representative": "王强"},
    )
    assert created
    # the same code written with full-width characters and lower case is the same entity
    sloppy = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in code)
    again, created = register_entity(
        township=township,
        credit_code=sloppy,
        values={"name": "", "legal_representative": "", "risk_level": RiskLevel.HIGH},
    )
    assert not created and again.pk == first.pk
    again.refresh_from_db()
    assert (again.name, again.legal_representative, again.risk_level) == (
        "青石华联超市有限公司",
        "王强",
        "high",
    )
    assert MarketEntity.objects.count() == 1


def test_the_same_code_in_another_township_is_another_entry():
    code = credit_code()
    register_entity(township=TownshipFactory(), credit_code=code, values={"name": "甲"})
    register_entity(township=TownshipFactory(), credit_code=code, values={"name": "甲"})
    assert MarketEntity.objects.filter(credit_code=code).count() == 2


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91320999ABCDEFGH1", "18 characters"),
        ("91320999ABCDEFGHIO", "cannot contain"),
        ("9132099\u0669ABCDEFGH12", "cannot contain"),
    ],
)
def test_a_bad_credit_code_is_refused_with_its_reason(code, fragment):
    with pytest.raises(EntityError) as refused:
        register_entity(township=TownshipFactory(), credit_code=code, values={"name": "甲"})
    assert fragment in " ".join(refused.value.field_errors["credit_code"])
    assert not MarketEntity.objects.exists()


def test_a_wrong_check_character_is_refused():
    code = credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(EntityError) as refused:
        register_entity(township=TownshipFactory(), credit_code=wrong, values={"name": "甲"})
    assert "check character" in refused.value.field_errors["credit_code"][0]


def test_a_new_entity_needs_a_name_and_nul_bytes_are_refused():
    township = TownshipFactory()
    with pytest.raises(EntityError) as refused:
        register_entity(township=township, credit_code=credit_code(), values={})
    assert "name" in refused.value.field_errors
    with pytest.raises(EntityError) as refused:
        register_entity(township=township, credit_code=credit_code(), values={"name": "甲\x00乙"})
    assert "name" in refused.value.field_errors
    assert not MarketEntity.objects.exists()


def test_grid_of_another_township_and_half_coordinates_are_refused():
    township, other = TownshipFactory(), TownshipFactory()
    entity = make_entity(township)
    with pytest.raises(EntityError) as refused:
        update_entity(entity=entity, values={"grid": make_grid(other)})
    assert "another township" in refused.value.field_errors["grid"][0]
    with pytest.raises(EntityError) as refused:
        update_entity(entity=entity, values={"lng": Decimal("120.5")})
    assert "lng" in refused.value.field_errors
    with pytest.raises(EntityError):
        update_entity(entity=entity, values={"lng": Decimal("200"), "lat": Decimal("31")})
    entity.refresh_from_db()
    assert entity.grid_id is None and entity.lng is None
    grid = make_grid(township)
    update_entity(entity=entity, values={"grid": grid, "lng": Decimal("120.61"), "lat": Decimal("31.3")})
    entity.refresh_from_db()
    assert entity.grid == grid and entity.lat == Decimal("31.3")
