"""Scoping of the inspection and credit admin and API: other townships and departments see nothing,
guessed ids are 404; the registers' Excel import refuses other townships."""

import pytest
import tablib
from django.urls import reverse
from rest_framework.test import APIClient

from enforcement.inspections.resources import MATTER_COLUMNS, InspectionMatterResource
from enforcement.inspections.services import draw_plan
from enforcement.models import InspectionMatter, InspectionTask
from tests.enforcement.inspections.helpers import Bureau
from tests.factories import DepartmentFactory, make_staff
from township.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn():
    bureau = Bureau(entities=(("high", 4), ("general", 6)))
    plan = bureau.plan()
    return bureau, plan, draw_plan(plan=plan, by=bureau.head)


def test_other_townships_and_departments_see_nothing_in_the_api(drawn):
    bureau, plan, draw = drawn
    task = InspectionTask.objects.filter(draw=draw).first()
    api = APIClient()
    api.force_authenticate(bureau.head)
    assert [p["code"] for p in api.get("/api/enforcement/inspections/plans/").json()["results"]] == [
        plan.code
    ]
    assert api.get(f"/api/enforcement/inspections/draws/{draw.pk}/").json()["seed"] == draw.seed
    other_township = Bureau(inspectors=0, entities=()).head
    other_department = make_staff(
        Role.DEPARTMENT_HEAD, department=DepartmentFactory(township=bureau.township)
    )
    for user in (other_township, other_department):
        api.force_authenticate(user)
        for kind, pk in (("plans", plan.pk), ("draws", draw.pk), ("tasks", task.pk)):
            assert api.get(f"/api/enforcement/inspections/{kind}/").json()["results"] == []
            assert api.get(f"/api/enforcement/inspections/{kind}/{pk}/").status_code == 404
            assert api.get(f"/api/enforcement/inspections/{kind}/{pk + 1000}/").status_code == 404


def test_the_admin_lists_are_scoped(client, drawn):
    bureau, plan, draw = drawn
    admin_b = make_staff(Role.TOWNSHIP_ADMIN, township=Bureau(inspectors=0, entities=()).township)
    client.force_login(admin_b)
    for model in ("inspectionplan", "draw", "inspectiontask", "inspectionmatter", "inspector"):
        page = client.get(reverse(f"admin:enforcement_{model}_changelist"))
        assert page.status_code in (200, 403)
        assert (
            plan.code not in page.content.decode() and bureau.inspectors[0].code not in page.content.decode()
        )
    assert client.get(reverse("admin:enforcement_draw_change", args=[draw.pk])).status_code in (302, 403, 404)


def test_the_draw_admin_shows_that_a_draw_verifies(client, drawn):
    bureau, plan, draw = drawn
    client.force_login(bureau.head.__class__.objects.create_superuser("root", password="x"))
    page = client.get(reverse("admin:enforcement_draw_change", args=[draw.pk])).content.decode()
    assert draw.seed in page


def test_the_matter_list_imports_by_code_and_refuses_other_townships(drawn):
    bureau, plan, draw = drawn
    data = tablib.Dataset(headers=list(MATTER_COLUMNS))
    row = [
        bureau.township.code,
        "ZHZF",
        "ZHZF-CC-001",
        "餐饮油烟检查（修订）",
        "《大气污染防治法》",
        "site",
        "餐饮单位",
        "H62",
        "每年",
        "8",
        "entity",
        "1",
    ]
    data.append(row)
    result = InspectionMatterResource(user=bureau.head).import_data(data, dry_run=False)
    assert not result.has_validation_errors()
    assert InspectionMatter.objects.get(code="ZHZF-CC-001").name == "餐饮油烟检查（修订）"
    assert InspectionMatter.objects.count() == 1
    outsider = Bureau(inspectors=0, entities=()).head
    result = InspectionMatterResource(user=outsider).import_data(data, dry_run=False)
    assert result.has_validation_errors()
