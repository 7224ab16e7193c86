"""Results at the entity (team only, clue hand-off, publication deadline) and credit records with repair."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from enforcement.credit import selectors as credit
from enforcement.credit.services import (
    CreditError,
    apply_for_repair,
    decide_repair,
    record_integrity_finding,
    record_penalty,
)
from enforcement.inspections import hooks
from enforcement.inspections.services import InspectionError, draw_plan, publish_result, record_result
from enforcement.models import CreditRecord, InspectionTask, RepairStatus, TaskStatus
from tests.enforcement.inspections.helpers import Bureau
from township.calendar.schedule import add_working_days
from township.errors import Conflict

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def bureau():
    return Bureau(entities=(("high", 4), ("general", 4)))


@pytest.fixture
def task(bureau):
    draw = draw_plan(plan=bureau.plan(strata=(("全部", "", 25),)), by=bureau.head)
    return InspectionTask.objects.filter(draw=draw).prefetch_related("inspectors").first()


def member(task):
    return task.inspectors.first().user


def test_the_team_records_a_result_with_a_photo_and_the_publication_deadline(task):
    day = timezone.localdate()
    recorded = record_result(
        task=task,
        by=member(task),
        outcome="ordered",
        findings="油烟净化设施未开启",
        inspected_on=day,
        correct_by=day + timedelta(days=15),
        photos=[SimpleUploadedFile("site.png", PNG, content_type="image/png")],
    )
    assert recorded.status == TaskStatus.RECORDED
    assert recorded.publish_by == add_working_days(day, 20)
    assert recorded.photos.get().sha256 and recorded.published_on_time is None
    with pytest.raises(Conflict):
        record_result(task=task, by=member(task), outcome="no_problem")


def test_only_the_drawn_team_records_and_bad_input_is_refused(bureau, task):
    outsider = next(i for i in bureau.inspectors if i not in task.inspectors.all()).user
    with pytest.raises(InspectionError, match="Only the drawn team"):
        record_result(task=task, by=outsider, outcome="no_problem")
    with pytest.raises(InspectionError) as refused:
        record_result(task=task, by=member(task), outcome="ordered", findings="问题")
    assert "correct_by" in refused.value.field_errors
    with pytest.raises(InspectionError) as refused:
        record_result(task=task, by=member(task), outcome="whatever")
    assert "outcome" in refused.value.field_errors
    with pytest.raises(InspectionError) as refused:
        record_result(task=task, by=member(task), outcome="no_problem", inspected_on=date(2030, 1, 1))
    assert "inspected_on" in refused.value.field_errors
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_a_transferred_finding_goes_through_the_clue_hook(task):
    handed = []
    hooks.set_clue_handler(lambda t, *, by: handed.append((t.pk, by.pk)) or "QS-AJ-2026-000007")
    try:
        recorded = record_result(task=task, by=member(task), outcome="transferred", findings="无证经营")
    finally:
        hooks.set_clue_handler(None)
    assert handed == [(task.pk, member(task).pk)] and recorded.clue_reference == "QS-AJ-2026-000007"


def test_a_failing_clue_hook_leaves_the_task_unrecorded(task):
    def broken(t, *, by):
        raise RuntimeError("case service down")

    hooks.set_clue_handler(broken)
    try:
        with pytest.raises(RuntimeError):
            record_result(task=task, by=member(task), outcome="transferred", findings="无证经营")
    finally:
        hooks.set_clue_handler(None)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and not task.outcome


def test_publishing_a_result_is_on_time_and_joins_the_credit_record(bureau, task):
    record_result(task=task, by=member(task), outcome="no_problem")
    published = publish_result(task=task, by=bureau.head)
    assert published.status == TaskStatus.PUBLISHED and published.published_on_time is True
    assert publish_result(task=task, by=bureau.head).published_at == published.published_at  # retry: once
    entry = CreditRecord.objects.get(entity=task.entity)
    assert entry.source == "inspection" and list(credit.public_records(task.entity)) == [entry]


# --- credit -----------------------------------------------------------------------------------------


@pytest.fixture
def entity(bureau):
    return bureau.entities[0]


def penalty(bureau, entity, band, decided_on):
    return record_penalty(
        entity=entity,
        department=bureau.department,
        band=band,
        decision_number=f"青综执罚〔2026〕{decided_on.toordinal() % 1000}号",
        decided_on=decided_on,
        summary="未按规定安装油烟净化设施，罚款五千元",
        by=bureau.head,
    )


@pytest.mark.parametrize(
    ("band", "decided", "published", "repair_from", "until"),
    [
        ("minor", date(2026, 4, 10), False, date(2026, 4, 10), date(2026, 7, 10)),
        ("general", date(2026, 4, 10), True, date(2026, 7, 10), date(2027, 4, 10)),
        ("serious", date(2026, 4, 10), True, date(2027, 4, 10), date(2029, 4, 10)),
        ("general", date(2026, 1, 31), True, date(2026, 4, 30), date(2027, 1, 31)),
    ],
)
def test_penalty_publication_periods_by_band(bureau, entity, band, decided, published, repair_from, until):
    record = penalty(bureau, entity, band, decided)
    assert (record.published, record.repair_from, record.publish_until) == (published, repair_from, until)


def test_publication_ends_by_itself_at_the_maximum(bureau, entity):
    record = penalty(bureau, entity, "general", date(2026, 4, 10))
    assert list(credit.public_records(entity, today=date(2027, 4, 10))) == [record]
    assert list(credit.public_records(entity, today=date(2027, 4, 11))) == []
    minor = penalty(bureau, entity, "minor", date(2026, 5, 1))
    assert minor not in credit.public_records(entity, today=date(2026, 5, 2))


def test_a_retried_penalty_entry_is_not_duplicated(bureau, entity):
    first = penalty(bureau, entity, "general", date(2026, 4, 10))
    assert penalty(bureau, entity, "general", date(2026, 4, 10)) == first
    assert CreditRecord.objects.count() == 1


def test_repair_is_refused_before_the_minimum_and_granted_after_with_the_conditions(bureau, entity):
    today = timezone.localdate()
    record = penalty(bureau, entity, "general", today - timedelta(days=30))
    with pytest.raises(CreditError, match="minimum publication period"):
        apply_for_repair(record=record, corrected=True, duties_performed=True, commitment_signed=True)
    old = penalty(bureau, entity, "general", today - timedelta(days=120))
    repair = apply_for_repair(record=old, corrected=True, duties_performed=True, commitment_signed=False)
    with pytest.raises(CreditError, match="commitment is not signed"):
        decide_repair(repair=repair, by=bureau.head, grant=True, reasons="材料齐全")
    refused = decide_repair(repair=repair, by=bureau.head, grant=False, reasons="未签署信用承诺书")
    assert refused.status == RepairStatus.REFUSED
    again = apply_for_repair(record=old, corrected=True, duties_performed=True, commitment_signed=True)
    with pytest.raises(CreditError, match="reasons"):
        decide_repair(repair=again, by=bureau.head, grant=True, reasons="")
    granted = decide_repair(repair=again, by=bureau.head, grant=True, reasons="已整改并缴清罚款，签署承诺")
    assert granted.status == RepairStatus.REPAIRED
    assert old not in credit.public_records(entity) and record in credit.public_records(entity)


def test_only_a_head_in_scope_decides_a_repair(bureau, entity):
    old = penalty(bureau, entity, "general", timezone.localdate() - timedelta(days=120))
    repair = apply_for_repair(record=old, corrected=True, duties_performed=True, commitment_signed=True)
    with pytest.raises(CreditError, match="may not decide"):
        decide_repair(repair=repair, by=Bureau(inspectors=0, entities=()).head, grant=True, reasons="同意")
    with pytest.raises(CreditError, match="may not decide"):
        decide_repair(repair=repair, by=bureau.inspectors[0].user, grant=True, reasons="同意")


@override_settings(CREDIT_SCORE={"grades": [("A", 90), ("B", 75), ("C", 60), ("D", None)]})
def test_the_township_score_is_derived_and_feeds_the_strata(bureau, entity):
    penalty(bureau, entity, "general", timezone.localdate() - timedelta(days=10))
    record_integrity_finding(
        entity=entity, department=bureau.department, decided_on=timezone.localdate(), summary="申报材料虚假"
    )
    summary = credit.credit_summary(entity)
    assert (summary["score"], summary["grade"]) == (75, "B")
    assert credit.credit_grades([entity.pk, bureau.entities[1].pk]) == {
        entity.pk: "B",
        bureau.entities[1].pk: "A",
    }
