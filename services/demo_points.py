"""Demo window network for the run command: every demo township's hall and a service point in each of
its villages and communities (villages are made, with 12-digit statistical codes, when the township has
none), a village clerk at the first point, the grid member on its agent team, a self-service terminal
at the hall, and one application forwarded from the village that waits in the hall's pre-review."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from services.demo_applications import _full_checklist, _item
from services.models import (
    DelegatedLevel,
    PointKind,
    PointStaff,
    SelfServiceTerminal,
    ServiceItem,
    ServicePoint,
)
from services.services.forwarding import forward_application
from services.services.intake import Applicant, accept_application, receive_at_window
from services.services.points import record_reception
from township.identifiers import id_number_check_char
from township.org.models import Department, ServiceWindow, StaffProfile, Village
from township.org.roles import Role

# (last three digits of the statistical code, name, kind) per township, by its short code
VILLAGES = {
    "QS": [("201", "桃园村", "village"), ("202", "石桥村", "village"), ("001", "青石社区", "community")],
    "BS": [("201", "沙湖村", "village"), ("202", "白鹭村", "village"), ("001", "白沙社区", "community")],
}
DEFAULT_VILLAGES = [("201", "第一村", "village"), ("001", "中心社区", "community")]
HOURS = "周一至周五 8:30-12:00，13:30-17:30"
# the first window number of village points (the hall's general windows are 1 to 12)
VILLAGE_WINDOWS_FROM = 101


def demo_login(township, role: str) -> str:
    """The demo username of a township's village clerk or terminal: villageclerk-qs, terminal-bs."""
    return f"{role}-{(township.short_code or township.code).lower()}"


def _villages(township) -> list[Village]:
    villages = list(Village.objects.filter(township=township, is_active=True).order_by("code"))
    if villages:
        return villages
    for suffix, name, kind in VILLAGES.get(township.short_code, DEFAULT_VILLAGES):
        Village.objects.get_or_create(
            code=f"{township.code}{suffix}", defaults={"township": township, "name": name, "kind": kind}
        )
    return list(Village.objects.filter(township=township, is_active=True).order_by("code"))


def _points(township) -> tuple[ServicePoint, list[ServicePoint]]:
    hall, _new = ServicePoint.objects.get_or_create(
        township=township,
        kind=PointKind.HALL,
        defaults={
            "code": f"{township.code}000",
            "name": f"{township.name}便民服务中心",
            "address": township.hall_address,
            "phone": township.hall_phone,
            "hours": HOURS,
        },
    )
    hall.windows.add(*ServiceWindow.objects.filter(township=township, number__lt=VILLAGE_WINDOWS_FROM))
    points = []
    # villages before communities, so that the first point (the demo village clerk's) is a village
    villages = sorted(_villages(township), key=lambda v: (v.kind != Village.Kind.VILLAGE, v.code))
    for number, village in enumerate(villages, start=VILLAGE_WINDOWS_FROM):
        place = "社区服务中心" if village.kind == Village.Kind.COMMUNITY else "村委会"
        point, _new = ServicePoint.objects.get_or_create(
            village=village,
            defaults={
                "township": township,
                "kind": PointKind.VILLAGE,
                "code": village.code,
                "name": f"{village.name}便民服务站",
                "address": f"{township.name}{village.name}{place}一楼",
                "hours": HOURS,
            },
        )
        window, _new = ServiceWindow.objects.get_or_create(
            township=township, number=number, defaults={"name": f"{point.name}综合窗口"}
        )
        point.windows.add(window)
        points.append(point)
    return hall, points


def _account(username: str, first_name: str):
    User = get_user_model()
    user, new = User.objects.get_or_create(username=username, defaults={"first_name": first_name})
    if new:
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
    return user


def _village_clerk(township, point: ServicePoint, index: int):
    user = _account(demo_login(township, "villageclerk"), f"{point.village.name}代办员")
    user.groups.add(Group.objects.get(name=Role.WINDOW_CLERK))
    StaffProfile.objects.get_or_create(
        user=user,
        defaults={
            "county": township.county,
            "township": township,
            "department": Department.objects.filter(township=township, code="ZHZX").first(),
            "window": point.windows.order_by("number").first(),
            "phone": f"139000002{index:02d}",
        },
    )
    PointStaff.objects.get_or_create(user=user, defaults={"point": point})
    return user


def _terminal(township, hall: ServicePoint):
    user = _account(demo_login(township, "terminal"), "自助终端")
    terminal, _new = SelfServiceTerminal.objects.get_or_create(
        user=user,
        defaults={
            "township": township,
            "point": hall,
            "code": f"{township.short_code or township.code}-ZZ01",
            "name": "自助服务终端1号",
        },
    )
    return terminal


def _forwarded_application(township, clerk) -> int:
    """One application received at the village and forwarded, so the hall's pre-review has it, and one
    village-level item accepted at the point itself. Only once per township."""
    point = clerk.service_point_staff.point
    if point.receptions.exists():
        return 0
    first17 = "32099919560312102"
    resident = Applicant(
        name="钱阿婆", id_number=first17 + id_number_check_char(first17), phone="13800000005"
    )
    town_item = _item(township, "最低生活保障") or (
        ServiceItem.objects.listed().filter(township=township).order_by("pk").first()
    )
    village_item = (
        ServiceItem.objects.listed()
        .filter(township=township, current_version__delegated_level=DelegatedLevel.VILLAGE)
        .order_by("pk")
        .first()
    )
    created = 0
    with transaction.atomic():
        if town_item is not None:
            received = receive_at_window(
                township=township,
                clerk=clerk,
                window=clerk.staff_profile.window,
                item=town_item,
                applicant=resident,
            )
            forward_application(application=received, clerk=clerk, checklist=_full_checklist(received))
            created += 1
        if village_item is not None:
            received = receive_at_window(
                township=township,
                clerk=clerk,
                window=clerk.staff_profile.window,
                item=village_item,
                applicant=resident,
            )
            accepted = accept_application(
                application=received, clerk=clerk, checklist=_full_checklist(received)
            )
            record_reception(application=accepted, point=point, by=clerk)
            created += 1
    return created


def load_demo_points(township) -> int:
    """Idempotent: a second run finds everything there and adds nothing. Returns new applications."""
    with transaction.atomic():
        hall, points = _points(township)
        if not points:
            return 0
        index = sorted(t.pk for t in type(township).objects.all()).index(township.pk)
        clerk = _village_clerk(township, points[0], index)
        grid_member = (
            get_user_model()
            .objects.filter(groups__name=Role.GRID_MEMBER, staff_profile__township=township)
            .first()
        )
        if grid_member is not None:
            PointStaff.objects.get_or_create(
                user=grid_member, defaults={"point": points[0], "duty": PointStaff.Duty.AGENT}
            )
        _terminal(township, hall)
    return _forwarded_application(township, clerk)


__all__ = ["demo_login", "load_demo_points"]
