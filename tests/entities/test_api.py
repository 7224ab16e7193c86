"""The register's API: scoped reads, lookups, registration merged by code, and denial."""

import pytest
from rest_framework.test import APIClient

from tests.entities.factories import credit_code, make_entity
from tests.factories import DepartmentFactory, TownshipFactory, make_resident, make_staff
from township.entities.models import MarketEntity
from township.org.roles import Role

pytestmark = pytest.mark.django_db
LIST = "/api/entities/"


@pytest.fixture
def api():
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def township_a():
    return TownshipFactory()


@pytest.fixture
def entity_a(township_a):
    return make_entity(township_a, name="青石华联超市有限公司", phone="13912345678")


def test_staff_read_their_townships_entities_with_the_phone_masked(api, township_a, entity_a):
    make_entity(TownshipFactory(), name="别镇企业")
    api.force_authenticate(make_staff(Role.WINDOW_CLERK, township=township_a))
    body = api.get(LIST).json()
    assert [e["name"] for e in body["results"]] == ["青石华联超市有限公司"]
    assert body["results"][0]["phone"] == "139****5678"
    found = api.get(f"{LIST}lookup/", {"q": entity_a.credit_code.lower()}).json()
    assert [e["id"] for e in found] == [entity_a.pk]
    assert [e["id"] for e in api.get(f"{LIST}lookup/", {"q": "华联"}).json()] == [entity_a.pk]


def test_other_township_residents_and_the_anonymous_get_nothing(api, township_a, entity_a):
    other = make_staff(Role.ENFORCEMENT_OFFICER, department=DepartmentFactory(township=TownshipFactory()))
    api.force_authenticate(other)
    assert api.get(LIST).json()["results"] == []
    for guess in (entity_a.pk, entity_a.pk + 1, 0):
        assert api.get(f"{LIST}{guess}/").status_code == 404
        assert api.patch(f"{LIST}{guess}/", {"name": "改"}, format="json").status_code == 404
    assert api.get(f"{LIST}lookup/", {"q": entity_a.credit_code}).json() == []
    assert api.get(f"{LIST}abc/").status_code == 404
    assert api.get(f"{LIST}99999999999999999999/").status_code == 404
    api.force_authenticate(make_resident(township=township_a))
    assert api.get(LIST).status_code == 403
    api.force_authenticate(None)
    assert api.get(LIST).status_code == 403
    entity_a.refresh_from_db()
    assert entity_a.name == "青石华联超市有限公司"


def test_registering_through_the_api_merges_by_code(api, township_a, entity_a):
    officer = make_staff(Role.ENFORCEMENT_OFFICER, department=DepartmentFactory(township=township_a))
    api.force_authenticate(officer)
    response = api.post(
        LIST,
        {"township": township_a.code, "credit_code": entity_a.credit_code, "risk_level": "high", "name": ""},
        format="json",
    )
    assert response.status_code == 200 and response.json()["id"] == entity_a.pk
    assert response.json()["name"] == "青石华联超市有限公司" and response.json()["risk_level"] == "high"
    code = credit_code()
    created = api.post(
        LIST, {"township": township_a.code, "credit_code": code, "name": "新企业"}, format="json"
    )
    assert created.status_code == 201
    assert MarketEntity.objects.count() == 2


def test_bad_input_is_a_clear_400(api, township_a):
    api.force_authenticate(make_staff(Role.TOWNSHIP_ADMIN, township=township_a))
    bad = api.post(LIST, {"township": township_a.code, "credit_code": "123", "name": "甲"}, format="json")
    assert bad.status_code == 400 and "18 characters" in str(bad.json())
    other = api.post(
        LIST, {"township": TownshipFactory().code, "credit_code": credit_code(), "name": "甲"}, format="json"
    )
    assert other.status_code == 400 and "township" in other.json()["errors"]
    nul = api.post(
        LIST, {"township": township_a.code, "credit_code": credit_code(), "name": "a\x00"}, format="json"
    )
    assert nul.status_code == 400
    assert api.get(LIST, {"risk_level": "extreme"}).status_code == 400
    assert not MarketEntity.objects.exists()


def test_readers_cannot_write(api, township_a, entity_a):
    api.force_authenticate(make_staff(Role.WINDOW_CLERK, township=township_a))
    assert api.patch(f"{LIST}{entity_a.pk}/", {"name": "改"}, format="json").status_code == 403
    assert (
        api.post(LIST, {"township": township_a.code, "credit_code": credit_code()}, format="json").status_code
        == 403
    )


def test_the_list_query_count_does_not_grow(api, township_a, django_assert_max_num_queries):
    for _ in range(30):
        make_entity(township_a)
    api.force_authenticate(make_staff(Role.COMMAND_CENTRE, township=township_a))
    with django_assert_max_num_queries(8):
        assert len(api.get(LIST).json()["results"]) == 30


def test_the_schema_lists_the_register(api, township_a):
    api.force_authenticate(make_staff(Role.TOWNSHIP_ADMIN, township=township_a))
    schema = api.get("/api/schema/").content.decode()
    assert "/api/entities/lookup/" in schema
