"""Early warning: an expense over the threshold for a listed household raises one warning and one visit
task with a kernel deadline; the same import again none; the visit record closes it."""

from decimal import Decimal

import pytest

from grid.care.services import (
    add_to_care_list,
    import_expenses,
    read_expense_csv,
    record_visit,
    schedule_due_visits,
)
from grid.errors import GridError, ImportRejected
from grid.models import CareWarning, Household, MedicalExpense, Person, VisitTask
from tests.grid.base.helpers import id_number
from township.casework.deadlines import deadlines_for
from township.errors import Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(world):
    grid = world.grids["001"]
    household = Household.objects.create(township=world.township, grid=grid, number="H1", head_name="张大爷")
    Person.objects.create(
        township=world.township,
        grid=grid,
        household=household,
        name="张大爷",
        id_number=id_number(1, born="19380101"),
    )
    add_to_care_list(household=household, categories=["low_income", "living_alone_elderly"], by=world.head)
    # someone not on the care list
    other = Household.objects.create(township=world.township, grid=grid, number="H2", head_name="李")
    Person.objects.create(
        township=world.township, grid=grid, household=other, name="李", id_number=id_number(2)
    )
    return household


def csv_of(*rows) -> bytes:
    lines = ["流水号,身份证号,结算日期,个人自付,医院"] + [",".join(r) for r in rows]
    return "\n".join(lines).encode()


def test_one_overrun_one_warning_one_task_and_the_same_import_again_none(world, listed, settings):
    settings.GRID_CARE_EXPENSE_THRESHOLD = "5000"
    data = csv_of(
        ("A1", id_number(1, born="19380101"), "2026-11-02", "8200.50", "县人民医院"),
        ("A2", id_number(1, born="19380101"), "2026-11-05", "300", "镇卫生院"),  # under the threshold
        ("A3", id_number(2), "2026-11-05", "9000", "县人民医院"),  # not on the care list
        ("A4", id_number(3), "2026-11-05", "9000", "县人民医院"),  # unknown person
    )
    report = import_expenses(
        township=world.township, records=read_expense_csv(data), source="csv", by=world.admin
    )
    assert report == {"received": 4, "new": 4, "known": 0, "warnings": 1}
    warning = CareWarning.objects.get()
    assert warning.expense.amount == Decimal("8200.50") and warning.threshold == Decimal("5000")
    task = VisitTask.objects.get()
    assert task.warning == warning and task.assignee == world.member and task.grid == world.grids["001"]
    deadline = deadlines_for(task).get()
    assert deadline.kind == "visit" and deadline.limit_value == 3 and deadline.clock_stopped_at is None

    again = import_expenses(
        township=world.township, records=read_expense_csv(data), source="csv", by=world.admin
    )
    assert again == {"received": 4, "new": 0, "known": 4, "warnings": 0}
    assert CareWarning.objects.count() == 1 and VisitTask.objects.count() == 1
    assert MedicalExpense.objects.count() == 4


def test_records_without_an_id_are_recognised_by_their_content(world, listed):
    record = {
        "id_number": id_number(1, born="19380101"),
        "date": "2026-11-02",
        "amount": "6000",
        "hospital": "县医院",
    }
    assert import_expenses(township=world.township, records=[record], source="api")["warnings"] == 1
    assert import_expenses(township=world.township, records=[dict(record)], source="api")["warnings"] == 0
    assert (
        import_expenses(township=world.township, records=[{**record, "amount": "6001"}], source="api")[
            "warnings"
        ]
        == 1
    )


def test_the_threshold_comes_from_the_settings(world, listed, settings):
    settings.GRID_CARE_EXPENSE_THRESHOLD = "10000"
    record = {
        "record_id": "B1",
        "id_number": id_number(1, born="19380101"),
        "date": "2026-11-02",
        "amount": "8000",
    }
    assert import_expenses(township=world.township, records=[record], source="api")["warnings"] == 0
    # exactly the threshold is not over it
    record = {**record, "record_id": "B2", "amount": "10000"}
    assert import_expenses(township=world.township, records=[record], source="api")["warnings"] == 0


def test_bad_records_are_named_and_nothing_is_stored(world, listed):
    data = csv_of(
        ("C1", id_number(1, born="19380101"), "2026-11-02", "8000", "县医院"),
        ("C2", "12345", "2026-11-02", "100", ""),
        ("C3", id_number(2), "2026-13-40", "100", ""),
        ("C4", id_number(2), "2026-11-02", "-5", ""),
        ("C5", id_number(2), "2099-01-01", "5", ""),
        ("C6", id_number(2), "2026-11-02", "١٠٠", ""),
    )
    with pytest.raises(ImportRejected) as caught:
        import_expenses(township=world.township, records=read_expense_csv(data), source="csv")
    assert [(r, c) for r, c, _m in caught.value.row_errors] == [
        (3, "id_number"),
        (4, "date"),
        (5, "amount"),
        (6, "date"),
        (7, "amount"),
    ]
    assert not MedicalExpense.objects.exists() and not CareWarning.objects.exists()
    with pytest.raises(ImportRejected, match="Missing columns"):
        read_expense_csv(b"foo,bar\n1,2\n")


def test_the_visit_record_closes_the_task_its_deadline_and_the_warning(world, listed):
    record = {
        "record_id": "D1",
        "id_number": id_number(1, born="19380101"),
        "date": "2026-11-02",
        "amount": "9000",
    }
    import_expenses(township=world.township, records=[record], source="api")
    task = VisitTask.objects.get()
    with pytest.raises(GridError, match="your grids"):
        record_visit(task, by=world.other_member, finding="看过了")
    with pytest.raises(GridError):
        record_visit(task, by=world.member, finding="  ")
    visit = record_visit(
        task, by=world.member, finding="住院后回家休养", help_needed="医疗救助", refer_to_assistance=True
    )
    task.refresh_from_db()
    assert task.status == "done" and visit.refer_to_assistance
    assert CareWarning.objects.get().status == "closed"
    assert deadlines_for(task).get().clock_stopped_at is not None
    listed.care.refresh_from_db()
    assert listed.care.last_visited_on is not None
    with pytest.raises(Conflict):
        record_visit(task, by=world.member, finding="再去一次")


def test_regular_visits_are_scheduled_once(world, listed):
    assert schedule_due_visits(township=world.township) == 1
    assert schedule_due_visits(township=world.township) == 0
    task = VisitTask.objects.get()
    assert task.warning is None and deadlines_for(task).filter(kind="visit").exists()


def test_a_late_visit_is_swept_and_warned_to_its_member_like_any_case(world, listed):
    from datetime import timedelta

    from township.casework.sweep import sweep_warning_levels
    from township.notify.models import InboxItem

    record = {
        "record_id": "E1",
        "id_number": id_number(1, born="19380101"),
        "date": "2026-11-02",
        "amount": "9000",
    }
    import_expenses(township=world.township, records=[record], source="api")
    deadline = deadlines_for(VisitTask.objects.get()).get()
    sweep_warning_levels(now=deadline.due_at + timedelta(hours=1))
    deadline.refresh_from_db()
    assert deadline.warning_level == 2
    assert InboxItem.objects.filter(user=world.member).exists()
    assert InboxItem.objects.filter(user=world.head).exists()
    assert not InboxItem.objects.filter(user=world.other_member).exists()


def test_the_daily_task_schedules_due_visits(world, listed):
    from grid.tasks import schedule_due_care_visits

    assert schedule_due_care_visits() == 1
    assert schedule_due_care_visits() == 0
