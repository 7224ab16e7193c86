"""Load the demo organisation and one user per role. Idempotent: a second run changes nothing."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from township.identifiers import id_number_check_char
from township.org import demo
from township.org.models import County, Department, ResidentAccount, ServiceWindow, StaffProfile, Township
from township.org.roles import ADMIN_ROLES, Role, sync_role_groups


class Command(BaseCommand):
    help = "Load demo data (county, townships, departments, windows, one user per role)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow seeding when DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo users with DEBUG off; pass --force if you really mean it."
            )
        with transaction.atomic():
            sync_role_groups()
            created = self.seed()
        self.stdout.write(self.style.SUCCESS(f"demo data ready ({created} new rows)"))

    def seed(self) -> int:
        created = 0
        county, new = County.objects.get_or_create(
            code=demo.COUNTY["code"], defaults={"name": demo.COUNTY["name"]}
        )
        created += new
        townships = []
        for data in demo.TOWNSHIPS:
            township, new = Township.objects.get_or_create(
                code=data["code"],
                defaults={**{k: v for k, v in data.items() if k != "code"}, "county": county},
            )
            created += new
            townships.append(township)
            for code, name, kind in demo.DEPARTMENTS:
                _dept, new = Department.objects.get_or_create(
                    township=township, code=code, defaults={"name": name, "kind": kind}
                )
                created += new
            for number in range(1, demo.GENERAL_WINDOWS + 1):
                _window, new = ServiceWindow.objects.get_or_create(
                    township=township,
                    number=number,
                    defaults={"kind": ServiceWindow.Kind.GENERAL, "name": f"{number}号综合窗口"},
                )
                created += new

        home = townships[0]
        User = get_user_model()
        for username, role, dept_code, full_name, phone in demo.USERS:
            user, new = User.objects.get_or_create(
                username=username,
                defaults={"first_name": full_name, "is_staff": Role(role) in ADMIN_ROLES},
            )
            if new:
                user.set_password(settings.DEMO_PASSWORD)
                user.save()
                created += 1
            user.groups.add(Group.objects.get(name=role))
            is_county = role == Role.COUNTY_ADMIN
            department = None if dept_code is None else Department.objects.get(township=home, code=dept_code)
            _profile, new = StaffProfile.objects.get_or_create(
                user=user,
                defaults={
                    "county": county,
                    "township": None if is_county else home,
                    "department": department,
                    "window": ServiceWindow.objects.get(township=home, number=1)
                    if role == Role.WINDOW_CLERK
                    else None,
                    "phone": phone,
                },
            )
            created += new

        first17 = demo.RESIDENT["id_number"][:17]
        id_number = first17 + id_number_check_char(first17)
        user, new = User.objects.get_or_create(
            username=demo.RESIDENT["username"], defaults={"first_name": demo.RESIDENT["real_name"]}
        )
        if new:
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
            created += 1
        _resident, new = ResidentAccount.objects.get_or_create(
            user=user,
            defaults={
                "phone": demo.RESIDENT["phone"],
                "real_name": demo.RESIDENT["real_name"],
                "id_number": id_number,
                "home_township": home,
            },
        )
        created += new
        return created
