"""Case timelines: numbered, hash-chained, append-only in the database, tampering detected."""

import hashlib
import json
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from tests.casework_app.models import Permit
from tests.factories import UserFactory
from township.casework.errors import AppendOnlyError
from township.casework.models import TimelineEntry
from township.casework.timeline import append_entry, entries_for, verify_timelines

TRIGGER = "casework_timelineentry_append_only"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english():
    # the messages are asserted in their English source text; the UI default is Chinese
    with translation.override("en"):
        yield


def case_with_history(entries=3):
    case = Permit.objects.create(title="stall permit")
    for index in range(entries):
        append_entry(case, action=f"step-{index + 1}", note=f"note {index + 1}", to_state=f"s{index + 1}")
    return case


def without_trigger(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE casework_timelineentry DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE casework_timelineentry ENABLE TRIGGER {TRIGGER}")


@pytest.mark.django_db
def test_entries_are_numbered_and_chained_per_case():
    case = case_with_history(3)
    other = case_with_history(1)
    entries = list(entries_for(case, include_internal=True))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == ""
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    assert entries_for(other, include_internal=True).get().seq == 1
    report = verify_timelines()
    assert report == [] and report.entries == 4 and report.cases == 2


@pytest.mark.django_db
def test_the_hash_covers_the_previous_hash_and_the_canonical_entry():
    actor = UserFactory(first_name="王", last_name="")
    case = Permit.objects.create(title="stall permit")
    at = datetime(2026, 10, 8, 9, 30, 15, 123456, tzinfo=SHANGHAI)
    append_entry(case, action="submit")
    entry = append_entry(
        case,
        action="accept",
        actor=actor,
        from_state="submitted",
        to_state="accepted",
        note="材料齐全",
        at=at,
    )
    payload = {
        "action": "accept",
        "actor_id": actor.pk,
        "actor_label": "王",
        "case_type": "casework_app.permit",
        "created_at": "2026-10-08T01:30:15.123456+00:00",
        "from_state": "submitted",
        "is_internal": False,
        "note": "材料齐全",
        "object_id": case.pk,
        "seq": 2,
        "to_state": "accepted",
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert entry.entry_hash == hashlib.sha256((entry.prev_hash + canonical).encode()).hexdigest()
    assert TimelineEntry.objects.get(pk=entry.pk).entry_hash == entry.entry_hash


@pytest.mark.django_db
def test_the_actor_name_is_a_snapshot():
    actor = UserFactory(first_name="李", last_name="")
    case = Permit.objects.create(title="stall permit")
    append_entry(case, action="accept", actor=actor)
    actor.first_name = "张"
    actor.save()
    assert entries_for(case, include_internal=True).get().actor_label == "李"
    assert verify_timelines() == []


@pytest.mark.django_db
def test_an_actor_without_an_account_can_be_named():
    case = Permit.objects.create(title="stall permit")
    assert append_entry(case, action="report", actor_label="12345 hotline").actor_label == "12345 hotline"


@pytest.mark.django_db
def test_the_applicant_does_not_see_internal_notes():
    case = Permit.objects.create(title="stall permit")
    append_entry(case, action="accept")
    append_entry(case, action="comment", note="applicant sounds unsure", is_internal=True)
    append_entry(case, action="approve")
    assert [e.action for e in entries_for(case, include_internal=False)] == ["accept", "approve"]
    assert [e.action for e in entries_for(case, include_internal=True)] == ["accept", "comment", "approve"]


@pytest.mark.django_db
def test_python_refuses_to_change_or_delete_entries():
    case = case_with_history(2)
    entry = entries_for(case, include_internal=True).first()
    entry.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        TimelineEntry.objects.filter(pk=entry.pk).update(note="rewritten")
    with pytest.raises(AppendOnlyError):
        TimelineEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE casework_timelineentry SET note = 'rewritten' WHERE id = %s",
        "DELETE FROM casework_timelineentry WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_or_delete_entries(sql):
    entry = entries_for(case_with_history(1), include_internal=True).get()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert TimelineEntry.objects.get(pk=entry.pk).note == "note 1"


@pytest.mark.django_db
def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="save the case"):
        append_entry(Permit(title="unsaved"), action="accept")
    case = Permit.objects.create(title="stall permit")
    with pytest.raises(ValueError, match="slug"):
        append_entry(case, action="Accept application")
    with pytest.raises(ValueError, match="timezone-aware"):
        append_entry(case, action="accept", at=datetime(2026, 10, 8, 9, 0))


@pytest.mark.django_db
def test_the_command_reports_a_clean_timeline(capsys):
    case_with_history(3)
    case_with_history(2)
    call_command("verify_timeline")
    assert "5 entries in 2 cases verified, no tampering found" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_command_filters_by_model_and_case(capsys):
    case = case_with_history(3)
    case_with_history(2)
    call_command("verify_timeline", model="casework_app.Permit", object_id=case.pk)
    assert "3 entries in 1 cases verified" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Unknown model"):
        call_command("verify_timeline", model="nowhere.nothing")
    with pytest.raises(CommandError, match="--model"):
        call_command("verify_timeline", object_id=case.pk)


@pytest.mark.django_db(transaction=True)
def test_a_note_changed_behind_the_triggers_back_is_named():
    case = case_with_history(3)
    second = entries_for(case, include_internal=True).get(seq=2)
    without_trigger("UPDATE casework_timelineentry SET note = 'nothing happened' WHERE id = %s", [second.pk])
    with pytest.raises(CommandError) as failed:
        call_command("verify_timeline")
    assert failed.value.returncode == 1
    message = str(failed.value)
    assert f"casework_app.permit {case.pk}, entry 2: its content was changed" in message
    assert "entry 1" not in message and "entry 3" not in message


@pytest.mark.django_db(transaction=True)
def test_a_removed_entry_is_reported_as_missing():
    case = case_with_history(4)
    second = entries_for(case, include_internal=True).get(seq=2)
    without_trigger("DELETE FROM casework_timelineentry WHERE id = %s", [second.pk])
    problems = verify_timelines()
    assert [(p.object_id, p.seq) for p in problems] == [(case.pk, 3)]
    assert "entries 2 to 2 are missing" in problems[0].problem


@pytest.mark.django_db(transaction=True)
def test_a_rewritten_hash_breaks_the_link_to_the_next_entry():
    case = case_with_history(3)
    second = entries_for(case, include_internal=True).get(seq=2)
    without_trigger("UPDATE casework_timelineentry SET entry_hash = %s WHERE id = %s", ["0" * 64, second.pk])
    problems = verify_timelines()
    assert {(p.seq, "hash mismatch" in p.problem, "does not link" in p.problem) for p in problems} == {
        (2, True, False),
        (3, False, True),
    }


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_to_one_case_get_consecutive_numbers():
    case = Permit.objects.create(title="busy permit")
    barrier = threading.Barrier(4)
    errors = []

    def clerk(index):
        try:
            barrier.wait()
            for step in range(10):
                append_entry(case, action="note", note=f"clerk {index} step {step}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(entries_for(case, include_internal=True).values_list("seq", flat=True)) == list(
        range(1, 41)
    )
    assert verify_timelines() == []


@pytest.mark.django_db
def test_verification_streams_many_cases(django_assert_max_num_queries):
    content_type = ContentType.objects.get_for_model(Permit)
    for _ in range(30):
        case_with_history(2)
    ContentType.objects.get_for_id(content_type.pk)  # warm the cache as the command would
    with django_assert_max_num_queries(3):
        report = verify_timelines()
    assert report == [] and report.entries == 60 and report.cases == 30
