"""The demo channel reports load for both demo townships through the real services; a second run adds nothing."""

import pytest
from django.core.management import call_command

from grid.models import GridEvent, HotlineOrder

pytestmark = pytest.mark.django_db


def test_demo_channel_reports(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("load_demo_grids")
    call_command("load_demo_channels")
    for code in ("320999101", "320999102"):
        assert GridEvent.objects.filter(township__code=code, intake__isnull=False).count() == 5
        assert HotlineOrder.objects.filter(township__code=code).count() == 4
    counts = (GridEvent.objects.count(), HotlineOrder.objects.count())
    call_command("load_demo_channels")
    assert (GridEvent.objects.count(), HotlineOrder.objects.count()) == counts
