"""A township with a village, two grids, a grid member, the command centre and three departments, the
demo catalogue seeded; and a few steps of the loop as one-liners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from grid.demo.events import seed_event_catalogue
from grid.events import services
from grid.models import EventCategory, Grid, GridRole, GridStaff
from tests.factories import DepartmentFactory, TownshipFactory, make_staff
from township.org.models import Village
from township.org.roles import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64
# 青石镇 centre, roughly
LAT, LNG = 31.5000, 120.3000


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def photo(name="scene.png", data=PNG_BYTES):
    return SimpleUploadedFile(name, data, content_type="image/png")


_villages = iter(range(1, 10_000))


@dataclass
class Place:
    township: object
    village: object
    grid: object
    other_grid: object
    member: object
    other_member: object
    centre: object
    sanitation: object  # 环卫所
    water: object  # 水利站
    enforcement: object  # 综合执法局
    sanitation_handler: object
    water_handler: object
    enforcement_handler: object

    def category(self, minor_name: str) -> EventCategory:
        return EventCategory.objects.get(catalogue__township=self.township, minor_name=minor_name)


def make_place(short_code: str | None = None) -> Place:
    township = TownshipFactory(**({"short_code": short_code} if short_code else {}))
    n = next(_villages)
    village = Village.objects.create(township=township, code=f"{320999100000 + n:012d}", name=f"青石村{n}")
    grid = Grid.objects.create(township=township, village=village, code=f"{village.code}001", name="第一网格")
    other_grid = Grid.objects.create(
        township=township, village=village, code=f"{village.code}002", name="第二网格"
    )
    member = make_staff(Role.GRID_MEMBER, township=township)
    member.first_name = "周网格员"
    member.save()
    GridStaff.objects.create(township=township, grid=grid, user=member, role=GridRole.FULL_TIME)
    other_member = make_staff(Role.GRID_MEMBER, township=township)
    GridStaff.objects.create(township=township, grid=other_grid, user=other_member, role=GridRole.FULL_TIME)
    centre = make_staff(Role.COMMAND_CENTRE, township=township)
    sanitation = DepartmentFactory(township=township, name="环卫所")
    water = DepartmentFactory(township=township, name="水利站")
    enforcement = DepartmentFactory(township=township, name="综合行政执法局", code=f"ZHZF{n}")
    place = Place(
        township=township,
        village=village,
        grid=grid,
        other_grid=other_grid,
        member=member,
        other_member=other_member,
        centre=centre,
        sanitation=sanitation,
        water=water,
        enforcement=enforcement,
        sanitation_handler=make_staff(Role.DEPARTMENT_HEAD, department=sanitation),
        water_handler=make_staff(Role.DEPARTMENT_HEAD, department=water),
        enforcement_handler=make_staff(Role.ENFORCEMENT_OFFICER, department=enforcement),
    )
    seed_event_catalogue(township)
    return place


def report(place: Place, *, category="暴露垃圾", at=None, lat=LAT, lng=LNG, by=None, **extra):
    return services.report_event(
        by=by or place.member,
        grid=place.grid,
        category=place.category(category),
        description="路边堆放生活垃圾",
        latitude=lat,
        longitude=lng,
        address="人民路12号",
        photos=[photo()],
        at=at or local(2026, 9, 21, 9, 30),
        **extra,
    )


def registered(place: Place, **kwargs):
    event = report(place, **kwargs)
    at = kwargs.get("at") or local(2026, 9, 21, 9, 30)
    return services.register_event(event=event, by=place.centre, at=at)


def dispatched(place: Place, *, department=None, at=None, **kwargs):
    event = registered(place, at=at, **kwargs)
    return services.dispatch_event(
        event=event,
        by=place.centre,
        department=department or place.sanitation,
        at=at or local(2026, 9, 21, 9, 30),
    )


def fed_back(place: Place, event, *, at, by=None):
    return services.feed_back_event(
        event=event, by=by or place.sanitation_handler, note="已清运", photos=[photo("after.png")], at=at
    )
