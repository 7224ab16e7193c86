"""Excel/CSV import and export of the register: per-row errors, all or nothing, merged by credit code."""

import pytest
import tablib
from django.utils import translation

from tests.entities.factories import credit_code, make_entity, make_grid
from tests.factories import TownshipFactory, make_staff
from township.entities.models import MarketEntity
from township.entities.resources import COLUMNS, MarketEntityResource
from township.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def township():
    return TownshipFactory(code="320999901", short_code="QSX")


def row(township, **values):
    data = {
        "township": township.code,
        "credit_code": credit_code(),
        "name": "青石华联超市有限公司",
        "kind": "企业",
        "legal_representative": "王强",
        "phone": "13900000001",
        "address": "青石镇人民路1号",
        "industry_code": "F5212",
        "industry": "超市零售",
        "licence_status": "存续",
        "risk_level": "一般风险",
        "registered_on": "2019年3月1日",
        "grid": "",
        "lng": "120.62",
        "lat": "31.32",
    }
    data.update(values)
    return data


def dataset(rows, headers=COLUMNS):
    data = tablib.Dataset(headers=list(headers))
    for entry in rows:
        data.append([entry.get(h, "") for h in headers])
    return data


def run_import(rows, user=None, headers=COLUMNS):
    return MarketEntityResource(user=user).import_data(dataset(rows, headers), dry_run=False)


def row_errors(result) -> dict[int, dict]:
    return {r.number: dict(r.error_dict) for r in result.invalid_rows}


def test_import_registers_entities_and_reads_chinese_terms(township):
    grid = make_grid(township)
    result = run_import([row(township, grid=grid.code), row(township, kind="个体工商户", name="李记面馆")])
    assert not result.has_validation_errors() and not result.has_errors()
    first, second = MarketEntity.objects.order_by("name")
    assert {first.kind, second.kind} == {"enterprise", "individual"}
    assert MarketEntity.objects.get(grid=grid).registered_on.isoformat() == "2019-03-01"


def test_a_re_import_updates_by_code_and_never_duplicates(township):
    code = credit_code()
    make_entity(township, credit_code=code, name="旧名称", legal_representative="旧法人", phone="13800000000")
    # lower case and full-width spacing: still the same entity; a blank cell keeps the register's value
    result = run_import([row(township, credit_code=f" {code.lower()} ", name="新名称", phone="")])
    assert not result.has_validation_errors()
    entity = MarketEntity.objects.get()
    assert (entity.name, entity.legal_representative, entity.phone) == ("新名称", "王强", "13800000000")


def test_two_rows_with_one_code_merge_into_one_entity(township):
    code = credit_code()
    result = run_import(
        [row(township, credit_code=code), row(township, credit_code=code, risk_level="高风险", name="")]
    )
    assert not result.has_validation_errors()
    entity = MarketEntity.objects.get()
    assert (entity.name, entity.risk_level) == ("青石华联超市有限公司", "high")


def test_each_bad_row_is_reported_and_nothing_is_written(township):
    result = run_import(
        [
            row(township),
            row(township, credit_code="91320999ABCDEFGHIO"),
            row(township, kind="公司集团", registered_on="2019-02-30"),
            row(township, lng="120.6", lat="", grid="320999901201999"),
            {**row(township), "township": "999999999"},
            row(township, name="有\x00空字符"),
        ]
    )
    errors = row_errors(result)
    assert set(errors) == {2, 3, 4, 5, 6}
    assert "cannot contain" in " ".join(errors[2]["credit_code"])
    assert "is not one of" in errors[3]["kind"][0] and "not a date" in errors[3]["registered_on"][0]
    assert "No grid" in errors[4]["grid"][0]
    assert "Unknown township" in errors[5]["township"][0]
    assert "Null characters" in errors[6]["name"][0]
    assert not MarketEntity.objects.exists()


def test_half_coordinates_are_a_row_error(township):
    result = run_import([row(township, lat="")])
    assert "both longitude and latitude" in row_errors(result)[1]["lng"][0]


def test_a_user_imports_only_into_the_townships_in_their_scope(township):
    admin_b = make_staff(Role.TOWNSHIP_ADMIN, township=TownshipFactory())
    result = run_import([row(township)], user=admin_b)
    assert "Unknown township" in row_errors(result)[1]["township"][0]
    assert not MarketEntity.objects.exists()


def test_export_then_re_import_changes_nothing(township):
    grid = make_grid(township)
    make_entity(township, grid=grid, industry_code="H6210", industry="正餐服务", phone="13900000002")
    admin_a = make_staff(Role.TOWNSHIP_ADMIN, township=township)
    make_entity(TownshipFactory(), name="别镇企业")  # not in admin A's scope: not exported
    exported = MarketEntityResource(user=admin_a).export()
    assert len(exported) == 1 and exported.dict[0]["grid"] == grid.code
    before = MarketEntity.objects.get(township=township).updated_at
    result = MarketEntityResource(user=admin_a).import_data(exported, dry_run=False)
    assert not result.has_validation_errors() and result.totals["skip"] == 1
    assert MarketEntity.objects.get(township=township).updated_at == before
    assert MarketEntity.objects.count() == 2
