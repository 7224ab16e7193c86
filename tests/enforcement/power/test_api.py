"""The power list's read-only API: the caller's township only (a guessed id of another township's matter
is not found), enforcement staff and administrators only, the list's filters, a fixed number of queries,
and no way to change a matter through it."""

import pytest
from django.test import Client

from tests.factories import DepartmentFactory, TownshipFactory, make_staff
from township.org.roles import Role

from .factories import make_matter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
LIST = "/api/enforcement/powers/"


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def two_townships(db):
    here = TownshipFactory(name="青石镇")
    there = TownshipFactory(name="远山镇", county=here.county)
    mine = make_matter(township=here, code="ZF-CG-001")
    make_matter(township=here, code="ZF-SC-002", name="销售过期食品", domain="市场监管")
    make_matter(township=here, code="ZF-CG-003", publish=False)  # a draft is not listed
    theirs = make_matter(township=there, code="ZF-CG-001")
    officer = make_staff(Role.ENFORCEMENT_OFFICER, department=DepartmentFactory(township=here))
    return here, there, mine, theirs, officer


def test_an_officer_reads_the_power_list_in_force_of_their_township(two_townships):
    here, _there, mine, theirs, officer = two_townships
    body = client_for(officer).get(LIST).json()
    assert sorted(m["code"] for m in body["results"]) == ["ZF-CG-001", "ZF-SC-002"]
    assert {m["township"] for m in body["results"]} == {here.name}
    detail = client_for(officer).get(f"{LIST}{mine.pk}/").json()
    assert detail["penalty_provision"] == "《城市道路管理条例》第四十二条"
    assert [band["tier"] for band in detail["bands"]] == ["none", "lesser", "general", "severe"]
    assert detail["channel"] == "handed_down" and detail["version"] == 1


def test_another_townships_matter_and_guessed_ids_are_not_found(two_townships):
    _here, _there, _mine, theirs, officer = two_townships
    client = client_for(officer)
    for guessed in (theirs.pk, theirs.pk + 1000, "0", "abc", "9" * 30):
        assert client.get(f"{LIST}{guessed}/").status_code == 404


def test_only_enforcement_staff_and_administrators_read_it(two_townships):
    here, _there, _mine, _theirs, _officer = two_townships
    assert Client().get(LIST).status_code in (401, 403)
    clerk = make_staff(Role.WINDOW_CLERK, township=here)
    assert client_for(clerk).get(LIST).json()["results"] == []
    county = make_staff(Role.COUNTY_ADMIN, township=here)
    assert len(client_for(county).get(LIST).json()["results"]) == 3  # the county sees both townships


def test_the_filters_are_the_public_lists(two_townships):
    *_rest, officer = two_townships
    client = client_for(officer)
    assert [m["code"] for m in client.get(LIST, {"domain": "市场监管"}).json()["results"]] == ["ZF-SC-002"]
    assert [m["code"] for m in client.get(LIST, {"q": "过期食品"}).json()["results"]] == ["ZF-SC-002"]
    assert client.get(LIST, {"q": "x\x00"}).status_code == 400  # refused at the edge, never a 500


def test_the_api_cannot_change_a_matter(two_townships):
    _here, _there, mine, _theirs, officer = two_townships
    client = client_for(officer)
    assert client.post(LIST, {"code": "ZF-X-1"}).status_code == 405
    assert client.patch(f"{LIST}{mine.pk}/", {}, content_type="application/json").status_code == 405
    assert client.delete(f"{LIST}{mine.pk}/").status_code == 405


def test_the_list_makes_a_fixed_number_of_queries(two_townships, django_assert_max_num_queries):
    here, *_rest, officer = two_townships
    for n in range(20):
        make_matter(township=here, code=f"ZF-CG-1{n:02d}")
    client = client_for(officer)
    client.get(LIST)
    with django_assert_max_num_queries(10):
        assert len(client.get(LIST).json()["results"]) == 22


def test_the_schema_lists_the_power_list(two_townships):
    *_rest, officer = two_townships
    admin = make_staff(Role.TOWNSHIP_ADMIN, township=officer.staff_profile.township)
    schema = client_for(admin).get("/api/schema/").content.decode()
    assert "/api/enforcement/powers/" in schema and "/api/enforcement/cases/{id}/pass-to-squad/" in schema
