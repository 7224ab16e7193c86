"""The warning sweep: set-based, idempotent, one event per level change even on concurrent workers."""

import contextlib
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.utils import timezone

from tests.casework_app.models import Permit, PermitNotice, record_notices
from township.casework import sweep
from township.casework.clock import extend_clock, pause_clock, resume_clock, start_clock, stop_clock
from township.casework.models import LimitUnit, WarningEvent, WarningLevel
from township.casework.registry import override_listeners, registered_case_types
from township.casework.sweep import sweep_warning_levels
from township.celery import app

SHANGHAI = ZoneInfo("Asia/Shanghai")
PERMIT = "casework_app.permit"


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def started_permit(at=None, limit_value=20, limit_unit=LimitUnit.WORKING_DAYS, **fields):
    case = Permit(title="market stall", **fields)
    start_clock(case, at=at or local(2026, 9, 21, 10, 0), limit_value=limit_value, limit_unit=limit_unit)
    case.save()
    return case


def permits_with_clock(count, *, due_at, yellow_at):
    """Many cases at once, with the clock fields as start_clock would leave them."""
    return Permit.objects.bulk_create(
        Permit(
            title=f"permit {i}",
            limit_value=5,
            limit_unit=LimitUnit.WORKING_DAYS,
            clock_started_at=yellow_at - timedelta(days=7),
            due_at=due_at,
            yellow_at=yellow_at,
        )
        for i in range(count)
    )


@pytest.fixture
def hook():
    """Swap the test app's warning hook for the duration of a test."""

    with contextlib.ExitStack() as stack:

        def use(on_warning):
            stack.enter_context(override_listeners(Permit, [on_warning]))

        yield use


@pytest.mark.django_db
def test_levels_go_normal_yellow_red_with_one_event_each():
    case = started_permit()  # due end of 26 Oct, yellow from 23 Oct
    assert sweep_warning_levels(now=local(2026, 10, 22, 23, 59))["models"][PERMIT]["changed"] == 0

    result = sweep_warning_levels(now=local(2026, 10, 23, 0, 0))
    assert result["models"][PERMIT] == {"changed": 1, "events": 1, "dispatched": 1}
    case.refresh_from_db()
    assert case.warning_level == WarningLevel.YELLOW
    assert case.warning_changed_at == local(2026, 10, 23, 0, 0)

    sweep_warning_levels(now=local(2026, 10, 27, 0, 0))
    case.refresh_from_db()
    assert case.warning_level == WarningLevel.RED
    assert list(PermitNotice.objects.order_by("level").values_list("permit", "level", "due_at")) == [
        (case.pk, WarningLevel.YELLOW, case.due_at),
        (case.pk, WarningLevel.RED, case.due_at),
    ]
    assert not WarningEvent.objects.filter(dispatched_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_case_that_skips_yellow_gets_only_the_red_event():
    started_permit()
    sweep_warning_levels(now=local(2026, 11, 2, 9, 0))
    assert list(WarningEvent.objects.values_list("level", flat=True)) == [WarningLevel.RED]


@pytest.mark.django_db
def test_running_the_sweep_twice_changes_nothing_the_second_time():
    started_permit()  # yellow from 23 Oct
    started_permit(at=local(2026, 10, 20, 9, 0), limit_value=3)  # due 23 Oct
    now = local(2026, 10, 26, 9, 0)
    first = sweep_warning_levels(now=now)
    second = sweep_warning_levels(now=now)
    assert first["models"][PERMIT] == {"changed": 2, "events": 2, "dispatched": 2}
    assert second["models"][PERMIT] == {"changed": 0, "events": 0, "dispatched": 0}
    assert WarningEvent.objects.count() == 2 and PermitNotice.objects.count() == 2


@pytest.mark.django_db
def test_the_database_keeps_one_event_per_level_and_due_time_whatever_the_sweep_sees():
    permits_with_clock(3, due_at=local(2026, 10, 27, 0, 0), yellow_at=local(2026, 10, 23, 0, 0))
    now = local(2026, 10, 28, 9, 0)
    sweep_warning_levels(now=now)
    # as if another worker had read the levels before the first sweep committed
    Permit.objects.update(warning_level=WarningLevel.NORMAL)
    result = sweep_warning_levels(now=now)
    assert result["models"][PERMIT] == {"changed": 3, "events": 0, "dispatched": 0}
    assert WarningEvent.objects.count() == 3 and PermitNotice.objects.count() == 3


@pytest.mark.django_db
def test_paused_stopped_and_unstarted_cases_are_left_alone():
    paused = started_permit()
    pause_clock(paused, at=local(2026, 10, 1, 9, 0))
    paused.save()
    stopped = started_permit()
    stop_clock(stopped, at=local(2026, 10, 9, 9, 0))
    stopped.save()
    Permit.objects.create(title="no clock")
    assert sweep_warning_levels(now=local(2026, 12, 1, 9, 0))["models"][PERMIT]["changed"] == 0
    assert not WarningEvent.objects.exists()


@pytest.mark.django_db
def test_an_extended_clock_drops_its_level_and_can_warn_again_for_the_new_due_time():
    case = started_permit()
    sweep_warning_levels(now=local(2026, 10, 23, 9, 0))  # yellow
    case.refresh_from_db()
    extend_clock(case, by=10)  # due 9 Nov, yellow from 6 Nov
    case.save()

    result = sweep_warning_levels(now=local(2026, 10, 23, 10, 0))
    case.refresh_from_db()
    assert case.warning_level == WarningLevel.NORMAL
    assert result["models"][PERMIT] == {"changed": 1, "events": 0, "dispatched": 0}  # a drop is no event

    sweep_warning_levels(now=local(2026, 11, 6, 9, 0))
    assert sorted(WarningEvent.objects.values_list("level", "due_at")) == [
        (WarningLevel.YELLOW, local(2026, 10, 27, 0, 0)),
        (WarningLevel.YELLOW, local(2026, 11, 10, 0, 0)),
    ]


@pytest.mark.django_db
def test_a_resumed_clock_keeps_its_level_and_its_events():
    case = started_permit()
    sweep_warning_levels(now=local(2026, 10, 23, 9, 0))  # yellow
    case.refresh_from_db()
    pause_clock(case, at=local(2026, 10, 23, 10, 0))
    case.save()
    assert sweep_warning_levels(now=local(2026, 11, 30, 9, 0))["models"][PERMIT]["changed"] == 0
    resume_clock(case, at=local(2026, 10, 30, 10, 0))  # due moves from 26 Oct to 2 Nov
    case.save()
    result = sweep_warning_levels(now=local(2026, 10, 30, 10, 0))
    assert result["models"][PERMIT] == {"changed": 0, "events": 0, "dispatched": 0}
    sweep_warning_levels(now=local(2026, 11, 3, 0, 0))
    assert sorted(WarningEvent.objects.values_list("level", "due_at")) == [
        (WarningLevel.YELLOW, local(2026, 10, 27, 0, 0)),
        (WarningLevel.RED, local(2026, 11, 3, 0, 0)),
    ]


@pytest.mark.django_db
def test_a_failing_hook_leaves_its_events_for_the_next_sweep(hook):
    started_permit()

    def broken(events):
        raise RuntimeError("SMS gateway down")

    hook(broken)
    result = sweep_warning_levels(now=local(2026, 10, 23, 9, 0))
    assert result["failed"] == [PERMIT] and result["events"] >= 1
    assert WarningEvent.objects.filter(dispatched_at__isnull=True).count() == 1

    hook(record_notices)
    result = sweep_warning_levels(now=local(2026, 10, 23, 9, 5))
    assert result["models"][PERMIT] == {"changed": 0, "events": 0, "dispatched": 1}
    assert PermitNotice.objects.count() == 1


@pytest.mark.django_db
def test_events_beyond_one_batch_are_all_dispatched_once(monkeypatch):
    monkeypatch.setattr(sweep, "DISPATCH_BATCH", 3)
    permits_with_clock(7, due_at=local(2026, 10, 1, 0, 0), yellow_at=local(2026, 9, 29, 0, 0))
    result = sweep_warning_levels(now=local(2026, 10, 2, 9, 0))
    assert result["models"][PERMIT] == {"changed": 7, "events": 7, "dispatched": 7}
    assert PermitNotice.objects.count() == 7


@pytest.mark.django_db
def test_a_sweep_of_500_cases_takes_a_constant_handful_of_queries(django_assert_max_num_queries):
    due = local(2026, 10, 27, 0, 0)
    permits_with_clock(250, due_at=due, yellow_at=local(2026, 10, 23, 0, 0))
    permits_with_clock(250, due_at=due + timedelta(days=30), yellow_at=local(2026, 10, 23, 0, 0))
    sweep_warning_levels(now=local(2026, 1, 1, 9, 0))  # warms the content-type cache
    # the sweep statement, the claim and the hook's insert (plus the savepoint pair in tests); every other
    # registered case type adds its own sweep statement and claim, however many cases there are
    others = len(registered_case_types()) - 1
    with django_assert_max_num_queries(5 + 4 * others):
        result = sweep_warning_levels(now=local(2026, 10, 27, 9, 0))
    assert result["models"][PERMIT] == {"changed": 500, "events": 500, "dispatched": 500}
    assert Permit.objects.filter(warning_level=WarningLevel.RED).count() == 250
    assert Permit.objects.filter(warning_level=WarningLevel.YELLOW).count() == 250


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_still_give_one_event_per_change():
    permits_with_clock(300, due_at=local(2026, 10, 27, 0, 0), yellow_at=local(2026, 10, 23, 0, 0))
    now = local(2026, 10, 28, 9, 0)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(sweep_warning_levels(now=now))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r["models"][PERMIT]["changed"] for r in results) == 300
    assert sum(r["models"][PERMIT]["dispatched"] for r in results) == 300
    assert WarningEvent.objects.count() == 300
    assert PermitNotice.objects.count() == 300
    assert Permit.objects.filter(warning_level=WarningLevel.RED).count() == 300


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_beat_task_and_the_hook():
    from township.casework.tasks import sweep_warning_levels as sweep_task

    now = timezone.now()
    overdue = permits_with_clock(3, due_at=now - timedelta(hours=1), yellow_at=now - timedelta(days=2))
    yellow = permits_with_clock(2, due_at=now + timedelta(days=5), yellow_at=now - timedelta(hours=1))
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        result = sweep_task.delay().get(timeout=30)
    assert result["models"][PERMIT] == {"changed": 5, "events": 5, "dispatched": 5}
    notices = dict(PermitNotice.objects.values_list("permit_id", "level"))
    assert notices == {
        **{p.pk: WarningLevel.RED for p in overdue},
        **{p.pk: WarningLevel.YELLOW for p in yellow},
    }
