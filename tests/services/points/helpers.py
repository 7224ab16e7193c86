"""Builders for the window network: a township with its hall, a village with its service point, a clerk
at each, and items delegated to the village or kept at the township."""

import itertools

from django.contrib.auth.models import Group

from services.models import DelegatedLevel, PointKind, PointStaff, SelfServiceTerminal, ServicePoint
from tests.factories import TownshipFactory, UserFactory, make_staff
from tests.services.intake_helpers import clerk_at_window, intake_item
from township.org.models import Village
from township.org.roles import Role

_codes = itertools.count(1)


class Network:
    def __init__(self, township=None):
        self.township = township or TownshipFactory()
        n = next(_codes)
        self.hall = ServicePoint.objects.create(
            township=self.township, kind=PointKind.HALL, code=f"HALL{n:04d}", name="便民服务中心"
        )
        self.village = Village.objects.create(
            township=self.township, code=f"{320900000000 + n:012d}", name="桃园村"
        )
        self.point = ServicePoint.objects.create(
            township=self.township,
            village=self.village,
            code=self.village.code,
            name="桃园村便民服务站",
            address="桃园村村委会一楼",
            hours="周一至周五 8:30-17:00",
        )
        self.hall_clerk, self.hall_window = clerk_at_window(self.township)
        PointStaff.objects.create(point=self.hall, user=self.hall_clerk)
        self.village_clerk, self.village_window = clerk_at_window(self.township)
        self.point.windows.add(self.village_window)
        PointStaff.objects.create(point=self.point, user=self.village_clerk)
        self.village_item = intake_item(
            township=self.township, name="高龄津贴申领", delegated_level=DelegatedLevel.VILLAGE
        )
        self.town_item = intake_item(township=self.township, name="城乡居民最低生活保障申请")

    def grid_member(self):
        member = make_staff(Role.GRID_MEMBER, township=self.township)
        PointStaff.objects.create(point=self.point, user=member, duty=PointStaff.Duty.AGENT)
        return member

    def terminal(self, *printable):
        user = UserFactory(username=f"terminal{next(_codes)}")
        terminal = SelfServiceTerminal.objects.create(
            township=self.township, point=self.hall, user=user, code=f"ZZ{user.pk}", name="自助终端1号"
        )
        terminal.printable_items.add(*printable)
        return terminal


__all__ = ["Group", "Network"]
