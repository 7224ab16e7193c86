"""Today's hourly rollups and the open snapshot: both equal the live computation on the same data, a
rerun changes nothing, the watermark picks up what changed since the last run, and a second worker
skips while the first holds the watermark."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from command_center import metrics as m
from command_center import selectors
from command_center.models import HourlyRollup, OpenSnapshot, RollupWatermark
from command_center.services import refresh_open_snapshot, refresh_today
from services.models import Application
from tests.command_center.helpers import Place, complaint, complaint_deadline, set_level
from township.casework.models import WarningLevel

pytestmark = pytest.mark.django_db


def hourly_rows():
    return sorted(HourlyRollup.objects.values_list("township_id", "metric", "hour", "dimension_id", "value"))


@pytest.fixture
def busy():
    """A township with a morning of work today: three applications in review (one red, one yellow),
    one decided, and a red complaint with a red deadline (the test-only loop)."""
    place = Place()
    apps = [place.office.in_review() for _ in range(4)]
    set_level(apps[0], WarningLevel.RED, days=-1)
    set_level(apps[1], WarningLevel.YELLOW, days=1)
    Application.objects.filter(pk=apps[3].pk).update(status="approved", clock_stopped_at=timezone.now())
    found = complaint(place.township, place.department, place.chief, level=WarningLevel.RED, days=-1)
    complaint_deadline(found)
    place.apps = apps
    return place


def test_the_hourly_rollup_of_today_equals_the_live_computation_and_a_rerun_changes_nothing(busy):
    today = timezone.localdate()
    keys = list(m.daily_counts())
    ids = [busy.township.pk, busy.other.township.pk]
    assert sum(refresh_today().values()) > 0
    for by in ("township", "dimension"):
        live = selectors.live_sums(keys, ids, today, today, by=by)
        stored = selectors.hourly_sums(keys, ids, today, by=by)
        assert {k: v for k, v in live.items() if v} == {k: v for k, v in stored.items() if v}
    assert (
        selectors.hourly_sums(["applications.received"], ids, today)[
            ("applications.received", busy.township.pk)
        ]
        == 4
    )
    before = hourly_rows()
    assert sum(refresh_today().values()) == 0
    assert hourly_rows() == before


def test_the_watermark_picks_up_a_change_to_a_row_of_an_earlier_hour(busy):
    """An application due in the first hour of today and decided after the last run: its row's change
    time is past the watermark, so its hour is recomputed although it lies before the watermark."""
    early_hour = timezone.localtime().replace(hour=0, minute=30, second=0, microsecond=0)
    early = busy.apps[2]
    Application.objects.filter(pk=early.pk).update(due_at=early_hour)
    refresh_today(now=timezone.now())
    assert RollupWatermark.objects.get(key="hourly").processed_until is not None
    Application.objects.filter(pk=early.pk).update(
        status="approved", clock_stopped_at=timezone.now(), updated_at=timezone.now() + timedelta(seconds=1)
    )
    later = timezone.now() + timedelta(seconds=2)
    assert sum(refresh_today(now=later).values()) > 0
    today = timezone.localdate(later)
    ids = [busy.township.pk]
    keys = list(m.daily_counts())
    assert {k: v for k, v in selectors.live_sums(keys, ids, today, today).items() if v} == {
        k: v for k, v in selectors.hourly_sums(keys, ids, today).items() if v
    }
    assert RollupWatermark.objects.get(key="hourly").processed_until == later


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_skips_while_the_first_holds_the_watermark():
    RollupWatermark.objects.get_or_create(key="hourly")
    holding, done = threading.Event(), threading.Event()

    def first_worker():
        try:
            with transaction.atomic():
                RollupWatermark.objects.select_for_update().get(key="hourly")
                holding.set()
                done.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=first_worker)
    worker.start()
    try:
        assert holding.wait(10)
        assert refresh_today() == {"skipped": True}
    finally:
        done.set()
        worker.join()
    assert "skipped" not in refresh_today()


def test_the_open_snapshot_equals_the_live_counts_and_a_rerun_changes_nothing(busy):
    ids = [busy.township.pk, busy.other.township.pk]
    assert sum(refresh_open_snapshot().values()) > 0
    keys = sorted({*m.open_counts(), *selectors.warning_open_counts()})
    for by in ("township", "dimension"):
        assert selectors.open_sums(keys, ids, by=by) == selectors.live_open_sums(keys, ids, by=by)
    # two red and one yellow application clocks, a red complaint and its red deadline
    assert selectors.warning_snapshot(ids) == selectors.warning_counts_for_townships(ids)
    assert selectors.warning_snapshot(ids) == {"yellow": 1, "red": 3}
    figures = {f.key: f.value for f in selectors.figures(ids, timezone.localdate(), timezone.localdate())}
    assert figures["window.overdue"] == 1 and figures["back_office.in_review"] == 3
    before = sorted(OpenSnapshot.objects.values_list("township_id", "metric", "dimension_id", "value"))
    assert sum(refresh_open_snapshot().values()) == 0
    assert (
        sorted(OpenSnapshot.objects.values_list("township_id", "metric", "dimension_id", "value")) == before
    )
    # the red application decided: its rows change, the overdue count that no longer exists goes
    Application.objects.filter(pk=busy.apps[0].pk).update(
        status="approved", clock_stopped_at=timezone.now(), warning_level=WarningLevel.NORMAL
    )
    assert sum(refresh_open_snapshot().values()) > 0
    assert not OpenSnapshot.objects.filter(metric="applications.open_overdue").exists()
    assert selectors.open_sums(keys, ids) == selectors.live_open_sums(keys, ids)
