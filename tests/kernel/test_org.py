"""Organisation: roles as groups, township scoping, demo data."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from tests.factories import DepartmentFactory, TownshipFactory, WindowFactory, make_resident, make_staff
from township.org.models import County, Department, ResidentAccount, ServiceWindow, StaffProfile, Township
from township.org.roles import Role

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_with_its_permissions():
    names = set(Group.objects.values_list("name", flat=True))
    assert {str(role) for role in Role} <= names
    admin_perms = set(Group.objects.get(name="township_admin").permissions.values_list("codename", flat=True))
    assert {"change_department", "add_servicewindow"} <= admin_perms
    assert (
        not Group.objects.get(name="window_clerk").permissions.filter(codename="change_department").exists()
    )


def test_staff_see_only_their_own_townships_rows():
    mine, other = TownshipFactory(), TownshipFactory()
    DepartmentFactory.create_batch(2, township=mine)
    DepartmentFactory.create_batch(3, township=other)
    clerk = make_staff(Role.WINDOW_CLERK, township=mine)
    visible = Department.objects.visible_to(clerk)
    assert visible.count() == 2
    assert set(visible.values_list("township", flat=True)) == {mine.pk}
    assert list(Township.objects.visible_to(clerk)) == [mine]


def test_county_admin_sees_every_township_of_their_county_only():
    a = TownshipFactory()
    b = TownshipFactory(county=a.county)
    elsewhere = TownshipFactory()
    for township in (a, b, elsewhere):
        WindowFactory(township=township)
    county_admin = make_staff(Role.COUNTY_ADMIN, township=a)
    assert set(ServiceWindow.objects.visible_to(county_admin).values_list("township", flat=True)) == {
        a.pk,
        b.pk,
    }
    assert set(Township.objects.visible_to(county_admin)) == {a, b}


def test_people_without_a_staff_profile_see_nothing():
    DepartmentFactory()
    resident = make_resident()
    assert not Department.objects.visible_to(resident).exists()


def test_inactive_staff_see_nothing():
    township = TownshipFactory()
    DepartmentFactory(township=township)
    clerk = make_staff(Role.WINDOW_CLERK, township=township)
    StaffProfile.objects.filter(user=clerk).update(is_active=False)
    clerk.refresh_from_db()
    assert not Department.objects.visible_to(clerk).exists()


def test_department_codes_are_unique_within_a_township_but_may_repeat_across():
    a, b = TownshipFactory(), TownshipFactory()
    DepartmentFactory(township=a, code="SCJG")
    DepartmentFactory(township=b, code="SCJG")
    with transaction.atomic(), pytest.raises(IntegrityError):
        DepartmentFactory(township=a, code="SCJG")


def test_resident_identity_number_is_validated_and_shown_masked():
    resident = make_resident(id_number="11010519491231002X")
    account = ResidentAccount.objects.get(user=resident)
    assert account.masked_id_number == "1101**********002X"
    assert account.masked_phone == "138****0099"
    account.id_number = "11010519491231002Y"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        account.full_clean()


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (
        County.objects.count(),
        Township.objects.count(),
        Department.objects.count(),
        ServiceWindow.objects.count(),
        StaffProfile.objects.count(),
    )
    assert counts == (1, 2, 16, 24, 11)
    call_command("seed_demo")
    assert counts == (
        County.objects.count(),
        Township.objects.count(),
        Department.objects.count(),
        ServiceWindow.objects.count(),
        StaffProfile.objects.count(),
    )
    roles = {
        p.user.username: set(p.user.groups.values_list("name", flat=True)) for p in StaffProfile.objects.all()
    }
    assert roles["clerk"] == {"window_clerk"} and roles["county"] == {"county_admin"}
    assert ResidentAccount.objects.get(user__username="resident").id_number


def test_seed_demo_is_refused_in_production_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Township.objects.exists()
    call_command("seed_demo", force=True)
    assert Township.objects.count() == 2


def test_my_township_page_lists_only_own_departments(client):
    mine, other = TownshipFactory(), TownshipFactory()
    DepartmentFactory(township=mine, name="我的部门")
    DepartmentFactory(township=other, name="别人的部门")
    client.force_login(make_staff(Role.COMMAND_CENTRE, township=mine))
    page = client.get("/org/").content.decode()
    assert "我的部门" in page and "别人的部门" not in page


def test_my_township_page_needs_sign_in(client):
    response = client.get("/org/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
