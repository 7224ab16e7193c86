"""The kernel's bulk helpers for imports: serials reserved in one step, timelines appended in bulk
(numbered, chained and headed exactly as one at a time), deadlines opened on many new cases."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import TownshipFactory
from township.casework.deadlines import open_deadlines, open_deadlines_of_new_cases
from township.casework.numbers import next_number, next_numbers, reserve_serials
from township.casework.timeline import append_entries, append_entry, entries_for, verify_timelines

pytestmark = pytest.mark.django_db


def test_reserved_serials_follow_on_without_gaps_and_a_rollback_gives_them_back():
    township = TownshipFactory()
    first = next_number(township=township, series="BK")
    with transaction.atomic():
        block = reserve_serials(township=township, series="BK", year=timezone.localdate().year, count=3)
    assert list(block) == [2, 3, 4]
    with pytest.raises(RuntimeError), transaction.atomic():
        next_numbers(township=township, series="BK", count=5)
        raise RuntimeError
    numbers = next_numbers(township=township, series="BK", count=2)
    assert first.endswith("000001") and [n[-6:] for n in numbers] == ["000005", "000006"]


def _cases(n):
    from grid.models.hotline import HotlineOrder  # noqa: PLC0415 - any case model will do

    township = TownshipFactory()
    return [
        HotlineOrder.objects.create(
            township=township,
            number=f"BULK-{township.pk}-{i}",
            platform_order_id=f"P{i}",
            hotline_number=f"H{i}",
            source="import",
            urgency="general",
            kind="complaint",
            title="t",
            content="c",
            received_at=timezone.now(),
        )
        for i in range(n)
    ]


def test_bulk_entries_continue_each_chain_as_single_appends_would():
    cases = _cases(3)
    append_entry(cases[1], action="receive", note="one at a time")
    append_entries(
        [
            (cases[0], {"action": "receive"}),
            (cases[1], {"action": "convert", "note": "bulk"}),
            (cases[0], {"action": "dispatch"}),
            (cases[2], {"action": "receive", "actor_label": "12345"}),
        ]
    )
    append_entry(cases[0], action="sign")
    assert [(e.seq, e.action) for e in entries_for(cases[0], include_internal=True)] == [
        (1, "receive"),
        (2, "dispatch"),
        (3, "sign"),
    ]
    assert [e.seq for e in entries_for(cases[1], include_internal=True)] == [1, 2]
    assert entries_for(cases[2], include_internal=True).get().actor_label == "12345"
    assert not verify_timelines()


def test_bulk_entries_refuse_an_unsaved_case_or_a_bad_action():
    from grid.models.hotline import HotlineOrder  # noqa: PLC0415

    with pytest.raises(ValueError, match="save the case"):
        append_entries([(HotlineOrder(), {"action": "receive"})])
    with pytest.raises(ValueError, match="slug"):
        append_entries([(_cases(1)[0], {"action": "Not A Slug"})])


def test_deadlines_open_on_new_cases_with_their_own_limits_and_once_per_kind():
    cases = _cases(3)
    at = timezone.now()
    limits = {0: (1, "clock_hours"), 1: (24, "clock_hours"), 2: (1, "clock_hours")}
    index = {case.pk: i for i, case in enumerate(cases)}
    deadlines = open_deadlines_of_new_cases(
        cases, kind="dispatch", label="Dispatch", limit_of=lambda c: limits[index[c.pk]], at=at
    )
    assert [d.due_at - at for d in deadlines] == [
        timedelta(hours=1),
        timedelta(hours=24),
        timedelta(hours=1),
    ]
    assert open_deadlines(cases[1]).get().kind == "dispatch"
    assert [e.action for e in entries_for(cases[1], include_internal=True)] == ["deadline-open"]
    with pytest.raises(IntegrityError), transaction.atomic():
        open_deadlines_of_new_cases(
            cases[:1], kind="dispatch", label="Again", limit_of=lambda c: (1, "clock_hours")
        )
