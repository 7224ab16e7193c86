"""factory_boy factories for the organisation; apps add theirs beside their tests."""

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from township.org.models import County, Department, ResidentAccount, ServiceWindow, StaffProfile, Township
from township.org.roles import ADMIN_ROLES, Role

PASSWORD = "Test-Password-2026!"


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{320900 + n}")
    name = factory.Sequence(lambda n: f"测试县{n}")


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    county = factory.SubFactory(CountyFactory)
    code = factory.Sequence(lambda n: f"{320999500 + n}")
    name = factory.Sequence(lambda n: f"测试{n}镇")
    short_code = factory.Sequence(lambda n: "T" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    township = factory.SubFactory(TownshipFactory)
    code = factory.Sequence(lambda n: f"D{n}")
    name = factory.Sequence(lambda n: f"部门{n}")


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceWindow

    township = factory.SubFactory(TownshipFactory)
    number = factory.Sequence(lambda n: n + 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_staff(role: Role, *, township=None, department=None, username=None):
    """A signed-in-able staff user holding one role in a township (county admins: in its county)."""
    from township.org.roles import sync_role_groups

    if not Group.objects.filter(name=str(role)).exists():
        sync_role_groups()
    township = township or (department.township if department else TownshipFactory())
    user = UserFactory(
        username=username or factory.Faker._get_faker().unique.user_name(), is_staff=role in ADMIN_ROLES
    )
    user.groups.add(Group.objects.get(name=str(role)))
    StaffProfile.objects.create(
        user=user,
        county=township.county,
        township=None if role == Role.COUNTY_ADMIN else township,
        department=department,
    )
    return user


def make_resident(*, phone="13800000099", id_number="11010519491231002X", township=None):
    user = UserFactory(username=f"r{phone}")
    ResidentAccount.objects.create(user=user, phone=phone, id_number=id_number, home_township=township)
    return user


__all__ = ["settings"]
