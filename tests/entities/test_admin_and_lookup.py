"""The register in the admin (scoped, searchable) and the workbench's enterprise lookup."""

import pytest
from django.urls import reverse

from tests.entities.factories import make_entity
from tests.factories import DepartmentFactory, TownshipFactory, make_resident, make_staff
from tests.services.intake_helpers import clerk_at_window
from township.entities.models import MarketEntity
from township.org.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def township_a():
    return TownshipFactory()


def test_admin_list_is_scoped_searchable_and_does_not_grow_in_queries(
    client, township_a, django_assert_max_num_queries
):
    for _ in range(20):
        make_entity(township_a)
    mine = make_entity(township_a, name="青石湖畔饭店有限公司")
    theirs = make_entity(TownshipFactory(), name="白沙湖畔饭店有限公司")
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=township_a))
    url = reverse("admin:entities_marketentity_changelist")
    with django_assert_max_num_queries(14):
        page = client.get(url).content.decode()
    assert mine.name in page and theirs.name not in page
    found = client.get(url, {"q": "湖畔"}).content.decode()
    assert mine.name in found and theirs.name not in found
    assert client.get(reverse("admin:entities_marketentity_change", args=[theirs.pk])).status_code == 302
    other_department = make_staff(
        Role.DEPARTMENT_HEAD, department=DepartmentFactory(township=TownshipFactory())
    )
    client.force_login(other_department)
    assert mine.name not in client.get(url).content.decode()


def test_admin_change_validates_and_keeps_the_code(client, township_a):
    entity = make_entity(township_a)
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=township_a))
    url = reverse("admin:entities_marketentity_change", args=[entity.pk])
    data = {
        "name": "改名有限公司",
        "kind": "enterprise",
        "licence_status": "active",
        "risk_level": "high",
        "lng": "120.5",
        "lat": "",
    }
    page = client.post(url, data)
    assert page.status_code == 200 and "both longitude and latitude" in page.content.decode()
    response = client.post(url, {**data, "lat": "31.2", "credit_code": "changed"})
    assert response.status_code == 302
    entity.refresh_from_db()
    assert entity.name == "改名有限公司" and entity.risk_level == "high" and entity.credit_code != "changed"


def test_workbench_lookup_by_code_or_name_in_the_clerks_township_only(client, township_a):
    clerk = clerk_at_window(township_a)[0]
    mine = make_entity(township_a, name="青石华联超市有限公司", legal_representative="王强")
    theirs = make_entity(TownshipFactory(), name="白沙华联超市有限公司")
    client.force_login(clerk)
    url = reverse("entities-lookup")
    by_code = client.get(url, {"credit_code": mine.credit_code.lower()}).content.decode()
    assert f'data-code="{mine.credit_code}"' in by_code and 'data-representative="王强"' in by_code
    by_name = client.get(url, {"enterprise_name": "华联"}).content.decode()
    assert mine.name in by_name and theirs.name not in by_name
    assert theirs.name not in client.get(url, {"credit_code": theirs.credit_code}).content.decode()
    assert "Not in the market-entity register" in client.get(url, {"q": "不存在的公司"}).content.decode()
    workbench = client.get(reverse("services-workbench")).content.decode()
    assert url in workbench and 'id="known-entity"' in workbench


def test_workbench_lookup_is_for_staff_only(client, township_a):
    make_entity(township_a)
    client.force_login(make_resident(township=township_a))
    assert client.get(reverse("entities-lookup"), {"q": "测试"}).status_code == 403
    client.logout()
    assert client.get(reverse("entities-lookup"), {"q": "测试"}).status_code == 302
    assert MarketEntity.objects.count() == 1


def test_the_admin_offers_import_and_export_to_the_registers_keepers(client, township_a):
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=township_a))
    assert client.get(reverse("admin:entities_marketentity_import")).status_code == 200
    assert client.get(reverse("admin:entities_marketentity_export")).status_code == 200
    client.force_login(make_staff(Role.COMMAND_CENTRE, township=township_a))
    assert client.get(reverse("admin:entities_marketentity_import")).status_code == 403
