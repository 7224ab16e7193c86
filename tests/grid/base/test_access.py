"""A grid member cannot reach another grid's base data: pages, admin, API, guessed ids; personal data is
masked in lists, forms, the API and the admin."""

import json

import pytest
from django.urls import reverse

from grid.care.services import add_to_care_list, import_expenses
from grid.models import Household, Person, VisitTask
from tests.factories import make_staff
from tests.grid.base.helpers import id_number
from township.org.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def people(world):
    mine = Person.objects.create(
        township=world.township,
        grid=world.grids["001"],
        name="张本格",
        id_number=id_number(11),
        phone="13912345678",
    )
    theirs = Person.objects.create(
        township=world.township, grid=world.grids["002"], name="李邻格", id_number=id_number(12)
    )
    far = Person.objects.create(
        township=world.elsewhere, grid=world.far_grids["001"], name="王外镇", id_number=id_number(13)
    )
    return mine, theirs, far


def test_lists_show_my_grid_only_and_mask_id_numbers(client, world, people, django_assert_max_num_queries):
    mine, theirs, far = people
    for n in range(20):
        Person.objects.create(
            township=world.township, grid=world.grids["001"], name=f"人{n}", id_number=id_number(100 + n)
        )
    client.force_login(world.member)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("grid-base-list", args=["persons"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "张本格" in html and "李邻格" not in html and "王外镇" not in html
    assert mine.id_number not in html and mine.masked_id_number in html
    home = client.get(reverse("grid-base-home"))
    assert (
        world.grids["001"].name in home.content.decode()
        and world.grids["002"].name not in home.content.decode()
    )


def test_guessed_ids_are_not_found(client, world, people):
    mine, theirs, far = people
    client.force_login(world.member)
    assert client.get(reverse("grid-base-edit", args=["persons", mine.pk])).status_code == 200
    for other in (theirs, far):
        assert client.get(reverse("grid-base-edit", args=["persons", other.pk])).status_code == 404
        assert (
            client.post(reverse("grid-base-edit", args=["persons", other.pk]), {"name": "x"}).status_code
            == 404
        )
    assert client.get(reverse("grid-base-edit", args=["nonsense", mine.pk])).status_code == 404
    other = Person.objects.get(pk=theirs.pk)
    assert other.name == "李邻格"


def test_the_edit_form_never_sends_the_full_id_number(client, world, people):
    mine = people[0]
    client.force_login(world.member)
    html = client.get(reverse("grid-base-edit", args=["persons", mine.pk])).content.decode()
    assert mine.id_number not in html and mine.masked_id_number in html


def test_a_member_adds_a_person_in_their_grid_but_not_in_another(client, world):
    client.force_login(world.member)
    url = reverse("grid-base-new", args=["persons"])
    data = {
        "grid": world.grids["001"].pk,
        "name": "新人",
        "id_number": id_number(21),
        "residence": "registered",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert Person.objects.get(name="新人").grid == world.grids["001"]
    refused = client.post(url, {**data, "grid": world.grids["002"].pk, "id_number": id_number(22)})
    assert refused.status_code == 200 and not Person.objects.filter(id_number=id_number(22)).exists()
    bad = client.post(url, {**data, "id_number": "320999195001010000", "name": "坏号"})
    assert bad.status_code == 200 and not Person.objects.filter(name="坏号").exists()
    nul = client.post(url, {**data, "id_number": id_number(23), "name": "坏\x00名"})
    assert nul.status_code in (200, 400) and not Person.objects.filter(id_number=id_number(23)).exists()


def test_residents_and_other_roles_are_refused(client, world):
    clerk = make_staff(Role.WINDOW_CLERK, township=world.township)
    client.force_login(clerk)
    assert client.get(reverse("grid-base-home")).status_code == 403
    client.logout()
    assert client.get(reverse("grid-base-home")).status_code == 302


def test_api_lists_my_grid_masked_and_guessed_ids_are_404(
    client, world, people, django_assert_max_num_queries
):
    mine, theirs, far = people
    client.force_login(world.member)
    with django_assert_max_num_queries(10):
        listed = client.get("/api/grid/base/persons/").json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert listed["results"][0]["id_number"] == mine.masked_id_number
    assert listed["results"][0]["phone"] == "139****5678"
    for other in (theirs, far):
        assert client.get(f"/api/grid/base/persons/{other.pk}/").status_code == 404
    assert client.get(f"/api/grid/base/persons/{mine.pk}/").status_code == 200
    assert client.get("/api/grid/base/persons/?grid=٣").json()["count"] == 0
    client.force_login(world.far_member)
    assert [row["id"] for row in client.get("/api/grid/base/persons/").json()["results"]] == [far.pk]


def test_api_locate_and_map(client, world):
    client.force_login(world.member)
    found = client.get("/api/grid/locate/", {"lng": "120.005", "lat": "31.015"}).json()
    assert found == {
        "grid": {
            "id": world.grids["001"].pk,
            "code": world.grids["001"].code,
            "name": world.grids["001"].name,
        },
        "how": "inside",
    }
    assert client.get("/api/grid/locate/", {"lng": "120.5", "lat": "31.5"}).json() == {
        "grid": None,
        "how": "outside",
    }
    for bad in (
        {"lng": "31.0", "lat": "120.0"},
        {"lng": "abc", "lat": "31"},
        {"lng": "nan", "lat": "31"},
        {"lat": "31"},
    ):
        assert client.get("/api/grid/locate/", bad).status_code == 400
    features = client.get("/api/grid/map/").json()["features"]
    assert [f["properties"]["code"] for f in features] == [world.grids["001"].code]


def test_expense_feed_is_for_admins_and_idempotent(client, world):
    grid = world.grids["001"]
    household = Household.objects.create(township=world.township, grid=grid, number="H1", head_name="张")
    Person.objects.create(
        township=world.township, grid=grid, household=household, name="张", id_number=id_number(31)
    )
    add_to_care_list(household=household, categories=["extreme_poverty"], by=world.admin)
    body = {
        "records": [
            {"record_id": "R1", "id_number": id_number(31), "date": "2026-10-01", "amount": "12000.00"}
        ]
    }
    client.force_login(world.member)
    assert client.post("/api/grid/care/expenses/", body, content_type="application/json").status_code == 403
    client.force_login(world.admin)
    first = client.post("/api/grid/care/expenses/", body, content_type="application/json")
    assert first.status_code == 200 and first.json()["warnings"] == 1
    again = client.post("/api/grid/care/expenses/", body, content_type="application/json")
    assert again.json() == {"received": 1, "new": 0, "known": 1, "warnings": 0}
    bad = client.post(
        "/api/grid/care/expenses/",
        {"records": [{"id_number": "1", "date": "x", "amount": "1"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["record"] == 1
    assert (
        client.post("/api/grid/care/expenses/", {"records": "x"}, content_type="application/json").status_code
        == 400
    )
    assert client.post("/api/grid/care/expenses/", "[1", content_type="application/json").status_code == 400
    assert VisitTask.objects.count() == 1


def test_visit_pages_are_scoped(client, world):
    grid = world.grids["001"]
    household = Household.objects.create(township=world.township, grid=grid, number="H1", head_name="张")
    Person.objects.create(
        township=world.township, grid=grid, household=household, name="张", id_number=id_number(31)
    )
    add_to_care_list(household=household, categories=["extreme_poverty"], by=world.admin)
    import_expenses(
        township=world.township,
        records=[{"record_id": "R1", "id_number": id_number(31), "date": "2026-10-01", "amount": "9000"}],
        source="api",
    )
    task = VisitTask.objects.get()
    client.force_login(world.other_member)
    assert client.get(reverse("grid-visit", args=[task.pk])).status_code == 404
    assert "张" not in client.get(reverse("grid-visits")).content.decode().split("<main>")[1]
    client.force_login(world.member)
    assert "9000" in client.get(reverse("grid-visits")).content.decode()
    done = client.post(
        reverse("grid-visit", args=[task.pk]), {"finding": "已出院", "help_needed": "", "referral_note": ""}
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"


def test_patrol_page_start_and_end(client, world):
    client.force_login(world.member)
    assert (
        client.post(reverse("grid-patrol"), {"action": "start", "grid": world.grids["002"].pk}).status_code
        == 200
    )
    assert (
        client.post(reverse("grid-patrol"), {"action": "start", "grid": world.grids["001"].pk}).status_code
        == 302
    )
    ended = client.post(
        reverse("grid-patrol"), {"action": "end", "findings": "路灯坏了", "issues_found": "1"}
    )
    assert ended.status_code == 302
    from grid.models import Patrol

    patrol = Patrol.objects.get()
    assert patrol.grid == world.grids["001"] and patrol.ended_at and patrol.issues_found == 1
    assert client.get(reverse("grid-patrol")).status_code == 200


def test_head_overview(client, world, people, django_assert_max_num_queries):
    client.force_login(world.head)
    with django_assert_max_num_queries(20):
        html = client.get(reverse("grid-overview")).content.decode()
    assert (
        world.grids["001"].name in html
        and world.grids["002"].name in html
        and world.grids["003"].name not in html
    )
    assert "member1" in html or world.member.first_name in html
    client.force_login(world.member)
    assert client.get(reverse("grid-overview")).status_code == 403


def test_admin_is_scoped_and_masked(client, world, people):
    mine, theirs, far = people
    client.force_login(world.admin)
    listing = client.get(reverse("admin:grid_person_changelist")).content.decode()
    assert "张本格" in listing and "李邻格" in listing and "王外镇" not in listing
    assert mine.id_number not in listing
    change = client.get(reverse("admin:grid_person_change", args=[mine.pk]))
    assert change.status_code == 200 and mine.id_number not in change.content.decode()
    assert client.get(reverse("admin:grid_person_change", args=[far.pk])).status_code in (302, 404)
    far_admin = make_staff(Role.TOWNSHIP_ADMIN, township=world.elsewhere)
    client.force_login(far_admin)
    assert "张本格" not in client.get(reverse("admin:grid_person_changelist")).content.decode()
    assert client.get(reverse("admin:grid_person_change", args=[mine.pk])).status_code in (302, 404)
    client.force_login(world.member)  # grid members do not work in the admin
    assert client.get(reverse("admin:grid_person_changelist")).status_code == 302


def test_admin_boundary_import_reports_faults(client, world):
    client.force_login(world.admin)
    url = reverse("admin:grid_grid_import_boundaries")
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"code": "1"}, "geometry": None}],
    }
    response = client.post(url, {"file": SimpleUploadedFile("g.geojson", json.dumps(bad).encode())})
    assert response.status_code == 200 and "Feature 1" in response.content.decode()
    garbage = client.post(url, {"file": SimpleUploadedFile("g.geojson", b"\xff\xfe")})
    assert garbage.status_code == 200


def test_care_list_page(client, world):
    mine = Household.objects.create(
        township=world.township, grid=world.grids["001"], number="H1", head_name="陈"
    )
    other = Household.objects.create(
        township=world.township, grid=world.grids["003"], number="H3", head_name="钱"
    )
    url = reverse("grid-care-list")
    client.force_login(world.member)
    assert client.get(url).status_code == 200
    data = {"household": mine.pk, "categories": ["low_income"], "visit_every_days": "30"}
    assert client.post(url, data).status_code == 403
    client.force_login(world.head)
    assert client.post(url, data).status_code == 302
    assert mine.care.categories == ["low_income"]
    refused = client.post(url, {**data, "household": other.pk})
    assert refused.status_code == 200 and not hasattr(Household.objects.get(pk=other.pk), "care")
    client.force_login(world.member)
    assert "陈" in client.get(url).content.decode()
    client.force_login(world.other_member)
    assert "陈" not in client.get(url).content.decode().split("<main>")[1]
