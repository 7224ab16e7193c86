"""The demo grids load for both demo townships, with staff for the demo users; a second run adds nothing."""

import pytest
from django.core.management import call_command

from grid.models import CareHousehold, Grid, GridStaff, Person
from township.org.models import Village

pytestmark = pytest.mark.django_db


def test_demo_grids_and_staff(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("load_demo_grids")
    for code in ("320999101", "320999102"):
        assert 50 <= Grid.objects.filter(township__code=code).count() <= 60
        assert Village.objects.filter(township__code=code).count() == 6
    assert GridStaff.objects.filter(user__username="gridmember").count() == 1
    assert GridStaff.objects.filter(user__username="gridhead", role="head").count() == 9
    assert CareHousehold.objects.count() == 2
    counts = (Grid.objects.count(), GridStaff.objects.count(), Person.objects.count())
    call_command("load_demo_grids")
    assert (Grid.objects.count(), GridStaff.objects.count(), Person.objects.count()) == counts
