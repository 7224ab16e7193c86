"""Who sees which catalog rows: admin scoping by township, guessed ids, and the public API's query count."""

import pytest

from services.models import ServiceItem
from tests.factories import DepartmentFactory, TownshipFactory, make_staff
from tests.services.factories import make_item
from township.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_townships():
    mine, other = TownshipFactory(), TownshipFactory()
    make_item(department=DepartmentFactory(township=mine), name="我镇的低保申请")
    theirs = make_item(department=DepartmentFactory(township=other), name="他镇的临时救助")
    return mine, other, theirs


def test_a_township_admin_sees_only_their_townships_items_in_the_admin(client, two_townships):
    mine, _other, _theirs = two_townships
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=mine))
    page = client.get("/admin/services/serviceitem/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "我镇的低保申请" in html and "他镇的临时救助" not in html


def test_guessing_another_townships_item_id_in_the_admin_reveals_nothing(client, two_townships):
    mine, _other, theirs = two_townships
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=mine))
    response = client.get(f"/admin/services/serviceitem/{theirs.pk}/change/", follow=True)
    assert "他镇的临时救助" not in response.content.decode()
    assert ServiceItem.objects.get(pk=theirs.pk).current_version.name == "他镇的临时救助"


def test_a_grid_member_cannot_open_the_catalog_admin(client, two_townships):
    mine, _other, _theirs = two_townships
    client.force_login(make_staff(Role.GRID_MEMBER, township=mine))
    response = client.get("/admin/services/serviceitem/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_public_catalog_api_lists_one_township_with_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    township = TownshipFactory()
    department = DepartmentFactory(township=township)
    for i in range(3):
        make_item(department=department, name=f"事项{i}")
    with django_assert_max_num_queries(8) as few:
        small = client.get("/api/catalog/items/", {"township": township.code})
    for i in range(3, 15):
        make_item(department=department, name=f"事项{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = client.get("/api/catalog/items/", {"township": township.code})
    assert small.status_code == large.status_code == 200
    assert large.json()["count"] == 15
